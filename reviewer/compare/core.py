"""``compare``: read a batch of plans or reports, then fields → passages → measures, each stage timed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, Field

from ..contracts import Report
from ..ingest import OcrOptions
from .fields import plan_fields, read_plan
from .grounding import place_names
from .inputs import PlanInput, gather
from .measures import ScoreSettings, clusters, field_frequency, field_similarity, near_identical, score_plans
from .models import Comparison, PlanResult
from .passages import PassageSettings, align_headings, near_duplicates, signatures, sort_pairs, text_similarity
from .taxonomy import EvidenceKind, FieldMatcher, Scope, load_endowment_cues, load_taxonomy

ProgressFn = Callable[[str, int, int], None]
"""Called with (stage, done, total) while plans are read."""


class CompareSettings(BaseModel):
    """Everything that shapes a comparison; passage defaults were fitted on the tuning half of ``eval/compare``, the grounding and warning rules after reading both halves (see the README)."""

    passages: PassageSettings = Field(default_factory=PassageSettings)
    scores: ScoreSettings = Field(default_factory=ScoreSettings)
    taxonomy: Path | None = None
    """A taxonomy file other than the shipped one."""
    endowment: Path | None = None
    """An endowment-cue file other than the shipped one."""
    kinds: list[EvidenceKind] | None = None
    """The kinds of endowment evidence that count (None: the cue file's ``kinds``)."""
    scopes: list[Scope] | None = None
    """Where, besides a field's own sentence, evidence counts (None: the cue file's ``scopes``)."""


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - started, 3)


def compare(items: Iterable[Path | str | Report], settings: CompareSettings | None = None,
            progress: ProgressFn | None = None, ocr: OcrOptions | None = None) -> Comparison:
    """Compare plans given as files, folders (of plans or of earlier review reports) or Report objects.

    ``ocr`` reads scanned PDFs (without it they are skipped, saying why).
    """
    started = time.perf_counter()
    timer = _Timer()
    with timer("read"):
        inputs = gather(items, ocr)
    result = compare_plans(inputs.plans, settings, progress, timer)
    result.problems = inputs.problems
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def compare_plans(plans: list[PlanInput], settings: CompareSettings | None = None,
                  progress: ProgressFn | None = None, timer: _Timer | None = None) -> Comparison:
    """Compare plans already read (see :func:`reviewer.compare.inputs.gather`)."""
    settings = settings or CompareSettings()
    timer = timer or _Timer()
    started = time.perf_counter()
    matcher = FieldMatcher(load_taxonomy(settings.taxonomy))
    cues = load_endowment_cues(settings.endowment)
    if settings.kinds is not None or settings.scopes is not None:
        cues = cues.model_copy(update={"kinds": cues.kinds if settings.kinds is None else settings.kinds,
                                       "scopes": cues.scopes if settings.scopes is None else settings.scopes})
    results: list[PlanResult] = []
    paragraphs = []
    for n, plan in enumerate(plans, 1):
        if progress:
            progress("fields", n, len(plans))
        with timer("segment"):
            read = read_plan(plan)
        with timer("fields"):
            fields = plan_fields(plan, read, matcher, cues)
        paragraphs.append(read.paragraphs)
        results.append(PlanResult(name=plan.name, source=plan.source, title=plan.title, locality=plan.locality,
                                  chars=len(plan.text), from_report=plan.e3_spans is not None, fields=fields))
    names = [p.name for p in plans]
    places = [place_names(p.locality) for p in plans]
    with timer("passages"):
        sig = signatures(paragraphs, places, settings.passages)
        pairs = near_duplicates(sig, names, settings.passages)
        text = text_similarity(sig)
        links = near_identical(names, pairs, sig.comparable, text, settings.scores)
        pairs = sort_pairs(pairs + align_headings(links, paragraphs, [p.text for p in plans], places, sig, names,
                                                  settings.passages), names)
    with timer("measures"):
        score_plans(results, pairs, sig.comparable, settings.scores)
        groups = clusters(names, links, text)
        comparison = Comparison(plans=results, fields=field_frequency(results), field_similarity=field_similarity(results),
                                text_similarity=text, passages=pairs, clusters=groups)
    comparison.stage_seconds = timer.seconds
    comparison.seconds = round(time.perf_counter() - started, 3)
    return comparison
