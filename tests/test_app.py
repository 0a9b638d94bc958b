"""The Gradio page: end to end through gradio_client against a launched server, and its handlers called directly (fake backend)."""

import concurrent.futures
import time
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from reviewer import load_settings
from reviewer.app import CSS, build_app


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=home)
    app = build_app(settings)
    app.queue(default_concurrency_limit=1).launch(
        server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, css=CSS, quiet=True, max_file_size="20mb"
    )
    yield app.local_url
    app.close()


def _review(url, file=None, text=""):
    client = Client(url, verbose=False)
    return client.predict(handle_file(str(file)) if file else None, text, "fake", "", "", "", api_name="/run_review")


def test_upload_review_download(server, sample_plan):
    status, summary, findings, plan, quality, files = _review(server, file=sample_plan)
    assert status.startswith("✅")
    assert "云溪县" in summary and summary.count("class=\"badge\"") == 8
    assert "finding-E4" in findings and "依据" in findings
    assert "class='plan'" in plan and "云溪英才" in plan
    assert "读取 1/1 页" in quality
    assert sorted(Path(f).suffix for f in files) == [".docx", ".json", ".md"]


def test_pasted_text_is_reviewed(server):
    status, summary, *_ = _review(server, text="某县发展新质生产力工作方案\n一、主要目标\n到2026年，建成县级孵化器2个。\n二、重点任务\n（一）推动纺织、食品等传统产业数字化改造，建设县级工业互联网平台和科技企业孵化器，培育新能源装备产业。")
    assert status.startswith("✅") and "某县发展新质生产力工作方案" in summary


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("scan.pdf", b"%PDF-1.4\n%broken", "PDF"),
        ("empty.txt", b"   ", "empty"),
        ("sheet.docx", b"PK\x03\x04not really a word file", "docx"),
    ],
    ids=["corrupt_pdf", "empty_text", "not_really_docx"],
)
def test_bad_input_gives_a_message_not_a_traceback(server, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    status, summary, *_ = _review(server, file=path)
    assert status.startswith("❌") and message.lower() in status.lower()
    assert "Traceback" not in status and summary == ""


def test_wrong_file_type_is_refused_with_a_readable_message(server, tmp_path):
    from gradio_client.exceptions import AppError

    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(AppError, match="Invalid file type"):
        _review(server, file=path)


def test_nothing_given_asks_for_a_plan(server):
    status, *_ = _review(server)
    assert "请先上传" in status


def test_two_users_at_once_each_get_their_own_report(server, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲县新质生产力行动方案\n到2026年，建设甲县孵化器。\n二、重点任务\n（一）推动纺织、食品等传统产业数字化改造，建设县级工业互联网平台和科技企业孵化器，培育新能源装备产业。", encoding="utf-8")
    b.write_text("乙市新质生产力实施意见\n到2027年，建设乙市数据平台。\n二、重点任务\n（一）推动纺织、食品等传统产业数字化改造，建设县级工业互联网平台和科技企业孵化器，培育新能源装备产业。", encoding="utf-8")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        ra, rb = pool.map(lambda f: _review(server, file=f), [a, b])
    assert "甲县" in ra[1] and "乙市" not in ra[1]
    assert "乙市" in rb[1] and "甲县" not in rb[1]


def test_batch_tab_returns_the_plan_by_check_table(server, sample_plan, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7 cut")
    client = Client(server, verbose=False)
    status, table, tables = client.predict([handle_file(str(sample_plan)), handle_file(str(bad))], "fake", "", "", "",
                                           api_name="/run_batch")
    assert "完成 1 份" in status and "失败 1 份" in status
    assert len(table["data"]) == 1 and len(table["data"][0]) == 9
    assert sorted(Path(t).name for t in tables) == ["summary.csv", "summary.xlsx"]


# --- the page's handlers called directly, each with its own settings (issue 10) -----------------

PLAN_TEXT = ("某县发展新质生产力工作方案\n一、主要目标\n到2026年，建成县级孵化器2个。\n二、重点任务\n"
             "（一）推动纺织、食品等传统产业数字化改造，建设县级工业互联网平台和科技企业孵化器，培育新能源装备产业。")


def _handler(tmp_path, home=None):
    from reviewer.app import ReviewerPool, _review_handler

    settings = load_settings(environ={}, backend="fake", embedding="fake", home=home or tmp_path / "home")
    return _review_handler(ReviewerPool(settings), tmp_path / "work")


def _quiet(*args, **kwargs):
    """Stands in for gr.Progress."""


def test_an_unwritable_home_is_a_message_on_the_page(tmp_path):
    (tmp_path / "a-file").write_text("")
    run_review = _handler(tmp_path, home=tmp_path / "a-file" / "home")
    status, summary, *_ = run_review(None, PLAN_TEXT, "fake", "", "", "", progress=_quiet)
    assert status.startswith("❌") and "REVIEWER_HOME" in status and "cannot write the corpus index" in status
    assert summary == ""


def test_a_review_whose_files_cannot_be_written_is_still_shown(tmp_path):
    from reviewer.app import ReviewerPool, _review_handler

    (tmp_path / "a-file").write_text("")
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path / "home")
    run_review = _review_handler(ReviewerPool(settings), tmp_path / "a-file" / "work")  # a folder under a file
    status, summary, findings, plan, _, files, report = run_review(None, PLAN_TEXT, "fake", "", "", "", progress=_quiet)
    assert status.startswith("✅") and "报告文件未能写出" in status
    assert summary and findings and plan and files is None and report is not None


def _timed_review(run_review, path):
    started = time.perf_counter()
    status, *_ = run_review(str(path), "", "fake", "", "", "", progress=_quiet)
    return status, time.perf_counter() - started


def test_a_10_mb_single_line_upload_is_refused_at_once_and_the_next_review_runs_as_usual(tmp_path):
    """Issue 10, items 5 and 6 through the page: one huge line used to hold the page's single queue for good."""
    run_review = _handler(tmp_path)
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN_TEXT, encoding="utf-8")
    _timed_review(run_review, plan)  # warm-up: builds the corpus index
    status, usual = _timed_review(run_review, plan)
    assert status.startswith("✅")
    huge = tmp_path / "huge.md"
    huge.write_bytes(("# 发展新质生产力" + "推动传统产业转型升级，培育战略性新兴产业，" * 250_000).encode())  # no line break
    assert huge.stat().st_size > 10 * 2**20
    status, seconds = _timed_review(run_review, huge)
    assert status.startswith("❌") and "limit of 150,000 characters" in status and seconds < 5
    status, after = _timed_review(run_review, plan)
    assert status.startswith("✅") and after < 2 * usual + 2


def test_an_incomplete_review_is_a_warning_on_the_page_not_a_tick(tmp_path):
    """Issue 10, item 1: a dead backend used to show ✅ 审读完成 with a clean headline."""
    from reviewer import FakeChat, LLMError, Reviewer
    from reviewer.app import ReviewerPool, _review_handler

    def dying(settings):
        return Reviewer(settings, chat=FakeChat().enqueue(LLMError("endpoint down"), LLMError("endpoint down")))

    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path / "home")
    run_review = _review_handler(ReviewerPool(settings, factory=dying), tmp_path / "work")
    status, summary, *_ = run_review(None, PLAN_TEXT, "fake", "", "", "", progress=_quiet)
    assert status.startswith("⚠️ 审读未完成") and "审读未完成" in summary
    assert "未发现四类误区" not in summary and "均已体现" not in summary


def test_the_page_offers_the_fake_backend_only_when_started_with_it(tmp_path):
    """Issue 10, item 13: the fake backend gives normal-looking verdicts, so users are never offered it."""
    import gradio as gr

    def offered(backend):
        app = build_app(load_settings(environ={}, backend=backend, embedding="fake", home=tmp_path))
        radio = next(b for b in app.blocks.values() if isinstance(b, gr.Radio) and str(b.label).startswith("模型后端"))
        return [c[1] if isinstance(c, tuple) else c for c in radio.choices]

    assert "fake" not in offered("local") and "openai" in offered("local")
    assert "fake" in offered("fake")
