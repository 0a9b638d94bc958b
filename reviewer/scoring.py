"""Scoring: (prediction, gold) → item scores, and metrics as reductions over them.

No I/O, no LLM. A check the reviewer could not judge (backend failure or unparseable
answers) is *unscored*: it is left out of precision, recall, F1 and accuracy, and counted
in its own rate, never silently turned into a verdict.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field

from .contracts import Report
from .framework import CHECK_IDS, EMBEDDING_IDS, KIND_VERDICTS, MISCONCEPTION_IDS, POSITIVE, kind_of

LABELS = CHECK_IDS
"""The labels of a labelled plan: the framework's eight checks."""
NOT_JUDGEABLE = "not_judgeable"
"""The verdict of a check the document cannot show: scored as not positive, never as a class."""
CLASSES: dict[str, tuple[str, ...]] = {label: KIND_VERDICTS[kind_of(label)] for label in LABELS}


class GoldExample(BaseModel):
    """One labelled plan in the rubric's JSONL format."""

    id: str
    title: str = ""
    level: str = ""
    region: str = ""
    text: str
    labels: dict[str, str]
    evidence: dict[str, list[str]] = Field(default_factory=dict)
    source: str = ""
    note: str = ""
    kind: str = ""
    """The document's kind (comprehensive, thematic, decision, wrapper, excerpt), where labelled."""


def read_dataset(path: Path) -> list[GoldExample]:
    """Read a JSONL file in the rubric's format (any file, not only ours)."""
    examples = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                examples.append(GoldExample.model_validate(json.loads(line)))
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not a valid example: {exc}") from exc
    return examples


class Prediction(BaseModel):
    """What a system said about one plan, reduced to what scoring needs."""

    id: str
    system: str
    verdicts: dict[str, str | None]
    """Label → verdict, or None when the check was not judged."""
    quotes_given: int = 0
    """Indicators with a candidate sentence at or above its threshold: a quote to verify."""
    quotes_verified: int = 0
    """Of those, how many had a quote that passed verification."""
    checks_unparseable: int = 0
    checks_failed: int = 0
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None
    """Set when the whole plan could not be reviewed."""
    scope: str | None = None
    """The document kind the system decided (None for systems that do not decide one)."""


def prediction_from_report(example_id: str, system: str, report: Report, seconds: float) -> Prediction:
    """Reduce a review report to a prediction."""
    checked = [i.quote_found for f in report.findings for i in f.indicators if i.quote_found is not None]
    return Prediction(
        id=example_id,
        system=system,
        verdicts={f.check_id: f.verdict if f.status == "ok" else NOT_JUDGEABLE if f.status == "not_judgeable" else None
                  for f in report.findings},
        quotes_given=len(checked),
        quotes_verified=sum(checked),
        checks_unparseable=sum(1 for f in report.findings if f.status == "unparseable"),
        checks_failed=sum(1 for f in report.findings if f.status == "failed"),
        seconds=seconds,
        prompt_tokens=report.run.usage.prompt_tokens,
        completion_tokens=report.run.usage.completion_tokens,
        scope=report.scope.kind if report.scope else None,
    )


class ItemScore(BaseModel):
    """One label of one plan: gold against predicted (None = unscored)."""

    id: str
    label: str
    gold: str
    pred: str | None


def score_item(pred: Prediction, gold: GoldExample) -> list[ItemScore]:
    """One ItemScore per label."""
    return [ItemScore(id=gold.id, label=label, gold=gold.labels[label], pred=pred.verdicts.get(label)) for label in LABELS]


class LabelMetrics(BaseModel):
    """Per-label figures."""

    precision: float
    recall: float
    f1: float
    accuracy: float
    """Accuracy over all classes (two for M, three for E)."""
    scored: int
    unscored: int
    confusion: dict[str, dict[str, int]]
    """gold → predicted → count (scored items only)."""


def label_metrics(scores: list[ItemScore], label: str) -> LabelMetrics:
    """Precision, recall and F1 for the label's positive class, accuracy, confusion matrix."""
    items = [s for s in scores if s.label == label]
    scored = [s for s in items if s.pred is not None]
    pos = POSITIVE[kind_of(label)]
    tp = sum(1 for s in scored if s.gold == pos and s.pred == pos)
    fp = sum(1 for s in scored if s.gold != pos and s.pred == pos)
    fn = sum(1 for s in scored if s.gold == pos and s.pred != pos)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    confusion = {g: {p: sum(1 for s in scored if s.gold == g and s.pred == p) for p in CLASSES[label]} for g in CLASSES[label]}
    accuracy = sum(1 for s in scored if s.gold == s.pred) / len(scored) if scored else 0.0
    return LabelMetrics(precision=round(precision, 3), recall=round(recall, 3), f1=round(f1, 3), accuracy=round(accuracy, 3),
                        scored=len(scored), unscored=len(items) - len(scored), confusion=confusion)


