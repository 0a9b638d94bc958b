"""The page's 人工复核 section, its handlers called directly (fake backend)."""

from pathlib import Path

import pytest

from reviewer import review
from reviewer.corrections import count_corrections
from reviewer.corrections.page import _accept_rest, _heads, save_handler
from reviewer.scoring import LABELS


@pytest.fixture(scope="module")
def report(sample_plan, tmp_path_factory):
    return review(sample_plan, backend="fake", embedding="fake", home=tmp_path_factory.mktemp("home"))


def _inputs(**rows):
    """The section's inputs in check order: action, verdict, reason, quote per check."""
    values = []
    for check in LABELS:
        values += list(rows.get(check, (None, None, "", "")))
    return values


def test_saving_before_any_review_says_to_review_first(tmp_path):
    status, count, file = save_handler(tmp_path, tmp_path / "work")(None, *_inputs())
    assert "请先完成一次审读" in status and "**0**" in count and file is None


def test_a_dismissal_without_a_reason_is_refused_in_words(report, tmp_path):
    save = save_handler(tmp_path, tmp_path / "work")
    status, *_ = save(report, *_inputs(M2=("dismissed", None, " ", "")))
    assert status == "❌ 未保存：M2: a dismissal needs a reason"
    status, *_ = save(report, *_inputs(M2=("dismissed", None, "误判", "")))
    assert status.startswith("❌") and "no decision for M1, M3" in status and count_corrections(tmp_path) == 0


def test_accept_the_rest_then_save_gives_one_example_and_the_file(report, tmp_path):
    actions = _accept_rest(report, None, "dismissed", *[None] * 6)
    assert actions == ["accepted", "dismissed", *["accepted"] * 6]
    rows = {check: (action, None, "误判" if action == "dismissed" else "", "") for check, action in zip(LABELS, actions)}
    rows["E1"] = ("corrected", "partial", "", report.text[200:240])
    status, count, file = save_handler(tmp_path, tmp_path / "work")(report, *_inputs(**rows))
    assert status.startswith("✅") and "驳回或更正 2 项" in status and "**1**" in count
    assert file and Path(file).read_text(encoding="utf-8").count("\n") == 1


def test_a_check_not_judged_is_not_accepted_with_the_rest_and_says_so(report):
    failed = report.model_copy(deep=True)
    failed.finding("M4").status, failed.finding("M4").verdict = "failed", None
    assert _accept_rest(failed, *[None] * 8)[3] is None
    heads = _heads(failed)
    assert "（只能更正）" in heads[3 * 5] and heads[3 * 5 + 1] is None
