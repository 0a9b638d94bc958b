"""The framework's rules turn indicator answers into verdicts, as written in framework.yaml."""

import pytest

from reviewer.aggregate import decide
from reviewer.framework import load_framework

FW = load_framework()


def _decide(check_id, answers, supported=None):
    supported = supported if supported is not None else {k: v == "yes" for k, v in answers.items()}
    return decide(FW.get(check_id), answers, supported)


@pytest.mark.parametrize(
    "check_id, answers, verdict",
    [
        ("M3", {"M3a": "no", "M3b": "yes", "M3c": "no"}, "present"),
        ("M3", {"M3a": "yes", "M3b": "yes", "M3c": "no"}, "absent"),
        ("M3", {"M3a": "yes", "M3b": "yes", "M3c": "yes"}, "present"),  # wholesale exit trumps upgrading
        ("M3", {"M3a": "no", "M3b": "no", "M3c": "no"}, "absent"),
        ("M2", {"M2a": "no", "M2b": "yes"}, "present"),
        ("M2", {"M2a": "yes", "M2b": "yes"}, "absent"),
        ("M4", {"M4a": "yes", "M4b": "no", "M4c": "no"}, "present"),
        ("M4", {"M4a": "yes", "M4b": "yes", "M4c": "no"}, "absent"),
        ("M1", {"M1a": "no", "M1b": "yes", "M1c": "no"}, "present"),
        ("E1", {"E1a": "yes", "E1b": "yes"}, "covered"),
        ("E1", {"E1a": "yes", "E1b": "no"}, "partial"),
        ("E1", {"E1a": "no", "E1b": "yes"}, "partial"),
        ("E1", {"E1a": "no", "E1b": "insufficient_evidence"}, "missing"),
        ("E4", {"E4a": "no", "E4b": "yes"}, "missing"),  # a national link with no carrier is no carrier
        ("E4", {"E4a": "yes", "E4b": "no"}, "partial"),
    ],
)
def test_rules(check_id, answers, verdict):
    assert _decide(check_id, answers).verdict == verdict


def test_unverified_yes_cannot_make_a_finding():
    outcome = _decide("M3", {"M3a": "no", "M3b": "yes", "M3c": "no"}, supported={"M3b": False})
    assert outcome.verdict == "absent"
    assert outcome.confidence < _decide("M3", {"M3a": "no", "M3b": "no", "M3c": "no"}).confidence


def test_covered_requires_verified_evidence_for_both_sides():
    outcome = _decide("E3", {"E3a": "yes", "E3b": "yes"}, supported={"E3a": True, "E3b": False})
    assert outcome.verdict == "partial"


def test_every_check_has_indicators_rules_suggestions_and_a_clause():
    ids = [c.id for c in FW.checks]
    assert ids == ["M1", "M2", "M3", "M4", "E1", "E2", "E3", "E4"]
    for check in FW.checks:
        assert check.indicators and check.rule[-1].otherwise
        assert check.positive in check.suggestions
        assert check.clause.startswith("3.")
