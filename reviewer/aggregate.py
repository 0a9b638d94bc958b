"""Aggregate stage: sentence scores → indicator answers → verdict, by the framework's rules.

An indicator counts as yes when at least one of its candidate sentences scores at or above
the indicator's calibrated threshold (``corpus/reading/calibration.yaml``); those
sentences are its evidence, best first. The check's rules are then read top to bottom;
the first whose indicators are all yes gives the verdict, skipping rules marked
``absence_based`` unless the document is a comprehensive plan with its task list shown.

Confidence is a documented heuristic, not a probability: the mean distance of the
deciding indicators' scores from their thresholds, mapped to [0.5, 0.95]; an ``else``
verdict (nothing found) starts lower, at 0.6, minus the closest miss among the indicators that could have given
another verdict in this scope (:func:`contenders`, carried on the outcome as ``rivals``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from .contracts import DocumentScope, Evidence, Finding, Summary, Verdict
from .framework import POSITIVE, Check, Rule
from .resources import data_dir, parse_yaml

MAX_EVIDENCE = 3
"""Quotes shown per indicator, at most."""


def shown(evidence: list[Evidence]) -> list[Evidence]:
    """The quotes to show for one indicator's verified evidence (best first).

    The best quote is always shown, since it carries the verdict; further quotes only when the model
    was sure of them (not ``weak``): a reader rejects unsure quotes far more often, and a second
    unsure quote adds doubt, not proof.
    """
    return [e for i, e in enumerate(evidence[:MAX_EVIDENCE]) if i == 0 or not e.weak]


class Thresholds(BaseModel):
    """Per-indicator yes thresholds for one model."""

    default: float
    by_indicator: dict[str, float]

    def get(self, indicator: str, source: str = "cue") -> float:
        """The threshold of ``indicator`` for candidates found by ``source`` (``cue`` or ``meaning``).

        Sentences found by meaning alone are often only near the topic, so they may need a higher
        bar; without a fitted value they share the indicator's threshold.
        """
        base = self.by_indicator.get(indicator, self.default)
        return self.by_indicator.get(f"{indicator}~{source}", base) if source != "cue" else base

    def asks(self, source: str, indicators: list[str]) -> bool:
        """Whether any of ``indicators`` can count a candidate found by ``source`` (threshold ≤ 1)."""
        return any(self.get(ind, source) <= 1.0 for ind in indicators)


@lru_cache(maxsize=4)
def _calibration(path: Path) -> dict[str, object]:
    return parse_yaml(path.read_text(encoding="utf-8")) or {}


def load_thresholds(model: str, path: Path | None = None) -> Thresholds:
    """Thresholds fitted for ``model`` on the dev splits, or the default for every indicator."""
    data = _calibration(path or data_dir("corpus") / "reading" / "calibration.yaml")
    models = data.get("models") or {}
    fitted = models.get(model, {}) if isinstance(models, dict) else {}
    return Thresholds(default=float(data.get("default", 0.5)), by_indicator=dict(fitted or {}))  # type: ignore[arg-type]


class RuleOutcome(BaseModel):
    """The verdict a check's rules give for a set of indicator answers."""

    verdict: Verdict
    why: str
    rule: Rule
    rivals: set[str]
    """The indicators whose yes could have given another verdict in this scope (:func:`contenders`)."""


def applies(rule: Rule, scope: DocumentScope | None) -> bool:
    """Whether the rule may be used for this document.

    An absence-based rule only where the scope allows it (a comprehensive plan with its task list; no scope known
    counts as allowed).
    """
    return not rule.absence_based or scope is None or scope.absence_rules_apply


def first_matching(rules: list[Rule], yes: dict[str, bool], scope: DocumentScope | None) -> Rule:
    """The first applicable rule whose required indicators are all yes (the ``else`` rule matches anything)."""
    for rule in rules:
        if not applies(rule, scope):
            continue
        if rule.when is None or all(yes.get(ind, False) for ind in rule.when):
            return rule
    raise ValueError("rules must end with an `else` rule")  # guaranteed by Check validation


