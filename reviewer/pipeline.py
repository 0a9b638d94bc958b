"""The review pipeline, stage by stage, and the ``Reviewer`` that runs it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from .config import Settings, load_settings
from .contracts import Report, RunInfo
from .judge import profile_plan
from .llm import make_chat
from .load import load


class Reviewer:
    """Reviews plans with one settings object; the chat model is built once and reused."""

    def __init__(self, settings: Settings | None = None, chat: BaseChatModel | None = None) -> None:
        self.settings = settings or load_settings()
        self._chat = chat

    @property
    def chat(self) -> BaseChatModel:
        """The chat model, built from settings on first use."""
        if self._chat is None:
            self._chat = make_chat(self.settings)
        return self._chat

    def review(self, source: str | Path | bytes, *, name: str | None = None) -> Report:
        """Review a plan given as a path, bytes (with ``name`` for its type) or loaded text."""
        started = time.perf_counter()
        doc = load(source, name=name)
        profile = profile_plan(doc, self.chat, max_retries=self.settings.max_retries)
        run = RunInfo(
            backend=self.settings.backend,
            model=self.settings.model if self.settings.backend != "fake" else "fake",
            prompts={profile.prompt_id: profile.prompt_sha256},
            usage=profile.usage,
            seconds=time.perf_counter() - started,
        )
        return Report(source=doc.source, chars=len(doc.text), profile=profile, run=run)


def review(source: str | Path | bytes, **settings: Any) -> Report:
    """Review one plan: ``review("plan.txt", backend="fake")``; keywords are Settings fields."""
    return Reviewer(load_settings(**settings)).review(source)
