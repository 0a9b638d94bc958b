"""Batch resume (issue 10, item 4): keyed on content and settings, distinct names, whole-folder summary."""

import csv
import json
from pathlib import Path

import pytest

from reviewer import FakeChat, Reviewer, load_settings
from reviewer.batch import STATE_FILE, review_batch
from reviewer.embeddings import HashEmbeddings

PLAN = """{county}培育新质生产力行动方案（2024—2026年）
一、主要目标
到2026年，战略性新兴产业增加值占比达到30%以上，高新技术企业数量达到60家。
二、重点任务
（一）培育新兴产业。重点发展新能源装备、新材料产业，建设县级孵化器。
（二）布局未来产业。瞄准人工智能、低空经济，建设县级算力中心。
"""


@pytest.fixture
def make_reviewer(tmp_path):
    def make(**settings):
        reviewer = Reviewer(load_settings(backend="fake", embedding="fake", home=tmp_path / "home", **settings),
                            chat=FakeChat(), embeddings=HashEmbeddings())
        reviewed = []
        review = reviewer.review

        def counting(source, **kwargs):
            reviewed.append(Path(source))
            return review(source, **kwargs)

        reviewer.review = counting
        return reviewer, reviewed

    return make


def _plan(path: Path, county: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PLAN.format(county=county), encoding="utf-8")
    return path


def _summary(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _text(out: Path, name: str) -> str:
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))["text"]


def test_an_edited_plan_is_reviewed_again(make_reviewer, tmp_path):
    plan, out = _plan(tmp_path / "plans" / "plan.txt", "甲县"), tmp_path / "out"
    reviewer, reviewed = make_reviewer()
    assert [i.status for i in review_batch([plan], out, reviewer).items] == ["reviewed"]
    assert [i.status for i in review_batch([plan], out, reviewer).items] == ["skipped"]
    _plan(plan, "乙县")
    assert [i.status for i in review_batch([plan], out, reviewer).items] == ["reviewed"]
    assert len(reviewed) == 2 and "乙县" in _text(out, "plan")


def test_changed_settings_review_again(make_reviewer, tmp_path):
    plan, out = _plan(tmp_path / "plan.txt", "甲县"), tmp_path / "out"
    review_batch([plan], out, make_reviewer()[0])
    other, reviewed = make_reviewer(candidates=5)
    assert [i.status for i in review_batch([plan], out, other).items] == ["reviewed"] and reviewed


def test_same_named_plans_from_two_folders_keep_their_own_reports(make_reviewer, tmp_path):
    a, b = _plan(tmp_path / "a" / "plan.txt", "甲县"), _plan(tmp_path / "b" / "plan.txt", "乙县")
    out = tmp_path / "out"
    reviewer, reviewed = make_reviewer()
    review_batch([a], out, reviewer)
    second = review_batch([b], out, reviewer)  # a later run into the same folder
    assert [i.status for i in second.items] == ["reviewed"] and len(reviewed) == 2
    assert "甲县" in _text(out, "plan") and "乙县" in _text(out, "b-plan")
    rows = _summary(out)
    assert sorted(r["report"] for r in rows) == ["b-plan", "plan"]  # the whole folder, not one row
    assert {r["status"] for r in rows} == {"reviewed"}
    again = review_batch([tmp_path / "a", tmp_path / "b"], out, reviewer)
    assert [i.status for i in again.items] == ["skipped", "skipped"] and len(reviewed) == 2


def test_same_stems_in_one_run_get_distinct_names(make_reviewer, tmp_path):
    _plan(tmp_path / "in" / "x" / "plan.txt", "甲县")
    _plan(tmp_path / "in" / "y" / "plan.md", "乙县")
    _plan(tmp_path / "in" / "y" / "Plan.txt", "丙县")  # differs only in case
    out = tmp_path / "out"
    result = review_batch([tmp_path / "in"], out, make_reviewer()[0])
    names = sorted(Path(i.outputs[0]).stem for i in result.items)
    assert len(set(n.casefold() for n in names)) == 3
    assert {_text(out, n)[:2] for n in names} == {"甲县", "乙县", "丙县"}


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_a_missing_report_beside_its_json_is_rebuilt_without_reviewing(make_reviewer, tmp_path, fmt):
    plan, out = _plan(tmp_path / "plan.txt", "甲县"), tmp_path / "out"
    reviewer, reviewed = make_reviewer()
    review_batch([plan], out, reviewer, fmt=fmt)
    (out / f"plan.{fmt}").unlink()
    result = review_batch([plan], out, reviewer, fmt=fmt)
    assert result.items[0].status == "skipped" and (out / f"plan.{fmt}").stat().st_size > 0
    assert str(out / f"plan.{fmt}") in result.items[0].outputs and len(reviewed) == 1


def test_failed_plans_are_in_the_summary_with_their_reason(make_reviewer, tmp_path):
    plans = tmp_path / "plans"
    _plan(plans / "good.txt", "甲县")
    (plans / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    (plans / "tiny.txt").write_text("云溪县人民政府", encoding="utf-8")
    out = tmp_path / "out"
    reviewer, _ = make_reviewer()
    result = review_batch([plans], out, reviewer)
    assert sorted(i.status for i in result.items) == ["error", "error", "reviewed"]
    rows = {r["plan"]: r for r in _summary(out)}
    assert rows["good.txt"]["status"] == "reviewed" and rows["good.txt"]["M1"]
    assert rows["broken.pdf"]["status"] == "failed" and "damaged" in rows["broken.pdf"]["error"]
    assert rows["tiny.txt"]["status"] == "failed" and "at least 50" in rows["tiny.txt"]["error"]
    _plan(plans / "tiny.txt", "乙县")  # fixed: reviewed on the next run, no longer failed
    again = review_batch([plans], out, reviewer)
    assert sorted(i.status for i in again.items) == ["error", "reviewed", "skipped"]
    assert {r["plan"]: r["status"] for r in _summary(out)}["tiny.txt"] == "reviewed"


def test_a_damaged_state_file_means_reviewing_again(make_reviewer, tmp_path):
    plan, out = _plan(tmp_path / "plan.txt", "甲县"), tmp_path / "out"
    reviewer, reviewed = make_reviewer()
    review_batch([plan], out, reviewer)
    (out / STATE_FILE).write_text("{not json", encoding="utf-8")
    assert review_batch([plan], out, reviewer).items[0].status == "reviewed" and len(reviewed) == 2


def test_an_incomplete_review_is_marked_incomplete_in_the_summary(tmp_path):
    """Issue 10, item 1: a plan whose checks failed must not look reviewed in the batch table."""
    from reviewer import LLMError

    chat = FakeChat().enqueue(LLMError("endpoint down"), LLMError("endpoint down"))
    reviewer = Reviewer(load_settings(backend="fake", embedding="fake", home=tmp_path / "home"), chat=chat,
                        embeddings=HashEmbeddings())
    out = tmp_path / "out"
    review_batch([_plan(tmp_path / "plans" / "plan.txt", "甲县")], out, reviewer)
    [row] = _summary(out)
    assert row["status"] == "incomplete" and row["error"].startswith("未能判断：") and "E4" in row["error"]
