"""The framework's rules turn indicator answers into verdicts, as the document's scope allows."""

import pytest

from reviewer.aggregate import Thresholds, confidence, contenders, decide, load_thresholds, shown, summarise
from reviewer.contracts import DocumentScope, Evidence, Finding
from reviewer.framework import load_framework

FW = load_framework()


def _scope(kind, task_list=True):
    return DocumentScope(kind=kind, name=kind, title="t", task_list=task_list, body_chars=5000, reason="r",
                         absence_rules_apply=kind == "comprehensive" and task_list)


def _decide(check_id, yes, scope=None):
    return decide(FW.get(check_id), {k: v == "yes" for k, v in yes.items()}, scope or _scope("comprehensive"))


@pytest.mark.parametrize(
    "check_id, answers, verdict",
    [
        ("M3", {"M3a": "no", "M3b": "yes", "M3c": "no"}, "present"),
        ("M3", {"M3a": "yes", "M3b": "yes", "M3c": "no"}, "absent"),
        ("M3", {"M3a": "yes", "M3b": "yes", "M3c": "yes"}, "present"),  # wholesale exit trumps upgrading
        ("M3", {"M3a": "yes", "M3d": "yes"}, "present"),  # an explicit definition trumps upgrading
        ("M3", {"M3a": "no", "M3b": "no", "M3c": "no"}, "absent"),
        ("M2", {"M2a": "no", "M2b": "yes"}, "present"),
        ("M2", {"M2a": "yes", "M2b": "yes"}, "absent"),
        ("M4", {"M4a": "yes", "M4b": "no", "M4c": "no"}, "present"),
        ("M4", {"M4a": "yes", "M4b": "yes", "M4c": "no"}, "absent"),
        ("M4", {"M4d": "yes", "M4b": "no", "M4c": "no"}, "present"),  # NQPF stated to *be* the industrial system
        ("M4", {"M4d": "yes", "M4b": "yes", "M4c": "no"}, "absent"),  # ... but the plan also works on the factors
        ("M1", {"M1a": "no", "M1b": "yes", "M1c": "no"}, "present"),
        ("E1", {"E1a": "yes", "E1b": "yes"}, "covered"),
        ("E1", {"E1a": "yes", "E1b": "no"}, "partial"),
        ("E1", {"E1a": "no", "E1b": "yes"}, "partial"),
        ("E1", {"E1a": "no", "E1b": "no"}, "missing"),
        ("E4", {"E4a": "no", "E4b": "yes"}, "missing"),  # a national link with no carrier is no carrier
        ("E4", {"E4a": "yes", "E4b": "no"}, "partial"),
    ],
)
def test_rules(check_id, answers, verdict):
    assert _decide(check_id, answers).verdict == verdict


@pytest.mark.parametrize("kind", ["thematic", "decision", "excerpt"])
def test_absence_never_makes_a_misconception_outside_comprehensive_plans(kind):
    assert _decide("M2", {"M2a": "no", "M2b": "yes"}, _scope(kind)).verdict == "absent"
    assert _decide("M3", {"M3a": "no", "M3b": "yes"}, _scope(kind)).verdict == "absent"
    assert _decide("M4", {"M4a": "yes", "M4b": "no", "M4c": "no"}, _scope(kind)).verdict == "absent"
    # a positive statement still counts
    assert _decide("M3", {"M3d": "yes"}, _scope(kind)).verdict == "present"
    assert _decide("M2", {"M2c": "yes"}, _scope(kind)).verdict == "present"
    assert _decide("M4", {"M4d": "yes", "M4b": "no", "M4c": "no"}, _scope(kind)).verdict == "present"
    # a supply role ("保障东部地区电力供应") is no proof that the place *limits itself* to it: that needs the whole plan
    assert _decide("M1", {"M1a": "no", "M1b": "yes", "M1c": "no"}, _scope(kind)).verdict == "absent"
    assert _decide("M1", {"M1a": "yes"}, _scope(kind)).verdict == "present"  # deferring, stated, still counts


def test_a_comprehensive_plan_without_its_task_list_is_judged_on_statements_only():
    assert _decide("M3", {"M3a": "no", "M3b": "yes"}, _scope("comprehensive", task_list=False)).verdict == "absent"


@pytest.mark.parametrize("kind", ["thematic", "decision", "excerpt"])
def test_where_silence_means_nothing_a_measure_is_the_reason_only_when_it_overrules_a_statement(kind):
    # no statement of the misconception: absent for want of one, so no measure quote is its evidence
    outcome = _decide("M4", {"M4b": "yes", "M4a": "yes"}, _scope(kind))
    assert outcome.verdict == "absent" and outcome.rule.when is None
    assert _decide("M2", {"M2a": "yes", "M2b": "yes"}, _scope(kind)).rule.when is None
    # a statement the measure overrules: the measure is the reason, and its quotes are shown
    outcome = _decide("M4", {"M4b": "yes", "M4d": "yes"}, _scope(kind))
    assert outcome.verdict == "absent" and outcome.rule.when == {"M4b": "yes"}
    # in a comprehensive plan with its task list the measure is what stops the inference from silence
    assert _decide("M2", {"M2a": "yes", "M2b": "yes"}).rule.when == {"M2a": "yes"}


def test_a_measure_or_a_skipped_inference_is_no_near_miss_of_a_misconception():
    check, thematic = FW.get("M4"), _scope("thematic")
    assert contenders(check, "absent", thematic) == {"M4d"}  # only a statement could make it present here
    assert contenders(check, "absent", _scope("comprehensive")) == {"M4d", "M4a"}
    outcome = decide(check, {"M4b": True}, thematic)
    thresholds = Thresholds(default=0.5, by_indicator={})
    scores = {"M4a": 0.9, "M4b": 0.9, "M4c": None, "M4d": None}
    every_yes = outcome.model_copy(update={"rivals": set(scores)})
    assert confidence(outcome, scores, thresholds) == 0.8  # nothing came near a statement of M4
    assert confidence(every_yes, scores, thresholds) == 0.3  # what counting every yes as a near miss gave


def test_uncalibrated_models_use_the_default_threshold():
    thresholds = load_thresholds("some-remote-model")
    assert thresholds.get("M3b") == thresholds.default == 0.5


def test_failed_checks_never_read_as_all_clear():
    findings = [Finding(check_id=c.id, name=c.name, kind=c.kind, status="failed", error="x") for c in FW.checks]
    summary = summarise(findings, {c.id: c.name for c in FW.checks})
    assert not summary.complete and "审读未完成" in summary.text
    assert "未发现四类误区" not in summary.text and "均已体现" not in summary.text


def test_every_check_has_indicators_rules_suggestions_and_a_clause():
    ids = [c.id for c in FW.checks]
    assert ids == ["M1", "M2", "M3", "M4", "E1", "E2", "E3", "E4"]
    for check in FW.checks:
        assert check.indicators and check.rule[-1].otherwise
        assert check.positive in check.suggestions
        assert check.clause.startswith("3.")


def test_the_best_quote_is_always_shown_and_further_ones_only_when_the_model_was_sure():
    def ev(score):
        return Evidence(indicator="E3a", quote=f"q{score}", start=0, end=1, page=1, score=score)

    assert [e.score for e in shown([ev(0.9), ev(0.7), ev(0.5)])] == [0.9, 0.7]
    assert [e.score for e in shown([ev(0.45), ev(0.4)])] == [0.45]
    assert [e.score for e in shown([ev(0.95), ev(0.9), ev(0.8), ev(0.7)])] == [0.95, 0.9, 0.8]
    assert shown([]) == []
