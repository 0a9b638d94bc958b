"""The page's batch handler, called directly: the batch module's loop, state and tables behind it."""

from pathlib import Path

from reviewer import FakeChat, LLMError, Reviewer, load_settings
from reviewer.app import ReviewerPool, _batch_handler
from reviewer.batch import STATE_FILE

PLAN = ("某县发展新质生产力工作方案\n一、主要目标\n到2026年，建成县级孵化器2个。\n二、重点任务\n"
        "（一）推动纺织、食品等传统产业数字化改造，建设县级工业互联网平台和科技企业孵化器，培育新能源装备产业。")


def _quiet(*args, **kwargs):
    """Stands in for gr.Progress."""


def test_the_page_batch_runs_the_batch_module(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.pdf"
    good.write_text(PLAN, encoding="utf-8")
    bad.write_bytes(b"%PDF-1.7 cut")
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path / "home")
    run_batch = _batch_handler(ReviewerPool(settings), tmp_path / "work")
    status, rows, tables, reports = run_batch([str(good), str(bad)], "fake", "", "", "", progress=_quiet)
    assert status.startswith("完成 1 份") and "失败 1 份：bad.pdf：" in status
    assert len(rows) == 1 and rows[0][0] == "good.txt" and len(rows[0]) == 9
    [out] = (tmp_path / "work").iterdir()
    assert (out / STATE_FILE).is_file() and (out / "good.md").is_file()  # resumable state and reports, as from the CLI
    assert sorted(Path(t).name for t in tables) == ["summary.csv", "summary.xlsx"]
    assert list(reports) == ["good.txt"] and reports["good.txt"] == str(out / "good.json")  # for the 横向比较 tab


def test_an_incomplete_plan_is_named_in_the_page_batch_status(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")

    def dying(settings):
        return Reviewer(settings, chat=FakeChat().enqueue(LLMError("endpoint down"), LLMError("endpoint down")))

    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path / "home")
    status, rows, *_ = _batch_handler(ReviewerPool(settings, factory=dying), tmp_path / "work")(
        [str(plan)], "fake", "", "", "", progress=_quiet)
    assert "其中 1 份审读未完成：plan.txt" in status
    assert "检查失败" in rows[0]
