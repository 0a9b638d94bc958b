"""What to compare: plans (read with the project's loader) and review reports (JSON), from files or folders.

A folder written by a batch review holds ``<name>.json`` reports beside their renderings (``<name>.md``):
the report is taken and its renderings are not read as plans. A plan given together with its report
(same file name as the report's source) is taken from the report, so nothing is read twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ..contracts import Document, Report
from ..errors import ReviewerError
from ..ingest import PLAN_SUFFIXES, OcrOptions, load
from ..profile import profile

E3_LOCAL = "E3a"
"""The E3 indicator that asks for a named local endowment; its evidence grounds priority fields."""


class PlanInput(BaseModel):
    """One plan to compare: its text and, when it came as a report, the spans of its E3 evidence."""

    name: str
    source: str
    text: str
    title: str
    locality: str | None = None
    e3_spans: list[tuple[int, int]] | None = None
    """Spans of the report's local-endowment evidence; None when the plan came without a report."""


class Inputs(BaseModel):
    """The plans read, and the inputs that could not be read with the reason."""

    plans: list[PlanInput]
    problems: list[str] = Field(default_factory=list)


def from_report(report: Report, name: str) -> PlanInput:
    """A plan as an earlier review reported it: its text, title, place and E3 evidence."""
    # a quote the model was unsure of is not trusted (a blind reader accepted such quotes far less often)
    evidence = [e for f in report.findings if f.check_id == "E3" for e in f.evidence if e.indicator == E3_LOCAL and not e.weak]
    return PlanInput(name=name, source=report.source, text=report.text, title=report.profile.title,
                     locality=report.profile.locality, e3_spans=[(e.start, e.end) for e in evidence])


def from_document(doc: Document, name: str) -> PlanInput:
    """A plan read by the loader, without a review."""
    facts = profile(doc)
    return PlanInput(name=name, source=doc.source, text=doc.text, title=facts.title, locality=facts.locality)


def _read_report(path: Path) -> Report | None:
    """The review report in ``path``, or None when the JSON is not one."""
    try:
        report = Report.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError, OSError):
        return None
    return report if report.text else None


def _files(paths: Iterable[Path]) -> list[Path]:
    """Plan files and JSON files: the given files, and those found under given folders (dotfiles skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                            and p.suffix.lower() in PLAN_SUFFIXES | {".json"})
        else:
            found.append(path)
    return list({str(p.resolve()): p for p in found}.values())


def _unique(stem: str, taken: set[str]) -> str:
    name = re.sub(r"\s+", "_", stem) or "plan"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def gather(items: Iterable[Path | str | Report], ocr: OcrOptions | None = None) -> Inputs:
    """Read every plan and report to compare; unreadable inputs become problems, not errors."""
    items = list(items)
    reports: list[tuple[Path | None, Report]] = [(None, i) for i in items if isinstance(i, Report)]
    paths = _files(Path(i) for i in items if not isinstance(i, Report))
    problems: list[str] = []
    for path in [p for p in paths if p.suffix.lower() == ".json"]:
        report = _read_report(path)
        if report is None:
            problems.append(f"{path.name}: not a review report with the plan's text; skipped")
        else:
            reports.append((path, report))
    covered = {Path(r.source).name for _, r in reports}
    rendered = {(p.parent.resolve(), p.stem) for p, _ in reports if p is not None}
    taken: set[str] = set()
    plans = [from_report(r, _unique(p.stem if p else Path(r.source).stem, taken)) for p, r in reports]
    for path in paths:
        if path.suffix.lower() == ".json" or path.name in covered or (path.parent.resolve(), path.stem) in rendered:
            continue
        try:
            plans.append(from_document(load(path, ocr=ocr), _unique(path.stem, taken)))
        except (ReviewerError, OSError) as exc:
            problems.append(f"{path.name}: {exc}")
    return Inputs(plans=plans, problems=problems)
