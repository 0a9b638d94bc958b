"""Pydantic contracts passed between the pipeline's stages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
    """1-based page number (a text file is one page)."""
    start: int
    """Offset of the page's first character in ``Document.text``."""
    end: int
    """Offset one past the page's last character."""


class Document(BaseModel):
    """A plan as loaded: clean text plus where each part of it came from."""

    source: str
    """File name or a label for pasted text."""
    format: str
    """``txt``, ``md``, ``pdf``, ``docx`` or ``html``."""
    text: str
    """The document's text."""
    pages: list[Page]
    """Page boundaries in ``text``, in order."""

    def page_at(self, offset: int) -> int:
        """Page number holding the character at ``offset``."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages else 1


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
