"""The CLI's progress display (rich) on stderr: stage, check and ETA of a plan, plans done and ETA of a batch.

Quiet when stderr is not a terminal (a pipe, a log file, a test runner), so redirected output stays clean.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .pipeline import Progress as ReviewEvent

STAGES = {"load": "reading", "ocr": "OCR of scanned page", "retrieve": "choosing candidate sentences", "judge": "judging", "review": "reviewing"}
"""Each pipeline stage in the display's words."""
NAME_CHARS = 28
"""A plan's name is cut to this, so the bars keep their room on an 80-column terminal."""


class ProgressDisplay:
    """Rich progress bars fed by :class:`~reviewer.pipeline.Progress` events and per-plan callbacks.

    Use as a context manager; pass the instance as ``progress=`` to a review and :meth:`on_item` as
    ``on_item=`` to a batch or an evaluation.
    """

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = self.console.is_terminal
        self._bars = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, transient=True, disable=not self.enabled,
        )
        self._plans: TaskID | None = None
        self._plan = self._bars.add_task("starting", total=None)
        self._name = ""

    def __enter__(self) -> ProgressDisplay:
        self._bars.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._bars.stop()

    def on_item(self, i: int, n: int, name: object) -> None:
        """A batch or an evaluation starts its ``i``-th of ``n`` plans (``name``: a path or an example id)."""
        if self._plans is None:  # the batch's bar goes above the plan's
            self._bars.remove_task(self._plan)
            self._plans = self._bars.add_task("plans", total=n)
            self._plan = self._bars.add_task("", total=None)
        self._bars.update(self._plans, completed=i - 1, total=n, description=f"plans ({i}/{n})")
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
