"""Structured output: a pydantic model in, a validated object (or an honest failure) out.

The JSON schema of the response model is sent as the backend's ``response_format``
(llama.cpp and most OpenAI-compatible servers then constrain decoding to it). A reply
that still fails validation, e.g. cut off by the token limit mid-JSON, is sent back with
the validation error, at most ``max_retries`` times; after that the result is a parse
failure carrying every raw completion. Nothing is ever guessed.
"""

from __future__ import annotations

import re
import time
from typing import Any, Generic, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from pydantic import BaseModel, Field, ValidationError

from .contracts import Usage
from .llm import json_schema_format
from .prompts import load_prompt

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class Structured(BaseModel, Generic[T]):
    """The outcome of asking for a structured answer."""

    value: T | None = None
    """The validated answer, or None on a parse failure."""
    error: str | None = None
    """Why the last attempt failed validation (None when ``value`` is set)."""
    attempts: int = 0
    """LLM calls made, including retries."""
    raw: list[str] = Field(default_factory=list)
    """Every raw completion, in order, for audit."""
    finish_reasons: list[str | None] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)

    @property
    def ok(self) -> bool:
        """True when a valid answer was obtained."""
        return self.value is not None


def _strip_fence(text: str) -> str:
    match = _FENCE.match(text)
    return match.group(1) if match else text.strip()


def _describe(exc: ValidationError, finish_reason: str | None) -> str:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()[:5]
    )
    if finish_reason == "length":
        problems = "输出在达到长度上限时被截断（JSON 不完整），请更简短。" + problems
    return problems


def ask_structured(
    chat: BaseChatModel,
    messages: list[BaseMessage],
    response_model: type[T],
    *,
    max_retries: int = 2,
    context: dict[str, Any] | None = None,
    **call_kwargs: Any,
) -> Structured[T]:
    """Ask ``chat`` for an answer that validates as ``response_model``.

    ``context`` is passed to pydantic validators (e.g. the plan text for quote checks).
    Backend failures (:class:`reviewer.llm.LLMError`) propagate: they are not parse failures.
    """
    schema = response_model.model_json_schema()
    response_format = json_schema_format(schema, name=response_model.__name__)
    retry = load_prompt("retry_invalid")
    result: Structured[T] = Structured()
    conversation = list(messages)
    for _ in range(max_retries + 1):
        started = time.perf_counter()
        reply = chat.invoke(conversation, response_format=response_format, **call_kwargs)
        usage = getattr(reply, "usage_metadata", None) or {}
        result.usage = result.usage.add(
            Usage(
                prompt_tokens=usage.get("input_tokens", 0),
                cached_tokens=(usage.get("input_token_details") or {}).get("cache_read", 0),
                completion_tokens=usage.get("output_tokens", 0),
                calls=1,
                seconds=time.perf_counter() - started,
            )
        )
        raw = str(reply.content)
        finish = (reply.response_metadata or {}).get("finish_reason")
        result.attempts += 1
        result.raw.append(raw)
        result.finish_reasons.append(finish)
        try:
            result.value = response_model.model_validate_json(_strip_fence(raw), context=context)
            result.error = None
            return result
        except ValidationError as exc:
            result.error = _describe(exc, finish)
        conversation = [
            *conversation,
            AIMessage(content=raw),
            HumanMessage(content=retry.render(error=result.error).user),
        ]
    return result
