"""Decide again from recorded scores: threshold fitting on the dev split, and the ablation.

A review report keeps, for every indicator, each candidate sentence with where it came
from (cues or meaning) and the model's probability of yes. Verdicts can therefore be
re-derived offline under another decision method or other thresholds, with no model call:
:func:`redecide` does that, :func:`fit_thresholds` searches per-indicator thresholds that
maximise agreement with the gold labels of a (dev) set, and :data:`VARIANTS` are the
ablation's stages.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from .aggregate import Thresholds, decide
from .contracts import CandidateScore, Report
from .framework import POSITIVE, Check, Framework

GRID = tuple(round(0.20 + 0.05 * i, 2) for i in range(16))
"""Thresholds tried for each indicator: 0.20 … 0.95 (the 1.5B gives stated deferrals P(是) from 0.26 up)."""
OFF = 1.01
"""A threshold no probability reaches: sentences found by meaning alone never count for that indicator."""
FALSE_PRESENT_COST = 2.0
"""A false "present" costs this many correct labels when fitting (the rubric wants them near zero)."""

Rule = Callable[[CandidateScore, Thresholds, str], bool]
"""Whether a candidate of an indicator counts as yes under some thresholds."""

VARIANTS: dict[str, Rule] = {
    "cues only": lambda c, t, i: c.source == "cue",
    "+ model on cue candidates": lambda c, t, i: c.source == "cue" and (c.p_yes or 0.0) >= 0.5,
    "+ candidates by meaning": lambda c, t, i: (c.p_yes or 0.0) >= 0.5,
    "+ calibrated thresholds": lambda c, t, i: (c.p_yes or 0.0) >= t.get(i, c.source),
}
"""The ablation's stages, each a rule for when a candidate sentence counts as yes."""


class Recorded(BaseModel):
    """What one report recorded for one check: candidates per indicator, and the document's scope."""

    check_id: str
    candidates: dict[str, list[CandidateScore]]
    judgeable: bool


def recorded(report: Report) -> dict[str, Recorded]:
    """Check id → recorded candidates (checks that failed are left out)."""
    out = {}
    for f in report.findings:
        if f.status in ("ok", "not_judgeable"):
            out[f.check_id] = Recorded(check_id=f.check_id, judgeable=f.status == "ok",
                                       candidates={i.id: i.candidates for i in f.indicators})
    return out


def redecide(report: Report, framework: Framework, thresholds: Thresholds, rule: Rule) -> dict[str, str | None]:
    """Verdict per check under ``rule`` and ``thresholds`` (None: the check was not recorded)."""
    rec = recorded(report)
    verdicts: dict[str, str | None] = {}
    for check in framework.checks:
        r = rec.get(check.id)
        if r is None:
            verdicts[check.id] = None
        elif not r.judgeable:
            verdicts[check.id] = "not_judgeable"
        else:
            verdicts[check.id] = _verdict(check, r, thresholds, rule, report)
    return verdicts


def _verdict(check: Check, r: Recorded, thresholds: Thresholds, rule: Rule, report: Report) -> str:
    yes = {ind.id: any(rule(c, thresholds, ind.id) for c in r.candidates.get(ind.id, [])) for ind in check.indicators}
    return decide(check, yes, report.scope).verdict


def _objective(check: Check, verdicts: list[str], golds: list[str]) -> float:
    score = 0.0
    for pred, gold in zip(verdicts, golds):
        score += pred == gold
        if check.kind == "misconception" and pred == "present" and gold != "present":
            score -= FALSE_PRESENT_COST
    return score


Labelled = tuple[list[Report], list[dict[str, str]]]
"""Reports and their gold labels."""


