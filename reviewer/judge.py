"""Judge stage: show the model plan passages and ask one check's indicator questions.

Checks that share an evidence block are asked one after another with the block first
in the prompt, so llama.cpp's prompt cache only pays for each check's questions. A plan
short enough is shown whole; a longer one is represented by the passages that hybrid
retrieval finds for the group's indicator queries, in document order.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, create_model

from .contracts import Usage
from .corpus import Passage
from .framework import Check
from .prompts import PromptTemplate
from .retrieve import HybridRetriever
from .structured import ask_structured

REASONING_CHARS = 30
QUOTE_CHARS = 40


class IndicatorAnswer(BaseModel):
    """The model's answer to one indicator question."""

    model_config = ConfigDict(extra="forbid")

    answer: Literal["yes", "no", "insufficient_evidence"]
    quote: str = Field(default="", max_length=QUOTE_CHARS, description="yes 时逐字摘录原文一句；否则为空")


_ANSWER_MODELS: dict[str, type[BaseModel]] = {}


def answer_model(check: Check) -> type[BaseModel]:
    """The response model for a check: one-line reasoning first, then one answer per indicator."""
    if check.id not in _ANSWER_MODELS:
        fields: dict[str, Any] = {"reasoning": (str, Field(max_length=REASONING_CHARS, description="不超过30字的依据"))}
        fields.update({ind.id: (IndicatorAnswer, ...) for ind in check.indicators})
        _ANSWER_MODELS[check.id] = create_model(
            f"Answers{check.id}", __config__=ConfigDict(extra="forbid"), **fields
        )
    return _ANSWER_MODELS[check.id]


class EvidenceBlock(BaseModel):
    """The plan passages shown to the model for a group of checks."""

    text: str
    passages: list[Passage]
    queries: list[str] = Field(default_factory=list)
    whole_plan: bool = False


def _fence_safe(text: str) -> str:
    """Plan text may not close or open the <plan> fence itself."""
    return text.replace("<plan>", "＜plan＞").replace("</plan>", "＜/plan＞")


def render_block(passages: list[Passage], multipage: bool) -> str:
    """Passages in document order, each under a ``[heading · 第N页]`` marker."""
    parts = []
    for p in sorted(passages, key=lambda p: p.start or 0):
        where = p.topic.split(" / ")[-1] if p.topic else ""
        if multipage and p.page_start:
            where = f"{where} · 第{p.page_start}页" if where else f"第{p.page_start}页"
        parts.append(f"[{where}]\n{p.text}" if where else p.text)
    return _fence_safe("\n".join(parts))


def select_evidence(
    retriever: HybridRetriever, checks: list[Check], *, max_chars: int, per_query: int = 3, multipage: bool = False
) -> EvidenceBlock:
    """The plan passages for ``checks``: the whole plan if it fits, else the best-retrieved ones."""
    passages = retriever.passages
    queries = [q for check in checks for ind in check.indicators for q in ind.queries]
    if sum(len(p.text) for p in passages) <= max_chars:
        return EvidenceBlock(text=render_block(passages, multipage), passages=passages, queries=queries, whole_plan=True)
    best: dict[str, float] = {}
    for query in queries:
        for hit in retriever.search(query, per_query):
            best[hit.passage.id] = best.get(hit.passage.id, 0.0) + hit.score
    by_id = {p.id: p for p in passages}
    chosen: list[Passage] = []
    used = 0
    for pid in sorted(best, key=lambda i: -best[i]):
        size = len(by_id[pid].text)
        if used + size > max_chars and chosen:
            continue
        chosen.append(by_id[pid])
        used += size
    return EvidenceBlock(text=render_block(chosen, multipage), passages=chosen, queries=queries)


class Judgment(BaseModel):
    """What the model said about one check (before verification)."""

    check_id: str
    reasoning: str = ""
    answers: dict[str, IndicatorAnswer] = Field(default_factory=dict)
    """Indicator id → answer; empty when the answer could not be parsed."""
    error: str | None = None
    attempts: int = 0
    raw: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    prompt_id: str = ""
    prompt_sha256: str = ""


def judge_check(
    check: Check, block: EvidenceBlock, chat: BaseChatModel, template: PromptTemplate, *, max_retries: int = 2
) -> Judgment:
    """Ask ``check``'s indicator questions about ``block``; LLM errors propagate to the caller."""
    prompt = template.render(
        evidence=block.text,
        check_id=check.id,
        check_name=check.name,
        questions=check.indicators,
    )
    result = ask_structured(
        chat,
        [SystemMessage(content=prompt.system), HumanMessage(content=prompt.user)],
        answer_model(check),
        max_retries=max_retries,
    )
    judgment = Judgment(
        check_id=check.id,
        error=result.error,
        attempts=result.attempts,
        raw=result.raw,
        usage=result.usage,
        prompt_id=prompt.id,
        prompt_sha256=prompt.sha256,
    )
    if result.value is not None:
        data = result.value
        judgment.reasoning = getattr(data, "reasoning", "")
        judgment.answers = {ind.id: getattr(data, ind.id) for ind in check.indicators}
    return judgment
