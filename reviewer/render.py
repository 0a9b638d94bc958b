"""Render stage: a :class:`Report` as JSON, Markdown, or a Word review memo."""

from __future__ import annotations

from pathlib import Path

from .contracts import Finding, Report

LEVELS = {"province": "省级", "city": "市级", "county": "县级", "district": "区级", "zone": "开发区/园区", "unknown": "未能判断"}
VERDICTS = {
    "present": "存在", "absent": "未发现", "covered": "已体现", "partial": "部分体现", "missing": "缺失",
}
STATUS = {"unparseable": "模型回答无法解析", "failed": "检查失败", "not_judgeable": "无法判断"}
WEAK = "（模型把握较低，请核对原文）"
"""Shown after a quote the model was unsure of."""
ANSWERS = {"yes": "是", "no": "否", None: "—"}


def verdict_label(f: Finding) -> str:
    """The verdict in Chinese, or why there is none."""
    return VERDICTS[f.verdict] if f.status == "ok" and f.verdict else STATUS.get(f.status, f.status)


def to_json(report: Report) -> str:
    """The report as indented JSON (UTF-8, Chinese unescaped)."""
    return report.model_dump_json(indent=2)


def _finding_md(f: Finding) -> list[str]:
    lines = [f"### {f.check_id} {f.name}：{verdict_label(f)}" + (f"（置信度 {f.confidence:.2f}）" if f.status == "ok" else ""), ""]
    if f.status != "ok":
        lines += [f"- 原因：{f.error}", ""]
    else:
        lines += [f"- 判断依据：{f.rationale}"]
    for e in f.evidence:
        where = " / ".join(e.heading_path) or "正文"
        lines.append(f"- 规划原文（{e.indicator}；第{e.page}页，{where}，字符 {e.start}–{e.end}）：“{e.quote}”{WEAK if e.weak else ''}")
    for ind in f.indicators:
        score = f"（最高 {ind.score:.2f}，阈值 {ind.threshold:.2f}，看过 {len(ind.candidates)} 句）" if ind.score is not None and ind.threshold else ""
        lines.append(f"  - {ind.id} {ind.question} → {ANSWERS[ind.answer]}{score}")
    if f.verdict == "missing" or (f.status == "ok" and not f.evidence):
        lines.append(f"- 查找范围：按线索词和语义各选候选句，共问过模型 {len(f.searched.passages)} 句；原文标题、印发通知、主送单位不作证据")
    if f.citations:
        lines.append("- 依据条款：" + "；".join(f"{c.ref}（{c.title}：{c.topic}）" for c in f.citations))
    if f.suggestion and f.flagged:
        lines.append(f"- 修改建议：{' '.join(f.suggestion.split())}")
    lines.append("")
    return lines


def to_markdown(report: Report) -> str:
    """The report as Markdown, laid out like a review memo."""
    p, q, run = report.profile, report.quality, report.run
    lines = [
        f"# 新质生产力规划审读意见：{p.title}",
        "",
        f"- 文件：{report.source}（{report.chars} 字）；地区：{p.locality or '未写明'}（{LEVELS[p.level]}）；规划期：{p.period or '未写明'}",
        "",
        "## 一、总体意见",
        "",
        report.summary.text,
        "",
        *([f"- 文件类型：{report.scope.name}（{report.scope.reason}）", ""] if report.scope else []),
        "| 检查项 | 结论 | 置信度 | 证据条数 |",
        "|---|---|---|---|",
    ]
    for f in report.findings:
        conf = f"{f.confidence:.2f}" if f.status == "ok" else "—"
        lines.append(f"| {f.check_id} {f.name} | {verdict_label(f)} | {conf} | {len(f.evidence)} |")
    lines += ["", "## 二、四类误区", ""]
    for f in report.findings:
        if f.kind == "misconception":
            lines += _finding_md(f)
    lines += ["## 三、四个央地嵌入点", ""]
    for f in report.findings:
        if f.kind == "embedding":
            lines += _finding_md(f)
    lines += ["## 四、文本读取质量", ""]
    lines.append(f"- 读取 {q.pages_total} 页，中文占比 {q.cjk_share:.0%}" + (f"；警告：{'；'.join(q.warnings)}" if q.warnings else ""))
    rejected = [pg for pg in q.pages if pg.rejected]
    if rejected:
        lines.append("- 未采用的页：" + "；".join(f"第{pg.number}页（{pg.reason}）" for pg in rejected))
    lines += [
        "",
        "## 五、运行信息",
        "",
        f"- 后端/模型：{run.backend} / {run.model}；嵌入：{run.embedder}",
        f"- 提示词：{'，'.join(f'{k}@{v}' for k, v in run.prompts.items())}；框架 {run.framework_sha256}；语料 {run.corpus_sha256}",
        f"- 令牌：输入 {run.usage.prompt_tokens}，输出 {run.usage.completion_tokens}，调用 {run.usage.calls} 次；用时 {run.seconds:.1f} 秒",
        "",
        "本意见由模型辅助生成：每条证据都是规划原文中的句子（已标明位置），结论由框架规则从逐句回答推出；请结合原文复核后使用。",
    ]
    return "\n".join(lines) + "\n"


