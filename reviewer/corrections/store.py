"""The corrections file: ``$REVIEWER_HOME/corrections/corrections.jsonl``, one line per reviewed plan.

Each line is a :class:`~.core.CorrectedExample` in the rubric's dataset format, so
``reviewer eval --dataset <home>/corrections/corrections.jsonl`` runs on it unchanged. A plan is
keyed by the hash of its text: correcting the same plan again replaces its line.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from ..contracts import Report
from ..errors import writable_dir
from .core import CorrectedExample, Decision, to_example

FILE_NAME = "corrections.jsonl"
_lock = threading.Lock()
"""Serialises the threads of one process; :func:`_file_lock` serialises processes."""


def corrections_path(home: Path) -> Path:
    """Where the corrections of a ``REVIEWER_HOME`` are kept."""
    return home / "corrections" / FILE_NAME


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(line: str) -> str | None:
    try:
        row = json.loads(line)
    except ValueError:
        return None
    return row.get("sha256") if isinstance(row, dict) else None


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``<path>.lock`` while a process reads, changes and replaces ``path``.

    The lock is on a file beside it, not on the corrections file itself, which ``os.replace`` swaps for a new one.
    """
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_example(example: CorrectedExample, home: Path) -> Path:
    """Add the example to the corrections file, replacing an earlier line for the same plan text."""
    path = corrections_path(home)
    writable_dir(path.parent, "the corrections", "set REVIEWER_HOME (or the home setting) to a writable folder")
    with _lock, _file_lock(path):  # two pages or processes saving at once: each sees the other's line
        kept = [line for line in _lines(path) if _key(line) != example.sha256]
        kept.append(example.model_dump_json())
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".corrections-", suffix=".jsonl")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("\n".join(kept) + "\n")
        os.replace(tmp, path)  # whole file or nothing: a crash never leaves half a line
    return path


def save_corrections(report: Report, decisions: Iterable[Decision], home: Path, *,
                     others: Literal["accepted"] | None = None) -> CorrectedExample:
    """Apply the decisions to the report and store the labelled example under ``home``."""
    example = to_example(report, decisions, others=others)
    save_example(example, home)
    return example


def count_corrections(home: Path) -> int:
    """How many reviewed plans the corrections file holds."""
    return len(_lines(corrections_path(home)))
