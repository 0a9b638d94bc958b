"""The report as Markdown, laid out like a review memo: every check in full, then reading quality and run facts."""

from __future__ import annotations

from ..contracts import Report
from .view import FindingView, report_view


def _finding(f: FindingView) -> list[str]:
    lines = [f"### {f.title}：{f.label}" + (f"（置信度 {f.confidence}）" if f.ok else ""), "", f"- {f.reason_label}：{f.reason}"]
    if not f.ok:
        lines.append("")
    lines += [f"- 规划原文（{e.indicator}；第{e.page}页，{e.where}，字符 {e.start}–{e.end}）：{e.quote}" for e in f.evidence]
    lines += [f"  - {line}" for line in f.indicators]
    if f.searched:
        lines.append(f"- 查找范围：{f.searched}")
    if f.citations:
        lines.append("- 依据条款：" + "；".join(f.citations))
    if f.suggestion:
        lines.append(f"- 修改建议：{f.suggestion}")
    return [*lines, ""]


def to_markdown(report: Report) -> str:
    """The report as Markdown."""
    v = report_view(report)
    lines = [f"# 新质生产力规划审读意见：{v.title}", "", f"- {v.facts}", "", "## 一、总体意见", "", v.summary, ""]
    if v.scope:
        lines += [f"- {v.scope}", ""]
    lines += ["| 检查项 | 结论 | 置信度 | 证据条数 |", "|---|---|---|---|"]
    lines += [f"| {f.title} | {f.label} | {f.confidence} | {len(f.evidence)} |" for f in v.findings]
    lines += ["", "## 二、四类误区", ""]
    for f in v.findings:
        if f.kind == "misconception":
            lines += _finding(f)
    lines += ["## 三、四个央地嵌入点", ""]
    for f in v.findings:
        if f.kind == "embedding":
            lines += _finding(f)
    lines += ["## 四、文本读取质量", "", *(f"- {line}" for line in v.quality)]
    lines += ["", "## 五、运行信息", "", *(f"- {line}" for line in v.run), "", v.disclaimer]
    return "\n".join(lines) + "\n"