def decide(check: Check, yes: dict[str, bool], scope: DocumentScope | None = None) -> RuleOutcome:
    """Apply ``check``'s rules to the indicator answers, as the document's scope allows.

    Where silence means nothing (any document but a comprehensive plan with its task list), a misconception is
    absent for want of a statement of it. A measure that rules it out (M4b: talent measures) is then the reason only
    when it overrules a statement found further down (M4d); otherwise the verdict rests on the ``else`` rule, which
    shows no quotes, since measure quotes would prove nothing the verdict rests on.
    """
    rule = first_matching(check.rule, yes, scope)
    if (check.kind == "misconception" and scope is not None and not scope.absence_rules_apply and rule.when
            and rule.result != POSITIVE[check.kind]):
        below = check.rule[check.rule.index(rule) + 1:]
        if first_matching(below, yes, scope).result != POSITIVE[check.kind]:
            rule = below[-1]
    return RuleOutcome(verdict=rule.result, why=rule.why, rule=rule, rivals=contenders(check, rule.result, scope))


def contenders(check: Check, verdict: Verdict, scope: DocumentScope | None) -> set[str]:
    """The indicators whose yes could have given another verdict here.

    Those of the rules that apply in this scope (no absence-based rule outside a comprehensive plan with its task
    list) and give a different verdict.
    """
    return {ind for rule in check.rule if rule.when and rule.result != verdict and applies(rule, scope) for ind in rule.when}


def confidence(outcome: RuleOutcome, scores: dict[str, float | None], thresholds: Thresholds) -> float:
    """Heuristic confidence from how far the deciding scores lie from their thresholds.

    For an ``else`` verdict only the outcome's ``rivals`` count as near misses: a talent measure found in a thematic
    plan is no near miss of M4 ``present``.
    """
    rule = outcome.rule
    if rule.when:
        margins = [max(0.0, (scores.get(i) or 0.0) - thresholds.get(i)) / max(1e-6, 1 - thresholds.get(i)) for i in rule.when]
        return round(0.5 + 0.45 * sum(margins) / len(margins), 2)
    misses = [(s or 0.0) / max(1e-6, thresholds.get(i)) for i, s in scores.items() if i in outcome.rivals]
    closest = max(misses, default=0.0)
    return round(max(0.3, 0.6 + 0.3 * (1 - closest) - 0.1), 2)


def summarise(findings: list[Finding], names: dict[str, str]) -> Summary:
    """Which checks flag a problem, and a one-paragraph headline in Chinese.

    The headline never calls an incomplete review clean.
    """
    summary = Summary(
        misconceptions_present=[f.check_id for f in findings if f.verdict == "present"],
        embedding_missing=[f.check_id for f in findings if f.verdict == "missing"],
        embedding_partial=[f.check_id for f in findings if f.verdict == "partial"],
        failed=[f.check_id for f in findings if f.status in ("failed", "unparseable")],
        not_judgeable=[f.check_id for f in findings if f.status == "not_judgeable"],
    )
    summary.complete = not summary.failed

    def label(ids: list[str]) -> str:
        return "、".join(f"{i}「{names[i]}」" for i in ids)

    judged_m = [f for f in findings if f.kind == "misconception" and f.status == "ok"]
    judged_e = [f for f in findings if f.kind == "embedding" and f.status == "ok"]
    parts = []
    if not summary.complete:
        parts.append(f"审读未完成：{label(summary.failed)} 未能判断（见各项说明），以下结论只涉及已完成的检查。")
    if summary.misconceptions_present:
        parts.append(f"存在误区：{label(summary.misconceptions_present)}。")
    elif judged_m and len(judged_m) == sum(1 for f in findings if f.kind == "misconception"):
        parts.append("未发现四类误区。")
    elif judged_m:
        parts.append(f"已判断的误区检查（{'、'.join(f.check_id for f in judged_m)}）未发现问题。")
    if summary.not_judgeable:
        parts.append(f"无法判断：{label(summary.not_judgeable)}（文件本身不足以判断，见各项说明）。")
    if summary.embedding_missing:
        parts.append(f"缺失的嵌入点：{label(summary.embedding_missing)}。")
    if summary.embedding_partial:
        parts.append(f"部分体现的嵌入点：{label(summary.embedding_partial)}。")
    if judged_e and not summary.embedding_missing and not summary.embedding_partial:
        all_e = sum(1 for f in findings if f.kind == "embedding")
        parts.append("四个嵌入点均已体现。" if len(judged_e) == all_e else "已判断的嵌入点均已体现。")
    summary.text = "".join(parts)
    return summary
