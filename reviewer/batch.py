"""Batch review: many plans into one folder, resumable, with a plan × check table.

The output folder keeps a state file (:data:`STATE_FILE`) with, for every plan ever reviewed
into it, the plan's path, its output name, the SHA-256 of its content, the settings key
(:meth:`Reviewer.config_key`) and whether it failed. A plan is skipped only when its content
and the settings are unchanged and its report is still there; an edited plan is reviewed
again. Plans with the same file name from different folders get distinct output names, kept
from run to run. ``summary.csv``/``.xlsx`` are rebuilt each run from every plan in the folder,
failed ones with their reason.

With the ``openai`` backend, ``Settings.concurrency`` plans are reviewed at once (each plan's own
review stays sequential); only the calling thread updates and writes the state, each report and
the state file are replaced atomically, so a batch killed at any point resumes cleanly.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from .contracts import Report
from .errors import ReviewerError
from .ingest import PLAN_SUFFIXES
from .pipeline import ProgressFn, Reviewer
from .render import summary_rows, to_docx, to_json, to_markdown

STATE_FILE = ".reviewer-batch.json"
"""The batch state kept in the output folder."""
TABLE_EXTRAS = ("status", "report", "error")
"""Columns after the plan × check columns of the summary table."""


class BatchItem(BaseModel):
    """What happened to one plan of a batch."""

    source: str
    status: Literal["reviewed", "skipped", "error"]
    """``skipped``: the same content was already reviewed with the same settings into the output folder."""
    outputs: list[str] = Field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


class BatchResult(BaseModel):
    """The outcome of a batch: one item per plan, and the summary tables written."""

    items: list[BatchItem]
    tables: list[str] = Field(default_factory=list)

    @property
    def errors(self) -> list[BatchItem]:
        """Plans that could not be reviewed."""
        return [i for i in self.items if i.status == "error"]


class Entry(BaseModel):
    """One plan in the batch state."""

    source: str
    """The plan's absolute path."""
    name: str
    """Output base name: ``<name>.json`` and ``<name>.md``/``.docx`` in the output folder."""
    sha256: str = ""
    config_key: str = ""
    error: str | None = None
    """Why the last review failed; None if it succeeded."""


