"""Per plan: its body sentences and paragraphs, its priority fields, and whether each is grounded locally.

Only sentences that may be evidence are read (body and headings): titles, 印发 wrappers, document
numbers, addressee lines and the standard political preamble are skipped (:mod:`reviewer.sentences`).
A field is grounded when its sentence, or text it hangs on, names a local endowment (see
:class:`_Grounder` for which): by the review's E3 evidence when the plan came as a report, else by the
text cues.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from ..sentences import Sentence, segment
from .grounding import EndowmentFinder, clauses, place_names
from .inputs import PlanInput
from .models import FieldMention, PlanField
from .taxonomy import EndowmentCues, FieldMatcher

READ_ROLES = frozenset({"body", "heading"})
"""Sentence roles read for fields and passages."""
FASHIONABLE = frozenset({"emerging", "future"})
"""Taxonomy families whose names, inside a park's name or a qualifier, name a field rather than an endowment."""


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


class _Named(NamedTuple):
    """A field named in a sentence: the most specific alias and where it stands."""

    alias: str
    start: int


class _Grounder:
    """Decides whether a field named in a sentence is tied to a local endowment (cue look-ups cached).

    The sentence itself may name the endowment; so may, by the cues' ``scopes``: a neighbouring sentence
    that names no other field or this one (always the sentence a heading introduces), the section a
    heading opens, or the plan anywhere when the field's sentence reuses the endowment's words. A field
    named in a clause that chases an opportunity (抢抓…机遇) is grounded by its own clause only.
    """

    def __init__(self, plan: PlanInput, sentences: list[Sentence], fields: list[dict[str, _Named]],
                 cues: EndowmentCues, fashionable: list[str]) -> None:
        self.plan = plan
        self.sentences = sentences
        self.fields = fields
        self.scopes = set(cues.scopes)
        self.finder = EndowmentFinder(cues, place_names(plan.locality), fashionable)
        self._opportunistic = re.compile("|".join(re.escape(w) for w in cues.opportunistic))
        self._cache: dict[int, tuple[str, str] | None] = {}
        self._terms: set[str] | None = None

    def _endowment(self, i: int) -> tuple[str, str] | None:
        if i not in self._cache:
            quote = _e3_quote(self.plan, [self.sentences[i]]) if self.plan.e3_spans else None
            cue = None if quote else self.finder.find(self.sentences[i].text)
            self._cache[i] = (quote, "E3 evidence") if quote else (cue.words, "text cues") if cue else None
        return self._cache[i]

    def _may_lend(self, j: int, field: str) -> bool:
        """Whether sentence ``j``'s endowment may ground ``field`` named nearby (it names no other field)."""
        return field in self.fields[j] or not self.fields[j]

    def ground(self, i: int, field: str) -> tuple[str, str] | None:
        """(endowment words, source) tying ``field`` in sentence ``i`` to a local endowment, or None."""
        text = self.sentences[i].text
        at = self.fields[i][field].start
        clause = next((c.group() for c in clauses(text) if c.start() <= at < c.end()), text)
        if self._opportunistic.pattern and self._opportunistic.search(clause):
            own = self.finder.find(clause)
            return (own.words, "text cues") if own else None
        if found := self._endowment(i):
            return found
        if "neighbour" in self.scopes:
            for j in (i - 1, i + 1):
                introduced = j == i + 1 and self.sentences[i].role == "heading"
                if 0 <= j < len(self.sentences) and (introduced or self._may_lend(j, field)) \
                        and (found := self._endowment(j)):
                    return found
        if "section" in self.scopes and self.sentences[i].role == "heading":
            for j in self._section(i):
                if self._may_lend(j, field) and (found := self._endowment(j)):
                    return found
        if "reference" in self.scopes and (term := next((t for t in self.terms() if t in text), None)):
            return term, "text cues"
        return None

    def _section(self, i: int) -> Iterator[int]:
        """The sentences of the section heading ``i`` opens (up to the next heading)."""
        for j in range(i + 1, len(self.sentences)):
            if self.sentences[j].role == "heading":
                return
            yield j

    def terms(self) -> set[str]:
        """The specific words of every endowment the plan names by the text cues (computed once)."""
        if self._terms is None:
            self._terms = set()
            for s in self.sentences:
                for evidence in self.finder.find_all(s.text):
                    self._terms |= self.finder.terms(s.text, evidence.words)
        return self._terms


def _fields_by_sentence(sentences: list[Sentence], matcher: FieldMatcher) -> list[dict[str, _Named]]:
    """Per sentence: field → the most specific alias that named it, and its offset."""
    result = []
    for s in sentences:
        best: dict[str, _Named] = {}
        for match in matcher.find(s.text):
            if len(match.alias) > len(best.get(match.field, _Named("", 0)).alias):
                best[match.field] = _Named(match.alias, match.start)
        result.append(best)
    return result


def plan_fields(plan: PlanInput, read: ReadPlan, matcher: FieldMatcher, cues: EndowmentCues) -> list[PlanField]:
    """The plan's priority fields in taxonomy order, each with its mentions and whether it is grounded."""
    by_sentence = _fields_by_sentence(read.sentences, matcher)
    fashionable = [a for f in matcher.taxonomy.fields if f.family in FASHIONABLE for a in (f.name, *f.aliases)]
    grounder = _Grounder(plan, read.sentences, by_sentence, cues, fashionable)
    mentions: dict[str, list[FieldMention]] = {}
    for i, (s, best) in enumerate(zip(read.sentences, by_sentence)):
        for field, (alias, _) in best.items():
            grounding = grounder.ground(i, field)
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
