"""Aggregate stage: indicator answers → verdict and confidence, by the framework's rules.

An indicator counts as "yes" only when the model answered yes *and* at least one of its
quotes was verified in the plan (and, where the indicator lists evidence cues, the quote
contains one). Everything else counts as "no". The check's rules are then read top to
bottom; the first whose indicators are all "yes" gives the verdict.

Confidence is a documented heuristic, not a probability:

- start from 0.85 when a `when` rule decided, 0.7 when the `else` rule decided (absence
  of evidence is weaker than evidence);
- minus 0.15 for each indicator whose yes was downgraded for lack of verified evidence;
- minus 0.1 for each indicator answered insufficient_evidence;
- bounded to [0.2, 0.95].
"""

from __future__ import annotations

from pydantic import BaseModel

from .contracts import Answer, Finding, Summary, Verdict
from .framework import Check, Rule


class RuleOutcome(BaseModel):
    """The verdict a check's rules give for a set of effective answers."""

    verdict: Verdict
    why: str
    rule_index: int
    """Which rule decided (0-based; the last is the ``else`` rule)."""
    confidence: float


def effective_answers(answers: dict[str, Answer], supported: dict[str, bool]) -> dict[str, bool]:
    """Indicator → counts as yes: answered yes and backed by verified evidence."""
    return {ind: answers.get(ind) == "yes" and supported.get(ind, False) for ind in answers}


def first_matching(rules: list[Rule], yes: dict[str, bool]) -> tuple[int, Rule]:
    """The first rule whose required indicators are all yes (the ``else`` rule matches anything)."""
    for i, rule in enumerate(rules):
        if rule.when is None or all(yes.get(ind, False) for ind in rule.when):
            return i, rule
    raise ValueError("rules must end with an `else` rule")  # guaranteed by Check validation


def decide(check: Check, answers: dict[str, Answer], supported: dict[str, bool]) -> RuleOutcome:
    """Apply ``check``'s rules to the model's answers and the verification results."""
    yes = effective_answers(answers, supported)
    index, rule = first_matching(check.rule, yes)
    downgraded = sum(1 for ind, a in answers.items() if a == "yes" and not yes[ind])
    unsure = sum(1 for a in answers.values() if a == "insufficient_evidence")
    base = 0.7 if rule.when is None else 0.85
    confidence = min(0.95, max(0.2, base - 0.15 * downgraded - 0.1 * unsure))
    return RuleOutcome(verdict=rule.result, why=rule.why, rule_index=index, confidence=round(confidence, 2))


def summarise(findings: list[Finding], names: dict[str, str]) -> Summary:
    """Which checks flag a problem, and a one-paragraph headline in Chinese."""
    summary = Summary(
        misconceptions_present=[f.check_id for f in findings if f.verdict == "present"],
        embedding_missing=[f.check_id for f in findings if f.verdict == "missing"],
        embedding_partial=[f.check_id for f in findings if f.verdict == "partial"],
        failed=[f.check_id for f in findings if f.status != "ok"],
    )

    def label(ids: list[str]) -> str:
        return "、".join(f"{i}「{names[i]}」" for i in ids)

    parts = []
    parts.append(f"存在误区：{label(summary.misconceptions_present)}。" if summary.misconceptions_present else "未发现四类误区。")
    if summary.embedding_missing:
        parts.append(f"缺失的嵌入点：{label(summary.embedding_missing)}。")
    if summary.embedding_partial:
        parts.append(f"部分体现的嵌入点：{label(summary.embedding_partial)}。")
    if not summary.embedding_missing and not summary.embedding_partial:
        parts.append("四个嵌入点均已体现。")
    if summary.failed:
        parts.append(f"未能完成判断的检查：{'、'.join(summary.failed)}（见各项说明）。")
    summary.text = "".join(parts)
    return summary