def fit_thresholds(reports: list[Report], golds: list[dict[str, str]], framework: Framework,
                   default: float = 0.5, rounds: int = 3, tiebreak: Labelled | None = None) -> dict[str, float]:
    """Thresholds per indicator and candidate source that maximise agreement with ``golds`` (a dev set).

    Two fits are compared on the dev objective and the better kept: sentences found by meaning
    counted (with thresholds of their own), or switched off altogether (``OFF``), which a small
    model that says yes too readily to near-topic sentences may need. Each fit is coordinate
    descent, check by check: each threshold in turn takes the grid value that scores best with
    the others held, for a few rounds. Ties go to the value that best sorts the indicator's own
    sentences (:func:`_sentence_agreement`), then to the value that scores best on ``tiebreak`` (another
    labelled set, which only ever chooses among values the dev set cannot tell apart), then to the value
    nearest the default.
    """
    with_meaning = _fit(reports, golds, framework, default, rounds, meaning=True, tiebreak=tiebreak)
    without = _fit(reports, golds, framework, default, rounds, meaning=False, tiebreak=tiebreak)
    return with_meaning if _total(reports, golds, framework, with_meaning, default) > _total(
        reports, golds, framework, without, default) else without


def stating_indicators(check: Check) -> set[str]:
    """The indicators that alone, as a statement, give the check's problem verdict (M1a: ``present``).

    Such a sentence states the misconception (M1a: deferral for want of conditions), so it should occur
    only in plans labelled with it. Sentences of the other indicators carry no such label: a talent
    measure (M4b) may sit in a plan that still reduces NQPF to industrial chains.
    """
    return {ind for rule in check.rule if rule.when and len(rule.when) == 1 and not rule.absence_based
            and rule.result == POSITIVE[check.kind] for ind in rule.when}


def _sentence_agreement(rows: list[tuple[Recorded, Report, str]], indicator: str, verdict: str,
                        threshold: float) -> int:
    """How many of the indicator's cue sentences the threshold sorts as their plan's label says.

    A sentence of a plan labelled with the verdict the indicator states (M1a: ``present``) should be a
    yes, one of any other plan a no. Plan-level scores often tie over a range of thresholds (every
    labelled plan is decided by other sentences too); this keeps the threshold away from the edge of
    the sentences that the range still separates, so that an unseen plan's sentence is not lost to it.
    """
    return sum(((c.p_yes or 0.0) >= threshold) == (gold == verdict)
               for r, _, gold in rows for c in r.candidates.get(indicator, []) if c.source == "cue")


def _rows(reports: list[Report], golds: list[dict[str, str]], check: Check) -> list[tuple[Recorded, Report, str]]:
    return [(rec[check.id], report, gold[check.id]) for report, gold in zip(reports, golds)
            if (rec := recorded(report)).get(check.id) and rec[check.id].judgeable]


def _score(check: Check, rows: list[tuple[Recorded, Report, str]], values: dict[str, float], default: float) -> float:
    t = Thresholds(default=default, by_indicator=values)
    rule = VARIANTS["+ calibrated thresholds"]
    return _objective(check, [_verdict(check, r, t, rule, report) for r, report, _ in rows], [g for _, _, g in rows])


def _total(reports: list[Report], golds: list[dict[str, str]], framework: Framework, values: dict[str, float],
           default: float) -> float:
    return sum(_score(check, _rows(reports, golds, check), values, default) for check in framework.checks)


def _fit(reports: list[Report], golds: list[dict[str, str]], framework: Framework, default: float, rounds: int,
         *, meaning: bool, tiebreak: Labelled | None = None) -> dict[str, float]:
    fitted: dict[str, float] = {}
    for check in framework.checks:
        rows = _rows(reports, golds, check)
        tie_rows = _rows(*tiebreak, check) if tiebreak else []
        current = {ind.id: default for ind in check.indicators}
        current.update({f"{ind.id}~meaning": default if meaning else OFF for ind in check.indicators})
        keys = [k for k in current if meaning or not k.endswith("~meaning")]
        stating = stating_indicators(check)
        for _ in range(rounds):
            for key in keys:
                grid = (*GRID, OFF) if key.endswith("~meaning") else GRID
                sorts = key in stating  # never a ~meaning key
                ranked = [((_score(check, rows, {**current, key: v}, default),
                            _sentence_agreement(rows, key, POSITIVE[check.kind], v) if sorts else 0,
                            _score(check, tie_rows, {**current, key: v}, default) if tie_rows else 0,
                            -abs(v - default)), v) for v in grid]
                current[key] = max(ranked)[1]
        fitted.update(current)
    return fitted
