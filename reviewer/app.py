"""The Gradio review page: upload or paste a plan, watch progress, read and download the report."""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from .batch import BatchItem, review_batch, stored_report
from .compare.page import compare_tab
from .config import Settings, load_settings
from .contracts import Report
from .corrections.page import corrections_section
from .errors import ReviewerError
from .framework import CHECK_IDS
from .ingest import MB, PLAN_SUFFIXES, LoadError, LoadLimits
from .models import BUNDLED_MODELS
from .pipeline import Progress, Reviewer
from .render import CSS, findings_html, plan_html, quality_md, summary_html, to_docx, to_json, to_markdown, verdict_label
from .resources import data_dir

MAX_UPLOAD_MB = LoadLimits().max_bytes // MB
UPLOAD_TYPES = sorted(PLAN_SUFFIXES)


class ReviewerPool:
    """One Reviewer per distinct backend configuration, so a model loads once per process."""

    def __init__(self, base: Settings, factory: Callable[[Settings], Reviewer] = Reviewer) -> None:
        self.base = base
        self.factory = factory
        self._reviewers: dict[str, Reviewer] = {}
        self._lock = threading.Lock()

    def get(self, choice: dict[str, Any]) -> Reviewer:
        """The reviewer for a session's backend choice (built on first use)."""
        key = hashlib.sha256(json.dumps(choice, sort_keys=True).encode()).hexdigest()
        with self._lock:
            if key not in self._reviewers:
                overrides = {k: v for k, v in choice.items() if v not in (None, "")}
                settings = self.base.model_copy(update=load_settings(environ={}, **overrides).model_dump(include=set(overrides)))
                self._reviewers[key] = self.factory(settings)
            return self._reviewers[key]


def downloads(report: Report, folder: Path) -> list[str]:
    """The report as JSON, Markdown and Word files."""
    stem = folder / Path(report.source).stem
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(to_json(report), encoding="utf-8")
    stem.with_suffix(".md").write_text(to_markdown(report), encoding="utf-8")
    to_docx(report, stem.with_suffix(".docx"))
    return [str(stem.with_suffix(s)) for s in (".json", ".md", ".docx")]


def friendly(exc: Exception) -> str:
    """A message for the page: our own errors as they are, anything else without a traceback."""
    if isinstance(exc, ReviewerError):
        return str(exc)
    return f"审读未能完成（{type(exc).__name__}）：{exc}。请检查文件或设置后重试。"


def _choice(backend: str, url: str, model: str, key: str) -> dict[str, Any]:
    if backend.startswith("local:"):
        return {"backend": "local", "model": backend.split(":", 1)[1]}
    if backend == "fake":
        return {"backend": "fake"}
    return {"backend": "openai", "base_url": url.strip(), "model": model.strip(), "api_key": key.strip() or None}


def eval_figures_md() -> str:
    """The current evaluation figures (eval/results/summary.md), if they ship with the package."""
    for root in (data_dir("samples").parent / "eval" / "results", Path("eval/results")):
        path = root / "summary.md"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return "（尚无评测结果。）"


HOW_TO_READ = """
**如何阅读本报告**：每个检查项的结论由框架规则从若干具体问题的回答推出；“证据”是在规划原文中逐字核对过的摘录（点击可跳到原文位置）。
模型给出但无法在原文中找到的引文不予采信，也不能支撑“存在误区”或“已体现”的结论。“缺失”的结论会列出查找范围。
置信度是规则化的估计，不是概率。本工具由小模型辅助，结论请对照原文复核；误判率见下方评测数据。
"""


