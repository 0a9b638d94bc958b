"""Batch review: many plans into one folder, resumable, with a plan × check table."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel, Field, ValidationError

from .contracts import Report
from .llm import LLMError
from .load import LoadError
from .models import ModelError
from .pipeline import ProgressFn, Reviewer
from .render import summary_rows, to_docx, to_json, to_markdown

PLAN_SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown", ".html", ".htm"}


class BatchItem(BaseModel):
    """What happened to one plan of a batch."""

    source: str
    status: Literal["reviewed", "skipped", "error"]
    """``skipped``: a report made with the same settings was already in the output folder."""
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


def expand(paths: list[Path]) -> list[Path]:
    """Files to review: the given files, and plan files found under given folders."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES)
        else:
            files.append(path)
    return files


def _stems(files: list[Path]) -> list[str]:
    seen: dict[str, int] = {}
    stems = []
    for f in files:
        n = seen.get(f.stem, 0)
        seen[f.stem] = n + 1
        stems.append(f.stem if n == 0 else f"{f.stem}-{n + 1}")
    return stems


def _previous(path: Path, key: str) -> Report | None:
    """A report already written with the same settings key, if any."""
    try:
        report = Report.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None
    return report if report.run.config_key == key else None


def write_report(report: Report, base: Path, fmt: str) -> list[str]:
    """Write ``base.json`` (always: it makes the batch resumable) and ``base.<fmt>``."""
    outputs = [base.with_suffix(".json")]
    outputs[0].write_text(to_json(report), encoding="utf-8")
    if fmt == "md":
        outputs.append(base.with_suffix(".md"))
        outputs[-1].write_text(to_markdown(report), encoding="utf-8")
    elif fmt == "docx":
        outputs.append(base.with_suffix(".docx"))
        to_docx(report, outputs[-1])
    return [str(o) for o in outputs]


def write_tables(reports: list[Report], outdir: Path) -> list[str]:
    """The plan × check table as CSV (UTF-8 with BOM, for Excel) and XLSX."""
    rows = summary_rows(reports)
    if not rows:
        return []
    columns = list(rows[0])
    csv_path, xlsx_path = outdir / "summary.csv", outdir / "summary.xlsx"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "plan x check"
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    book.save(str(xlsx_path))
    return [str(csv_path), str(xlsx_path)]


def review_batch(
    paths: list[Path], outdir: Path, reviewer: Reviewer, *, fmt: str = "md",
    on_item: Callable[[int, int, Path], None] | None = None, progress: ProgressFn | None = None,
) -> BatchResult:
    """Review every plan, skip those already done with the same settings, keep going past failures."""
    outdir.mkdir(parents=True, exist_ok=True)
    files = expand(paths)
    key = reviewer.config_key()
    items: list[BatchItem] = []
    reports: list[Report] = []
    for i, (path, stem) in enumerate(zip(files, _stems(files)), 1):
        if on_item:
            on_item(i, len(files), path)
        base = outdir / stem
        if (done := _previous(base.with_suffix(".json"), key)) is not None:
            reports.append(done)
            items.append(BatchItem(source=str(path), status="skipped", outputs=[str(base.with_suffix(".json"))]))
            continue
        started = time.perf_counter()
        try:
            report = reviewer.review(path, progress=progress)
        except (LoadError, LLMError, ModelError) as exc:
            items.append(BatchItem(source=str(path), status="error", error=str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad plan must not stop the batch
            items.append(BatchItem(source=str(path), status="error", error=f"{type(exc).__name__}: {exc}"))
            continue
        reports.append(report)
        items.append(BatchItem(source=str(path), status="reviewed", outputs=write_report(report, base, fmt),
                               seconds=round(time.perf_counter() - started, 2)))
    return BatchResult(items=items, tables=write_tables(reports, outdir))
