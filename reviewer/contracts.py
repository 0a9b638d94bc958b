"""Pydantic contracts passed between the pipeline's stages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field


class Usage(BaseModel):
    """Token counts and time spent on one or more LLM calls."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    seconds: float = 0.0

    def add(self, other: "Usage") -> "Usage":
        """Sum of two usages."""
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
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
    """What the load stage's quality gate found."""

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


Level = Literal["province", "city", "county", "district", "zone", "unknown"]


class PlanProfile(BaseModel):
    """Basic facts about a plan, read from its opening. Keep every field short."""

    locality: str = Field(max_length=30, description="制定规划的地区名称，如“云溪县”；文中没有则写“未写明”")
    level: Level = Field(description="行政层级：province 省、city 市、county 县、district 区、zone 开发区/园区；无法判断写 unknown")
    period: str = Field(max_length=30, description="规划期限或目标年份，如“2024—2026年”；没有则写“未写明”")
    goals: list[str] = Field(
        max_length=3,
        description="从原文逐字摘录的主要目标，最多3条，每条不超过60字",
    )


class ProfileResult(BaseModel):
    """The profile of a plan as the model answered it, with its audit trail."""

    profile: PlanProfile | None
    """None when the model's answer could not be parsed."""
    error: str | None = None
    goals_verbatim: list[bool] = Field(default_factory=list)
    """Whether each quoted goal occurs verbatim in the plan."""
    prompt_id: str
    prompt_sha256: str
    raw: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)


class RunInfo(BaseModel):
    """How a report was produced: backend, model, prompts, cost."""

    backend: str
    model: str
    prompts: dict[str, str] = Field(default_factory=dict)
    """Prompt id → content hash of every template used."""
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    """Wall time of the whole review."""


class Report(BaseModel):
    """What a review returns."""

    source: str
    chars: int
    """Characters of plan text read."""
    profile: ProfileResult
    run: RunInfo
