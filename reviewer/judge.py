"""Judge stage: the model answers each indicator question about each candidate sentence.

One call per (indicator, sentence), one generated token. Where the backend returns token
log-probabilities (llama.cpp, vLLM, most OpenAI-compatible servers), the answer is the
probability of 是 against 否, so thresholds can be fitted on the dev split; where it does
not (many cloud APIs), the generated answer counts as probability 1 or 0. An answer that
is neither is *unscored* (``p_yes`` None), never a verdict. A sentence the rubric itself settles
(the indicator's ``settled_by``) is not put to the model: it counts as 1.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from pathlib import Path
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel

from .candidates import Candidate
from .contracts import Usage
from .framework import Indicator
from .llm import LLMError
from .prompts import PromptTemplate

YES = ("是", "yes", "Yes", "YES", "对")
NO = ("否", "不", "no", "No", "NO", "非")
TOP_LOGPROBS = 8


class SentenceScore(BaseModel):
    """The model's answer to one indicator question about one candidate sentence."""

    indicator: str
    sentence: int
    p_yes: float | None
    """Probability of 是 (log-probabilities) or 1/0 (generated answer); None if unscored."""
    method: Literal["logprob", "generated", "rule", "not_asked"]
    """``rule``: the rubric settles it (the indicator's ``settled_by``), so no call was made and ``p_yes`` is 1;
    ``not_asked``: the sentence could not count at the calibrated thresholds, so no call was made."""
    raw: str = ""


def p_yes_from_logprobs(top: list[dict[str, Any]]) -> float | None:
    """P(是) / (P(是) + P(否)) over the first token's top alternatives, or None if neither appears."""
    yes = sum(math.exp(t["logprob"]) for t in top if str(t.get("token", "")).strip().startswith(YES))
    no = sum(math.exp(t["logprob"]) for t in top if str(t.get("token", "")).strip().startswith(NO))
    return yes / (yes + no) if yes + no > 0 else None


def p_yes_from_text(text: str) -> float | None:
    """1.0 for an answer that starts with 是/yes, 0.0 for 否/no, None for anything else."""
    answer = text.strip().strip("“”\"'「」*：: ")
    if answer.startswith(YES):
        return 1.0
    if answer.startswith(NO):
        return 0.0
    return None


class ScoreCache:
    """Answers already given, keyed by everything that shapes them, kept in a JSON-lines file.

    A draft reviewed again only pays for the sentences that changed. Lines are appended,
    so a killed run loses at most its last answer; unreadable lines are skipped.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()  # whole lines, also from the threads of a concurrent batch
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    row = json.loads(line)
                    self.entries[row["key"]] = row
                except (ValueError, KeyError, TypeError):
                    continue

    @staticmethod
    def key(*parts: str) -> str:
        """Hash of the parts that shape an answer."""
        return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored answer, if any."""
        return self.entries.get(key)

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store an answer (in memory, and appended to the file when it can be written)."""
        row = {"key": key, **value}
        self.entries[key] = row
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        except OSError:
            pass  # an unwritable cache only costs speed


class SentenceJudge:
    """Puts indicator questions about plan sentences to a chat model, one token per answer."""

    def __init__(self, chat: BaseChatModel, template: PromptTemplate, *, logprobs: bool = True,
                 cache: ScoreCache | None = None, model_key: str = "") -> None:
        self.chat = chat
        self.template = template
        self.logprobs = logprobs
        """Ask for log-probabilities; switched off for good when the backend refuses them."""
        self.cache = cache
        self.model_key = model_key
        """What identifies the model's answers in the cache (backend, model, endpoint, seed)."""

    def _ask(self, indicator: Indicator, candidate: Candidate) -> tuple[str, list[dict[str, Any]] | None, Usage]:
        prompt = self.template.render(question=indicator.question, section=candidate.section,
                                      sentence=candidate.text)
        messages = [SystemMessage(content=prompt.system), HumanMessage(content=prompt.user)]
        extra: dict[str, Any] = {"max_tokens": 1 if self.logprobs else 4}
        if self.logprobs:
            extra.update(logprobs=True, top_logprobs=TOP_LOGPROBS)
        started = time.perf_counter()
        reply = self.chat.invoke(messages, **extra)
        meta = getattr(reply, "usage_metadata", None) or {}
        usage = Usage(prompt_tokens=meta.get("input_tokens", 0),
                      cached_tokens=(meta.get("input_token_details") or {}).get("cache_read", 0),
                      completion_tokens=meta.get("output_tokens", 0), calls=1,
                      seconds=time.perf_counter() - started)
        logprobs = (reply.response_metadata or {}).get("logprobs") or {}
        content = logprobs.get("content") if isinstance(logprobs, dict) else None
        top = content[0].get("top_logprobs") if content else None
        return str(reply.content), top, usage

    def score(self, indicator: Indicator, candidates: list[Candidate]) -> tuple[list[SentenceScore], Usage]:
        """Scores of ``candidates`` for ``indicator``; backend failures raise :class:`LLMError`."""
        usage = Usage()
        scores = []
        for candidate in candidates:
            if indicator.settles(candidate.text):
                scores.append(SentenceScore(indicator=indicator.id, sentence=candidate.sentence, p_yes=1.0, method="rule"))
                continue
            key = ScoreCache.key(self.model_key, self.template.sha256, str(self.logprobs), indicator.question,
                                 candidate.section, candidate.text)
            if self.cache is not None and (hit := self.cache.get(key)) is not None:
                scores.append(SentenceScore(indicator=indicator.id, sentence=candidate.sentence, p_yes=hit["p_yes"],
                                            method=hit["method"], raw=hit.get("raw", "")))
                continue
            try:
                raw, top, used = self._ask(indicator, candidate)
            except LLMError as exc:
                if not self.logprobs or "logprob" not in str(exc).lower():
                    raise
                self.logprobs = False  # this endpoint refuses log-probabilities: use generated answers
                raw, top, used = self._ask(indicator, candidate)
            usage = usage.add(used)
            p = p_yes_from_logprobs(top) if top else None
            method: Literal["logprob", "generated"] = "logprob" if p is not None else "generated"
            if p is None:
                p = p_yes_from_text(raw)
            score = SentenceScore(indicator=indicator.id, sentence=candidate.sentence,
                                  p_yes=None if p is None else round(p, 4), method=method, raw=raw[:20])
            scores.append(score)
            if self.cache is not None and score.p_yes is not None:
                self.cache.put(key, {"p_yes": score.p_yes, "method": method, "raw": score.raw})
        return scores, usage
