"""The report as the review page shows it: HTML for the summary, the findings and the highlighted plan text."""

from __future__ import annotations

import html

from ..contracts import Report
from .view import FindingView, report_view

GREY, RED, ORANGE, GREEN = "#7f8c8d", "#c0392b", "#d68910", "#1e8449"
CSS = """
.badge{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-size:0.9em}
.finding{border:1px solid #ddd;border-radius:8px;padding:8px 12px;margin:8px 0}
.plan{white-space:pre-wrap;line-height:1.7;max-height:600px;overflow:auto;border:1px solid #eee;padding:8px}
.plan mark{background:#fde68a}
"""


def badge(f: FindingView) -> str:
    """A coloured verdict badge: red for a problem, orange for partly, green for none, grey when not judged."""
    colour = GREY if not f.ok else ORANGE if f.verdict == "partial" else RED if f.flagged else GREEN
    return f'<span class="badge" style="background:{colour}">{html.escape(f.label)}</span>'


def summary_html(report: Report) -> str:
    """The headline and the eight checks as a table with badges and confidence."""
    v = report_view(report)
    rows = "".join(
        f"<tr><td><a href='#finding-{f.check_id}'>{html.escape(f.title)}</a></td><td>{badge(f)}</td>"
        f"<td>{f.confidence}</td><td>{len(f.evidence)}</td></tr>"
        for f in v.findings
    )
    return (
        f"<h3>{html.escape(v.title)}</h3><p>{html.escape(v.summary)}</p>"
        f"<table><tr><th>检查项</th><th>结论</th><th>置信度</th><th>证据条数</th></tr>{rows}</table>"
    )


def _finding(f: FindingView) -> str:
    body = [f"<div class='finding' id='finding-{f.check_id}'><b>{html.escape(f.title)}</b> {badge(f)}",
            f"<p>{f.reason_label}：{html.escape(f.reason)}</p>"]
    body += [f"<p>📌 <a href='#{e.anchor}'>第{e.page}页，{html.escape(e.where)}</a>：{html.escape(e.quote)}</p>" for e in f.evidence]
    if f.searched:
        body.append(f"<p>查找范围：{html.escape(f.searched)}</p>")
    if f.citations:
        body.append(f"<p>依据条款：{html.escape('；'.join(f.citations))}</p>")
    if f.suggestion:
        body.append(f"<p>✍️ 修改建议：{html.escape(f.suggestion)}</p>")
    return "".join([*body, "</div>"])


def findings_html(report: Report) -> str:
    """Each check: the reason, evidence linked to its place in the plan, clauses, suggestion."""
    return "".join(_finding(f) for f in report_view(report).findings)


def plan_html(report: Report) -> str:
    """The plan text with every evidence span highlighted and anchored."""
    text = report.text
    spans = sorted((e.start, e.end, e.anchor, f"{e.check_id}/{e.indicator}") for f in report_view(report).findings for e in f.evidence)
    out, pos = [], 0
    for start, end, anchor, label in spans:
        if start < pos:
            out.append(f"<a id='{anchor}'></a>")
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark id='{anchor}' title='{label}'>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return f"<div class='plan'>{''.join(out)}</div>"


def quality_md(report: Report) -> str:
    """How the text was read, as the page's Markdown."""
    first, *rest = report_view(report).quality
    return "\n".join([first, *(f"- {line}" for line in rest)])
