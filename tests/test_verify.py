"""Quote verification: exact, normalised and fuzzy matches mapped back to original spans."""

import pytest

from reviewer.verify import FUZZY_MIN, PlanText, has_cue, normalise

PLAN = "二、主要目标\n到2026年，全县战略性新兴产业增加值占比达到30%以上；\n依托县工业园区，重点招引光伏组件、储能电池及配套企业。"


@pytest.mark.parametrize(
    "quote, method",
    [
        ("到2026年，全县战略性新兴产业增加值占比达到30%以上", "exact"),
        ("“依托县工业园区，重点招引光伏组件”", "exact"),  # surrounding quote marks ignored
        ("依托县工业 园区 重点招引光伏组件", "normalised"),  # spacing and punctuation differ
        ("到２０２６年，全县战略性新兴产业增加值占比达到３０%以上。", "normalised"),  # full-width digits
        ("依托县工业园区，重点招商光伏组件、储能电池及配套企业", "fuzzy"),  # one character misquoted
    ],
    ids=["exact", "quote_marks", "spacing", "fullwidth", "one_char_off"],
)
def test_quote_found_and_mapped_to_original_span(quote, method):
    plan = PlanText(PLAN)
    match = plan.locate(quote)
    assert match.verified and match.method == method
    assert PLAN[match.start : match.end] == match.text
    if method == "fuzzy":
        assert FUZZY_MIN <= match.similarity < 1


@pytest.mark.parametrize(
    "quote",
    ["争取或结合中央资源，如中央预算内投资", "规划提出建设国家级高新区", "园区", ""],
    ids=["words_from_the_question", "invented", "too_short", "empty"],
)
def test_unfindable_quotes_fail_with_a_reason(quote):
    match = PlanText(PLAN).locate(quote)
    assert not match.verified and match.reason and match.start is None


def test_regex_metacharacters_are_plain_text():
    plan = PlanText("研发投入强度（%）达到2.5%以上(含)。")
    assert plan.locate("研发投入强度（%）达到2.5%以上(含)").verified
    assert not plan.locate(".*+?[](){}").verified


def test_normalise_keeps_offsets():
    norm, offsets = normalise("A，b 1")
    assert norm == "ab1" and offsets == [0, 2, 4]


def test_cues_match_after_normalisation():
    assert has_cue("推动纺织等传统 产业改造", ["传统产业"])
    assert not has_cue("建设孵化器", ["传统产业", "技术改造"])