class BatchState(BaseModel):
    """Every plan reviewed into an output folder, by absolute path."""

    version: int = 1
    plans: dict[str, Entry] = Field(default_factory=dict)

    @classmethod
    def read(cls, outdir: Path) -> "BatchState":
        """The folder's state; empty if there is none or it is unreadable (every plan is then reviewed)."""
        try:
            return cls.model_validate_json((outdir / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError):
            return cls()

    def write(self, outdir: Path) -> None:
        """Replace the state file atomically, so a killed batch leaves the old or the new state."""
        temporary = outdir / f"{STATE_FILE}.tmp"
        temporary.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        os.replace(temporary, outdir / STATE_FILE)


def expand(paths: list[Path]) -> list[Path]:
    """Files to review: the given files, and plan files found under given folders (each file once)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES)
        else:
            files.append(path)
    return list({str(f.resolve()): f for f in files}.values())


def _names(files: list[Path], state: BatchState) -> dict[str, str]:
    """Absolute path → output name: kept from the state, else the stem, else ``<folder>-<stem>``, else ``<stem>-N``.

    Names are compared case-insensitively, as on the file systems of Windows and macOS.
    """
    taken = {Path(STATE_FILE).stem.casefold(), "summary"} | {e.name.casefold() for e in state.plans.values()}
    names = {source: entry.name for source, entry in state.plans.items()}
    for file in files:
        source = str(file.resolve())
        if source in names:
            continue
        stem = file.stem or "plan"
        candidates = itertools.chain([stem, f"{file.resolve().parent.name}-{stem}"], (f"{stem}-{n}" for n in itertools.count(2)))
        names[source] = next(c for c in candidates if c.casefold() not in taken)
        taken.add(names[source].casefold())
    return names


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stored_report(base: Path) -> Report | None:
    """The report written at ``base.json`` (``base`` may be that file), if it is there and readable."""
    try:
        return Report.model_validate_json(base.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def _replace(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` through a temporary file beside it: a kill leaves the old file or the new, never half of one."""
    temporary = path.with_name(f".{path.stem}.tmp{path.suffix}")
    write(temporary)
    os.replace(temporary, path)


def write_report(report: Report, base: Path, fmt: str) -> list[str]:
    """Write ``base.json`` (always: it makes the batch resumable) and ``base.<fmt>``, each atomically."""
    outputs = [base.with_suffix(".json")]
    _replace(outputs[0], lambda p: p.write_text(to_json(report), encoding="utf-8"))
    if fmt == "md":
        outputs.append(base.with_suffix(".md"))
        _replace(outputs[-1], lambda p: p.write_text(to_markdown(report), encoding="utf-8"))
    elif fmt == "docx":
        outputs.append(base.with_suffix(".docx"))
        _replace(outputs[-1], lambda p: to_docx(report, p))
    return [str(o) for o in outputs]


def write_tables(reports: list[Report], outdir: Path, failures: list[tuple[str, str, str]] | None = None,
                 names: list[str] | None = None) -> list[str]:
    """The plan × check table as CSV (UTF-8 with BOM, for Excel) and XLSX.

    ``failures`` are (plan, reason, output name) triples listed after the reviewed plans; ``names``
    are the reports' output names, which tell apart plans of the same name from different folders.
    """
    rows = summary_rows(reports)
    for i, (row, report) in enumerate(zip(rows, reports)):
        incomplete = "、".join(report.summary.failed)
        row.update(status="reviewed" if report.summary.complete else "incomplete", report=names[i] if names else "",
                   error=f"未能判断：{incomplete}" if incomplete else "")
    rows += [{"plan": plan, "title": "", "status": "failed", "report": name, "error": reason}
             for plan, reason, name in failures or []]
    if not rows:
        return []
    columns = [c for c in dict.fromkeys(k for row in rows for k in row) if c not in TABLE_EXTRAS] + list(TABLE_EXTRAS)
    csv_path, xlsx_path = outdir / "summary.csv", outdir / "summary.xlsx"

    def write_csv(path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)

    _replace(csv_path, write_csv)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "plan x check"
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    _replace(xlsx_path, lambda p: book.save(str(p)))
    return [str(csv_path), str(xlsx_path)]


def _summary(outdir: Path, state: BatchState) -> list[str]:
    """Rebuild the tables from every plan in the folder's state, failures included."""
    reports: list[Report] = []
    names: list[str] = []
    failures: list[tuple[str, str, str]] = []
    for source, entry in sorted(state.plans.items()):
        report = None if entry.error else stored_report(outdir / entry.name)
        if report is not None:
            reports.append(report)
            names.append(entry.name)
        else:
            failures.append((Path(source).name, entry.error or "its report is missing from the output folder", entry.name))
    return write_tables(reports, outdir, failures, names)


def _review_one(path: Path, base: Path, entry: Entry, reviewer: Reviewer, fmt: str,
                progress: ProgressFn | None) -> BatchItem:
    """Review one plan into ``base``, or skip it if its content and the settings are unchanged; update ``entry``."""
    started = time.perf_counter()
    try:
        digest = _sha256(path)
        unchanged = digest == entry.sha256 and entry.config_key == reviewer.config_key() and not entry.error
        if unchanged and (done := stored_report(base)) is not None:
            missing = fmt != "json" and not base.with_suffix(f".{fmt}").exists()
            outputs = write_report(done, base, fmt) if missing else [str(base.with_suffix(".json"))]
            return BatchItem(source=str(path), status="skipped", outputs=outputs)
        report = reviewer.review(path, progress=progress)
        outputs = write_report(report, base, fmt)
    except (ReviewerError, OSError) as exc:  # a bad plan, a failing model or index server: its message
        entry.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad plan must not stop the batch
        entry.error = f"{type(exc).__name__}: {exc}"
    else:
        entry.sha256, entry.config_key, entry.error = digest, reviewer.config_key(), None
        return BatchItem(source=str(path), status="reviewed", outputs=outputs,
                         seconds=round(time.perf_counter() - started, 2))
    entry.sha256 = entry.config_key = ""
    return BatchItem(source=str(path), status="error", error=entry.error)


def review_batch(
    paths: list[Path], outdir: Path, reviewer: Reviewer, *, fmt: str = "md",
    on_item: Callable[[int, int, Path], None] | None = None, progress: ProgressFn | None = None,
    workers: int | None = None, on_done: Callable[[int, int, BatchItem], None] | None = None,
) -> BatchResult:
    """Review every plan, skip those already done with the same content and settings, keep going past failures.

    ``workers`` plans at once (default :meth:`Settings.workers`: ``concurrency`` with the ``openai`` backend,
    else 1). With one worker ``on_item(i, n, path)`` is called as plan i of n starts and ``progress`` gets the
    stages of each plan; with several, plans start together and neither is called. ``on_done(done, n, item)``
    is called as each plan is finished, in either case. Every callback runs in the calling thread.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    files = expand(paths)
    state = BatchState.read(outdir)
    names = _names(files, state)
    workers = max(1, workers or reviewer.settings.workers())
    # each plan works on a copy of its entry; only this thread puts entries into the state and writes it
    todo = [(path, (state.plans.get(s) or Entry(source=s, name=names[s])).model_copy())
            for path, s in ((p, str(p.resolve())) for p in files)]
    items: list[BatchItem] = [BatchItem(source=str(p), status="error", error="not reviewed") for p in files]

    finished = 0

    def finish(k: int, item: BatchItem) -> None:
        nonlocal finished
        items[k] = item
        state.plans[todo[k][1].source] = todo[k][1]
        state.write(outdir)  # after each plan: a killed batch resumes from here
        finished += 1
        if on_done:
            on_done(finished, len(files), item)

    def run(k: int) -> BatchItem:
        path, entry = todo[k]
        return _review_one(path, outdir / entry.name, entry, reviewer, fmt, progress if workers == 1 else None)

    if workers == 1:
        for k, (path, _) in enumerate(todo):
            if on_item:
                on_item(k + 1, len(files), path)
            finish(k, run(k))
    else:
        executor = ThreadPoolExecutor(workers, thread_name_prefix="reviewer-batch")
        try:
            futures = {executor.submit(run, k): k for k in range(len(todo))}
            for future in as_completed(futures):
                finish(futures[future], future.result())
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
    return BatchResult(items=items, tables=_summary(outdir, state))
