"""Judge stage: ask the LLM concrete questions about the plan, with structured answers."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from .contracts import Document, PlanProfile, ProfileResult
from .prompts import load_prompt
from .structured import ask_structured

PROFILE_CHARS = 1200
"""Characters of the plan's opening shown to the profile question (its cost is ~1 token each)."""


def _normalise(text: str) -> str:
    """Keep letters and digits only, so spacing and punctuation differences do not matter."""
    return "".join(ch for ch in text if ch.isalnum())


def profile_plan(doc: Document, chat: BaseChatModel, *, max_retries: int = 2) -> ProfileResult:
    """Read locality, level, period and headline goals from the plan's opening."""
    template = load_prompt("plan_profile")
    prompt = template.render(plan=doc.text[:PROFILE_CHARS])
    answer = ask_structured(
        chat,
        [SystemMessage(content=prompt.system), HumanMessage(content=prompt.user)],
        PlanProfile,
        max_retries=max_retries,
    )
    plan = _normalise(doc.text)
    verbatim = [_normalise(g) in plan for g in answer.value.goals] if answer.value else []
    return ProfileResult(
        profile=answer.value,
        error=answer.error,
        goals_verbatim=verbatim,
        prompt_id=prompt.id,
        prompt_sha256=prompt.sha256,
        raw=answer.raw,
        usage=answer.usage,
    )