def to_docx(report: Report, path: Path) -> None:
    """Write the report as a Word review memo: summary, misconceptions, embedding points, evidence appendix."""
    from docx import Document as Word
    from docx.shared import Pt

    p = report.profile
    doc = Word()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(f"关于《{p.title}》的审读意见", level=0)
    doc.add_paragraph(f"文件：{report.source}（{report.chars} 字）  地区：{p.locality or '未写明'}（{LEVELS[p.level]}）  规划期：{p.period or '未写明'}")
    doc.add_heading("一、总体意见", level=1)
    doc.add_paragraph(report.summary.text)
    if report.scope:
        doc.add_paragraph(f"文件类型：{report.scope.name}（{report.scope.reason}）")
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["检查项", "结论", "置信度", "证据"]):
        cell.text = text
    for f in report.findings:
        row = table.add_row().cells
        row[0].text, row[1].text = f"{f.check_id} {f.name}", verdict_label(f)
        row[2].text = f"{f.confidence:.2f}" if f.status == "ok" else "—"
        row[3].text = str(len(f.evidence))
    sections = [("二、存在的误区", [f for f in report.findings if f.kind == "misconception" and f.verdict == "present"]),
                ("三、缺失或部分体现的嵌入点", [f for f in report.findings if f.kind == "embedding" and f.flagged]),
                ("四、未能完成或无法判断的检查", [f for f in report.findings if f.status != "ok"])]
    for heading, findings in sections:
        doc.add_heading(heading, level=1)
        if not findings:
            doc.add_paragraph("无。")
        for f in findings:
            doc.add_heading(f"{f.check_id} {f.name}：{verdict_label(f)}", level=2)
            doc.add_paragraph(f.rationale or (f.error or ""))
            if f.suggestion:
                doc.add_paragraph(f"修改建议：{' '.join(f.suggestion.split())}")
            if f.citations:
                doc.add_paragraph("依据：" + "；".join(f"{c.ref}（{c.title}）" for c in f.citations))
    doc.add_heading("附：证据摘录（含页码）", level=1)
    for f in report.findings:
        for e in f.evidence:
            doc.add_paragraph(f"[{f.check_id}/{e.indicator}] 第{e.page}页 {' / '.join(e.heading_path)}：“{e.quote}”{WEAK if e.weak else ''}",
                              style="List Bullet")
    run = report.run
    doc.add_paragraph(f"生成信息：{run.backend}/{run.model}，提示词 {', '.join(f'{k}@{v}' for k, v in run.prompts.items())}，"
                      f"框架 {run.framework_sha256}，语料 {run.corpus_sha256}，用时 {run.seconds:.0f} 秒。本意见由模型辅助生成，请对照原文复核。")
    doc.save(str(path))


def summary_rows(reports: list[Report]) -> list[dict[str, str]]:
    """One row per plan, one column per check: the plan × check table of a batch."""
    rows = []
    for r in reports:
        row = {"plan": r.source, "title": r.profile.title}
        row.update({f.check_id: (f.verdict or f.status) for f in r.findings})
        rows.append(row)
    return rows
