"""Several OpenAI-compatible endpoints (replicas of one model) behind one chat model.

:class:`EndpointPool` picks the least busy endpoint that is in rotation (ties go round-robin),
holds at most ``limit`` requests in flight on each, and takes an endpoint that stops answering
(no connection, timed out, or ``FAILS_TO_DROP`` busy/failing answers in a row) out of rotation
for ``cooldown_s``; after that one request probes it. :class:`PooledChat` sends each request
there, and on a busy, failing or dead endpoint asks another one (backing off once every endpoint
has failed the call), ``max_retries`` times beyond one try per endpoint. Each try on an endpoint
keeps the limit of ``timeout_s``; the review's budget (``review_timeout_s``) bounds them all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import PrivateAttr

from .config import Settings
from .deadline import time_left
from .llm import LLMError, LLMTimeoutError, LLMUnavailableError, OpenAIChat, _OpenAIStyleChat

FAILS_TO_DROP = 3
"""Busy or failing answers (429/5xx) in a row that take an endpoint out of rotation."""
BACKOFF_S = (0.2, 0.5, 1.0, 2.0)
"""Pauses before asking again once every endpoint has failed the same call."""


@dataclass
class Endpoint:
    """One endpoint's state in the pool."""

    url: str
    in_flight: int = 0
    fails: int = 0
    """Busy or failing answers in a row."""
    down_until: float = 0.0
    """Out of rotation until this ``time.monotonic()``; 0 when in rotation."""
    probing: bool = False
    """Back from a cool-down: one request at a time until one succeeds."""
    calls: int = 0
    errors: int = 0


class EndpointPool:
    """Chooses endpoints for requests, with a per-endpoint limit, and tracks which ones answer."""

    def __init__(self, urls: list[str], *, limit: int = 8, cooldown_s: float = 30.0) -> None:
        if not urls:
            raise ValueError("an endpoint pool needs at least one URL")
        self.endpoints = [Endpoint(url) for url in urls]
        self.limit = limit
        self.cooldown_s = cooldown_s
        self._next = 0
        self._changed = threading.Condition()

    def _usable(self, e: Endpoint, now: float) -> bool:
        if e.down_until > now:
            return False
        return e.in_flight < (1 if e.probing else self.limit)

    def _choose(self, avoid: set[str]) -> Endpoint | None:
        """The least busy usable endpoint, preferring those not in ``avoid``; None if all are full.

        When every endpoint is out of rotation, the one due back first is asked (as a probe).
        """
        now = time.monotonic()
        n = len(self.endpoints)
        if all(e.down_until > now for e in self.endpoints):
            due = min(self.endpoints, key=lambda e: e.down_until)
            due.down_until = 0.0
        usable = [i for i, e in enumerate(self.endpoints) if self._usable(e, now)]
        if not usable:
            return None
        best = min(usable, key=lambda i: (self.endpoints[i].url in avoid, self.endpoints[i].in_flight, (i - self._next) % n))
        self._next = (best + 1) % n
        return self.endpoints[best]

    @contextmanager
    def acquire(self, avoid: set[str] | frozenset[str] = frozenset()) -> Iterator[Endpoint]:
        """An endpoint with a free slot (waiting for one if need be), held for the block."""
        with self._changed:
            while (endpoint := self._choose(set(avoid))) is None:
                self._changed.wait(0.5)  # woken on release; the timeout notices cool-downs that end
            endpoint.in_flight += 1
            endpoint.calls += 1
        try:
            yield endpoint
        finally:
            with self._changed:
                endpoint.in_flight -= 1
                self._changed.notify_all()

    def succeeded(self, endpoint: Endpoint) -> None:
        """The endpoint answered: back in full rotation."""
        with self._changed:
            endpoint.fails, endpoint.probing, endpoint.down_until = 0, False, 0.0
            self._changed.notify_all()

    def failed(self, endpoint: Endpoint, *, down: bool) -> None:
        """The endpoint did not answer (``down``) or was busy/failing: maybe take it out of rotation."""
        with self._changed:
            endpoint.fails += 1
            endpoint.errors += 1
            if down or endpoint.probing or endpoint.fails >= FAILS_TO_DROP:
                endpoint.down_until = time.monotonic() + self.cooldown_s
                endpoint.probing = True
            self._changed.notify_all()

    def in_rotation(self) -> list[str]:
        """URLs of the endpoints in rotation now."""
        now = time.monotonic()
        return [e.url for e in self.endpoints if e.down_until <= now]


class PooledChat(_OpenAIStyleChat):
    """An OpenAI-compatible chat model over several endpoints: spread, limited, failing over."""

    endpoints: list[OpenAIChat]
    """One client per endpoint, each without retries of its own (the pool retries elsewhere)."""
    max_retries: int = 2
    limit: int = 8
    cooldown_s: float = 30.0
    _pool: EndpointPool = PrivateAttr()

    def model_post_init(self, context: Any) -> None:
        """Build the pool over the endpoints."""
        self._pool = EndpointPool([e.base_url for e in self.endpoints], limit=self.limit, cooldown_s=self.cooldown_s)

    @classmethod
    def from_settings(cls, settings: Settings) -> "PooledChat":
        """The pool that ``settings`` describe (``base_url`` with several URLs)."""
        common: dict[str, Any] = {"model_name": settings.model, "max_tokens": settings.max_tokens,
                                  "temperature": settings.temperature, "seed": settings.seed}
        clients = [OpenAIChat(base_url=url, api_key=settings.api_key, timeout_s=settings.timeout_s, max_retries=0, **common)
                   for url in settings.base_urls()]
        return cls(endpoints=clients, max_retries=settings.max_retries, limit=settings.endpoint_concurrency,
                   cooldown_s=settings.endpoint_cooldown_s, **common)

    @property
    def _llm_type(self) -> str:
        return "openai"

    @property
    def pool(self) -> EndpointPool:
        """The endpoints' state (for progress and tests)."""
        return self._pool

    def _send(self, request: dict[str, Any]) -> dict[str, Any]:
        clients = {e.base_url: e for e in self.endpoints}
        tried: set[str] = set()
        errors: list[LLMUnavailableError] = []
        for _ in range(len(self.endpoints) + self.max_retries):
            if len(tried) >= len(self.endpoints):  # every endpoint failed this call: pause, then start over
                pause = BACKOFF_S[min(len(errors) - len(self.endpoints), len(BACKOFF_S) - 1)]
                left = time_left()
                if left is not None and left <= pause:
                    break
                time.sleep(pause)
                tried.clear()
            with self._pool.acquire(tried) as endpoint:
                tried.add(endpoint.url)
                try:
                    response = clients[endpoint.url]._send(request)
                except LLMUnavailableError as exc:
                    self._pool.failed(endpoint, down=exc.down)
                    errors.append(exc)
                    continue
                self._pool.succeeded(endpoint)
                return response
        if errors and all(isinstance(e, LLMTimeoutError) for e in errors):
            raise LLMTimeoutError(f"every try timed out ({len(errors)}): {errors[-1]}")
        last = errors[-1] if errors else "the review's time budget ran out"
        raise LLMError(f"no endpoint of {len(self.endpoints)} answered after {len(errors)} tries; last: {last}")
