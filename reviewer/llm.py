"""Chat backends behind one LangChain interface: local GGUF, OpenAI-compatible, fake.

All three speak the OpenAI chat-completions dialect: a request dict goes in, a
response dict comes out. :class:`LocalChat` hands it to llama.cpp's server running
in-process (xllamacpp); :class:`OpenAIChat` sends it over HTTP; :class:`FakeChat`
answers from a script, from rules matched on the prompt, or else with a deterministic
是 or 否. :func:`make_chat` picks one from :class:`Settings`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypedDict

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr, SecretStr

from .config import Settings
from .deadline import DeadlineExceededError, call_within, time_left
from .errors import ReviewerError
from .models import ensure_model, get_spec


class LLMError(ReviewerError, RuntimeError):
    """The backend could not produce an answer (unreachable, timed out, refused)."""


class LLMUnavailableError(LLMError):
    """The endpoint did not answer: unreachable, timed out, busy (429) or failing (5xx); another may."""

    def __init__(self, message: str, *, down: bool = False) -> None:
        super().__init__(message)
        self.down = down
        """True when the endpoint does not answer at all (no connection, timed out), not merely busy."""


class LLMTimeoutError(LLMUnavailableError):
    """The backend gave no complete answer within the call's time limit (hung, or trickling)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, down=True)


_ROLES = {"human": "user", "ai": "assistant", "system": "system"}


def to_openai_messages(messages: Iterable[BaseMessage]) -> list[dict[str, str]]:
    """Convert LangChain messages to OpenAI chat messages."""
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


