"""The page's "横向比较" tab: compare uploaded plans or the reports of an earlier batch run."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from ..ingest import PLAN_SUFFIXES, OcrOptions
from .core import compare
from .outputs import report_html, summary_line, write_outputs

UPLOAD_TYPES = sorted(PLAN_SUFFIXES | {".json"})
HELP = """上传多份规划（PDF、Word、TXT、Markdown、HTML），或批量审读生成的报告（JSON，可直接复用审读结果、不再重复审读）。
未上传时比较“批量”页的规划：已在该页批量审读过的，直接使用其审读报告（含 E3 证据），不再重复审读。
比较各规划的重点领域、与本地禀赋的关联，以及替换地名和数字后仍近似的段落。"""


def batch_inputs(batch_files: list[str] | None, batch_reports: dict[str, str] | None) -> list[Path]:
    """The batch tab's plans, each replaced by its report when the batch run on that tab wrote one.

    Reports are matched by file name, so plans uploaded after the run are read as plans, and reports of
    plans no longer uploaded are left out.
    """
    reports = batch_reports or {}
    paths = []
    for f in batch_files or []:
        report = reports.get(Path(f).name)
        paths.append(Path(report) if report and Path(report).is_file() else Path(f))
    return paths


def compare_handler(workdir: Path, ocr: OcrOptions | None = None) -> Callable[..., tuple[Any, ...]]:
    """The compare button's handler: files → status, report HTML, heatmap, bar chart and downloads."""

    def run_compare(files: list[str] | None, batch_files: list[str] | None, batch_reports: dict[str, str] | None,
                    progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - Gradio's documented way to get a progress tracker
        chosen = [Path(f) for f in files] if files else batch_inputs(batch_files, batch_reports)
        if len(chosen) < 2:
            return ("请上传至少两份规划或审读报告（JSON）。", "", None, None, None)

        def on_progress(stage: str, done: int, total: int) -> None:
            progress(done / total, desc=f"读取第 {done}/{total} 份")

        try:
            comparison = compare(chosen, progress=on_progress, ocr=ocr)
        except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
            return (f"❌ 比较未能完成（{type(exc).__name__}）：{exc}", "", None, None, None)
        if len(comparison.plans) < 2:
            why = "；".join(comparison.problems) or "可读的规划不足两份"
            return (f"❌ 至少需要两份可读的规划：{why}", "", None, None, None)
        out = workdir / f"compare-{int(time.time() * 1000)}"
        written = write_outputs(comparison, out)
        skipped = f"（未能读取：{'；'.join(comparison.problems)}）" if comparison.problems else ""
        reused = sum(p.from_report for p in comparison.plans)
        reused_note = f"（其中 {reused} 份取自审读报告，未重复审读）" if reused else ""
        return (f"✅ {summary_line(comparison)}{reused_note}{skipped}", report_html(comparison), str(out / "heatmap.png"),
                str(out / "fields.png"), [str(p) for p in written])

    return run_compare


def compare_tab(workdir: Path, batch_files: gr.File | None = None, batch_reports: gr.State | None = None,
                ocr: OcrOptions | None = None) -> None:
    """Add the tab to the Blocks being built.

    ``batch_files`` is the batch tab's upload, used when nothing is uploaded here; ``batch_reports`` holds the
    reports its last run wrote (file name → JSON path), used in place of those plans; ``ocr`` reads scanned PDFs.
    """
    with gr.Tab("横向比较"):
        gr.Markdown(HELP)
        files = gr.File(label="上传规划或审读报告（JSON）", file_count="multiple", file_types=UPLOAD_TYPES, elem_id="compare-files")
        go = gr.Button("开始比较", variant="primary")
        status = gr.Markdown()
        with gr.Row():
            heat = gr.Image(label="两两相似度", type="filepath", elem_id="compare-heatmap")
            bars = gr.Image(label="重点领域出现频率", type="filepath", elem_id="compare-fields")
        report = gr.HTML()
        downloads = gr.File(label="下载（JSON、HTML、XLSX、PNG）", file_count="multiple")
    inputs = [files, batch_files if batch_files is not None else gr.State(None),
              batch_reports if batch_reports is not None else gr.State(None)]
    go.click(compare_handler(workdir, ocr), inputs, [status, report, heat, bars, downloads], api_name="run_compare",
             concurrency_limit=1, concurrency_id="compare")
