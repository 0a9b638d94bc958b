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


_ZONE_SUFFIXES = ("开发区", "高新区", "园区", "新区", "试验区", "示范区", "功能区")
_LEVEL_SUFFIXES = (("自治区", "province"), ("省", "province"), ("市", "city"), ("州", "city"), ("盟", "city"),
                   ("县", "county"), ("旗", "county"), ("区", "district"))


def level_from_name(locality: str) -> str:
    """Administrative level implied by a place name's suffix (云溪县 → county), else ``unknown``."""
    name = locality.strip()
    if name.endswith(_ZONE_SUFFIXES):
        return "zone"
    return next((level for suffix, level in _LEVEL_SUFFIXES if name.endswith(suffix)), "unknown")


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
    if answer.value and answer.value.level == "unknown":
        # Small models often miss the level; the place name's suffix states it.
        answer.value.level = level_from_name(answer.value.locality)  # type: ignore[assignment]  # validated Literal
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
