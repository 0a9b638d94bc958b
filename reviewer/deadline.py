"""Time limits: a budget for a whole review, which every model call inside it respects, and a hard limit per call.

The review sets the budget with :func:`time_budget`; a chat backend reads what is left with
:func:`time_left` (a context variable, so nothing is threaded through the stages) and refuses to
start a call once it is spent. :func:`call_within` gives a blocking call a total deadline,
however slowly its answer trickles in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from typing import Any, TypeVar

T = TypeVar("T")

_END: ContextVar[float | None] = ContextVar("reviewer_time_budget_end", default=None)


class DeadlineExceededError(TimeoutError):
    """A call did not return within its limit."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Within the block, :func:`time_left` counts down from ``seconds`` (or from an earlier enclosing end)."""
    end = time.monotonic() + seconds
    outer = _END.get()
    token = _END.set(end if outer is None else min(outer, end))
    try:
        yield
    finally:
        _END.reset(token)


def time_left() -> float | None:
    """Seconds left of the current budget (negative once spent), or None outside any budget."""
    end = _END.get()
    return None if end is None else end - time.monotonic()


def call_within(seconds: float, fn: Callable[[], T]) -> T:
    """``fn()``, or :class:`DeadlineExceededError` if it has not returned after ``seconds``.

    ``fn`` runs in a daemon thread, which is abandoned, not killed, at the deadline: the caller
    must make it stop (for HTTP, close its connection; the next byte or the socket timeout ends it).
    """
    result: dict[str, Any] = {}
    done = threading.Event()
    context = copy_context()

    def run() -> None:
        try:
            result["value"] = context.run(fn)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as it is
            result["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="reviewer-call", daemon=True).start()
    if not done.wait(max(0.0, seconds)):
        raise DeadlineExceededError(f"no answer within {seconds:g}s")
    if "error" in result:
        raise result["error"]
    value: T = result["value"]
    return value
