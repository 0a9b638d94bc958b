"""The CLI's progress display (rich) on stderr: stage, check and ETA of a plan; plans done, rate and ETA of a batch.

Quiet when stderr is not a terminal (a pipe, a log file, a test runner), so redirected output stays clean.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .pipeline import Progress as ReviewEvent

if TYPE_CHECKING:
    from .batch import BatchItem

STAGES = {"load": "reading", "ocr": "OCR of scanned page", "retrieve": "choosing candidate sentences", "judge": "judging", "review": "reviewing"}
"""Each pipeline stage in the display's words."""
NAME_CHARS = 28
"""A plan's name is cut to this, so the bars keep their room on an 80-column terminal."""


class _RateColumn(ProgressColumn):
    """Plans per minute of a batch's bar (empty on other bars)."""

    def render(self, task: Task) -> Text:
        rate = task.fields.get("rate")
        return Text(f"{rate:.1f} plans/min" if rate else "", style="progress.data.speed")


class _EtaColumn(TimeRemainingColumn):
    """The batch's own ETA (from its rate over the whole run) on its bar, rich's estimate on the others."""

    def render(self, task: Task) -> Text:
        if "eta_s" not in task.fields:
            return super().render(task)
        eta = task.fields["eta_s"]
        shown = "-:--:--" if eta is None else str(timedelta(seconds=round(eta)))
        return Text(shown, style="progress.remaining")


class ProgressDisplay:
    """Rich progress bars fed by :class:`~reviewer.pipeline.Progress` events and per-plan callbacks.

    Use as a context manager; pass the instance as ``progress=`` to a review and :meth:`on_item` as
    ``on_item=`` to a batch or an evaluation.
    """

    def __init__(self, console: Console | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = self.console.is_terminal
        self._bars = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
            TimeElapsedColumn(), TextColumn("ETA"), _EtaColumn(),
            console=self.console, transient=True, disable=not self.enabled,
        )
        self._plans: TaskID | None = None
        self._plan = self._bars.add_task("starting", total=None)
        self._name = ""
        self._clock = clock
        self._started = clock()
        self._worked = 0
        """Plans of the batch finished by reviewing (or failing), not skipped as already done: the rate counts these."""

    def __enter__(self) -> ProgressDisplay:
        self._bars.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._bars.stop()

    def _batch_bar(self, n: int) -> TaskID:
        if self._plans is None:  # the batch's bar goes above the plan's
            self._bars.remove_task(self._plan)
            self._plans = self._bars.add_task("plans", total=n)
            self._plan = self._bars.add_task("", total=None)
        return self._plans

    def on_done(self, done: int, n: int, item: BatchItem) -> None:
        """A batch has finished ``done`` of its ``n`` plans, ``item`` last: plans done, plans per minute, ETA.

        The rate is plans reviewed since the display started over the time since then, so with several
        plans in flight it is the batch's throughput; plans skipped as already done count for the bar only.
        """
        bar = self._batch_bar(n)
        self._worked += item.status != "skipped"
        elapsed = self._clock() - self._started
        rate = self._worked / elapsed * 60 if self._worked and elapsed > 0 else None
        eta = (n - done) / rate * 60 if rate else None
        self._bars.update(bar, completed=done, total=n, description=f"plans ({done}/{n})", rate=rate, eta_s=eta)
        if not self._name:  # several plans in flight: no one plan's stages to show
            self._bars.update(self._plan, visible=False)
        self._bars.refresh()

    def on_item(self, i: int, n: int, name: object) -> None:
        """A batch or an evaluation starts its ``i``-th of ``n`` plans (``name``: a path or an example id)."""
        bar = self._batch_bar(n)
        self._bars.update(bar, completed=i - 1, total=n, description=f"plans ({i}/{n})")
        label = str(getattr(name, "name", name))
        self._name = f"{label if len(label) <= NAME_CHARS else label[:NAME_CHARS - 1] + '…'}: "
        self._bars.reset(self._plan, total=None, description=f"{self._name}{STAGES['review']}")

    def __call__(self, event: ReviewEvent) -> None:
        """One event of the review in progress: its stage, and for a check which one of how many."""
        stage = STAGES.get(event.stage, event.stage)
        if event.n:  # a check of the eight, or a scanned page of the scan
            what = f" {event.check}" if event.check else ""
            self._bars.update(self._plan, total=event.n, completed=event.i - 1,
                              description=f"{self._name}{stage}{what} ({event.i}/{event.n})")
        else:
            self._bars.update(self._plan, description=f"{self._name}{stage}")
