"""Pydantic contracts passed between the pipeline's stages."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from .framework import PROBLEM_VERDICTS, CheckKind
from .framework import Verdict as Verdict  # re-exported: the type of Finding.verdict


class Usage(BaseModel):
    """Token counts and time spent on one or more LLM calls."""

    prompt_tokens: int = 0
    """Prompt tokens sent, including those served from the prompt cache."""
    cached_tokens: int = 0
    """Prompt tokens the backend reused from its cache (not evaluated again)."""
    completion_tokens: int = 0
    calls: int = 0
    seconds: float = 0.0

    def add(self, other: "Usage") -> "Usage":
        """Sum of two usages."""
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            seconds=self.seconds + other.seconds,
        )


class Page(BaseModel):
    """A page of the source and the span of ``Document.text`` it produced."""

    number: int
    """1-based page number in the source (a text file is one page)."""
    start: int
    """Offset of the page's first character in ``Document.text``."""
    end: int
    """Offset one past the page's last character; the next page starts here."""


PageRejection = Literal["empty", "image_only", "garbled", "error"]


class PageReport(BaseModel):
    """What the quality gate found on one source page."""

    number: int
    """1-based page number in the source."""
    chars: int
    """Characters the page contributed to ``Document.text`` (0 if rejected)."""
    cjk_share: float
    """Share of Chinese characters among the page's letters."""
    rejected: PageRejection | None = None
    """Why the page was dropped: ``empty`` (no text, or only headers and page numbers),
    ``image_only`` (a scanned page without a text layer), ``garbled`` (unreadable
    characters) or ``error`` (the page could not be read); None if kept."""
    reason: str | None = None
    """The rejection in words, with what to do about it."""
    source: Literal["text", "ocr"] = "text"
    """Where the page's text came from: the PDF's text layer (or the file's text), or OCR of a scanned page."""
    ocr_confidence: float | None = None
    """Mean confidence (0–1) of the OCR'd characters of the page; None when the text layer was used."""
    low_confidence: bool = False
    """OCR read the page with a mean confidence below ``ocr_min_confidence``: check its quotes against the scan."""


class QualityReport(BaseModel):
    """How well the source could be read, page by page."""

    pages_total: int = 0
    """Pages in the source (DOCX, HTML and text: 1 + explicit page breaks)."""
    pages: list[PageReport] = Field(default_factory=list)
    """One report per source page, in order."""
    cjk_share: float = 0.0
    """Share of Chinese characters among the letters of ``Document.text``."""
    garbled_share: float = 0.0
    """Share of unreadable characters in ``Document.text`` after rejected pages were dropped."""
    warnings: list[str] = Field(default_factory=list)
    """Things the reader should know: dropped pages, repaired text, a renamed file type."""

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented usage
    @property
    def pages_read(self) -> int:
        """Pages whose text is in ``Document.text``."""
        return sum(1 for page in self.pages if page.rejected is None)

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented usage
    @property
    def rejected(self) -> list[PageReport]:
        """Pages that were dropped, with the reason."""
        return [page for page in self.pages if page.rejected is not None]


class Document(BaseModel):
    """A plan as loaded: clean text plus where each part of it came from."""

    source: str
    """File name or a label for pasted text."""
    format: str
    """``txt``, ``md``, ``pdf``, ``docx`` or ``html``."""
    text: str
    """The document's text."""
    pages: list[Page]
    """Page boundaries in ``text``, in order; together they cover all of it."""
    quality: QualityReport = Field(default_factory=QualityReport)
    """What the ingest stages' quality gate found."""

    def page_at(self, offset: int) -> int:
        """Page number holding the character at ``offset``."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages else 1


class Chunk(BaseModel):
    """A passage of a document, cut at headings and sentence ends, for retrieval and citation."""

    id: str
    """Stable id: the chunk's position, zero-padded (``0007``)."""
    text: str
    """Exactly ``Document.text[start:end]``."""
    start: int
    """Offset of the first character in ``Document.text``."""
    end: int
    """Offset one past the last character."""
    heading_path: list[str]
    """Titles of the headings the chunk sits under, outermost first."""
    page_start: int
    """Page of the first character."""
    page_end: int
    """Page of the last character."""


# ---- Review findings (judge → verify → aggregate → render) ----

Answer = Literal["yes", "no"]


STRONG_EVIDENCE = 0.6
"""Below this probability a shown quote is marked for checking: on the blind dev split a reader accepted
23 of 26 quotes scored at or above it, and 31 of 44 below it."""


class Evidence(BaseModel):
    """A verified quote from the plan, with where it is."""

    indicator: str
    """The indicator question this quote answers (e.g. ``M3b``)."""
    quote: str
    """The plan's own words (the verified span, not the model's paraphrase)."""
    start: int
    end: int
    """Character span in the plan's text."""
    page: int
    heading_path: list[str] = Field(default_factory=list)
    score: float | None = None
    """The model's probability that this sentence answers the indicator question with yes."""
    settled: bool = False
    """Counted by the rubric's own pattern (the indicator's ``settled_by``), not asked of the model: ``score`` is 1."""

    @property
    def weak(self) -> bool:
        """Whether the model was unsure (a blind reader accepted such quotes far less often): check it."""
        return self.score is not None and self.score < STRONG_EVIDENCE


class Citation(BaseModel):
    """A framework or central-policy clause behind a finding."""

    doc_id: str
    clause_id: str
    kind: Literal["framework", "central"]
    title: str
    topic: str = ""
    text: str
    url: str | None = None
    date: str | None = None

    @property
    def ref(self) -> str:
        """``doc id § clause id``."""
        return f"{self.doc_id} § {self.clause_id}"