def _review_handler(pool: ReviewerPool, workdir: Path) -> Callable[..., tuple[Any, ...]]:
    """The review button's handler: one uploaded or pasted plan into the page's status, panes and downloads."""

    def run_review(file: str | None, pasted: str, backend: str, url: str, model: str, key: str,
                   progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - Gradio's documented way to get a progress tracker
        started = time.perf_counter()
        try:
            if file:
                source: str | bytes = file
                name = Path(file).name
            elif pasted.strip():
                source, name = pasted.encode("utf-8"), "粘贴文本.txt"
            else:
                raise LoadError("请先上传规划文件或粘贴规划文本。")
            reviewer = pool.get(_choice(backend, url, model, key))

            def on_progress(event: Progress) -> None:
                elapsed = time.perf_counter() - started
                if event.check:
                    progress(event.i / event.n, desc=f"检查 {event.check}（{event.i}/{event.n}），已用 {elapsed:.0f} 秒")
                elif event.stage == "ocr":
                    progress((event.i - 1) / event.n, desc=f"OCR 识别扫描页（{event.i}/{event.n}），已用 {elapsed:.0f} 秒")
                else:
                    labels = {"load": "读取", "retrieve": "选取候选句"}
                    progress(0.0, desc=f"{labels.get(event.stage, event.stage)}，已用 {elapsed:.0f} 秒")

            report = reviewer.review(source, name=name, progress=on_progress)
        except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
            return (f"❌ {friendly(exc)}", "", "", "", "", None, None)
        done = f"用时 {report.run.seconds:.0f} 秒（{report.run.backend}/{report.run.model}）"
        status = (f"✅ 审读完成，{done}" if report.summary.complete
                  else f"⚠️ 审读未完成：{'、'.join(report.summary.failed)} 未能判断，{done}；见各项说明")
        try:
            files = downloads(report, workdir / hashlib.sha1(f"{name}{time.time()}".encode()).hexdigest()[:10])
        except OSError as exc:  # the review is shown all the same; only the download files are missing
            files = None
            status += f"。⚠️ 报告文件未能写出（{exc.strerror or exc}），请检查临时目录的空间和权限；审读结果见下"
        return (status, summary_html(report), findings_html(report), plan_html(report), quality_md(report), files, report)

    return run_review


def _batch_handler(pool: ReviewerPool, workdir: Path) -> Callable[..., tuple[Any, ...]]:
    """The batch button's handler: :func:`~reviewer.batch.review_batch` into a status line, a table and downloads.

    It also returns the reports' paths by plan file name, kept in the session for the 横向比较 tab. Each click reviews into a folder of its own, so its table holds only the plans uploaded with it.
    """

    def run_batch(files: list[str] | None, backend: str, url: str, model: str, key: str,
                  progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - Gradio's documented way to get a progress tracker
        if not files:
            return ("请先上传一个或多个规划文件。", None, None, None)
        try:
            reviewer = pool.get(_choice(backend, url, model, key))
        except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
            return (f"❌ {friendly(exc)}", None, None, None)

        def on_item(i: int, n: int, path: Path) -> None:  # one plan at a time: the one under way
            progress((i - 1) / n, desc=f"{path.name}（{i}/{n}）")

        def on_done(done: int, n: int, item: BatchItem) -> None:  # several at once: how many are finished
            progress(done / n, desc=f"{Path(item.source).name}（{done}/{n}）")

        result = review_batch([Path(f) for f in files], workdir / f"batch-{int(time.time() * 1000)}", reviewer,
                              on_item=on_item, on_done=on_done)
        reports = [r for item in result.items if item.outputs and (r := stored_report(Path(item.outputs[0])))]
        rows = [[r.source] + [verdict_label(f) for f in r.findings] for r in reports]
        errors = [f"{Path(item.source).name}：{item.error}" for item in result.errors]
        incomplete = [r.source for r in reports if not r.summary.complete]
        status = (f"完成 {len(reports)} 份" + (f"（其中 {len(incomplete)} 份审读未完成：{'、'.join(incomplete)}）" if incomplete else "")
                  + (f"；失败 {len(errors)} 份：" + "；".join(errors) if errors else ""))
        # the 横向比较 tab compares these reports instead of reading the plans again
        by_name = {Path(item.source).name: item.outputs[0] for item in result.items if item.outputs}
        return (status, rows, result.tables or None, by_name)

    return run_batch


def build_app(settings: Settings | None = None, pool: ReviewerPool | None = None) -> gr.Blocks:
    """The page; ``pool`` lets tests inject reviewers (e.g. the fake backend)."""
    settings = settings or load_settings()
    pool = pool or ReviewerPool(settings)
    workdir = Path(tempfile.mkdtemp(prefix="reviewer-app-"))
    # the fake backend gives normal-looking verdicts: offered only when the page was started with it (tests)
    backends = [f"local:{name}" for name in BUNDLED_MODELS] + ["openai"] + (["fake"] if settings.backend == "fake" else [])
    default_backend = f"local:{settings.model}" if settings.backend == "local" else settings.backend
    samples = sorted(str(p) for p in data_dir("samples").glob("*.txt"))

    run_review = _review_handler(pool, workdir)
    run_batch = _batch_handler(pool, workdir)
    app = gr.Blocks(title="新质生产力规划审读")
    with app:
        gr.Markdown("# 新质生产力规划审读\n上传地方规划，检查四类误区和四个央地嵌入点，每条结论附原文证据和政策依据。")
        with gr.Tab("审读"):
            with gr.Row():
                upload = gr.File(label=f"上传规划（PDF、Word、TXT、Markdown、HTML；不超过 {MAX_UPLOAD_MB} MB）", file_types=UPLOAD_TYPES)
                pasted = gr.Textbox(label="或粘贴规划文本", lines=8)
            gr.Examples(samples, inputs=upload, label="示例规划（点击载入）")
            go = gr.Button("开始审读", variant="primary")
            status = gr.Markdown()
            summary = gr.HTML()
            with gr.Row():
                findings = gr.HTML()
                plan = gr.HTML()
            with gr.Accordion("文本读取质量", open=False):
                quality = gr.Markdown()
            files = gr.File(label="下载报告（JSON、Markdown、Word）", file_count="multiple")
            reviewed = gr.State(None)
            corrections_section(reviewed, settings.home, workdir)
        with gr.Tab("批量"):
            batch_files = gr.File(label="上传多份规划", file_count="multiple", file_types=UPLOAD_TYPES)
            batch_go = gr.Button("批量审读", variant="primary")
            batch_status = gr.Markdown()
            batch_table = gr.Dataframe(headers=["文件", *CHECK_IDS], interactive=False)
            batch_out = gr.File(label="下载汇总表（CSV、XLSX）", file_count="multiple")
            batch_reports = gr.State(None)
        compare_tab(workdir, batch_files, batch_reports, ocr=settings.ocr_options())
        with gr.Tab("设置"):
            backend = gr.Radio(backends, value=default_backend, label="模型后端（仅对本会话有效）")
            url = gr.Textbox(label="OpenAI 兼容接口地址（backend=openai）", value=settings.base_url or "")
            model = gr.Textbox(label="模型名称（backend=openai）", value="" if settings.backend == "local" else settings.model)
            key = gr.Textbox(label="API Key（不会写入日志或报告）", type="password")
        with gr.Tab("说明"):
            gr.Markdown(HOW_TO_READ)
            gr.Markdown(eval_figures_md())
        go.click(run_review, [upload, pasted, backend, url, model, key], [status, summary, findings, plan, quality, files, reviewed],
                 concurrency_limit=1, concurrency_id="model")
        batch_go.click(run_batch, [batch_files, backend, url, model, key], [batch_status, batch_table, batch_out, batch_reports],
                       concurrency_limit=1, concurrency_id="model")
    return app


def serve(host: str = "127.0.0.1", port: int = 7860, settings: Settings | None = None) -> None:
    """Start the page; reviews queue so the model runs one at a time."""
    app = build_app(settings)
    app.queue(default_concurrency_limit=1, max_size=32).launch(
        server_name=host, server_port=port, max_file_size=f"{MAX_UPLOAD_MB}mb", css=CSS, footer_links=[], show_error=False,
    )
