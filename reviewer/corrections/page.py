"""The review tab's "人工复核" section: accept, dismiss or correct each of the eight findings, then save.

Saved reviews become labelled examples (:mod:`.store`); the section shows how many there are and offers the file.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
from pydantic import ValidationError

from ..contracts import Report
from ..errors import ReviewerError
from ..framework import KIND_VERDICTS, load_framework
from ..render import VERDICTS, verdict_label
from .core import ACTIONS, Decision
from .store import corrections_path, count_corrections, save_corrections

HELP = """逐项复核模型的结论，保存后成为本机的标注样本（`REVIEWER_HOME/corrections/corrections.jsonl`），
可用 `reviewer eval --dataset` 直接评测。**接受**：结论正确（未能判断的检查不能接受）；**驳回**：所指问题不成立
（误区改为“未发现”，嵌入点改为“已体现”），须写理由；**更正**：给出正确结论，可附原文中逐字一致的引文。"""
FIELDS = 4
"""Inputs per check: action, verdict, reason, quote."""


def _count_md(home: Path) -> str:
    return f"本机已保存的复核样本：**{count_corrections(home)}** 份"


def _download(home: Path, workdir: Path) -> str | None:
    """A copy of the corrections file in the page's own folder (the page serves only files there)."""
    path = corrections_path(home)
    if not path.is_file():
        return None
    copy = workdir / f"corrections-{int(time.time() * 1000)}" / path.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, copy)
    return str(copy)


def _heads(report: Report | None) -> list[Any]:
    """Per check: the model's verdict in the heading, and the inputs cleared."""
    updates: list[Any] = []
    for check in load_framework().checks:
        head = f"**{check.id} {check.name}**"
        if report is not None:
            finding = report.finding(check.id)
            head += f"　模型结论：{verdict_label(finding)}" + ("" if finding.status == "ok" else "（只能更正）")
        updates += [head, None, None, "", ""]
    return updates


def decisions_from(values: list[Any]) -> list[Decision]:
    """The decisions the inputs hold, check by check (a check without an action is left out)."""
    out = []
    for check, (action, verdict, reason, quote) in zip(load_framework().checks, _groups(values), strict=True):
        if action:
            corrected = action == "corrected"
            out.append(Decision(check_id=check.id, action=action, reason=reason or "",
                                verdict=verdict if corrected else None, quote=(quote or None) if corrected else None))
    return out


def _groups(values: list[Any]) -> list[tuple[Any, ...]]:
    return [tuple(values[i:i + FIELDS]) for i in range(0, len(values), FIELDS)]


def save_handler(home: Path, workdir: Path) -> Callable[..., tuple[str, str, str | None]]:
    """The save button's handler: the report and every input → status, count and the file to download."""

    def save(report: Report | None, *values: Any) -> tuple[str, str, str | None]:
        if report is None:
            return ("请先完成一次审读，再复核其结论。", _count_md(home), _download(home, workdir))
        try:
            example = save_corrections(report, decisions_from(list(values)), home)
        except ValidationError as exc:  # a decision that does not fit its action: its own words, not pydantic's
            why = "；".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
            return (f"❌ 未保存：{why}", _count_md(home), _download(home, workdir))
        except ReviewerError as exc:
            return (f"❌ 未保存：{exc}", _count_md(home), _download(home, workdir))
        changed = sum(1 for d in example.decisions.values() if d.action != "accepted")
        return (f"✅ 已保存复核（{example.id}，驳回或更正 {changed} 项）", _count_md(home), _download(home, workdir))

    return save


def _accept_rest(report: Report | None, *actions: str | None) -> list[str | None]:
    """Set every check without an action to accepted, where the model judged it."""
    if report is None:
        return list(actions)
    checks = load_framework().checks
    return [a or ("accepted" if report.finding(c.id).status == "ok" else None) for c, a in zip(checks, actions, strict=True)]


def corrections_section(report: gr.State, home: Path, workdir: Path) -> None:
    """Add the section to the Blocks being built; ``report`` holds the last review's :class:`Report`."""
    choices = [(label, action) for action, label in ACTIONS.items()]
    heads: list[gr.Markdown] = []
    inputs: list[Any] = []
    with gr.Accordion("人工复核（接受、驳回或更正每项结论，保存为标注样本）", open=True, elem_id="corrections"):
        gr.Markdown(HELP)
        for check in load_framework().checks:
            with gr.Row(elem_id=f"correct-{check.id}"):
                heads.append(gr.Markdown(f"**{check.id} {check.name}**"))
                verdicts = [(VERDICTS[v], v) for v in KIND_VERDICTS[check.kind]]
                inputs += [gr.Radio(choices, label="复核", elem_id=f"correct-{check.id}-action"),
                           gr.Dropdown(verdicts, label="正确结论（更正时）", elem_id=f"correct-{check.id}-verdict"),
                           gr.Textbox(label="理由（驳回时必填）", elem_id=f"correct-{check.id}-reason"),
                           gr.Textbox(label="正确引文（可选，须与原文逐字一致）", elem_id=f"correct-{check.id}-quote")]
        with gr.Row():
            rest = gr.Button("其余各项接受")
            save = gr.Button("保存复核", variant="primary")
        status = gr.Markdown(elem_id="corrections-status")
        count = gr.Markdown(lambda: _count_md(home), elem_id="corrections-count")
        download = gr.File(lambda: _download(home, workdir), label="下载全部复核样本（JSONL，评测数据格式）",
                           elem_id="corrections-file")
    resets = [x for head, group in zip(heads, _groups(inputs), strict=True) for x in (head, *group)]
    report.change(_heads, report, resets)
    actions = inputs[::FIELDS]
    rest.click(_accept_rest, [report, *actions], actions)
    save.click(save_handler(home, workdir), [report, *inputs], [status, count, download], concurrency_limit=1,
               concurrency_id="corrections")
