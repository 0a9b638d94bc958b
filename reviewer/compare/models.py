"""Contracts of the comparison across plans: what ``compare`` returns and what its outputs show."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

GroundingSource = Literal["E3 evidence", "text cues"]


class FieldMention(BaseModel):
    """One sentence of a plan that names a priority field."""

    field: str
    """Taxonomy field id (e.g. ``ai``)."""
    alias: str
    """The word of the plan that matched (the most specific alias)."""
    quote: str
    """The sentence, exactly ``text[start:end]`` of the plan."""
    start: int
    end: int
    """Character span of the sentence in the plan's text."""
    heading_path: list[str] = Field(default_factory=list)
    """Titles of the headings the sentence sits under, outermost first."""
    paragraph: int
    """1-based paragraph (the i-th non-empty line of the plan's text)."""
    grounded: bool = False
    """Whether this or an adjacent sentence names a local endowment."""
    endowment: str | None = None
    """The words that name the endowment (the cue found, or the E3 quote)."""
    source: GroundingSource | None = None
    """Where the grounding came from: the review's E3 evidence or the text's own cues."""


class PlanField(BaseModel):
    """A priority field of one plan, with every mention."""

    field: str
    name: str
    family: str
    mentions: list[FieldMention]
    grounded: bool
    """True when any mention is grounded in a named local endowment."""
    batch_share: float = 0.0
    """Share of the other plans of the batch that also name this field."""


class PlanResult(BaseModel):
    """One plan of the batch: its priority fields and its scores, with the reasons in words."""

    name: str
    """Short unique name in this comparison (the file's stem)."""
    source: str
    title: str
    locality: str | None = None
    chars: int
    from_report: bool
    """True when the plan came as a review report (its E3 evidence is used for grounding)."""
    fields: list[PlanField] = Field(default_factory=list)
    homogeneity: float = 0.0
    """Mean share of the other plans that name each of its fields (0: all its own, 1: all shared by everyone)."""
    grounding: float = 0.0
    """Share of its fields tied to a named local endowment."""
    copied_share: float = 0.0
    """Share of its comparable paragraphs with a near-duplicate in another plan."""
    warning: bool = False
    """Fields mostly shared by the batch and mostly ungrounded: what the framework warns about."""
    reasons: list[str] = Field(default_factory=list)


class FieldFrequency(BaseModel):
    """How many plans of the batch name one field."""

    field: str
    name: str
    family: str
    plans: list[str]
    share: float
    grounded_in: list[str] = Field(default_factory=list)
    """The plans that tie this field to a named local endowment."""


class PassagePair(BaseModel):
    """Two paragraphs of two plans that are near-duplicates after masking places and numbers."""

    a: str
    para_a: int
    """1-based paragraph of plan ``a`` (its i-th non-empty line)."""
    b: str
    para_b: int
    similarity: float
    """Jaccard similarity of their masked character shingles."""
    text_a: str
    text_b: str
    start_a: int
    start_b: int
    kind: Literal["body", "heading"] = "body"
    """``heading``: a title or heading line aligned inside two near-identical plans (too short to judge alone)."""


class Cluster(BaseModel):
    """Plans that are near-identical to one another (linked by copied paragraphs or text similarity)."""

    plans: list[str]
    similarity: float
    """Mean text similarity of the linked pairs."""
    reason: str


class Comparison(BaseModel):
    """What comparing a batch of plans found."""

    plans: list[PlanResult]
    fields: list[FieldFrequency]
    """Every field named by any plan, most common first."""
    field_similarity: list[list[float]]
    """Jaccard overlap of the priority fields of every pair of plans (same order as ``plans``)."""
    text_similarity: list[list[float]]
    """Estimated Jaccard similarity of the masked texts of every pair of plans."""
    passages: list[PassagePair]
    clusters: list[Cluster]
    seconds: float = 0.0
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    problems: list[str] = Field(default_factory=list)
    """Inputs that could not be read, with the reason."""

    def plan(self, name: str) -> PlanResult:
        """The result for one plan by name."""
        return next(p for p in self.plans if p.name == name)
