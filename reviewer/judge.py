"""Judge stage: show the model the plan and ask one check's indicator questions.

Each question comes with numbered candidate sentences: the plan sentences that carry the
indicator's cues. The model answers yes / no / insufficient_evidence and names the
candidates that prove a yes, so its evidence is the plan's own words and its output stays
short (generated tokens are the dear ones on a CPU). A question with no candidate is
answered no without the model, and a check with none at all makes no call.

All checks share one plan block placed first in the prompt, so llama.cpp's prompt cache
pays for it once. A plan short enough is shown whole; a longer one by the passages that
hybrid retrieval finds for the indicators' queries, in document order.
"""

from __future__ import annotations

import re
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
from .verify import has_cue, normalise

REASONING_CHARS = 30


class IndicatorAnswer(BaseModel):
    """An answer to one indicator question, with the candidate sentences behind a yes."""

    answer: Literal["yes", "no", "insufficient_evidence"]
    quotes: list[str] = Field(default_factory=list)
    """The plan sentences the model named as proof (empty unless yes)."""


def answer_model(check: Check, questions: list["Question"]) -> type[BaseModel]:
    """The response model for one call: one-line reasoning first, then each asked question's answer."""
    fields: dict[str, Any] = {"reasoning": (str, Field(max_length=REASONING_CHARS, description="不超过30字的依据"))}
    for q in questions:
        numbers = Literal[tuple(range(1, len(q.candidates) + 1))]  # type: ignore[valid-type]  # built at run time
        choice = create_model(
            f"Choice{q.id}",
            __config__=ConfigDict(extra="forbid"),
            answer=(Literal["yes", "no", "insufficient_evidence"], ...),
            sentences=(list[numbers], Field(max_length=len(q.candidates), description="能证明“是”的候选句编号")),
        )
        fields[q.id] = (choice, ...)
    return create_model(f"Answers{check.id}", __config__=ConfigDict(extra="forbid"), **fields)


CANDIDATES = 3
"""Candidate sentences shown under each question."""
CANDIDATE_CHARS = 80


def sentences(text: str) -> list[str]:
    """The plan's sentences (split at 。；！？ and line ends), stripped, non-empty."""
    return [s.strip() for s in re.split(r"(?<=[。；！？])|\n", text) if s.strip()]


def candidate_sentences(text: str, cues: list[str], k: int = CANDIDATES, exclude: list[str] | None = None) -> list[str]:
    """The ``k`` plan sentences richest in the indicator's cues (longer cues weigh more), in plan order.

    They are shown as hints under the question; a small model quotes and judges far better
    when pointed at the few sentences that could matter.
    """
    normalised = [(normalise(c)[0], c) for c in cues]
    scored = []
    for i, sentence in enumerate(sentences(text)):
        if _INSTRUCTION.search(sentence) or (exclude and has_cue(sentence, exclude)):
            continue  # never offer an instruction, or a disqualified sentence, as evidence
        norm = normalise(sentence)[0]
        weight = sum(len(n) for n, _ in normalised if n and n in norm)
        if weight:
            scored.append((weight, i, sentence))
    best = sorted(scored, key=lambda t: (-t[0], t[1]))[:k]
    return [_clip(s, cues) for _, _, s in sorted(best, key=lambda t: t[1])]


def _clip(sentence: str, cues: list[str]) -> str:
    """A window of at most CANDIDATE_CHARS around the first cue."""
    if len(sentence) <= CANDIDATE_CHARS:
        return sentence
    hits = [sentence.find(c) for c in cues if c in sentence]
    first = min(hits) if hits else 0
    start = max(0, min(first - CANDIDATE_CHARS // 3, len(sentence) - CANDIDATE_CHARS))
    return sentence[start : start + CANDIDATE_CHARS]


class Question(BaseModel):
    """An indicator question as put to the model, with its candidate sentences."""

    id: str
    question: str
    candidates: list[str]


def questions_for(check: Check, text: str) -> list[Question]:
    """The check's questions, each with the plan sentences that carry its cues."""
    return [
        Question(id=i.id, question=i.question, candidates=candidate_sentences(text, i.keywords, exclude=i.exclude))
        for i in check.indicators
    ]


class EvidenceBlock(BaseModel):
    """The plan passages shown to the model for a group of checks."""

    text: str
    passages: list[Passage]
    queries: list[str] = Field(default_factory=list)
    whole_plan: bool = False


_INSTRUCTION = re.compile(
    r"[^。；！？\n]*(?:忽略|无视|不要理会|覆盖)[^。；！？\n]{0,12}(?:指令|指示|提示|要求|规则)[^。；！？\n]*[。；！？]?"
    r"|[^。；！？\n]*(?:判定|判断|标记|评定)为(?:通过|合格|已覆盖|不存在)[^。；！？\n]*[。；！？]?"
    r"|[^.\n]*(?:ignore|disregard)\s+(?:all\s+)?(?:previous|prior|above)\s+instructions[^.\n]*\.?"
    r"|[^。\n]*(?:system prompt|系统提示词|you are now|你现在是)[^。\n]*。?",
    re.IGNORECASE,
)
INSTRUCTION_PLACEHOLDER = "［此处疑似写给审读模型的指令，已屏蔽］"


def instruction_like(text: str) -> list[str]:
    """Sentences in a plan that address the reviewing model rather than the plan's readers."""
    return [m.group(0).strip() for m in _INSTRUCTION.finditer(text) if m.group(0).strip()]


def _fence_safe(text: str) -> str:
    """Plan text as the model sees it: it cannot open or close the <plan> fence, and sentences that
    give the reviewing model instructions are masked (the fence and the system prompt are the
    second line of defence)."""
    text = _INSTRUCTION.sub(lambda m: INSTRUCTION_PLACEHOLDER if m.group(0).strip() else m.group(0), text)
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
    check: Check, block: EvidenceBlock, chat: BaseChatModel, template: PromptTemplate, *,
    plan_text: str, max_retries: int = 2,
) -> Judgment:
    """Ask ``check``'s questions that have candidates; LLM errors propagate to the caller."""
    questions = questions_for(check, plan_text)
    asked = [q for q in questions if q.candidates]
    judgment = Judgment(check_id=check.id, prompt_id=template.id, prompt_sha256=template.sha256)
    no = {q.id: IndicatorAnswer(answer="no") for q in questions if not q.candidates}
    if not asked:
        judgment.reasoning = "原文中没有任何相关线索句，未调用模型"
        judgment.answers = no
        return judgment
    prompt = template.render(
        evidence=block.text,
        check_id=check.id,
        check_name=check.name,
        questions=[q.model_copy(update={"candidates": [_fence_safe(c) for c in q.candidates]}) for q in asked],
    )
    result = ask_structured(
        chat,
        [SystemMessage(content=prompt.system), HumanMessage(content=prompt.user)],
        answer_model(check, asked),
        max_retries=max_retries,
    )
    judgment.error, judgment.attempts, judgment.raw, judgment.usage = result.error, result.attempts, result.raw, result.usage
    if result.value is not None:
        judgment.reasoning = getattr(result.value, "reasoning", "")
        for q in asked:
            choice = getattr(result.value, q.id)
            picked = sorted(set(choice.sentences)) if choice.answer == "yes" else []
            no[q.id] = IndicatorAnswer(answer=choice.answer, quotes=[q.candidates[n - 1] for n in picked])
        judgment.answers = {q.id: no[q.id] for q in questions}
    return judgment
