"""Render a :class:`Report` for people: Markdown (also readable as plain text) and JSON."""

from __future__ import annotations

from .contracts import Report

_LEVELS = {"province": "省级", "city": "市级", "county": "县级", "district": "区级", "zone": "开发区/园区", "unknown": "未能判断"}


def to_json(report: Report) -> str:
    """The report as indented JSON."""
    return report.model_dump_json(indent=2)


def to_markdown(report: Report) -> str:
    """The report as Markdown."""
    run = report.run
    lines = [f"# 规划审读报告：{report.source}", ""]
    result = report.profile
    if result.profile is None:
        lines += ["## 规划概况", "", f"模型的回答无法解析（{result.error}），未作判断。", ""]
    else:
        p = result.profile
        lines += [
            "## 规划概况",
            "",
            f"- 地区：{p.locality}",
            f"- 层级：{_LEVELS[p.level]}",
            f"- 规划期限：{p.period}",
            "- 主要目标（原文摘录）：",
        ]
        for goal, ok in zip(p.goals, result.goals_verbatim):
            lines.append(f"  - “{goal}”" + ("" if ok else "（未能在原文中逐字找到）"))
        lines.append("")
    lines += [
        "## 运行信息",
        "",
        f"- 后端/模型：{run.backend} / {run.model}",
        f"- 读取字符数：{report.chars}",
        f"- 提示词：" + "，".join(f"{k}@{v}" for k, v in run.prompts.items()),
        f"- 令牌：输入 {run.usage.prompt_tokens}，输出 {run.usage.completion_tokens}，调用 {run.usage.calls} 次",
        f"- 用时：{run.seconds:.1f} 秒",
    ]
    return "\n".join(lines) + "\n"
