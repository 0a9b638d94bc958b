"""The report as a Word review memo: the headline, the problems found, the checks not judged, an evidence appendix."""

from __future__ import annotations

from pathlib import Path

from ..contracts import Report
from .view import FindingView, ReportView, report_view


def _sections(v: ReportView) -> list[tuple[str, list[FindingView]]]:
    """The memo's sections: only what needs the reader's attention."""
    return [("二、存在的误区", [f for f in v.findings if f.kind == "misconception" and f.flagged]),
            ("三、缺失或部分体现的嵌入点", [f for f in v.findings if f.kind == "embedding" and f.flagged]),
            ("四、未能完成或无法判断的检查", [f for f in v.findings if not f.ok])]


def to_docx(report: Report, path: Path) -> None:
    """Write the report as a Word review memo to ``path``."""
    from docx import Document as Word
    from docx.shared import Pt

    v = report_view(report)
    doc = Word()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(f"关于《{v.title}》的审读意见", level=0)
    doc.add_paragraph(v.facts)
    doc.add_heading("一、总体意见", level=1)
    doc.add_paragraph(v.summary)
    if v.scope:
        doc.add_paragraph(v.scope)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["检查项", "结论", "置信度", "证据条数"]):
        cell.text = text
    for f in v.findings:
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text, row[3].text = f.title, f.label, f.confidence, str(len(f.evidence))
    for heading, findings in _sections(v):
        doc.add_heading(heading, level=1)
        if not findings:
            doc.add_paragraph("无。")
        for f in findings:
            doc.add_heading(f"{f.title}：{f.label}", level=2)
            doc.add_paragraph(f"{f.reason_label}：{f.reason}")
            if f.suggestion:
                doc.add_paragraph(f"修改建议：{f.suggestion}")
            if f.citations:
                doc.add_paragraph("依据条款：" + "；".join(f.citations))
    doc.add_heading("附：证据摘录（含页码）", level=1)
    for f in v.findings:
        for e in f.evidence:
            doc.add_paragraph(f"[{f.check_id}/{e.indicator}] 第{e.page}页，{e.where}：{e.quote}", style="List Bullet")
    doc.add_paragraph("生成信息：" + "；".join(v.run) + "。" + v.disclaimer)
    doc.save(str(path))