class CandidateScore(BaseModel):
    """A plan sentence put to an indicator question, and the model's answer."""

    text: str
    """Exactly the plan's words at ``start:end``."""
    start: int
    end: int
    source: str
    """``cue`` (holds the indicator's cues) or ``meaning`` (found by embedding similarity)."""
    cue_weight: int = 0
    similarity: float = 0.0
    p_yes: float | None = None
    """Probability of yes (None: not asked, or the answer was unscored)."""


class IndicatorResult(BaseModel):
    """One indicator question, the model's answer, and what verification made of it."""

    id: str
    question: str
    answer: Answer | None = None
    """``yes`` when a candidate reached the threshold and its quote passed verification, else ``no``."""
    score: float | None = None
    """The highest probability of yes over the candidates (None when none was scored)."""
    threshold: float | None = None
    """The calibrated probability at or above which a candidate counts as yes."""
    candidates: list[CandidateScore] = Field(default_factory=list)
    """Every sentence the question was asked about, with its score."""
    quotes: list[str] = Field(default_factory=list)
    """The verified quotes shown for this indicator, best first."""
    quote_found: bool | None = None
    """Whether a candidate that reached the threshold passed verification (None when none reached it)."""
    settled: bool = False
    """Whether the yes rests on a quote the rubric's own pattern settles (``settled_by``), not on the model."""


class SearchTrace(BaseModel):
    """Where the reviewer looked: the indicator questions and the candidate sentences."""

    queries: list[str] = Field(default_factory=list)
    passages: list[str] = Field(default_factory=list)
    """``indicator · cue/meaning · opening`` of every candidate sentence considered."""


class Finding(BaseModel):
    """The result of one check."""

    check_id: str
    name: str
    kind: CheckKind
    status: Literal["ok", "unparseable", "failed", "not_judgeable"] = "ok"
    """``unparseable``: the model's answers could not be read; ``failed``: the backend failed;
    ``not_judgeable``: the document cannot show this (e.g. a misconception in a wrapper alone)."""
    verdict: Verdict | None = None
    """None unless status is ok."""
    confidence: float = 0.0
    rationale: str = ""
    """Why the verdict: the deciding rule's reason, in words."""
    indicators: list[IndicatorResult] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    suggestion: str | None = None
    """Revision advice when the verdict flags a problem."""
    searched: SearchTrace = Field(default_factory=SearchTrace)
    dropped_quotes: int = 0
    """Candidates that reached the threshold but failed verification (see :mod:`reviewer.verify`)."""
    error: str | None = None
    prompt_id: str = ""
    prompt_sha256: str = ""
    raw: list[str] = Field(default_factory=list)
    """The model's raw answers when none could be read as 是 or 否 (status ``unparseable``), for audit."""
    usage: Usage = Field(default_factory=Usage)

    @property
    def flagged(self) -> bool:
        """True when the verdict is a problem: a misconception present or an embedding point not covered."""
        return self.verdict in PROBLEM_VERDICTS


Level = Literal["province", "city", "county", "district", "zone", "unknown"]


class DocumentScope(BaseModel):
    """The document's kind (see :mod:`reviewer.scope`) as the report shows it."""

    kind: Literal["comprehensive", "thematic", "decision", "wrapper", "excerpt"]
    name: str
    """The kind in words."""
    title: str
    task_list: bool
    body_chars: int
    reason: str
    absence_rules_apply: bool
    """Whether misconceptions may be inferred from what the plan leaves out."""


class PlanProfile(BaseModel):
    """Basic facts read from the plan's title and opening (by pattern, not by the model)."""

    title: str
    locality: str | None = None
    """The place that issues the plan, when its title names one."""
    level: Level = "unknown"
    period: str | None = None
    """Plan period or target year, e.g. ``2024—2026年``."""


class Summary(BaseModel):
    """The report's headline: which checks flag a problem."""

    misconceptions_present: list[str] = Field(default_factory=list)
    embedding_missing: list[str] = Field(default_factory=list)
    embedding_partial: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    """Checks with no verdict (backend failure or unparseable answers)."""
    not_judgeable: list[str] = Field(default_factory=list)
    """Checks the document cannot show (e.g. misconceptions in a notice alone)."""
    complete: bool = True
    """False when any check failed: the headline then says the review is incomplete."""
    text: str = ""


class RunInfo(BaseModel):
    """How a report was produced, so that any verdict can be audited and compared."""

    backend: str
    model: str
    embedder: str = ""
    prompts: dict[str, str] = Field(default_factory=dict)
    """Prompt id → content hash of every template used."""
    framework_sha256: str = ""
    corpus_sha256: str = ""
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    """Wall time of the whole review."""
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)
    """Settings in force (the API key reduced to whether one is set)."""
    config_key: str = ""
    """Hash of everything that shapes the verdicts (settings, prompt, framework): equal keys, comparable reports."""


class Report(BaseModel):
    """What a review returns."""

    source: str
    chars: int
    """Characters of plan text read."""
    text: str = ""
    """The plan text as read and cleaned; every evidence span indexes into it."""
    profile: PlanProfile
    scope: "DocumentScope | None" = None
    """What kind of document this is, which decides what silence means."""
    quality: QualityReport
    findings: list[Finding]
    summary: Summary
    run: RunInfo

    def finding(self, check_id: str) -> Finding:
        """The finding for one check."""
        return next(f for f in self.findings if f.check_id == check_id)
