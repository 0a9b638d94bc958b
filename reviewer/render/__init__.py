"""Render stage: a :class:`~reviewer.contracts.Report` as JSON, Markdown, a Word memo, the page's HTML, a batch table.

Every output but JSON lays out one view model (:mod:`.view`), so the words are the same in each.
"""

from __future__ import annotations

from ..contracts import Report
from .markdown import to_markdown
from .page import CSS, findings_html, plan_html, quality_md, summary_html
from .view import SETTLED, VERDICTS, WEAK, ReportView, report_view, verdict_label
from .word import to_docx

__all__ = [
    "CSS", "SETTLED", "VERDICTS", "WEAK", "ReportView", "findings_html", "plan_html", "quality_md", "report_view", "summary_html",
    "summary_rows", "to_docx", "to_json", "to_markdown", "verdict_label",
]


def to_json(report: Report) -> str:
    """The report as indented JSON (UTF-8, Chinese unescaped)."""
    return report.model_dump_json(indent=2)


def summary_rows(reports: list[Report]) -> list[dict[str, str]]:
    """One row per plan, one column per check (the verdict, or the status of a check not judged): a batch's table."""
    rows = []
    for r in reports:
        row = {"plan": r.source, "title": r.profile.title}
        row.update({f.check_id: (f.verdict or f.status) for f in r.findings})
        rows.append(row)
    return rows