class SystemMetrics(BaseModel):
    """Everything an evaluation reports for one system."""

    system: str
    plans: int
    labels: dict[str, LabelMetrics]
    macro_f1_m: float
    macro_f1_e: float
    macro_f1: float
    accuracy_e: float
    """Mean three-class accuracy over E1–E4."""
    verbatim_rate: float | None = None
    """Share of indicators with a candidate over threshold whose quote passed verification (None for systems that do not quote)."""
    parse_failure_rate: float = 0.0
    """Share of checks whose answers never validated."""
    unscored_rate: float = 0.0
    """Share of labels with no verdict (parse failures, backend failures, failed plans)."""
    false_present_rate: float = 0.0
    """Share of gold-absent M labels the system called present (the rubric's target: near zero)."""
    not_judgeable_rate: float = 0.0
    """Share of labels the system said the document cannot show (scored as not positive)."""
    seconds_per_plan: float = 0.0
    prompt_tokens_per_plan: float = 0.0
    completion_tokens_per_plan: float = 0.0
    failed_plans: list[str] = Field(default_factory=list)
    scope_agreement: tuple[int, int] | None = None
    """(agreeing, compared): plans whose decided document kind equals the labelled one, of those with both."""
    scope_confusion: dict[str, int] = Field(default_factory=dict)
    """``labelled→decided`` → count, for the plans where the two kinds differ."""


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


def system_metrics(system: str, preds: list[Prediction], gold: list[GoldExample]) -> SystemMetrics:
    """Reduce a system's predictions against the gold labels."""
    by_id = {p.id: p for p in preds}
    scores = [s for g in gold if g.id in by_id for s in score_item(by_id[g.id], g)]
    labels = {label: label_metrics(scores, label) for label in LABELS}
    given = sum(p.quotes_given for p in preds)
    kinds = [(g.kind, by_id[g.id].scope) for g in gold if g.id in by_id and g.kind and by_id[g.id].scope]
    confusion = Counter(f"{g}→{p}" for g, p in kinds if g != p)
    return SystemMetrics(
        system=system,
        plans=len(preds),
        labels=labels,
        macro_f1_m=_mean([labels[label].f1 for label in MISCONCEPTION_IDS]),
        macro_f1_e=_mean([labels[label].f1 for label in EMBEDDING_IDS]),
        macro_f1=_mean([m.f1 for m in labels.values()]),
        accuracy_e=_mean([labels[label].accuracy for label in EMBEDDING_IDS]),
        verbatim_rate=round(sum(p.quotes_verified for p in preds) / given, 3) if given else None,
        parse_failure_rate=round(sum(p.checks_unparseable for p in preds) / (len(LABELS) * len(preds)), 3) if preds else 0.0,
        unscored_rate=round(sum(1 for s in scores if s.pred is None) / len(scores), 3) if scores else 0.0,
        false_present_rate=false_present_rate(scores),
        not_judgeable_rate=round(sum(1 for s in scores if s.pred == NOT_JUDGEABLE) / len(scores), 3) if scores else 0.0,
        seconds_per_plan=_mean([p.seconds for p in preds]),
        prompt_tokens_per_plan=_mean([p.prompt_tokens for p in preds]),
        completion_tokens_per_plan=_mean([p.completion_tokens for p in preds]),
        failed_plans=[p.id for p in preds if p.error],
        scope_agreement=(sum(1 for g, p in kinds if g == p), len(kinds)) if kinds else None,
        scope_confusion=dict(sorted(confusion.items())),
    )


def false_present_rate(scores: list[ItemScore]) -> float:
    """Share of M labels with gold ``absent`` that were predicted ``present``."""
    absent = [s for s in scores if s.label in MISCONCEPTION_IDS and s.gold == "absent"]
    return round(sum(1 for s in absent if s.pred == "present") / len(absent), 3) if absent else 0.0


def flip_rate(runs: list[list[Prediction]]) -> dict[str, float]:
    """Per label, the share of plans whose verdict differs between any two of ``k`` runs."""
    if len(runs) < 2:
        return {}
    ids = set.intersection(*[{p.id for p in run} for run in runs])
    maps = [{p.id: p for p in run} for run in runs]
    return {
        label: round(sum(1 for i in ids if len({m[i].verdicts.get(label) for m in maps}) > 1) / len(ids), 3) if ids else 0.0
        for label in LABELS
    }