class _OpenAIStyleChat(BaseChatModel):
    """Shared request building and response parsing for OpenAI-dialect backends."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_name: str
    max_tokens: int = 512
    temperature: float = 0.0
    seed: int | None = 42

    def _build_request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model_name,
            "messages": to_openai_messages(messages),
            "max_tokens": kwargs.pop("max_tokens", self.max_tokens),
            "temperature": kwargs.pop("temperature", self.temperature),
        }
        if self.seed is not None:
            request["seed"] = self.seed
        if stop:
            request["stop"] = stop
        request.update(kwargs)  # e.g. logprobs, top_logprobs
        return request

    def _send(self, request: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        left = time_left()
        if left is not None and left <= 0:
            raise LLMError("not asked: the review's time budget (setting review_timeout_s) ran out")
        response = self._send(self._build_request(messages, stop, **kwargs))
        if not isinstance(response, dict):
            raise LLMError(f"{self._llm_type} backend returned {type(response).__name__}, not a response object")
        if "error" in response and not response.get("choices"):
            raise LLMError(f"{self._llm_type} backend refused the request: {response['error']}")
        choices = response.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise LLMError(f"{self._llm_type} backend returned no answer (choices: {str(choices)[:80]})")
        choice = choices[0]
        usage = response.get("usage") or {}
        try:
            prompt_tokens = int(usage.get("prompt_tokens") or 0)
            completion_tokens = int(usage.get("completion_tokens") or 0)
            cached = int((usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
        except (TypeError, ValueError, AttributeError):
            prompt_tokens = completion_tokens = cached = 0
        message_data = choice.get("message") or {}
        message = AIMessage(
            content=(message_data.get("content") if isinstance(message_data, dict) else None) or "",
            usage_metadata={
                "input_tokens": prompt_tokens,
                "output_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
                "input_token_details": {"cache_read": cached},
            },
            response_metadata={
                "finish_reason": choice.get("finish_reason"),
                "logprobs": choice.get("logprobs"),
                "model": response.get("model", self.model_name),
                "timings": response.get("timings") or {},
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


def llama_params(model_path: Path, *, n_ctx: int, n_threads: int, seed: int | None, api_keys: list[str]) -> Any:
    """llama.cpp's server parameters for one bundled model, one request at a time (``xllamacpp.CommonParams``).

    The in-process backend and ``reviewer serve-model`` both start from these, so they answer alike.
    """
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(model_path)
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = n_threads
    params.cpuparams_batch.n_threads = n_threads
    params.verbosity = -1
    params.ui = False
    params.api_keys = api_keys
    params.sampling.seed = seed if seed is not None else 42
    params.warmup = False
    return params


class LocalChat(_OpenAIStyleChat):
    """A bundled GGUF model run in-process by llama.cpp's server (xllamacpp).

    The server (and the model's weights) load on first use and stay for the life of
    this object; llama.cpp keeps the KV cache of the previous prompt, so prompts that
    share a prefix only pay for their new tokens.
    """

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = 2
    _server: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "local"

    def _start(self) -> Any:
        import xllamacpp as xlc  # heavy native import: only when a local model is used

        # The embedded server also listens on a loopback port; lock it with a random key.
        params = llama_params(self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads, seed=self.seed,
                              api_keys=[secrets.token_hex(16)])
        return xlc.Server(params)

    def _send(self, request: dict[str, Any]) -> dict[str, Any]:
        request = dict(request, cache_prompt=True)
        with self._lock:  # one generation at a time on the CPU
            if self._server is None:
                try:
                    self._server = self._start()
                except Exception as exc:  # noqa: BLE001 - native errors have no common type
                    raise LLMError(f"could not start local model {self.model_path}: {exc}") from exc
            try:
                response = self._server.handle_chat_completions(request)
            except Exception as exc:  # noqa: BLE001
                raise LLMError(f"local model {self.model_name} failed: {exc}") from exc
        if not isinstance(response, dict):
            raise LLMError(f"local model {self.model_name} returned {type(response).__name__}, not a response")
        return response


class OpenAIChat(_OpenAIStyleChat):
    """Any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp server, cloud APIs)."""

    base_url: str
    api_key: SecretStr | None = None
    timeout_s: float = 300.0
    max_retries: int = 1
    """Retries (with the client's backoff) on connection errors, 408/409/429 and 5xx, all within ``timeout_s``."""
    _client: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "openai"

    def _redact(self, text: str) -> str:
        """``text`` with the API key removed (some endpoints echo it in their error bodies)."""
        key = self.api_key.get_secret_value() if self.api_key else ""
        return text.replace(key, "***") if len(key) >= 4 else text

    def _send(self, request: dict[str, Any]) -> dict[str, Any]:
        import openai

        with self._lock:  # one client per endpoint, shared by the threads of a concurrent batch
            if self._client is None:
                key = self.api_key.get_secret_value() if self.api_key else "not-needed"
                self._client = openai.OpenAI(base_url=self.base_url, api_key=key, timeout=self.timeout_s,
                                             max_retries=self.max_retries)
            client = self._client
        # one deadline for the whole call, retry included: a socket timeout alone restarts with every byte
        left = time_left()
        limit = self.timeout_s if left is None else min(self.timeout_s, max(left, 0.01))
        try:
            completion = call_within(limit, lambda: client.chat.completions.create(**request, timeout=limit))
        except (DeadlineExceededError, openai.APITimeoutError) as exc:
            self._client = None  # closing it ends the abandoned call at its next byte or socket timeout
            client.close()
            budget = "" if limit == self.timeout_s else ", what was left of the review's time budget"
            raise LLMTimeoutError(f"LLM endpoint {self.base_url} timed out: no complete answer within {limit:g}s{budget}") from exc
        except openai.APIConnectionError as exc:
            raise LLMUnavailableError(self._redact(f"cannot reach LLM endpoint {self.base_url}: {exc}"), down=True) from exc
        except openai.APIStatusError as exc:
            text = self._redact(f"LLM endpoint {self.base_url} answered HTTP {exc.status_code}: {exc.message}")
            if exc.status_code in (408, 409, 429) or exc.status_code >= 500:
                raise LLMUnavailableError(text) from exc
            raise LLMError(text) from exc
        except (ValueError, TypeError, openai.OpenAIError) as exc:  # e.g. HTTP 200 with a body that is not JSON
            raise LLMError(f"LLM endpoint {self.base_url} sent a reply that is not a chat completion: {type(exc).__name__}") from exc
        data: dict[str, Any] = completion.model_dump()
        extra = getattr(completion, "model_extra", None) or {}
        if "timings" in extra:
            data["timings"] = extra["timings"]
        return data


Script = str | Exception | Callable[[list[dict[str, str]]], str]


class FakeChat(_OpenAIStyleChat):
    """Deterministic offline chat model for tests, demos and CI.

    Answers come from ``script`` in order (a string, an exception to raise, or a function
    of the OpenAI-style messages), then from ``rules``, then ``default``, else 是 or 否 chosen
    by a hash of the prompt.
    Every request is kept in ``history``. It goes through the same request and response
    handling as the real backends.
    """

    model_name: str = "fake"
    script: list[Any] = Field(default_factory=list)
    rules: list[tuple[tuple[str, ...], str]] = Field(default_factory=list)
    """(needles, answer): answer when the last message holds every needle (checked after the script)."""
    default: str | None = None
    """The answer when neither script nor rules apply (None: the hash-chosen default)."""
    history: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "fake"

    def enqueue(self, *answers: Script) -> "FakeChat":
        """Append scripted answers; returns self for chaining."""
        self.script.extend(answers)
        return self

    def when(self, *needles: str, answer: str = "是") -> "FakeChat":
        """Answer ``answer`` to any request whose last message holds all ``needles``; returns self."""
        self.rules.append((needles, answer))
        return self

    def _answer(self, messages: list[dict[str, str]]) -> str:
        if self.script:
            item = self.script.pop(0)
            if isinstance(item, Exception):
                raise item
            return item(messages) if callable(item) else str(item)
        last = messages[-1]["content"] if messages else ""
        for needles, answer in self.rules:
            if all(n in last for n in needles):
                return answer
        if self.default is not None:
            return self.default
        digest = hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode()).digest()
        return "是" if digest[0] % 2 == 0 else "否"

    def _send(self, request: dict[str, Any]) -> dict[str, Any]:
        self.history.append(request)
        content = self._answer(request["messages"])
        prompt_tokens = sum(len(m["content"]) for m in request["messages"])
        choice: dict[str, Any] = {"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        if request.get("logprobs") and content[:1] in ("是", "否"):
            other = "否" if content[:1] == "是" else "是"
            choice["logprobs"] = {"content": [{"token": content[:1], "logprob": -0.1, "top_logprobs": [
                {"token": content[:1], "logprob": -0.1}, {"token": other, "logprob": -2.4}]}]}
        return {
            "model": self.model_name,
            "choices": [choice],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(content)},
        }


class _SamplingArgs(TypedDict):
    """The generation settings every backend takes."""

    max_tokens: int
    temperature: float
    seed: int | None


def make_chat(settings: Settings) -> BaseChatModel:
    """Build the chat model that ``settings`` selects."""
    common: _SamplingArgs = {"max_tokens": settings.max_tokens, "temperature": settings.temperature, "seed": settings.seed}
    if settings.backend == "fake":
        return FakeChat(**common)
    if settings.backend == "openai":
        if not settings.base_url:
            raise LLMError("backend 'openai' needs a base URL: set REVIEWER_BASE_URL or --base-url")
        urls = settings.base_urls()
        if len(urls) > 1:
            from .pool import PooledChat  # several endpoints: spread, limit, fail over

            return PooledChat.from_settings(settings)
        return OpenAIChat(model_name=settings.model, base_url=urls[0], api_key=settings.api_key,
                          timeout_s=settings.timeout_s, max_retries=settings.max_retries, **common)
    spec = get_spec(settings.model)
    return LocalChat(
        model_name=spec.name,
        model_path=ensure_model(spec, settings.model_cache),
        n_ctx=settings.n_ctx,
        n_threads=settings.threads(),
        **common,
    )
