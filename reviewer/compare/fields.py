"""Per plan: its body sentences and paragraphs, its priority fields, and whether each is grounded locally.

Only sentences that may be evidence are read (body and headings): titles, 印发 wrappers, document
numbers, addressee lines and the standard political preamble are skipped (:mod:`reviewer.sentences`).
A field is grounded when its sentence, or the sentence before or after it, names a local endowment:
by the review's E3 evidence when the plan came as a report, else (and also) by the text cues.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from ..sentences import Sentence, segment
from .grounding import EndowmentFinder, place_names
from .inputs import PlanInput
from .models import FieldMention, PlanField
from .taxonomy import EndowmentCues, FieldMatcher

READ_ROLES = frozenset({"body", "heading"})
"""Sentence roles read for fields and passages."""


class Paragraph(NamedTuple):
    """A non-empty line of the plan and the text of its body sentences."""

    number: int
    """1-based: the i-th non-empty line."""
    start: int
    end: int
    body: str
    """Its body and heading sentences joined (preamble and apparatus left out)."""


class ReadPlan(NamedTuple):
    """A plan's readable sentences and its paragraphs."""

    sentences: list[Sentence]
    paragraphs: list[Paragraph]


def read_plan(plan: PlanInput) -> ReadPlan:
    """Segment the plan and group its readable sentences by paragraph."""
    sentences = [s for s in segment(plan.text) if s.role in READ_ROLES]
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", plan.text)]
    starts = [s for s, _ in lines]
    bodies: list[list[str]] = [[] for _ in lines]
    for s in sentences:
        bodies[max(0, bisect.bisect_right(starts, s.start) - 1)].append(s.text)
    paragraphs = [Paragraph(i + 1, start, end, "".join(bodies[i])) for i, (start, end) in enumerate(lines)]
    return ReadPlan(sentences, paragraphs)


def paragraph_of(paragraphs: list[Paragraph], offset: int) -> int:
    """1-based paragraph number holding ``offset``."""
    starts = [p.start for p in paragraphs]
    return max(1, bisect.bisect_right(starts, offset))


def _e3_quote(plan: PlanInput, sentences: list[Sentence]) -> str | None:
    """The report's E3 quote overlapping any of ``sentences``."""
    for start, end in plan.e3_spans or []:
        if any(start < s.end and s.start < end for s in sentences):
            return plan.text[start:end]
    return None


class _Grounder:
    """Decides, sentence by sentence, whether a plan names a local endowment there (results cached)."""

    def __init__(self, plan: PlanInput, sentences: list[Sentence], cues: EndowmentCues) -> None:
        self.plan = plan
        self.sentences = sentences
        self.finder = EndowmentFinder(cues, place_names(plan.locality))
        self._cache: dict[int, str | None] = {}

    def _cue(self, i: int) -> str | None:
        if i not in self._cache:
            self._cache[i] = self.finder.find(self.sentences[i].text)
        return self._cache[i]

    def ground(self, i: int) -> tuple[str, str] | None:
        """(endowment words, source) for sentence ``i`` and its neighbours, or None."""
        near = [j for j in (i, i - 1, i + 1) if 0 <= j < len(self.sentences)]
        if self.plan.e3_spans and (quote := _e3_quote(self.plan, [self.sentences[j] for j in near])):
            return quote, "E3 evidence"
        cue = next((c for j in near if (c := self._cue(j))), None)
        return (cue, "text cues") if cue else None


def plan_fields(plan: PlanInput, read: ReadPlan, matcher: FieldMatcher, cues: EndowmentCues) -> list[PlanField]:
    """The plan's priority fields in taxonomy order, each with its mentions and whether it is grounded."""
    grounder = _Grounder(plan, read.sentences, cues)
    mentions: dict[str, list[FieldMention]] = {}
    for i, s in enumerate(read.sentences):
        best: dict[str, str] = {}
        for match in matcher.find(s.text):
            if len(match.alias) > len(best.get(match.field, "")):
                best[match.field] = match.alias
        if not best:
            continue
        grounding = grounder.ground(i)
        for field, alias in best.items():
            mentions.setdefault(field, []).append(FieldMention(
                field=field, alias=alias, quote=s.text, start=s.start, end=s.end, heading_path=s.heading_path,
                paragraph=paragraph_of(read.paragraphs, s.start), grounded=grounding is not None,
                endowment=grounding[0] if grounding else None,
                source=grounding[1] if grounding else None,  # type: ignore[arg-type]  # a GroundingSource value
            ))
    result = []
    for f in matcher.taxonomy.fields:
        if f.id in mentions:
            result.append(PlanField(field=f.id, name=f.name, family=f.family, mentions=mentions[f.id],
                                    grounded=any(m.grounded for m in mentions[f.id])))
    return result
