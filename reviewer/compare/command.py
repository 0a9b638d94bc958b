"""``reviewer compare PLANS…``: the comparison from the command line (registered in :mod:`reviewer.cli`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("compare")
@click.argument("plans", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("comparison"), show_default=True,
              help="Folder for comparison.json/.html/.xlsx, heatmap.png and fields.png.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON instead of the summary.")
def compare_command(plans: tuple[Path, ...], output: Path, as_json: bool) -> None:
    """Compare PLANS across a batch: priority fields, local grounding, copied passages (同质化).

    PLANS are plan files, folders of plans, or folders of review reports (the JSON a batch review writes);
    a plan with a report is not read again, and its E3 evidence grounds its fields.
    """
    from ..config import load_settings
    from .core import compare
    from .outputs import summary_line, write_outputs

    comparison = compare(list(plans), ocr=load_settings().ocr_options())
    for problem in comparison.problems:
        click.echo(f"skipped: {problem}", err=True)
    if len(comparison.plans) < 2:
        click.echo(f"error: need at least two readable plans to compare, found {len(comparison.plans)}", err=True)
        sys.exit(2)
    written = write_outputs(comparison, output)
    if as_json:
        click.echo(comparison.model_dump_json(indent=1))
        return
    click.echo(summary_line(comparison))
    for plan in sorted(comparison.plans, key=lambda p: (-p.homogeneity, p.grounding)):
        flag = " ⚠" if plan.warning else ""
        click.echo(f"  {plan.name}: homogeneity {plan.homogeneity:.2f}, grounding {plan.grounding:.2f}, "
                   f"copied {plan.copied_share:.0%}{flag}")
    for cluster in comparison.clusters:
        click.echo(f"  cluster: {', '.join(cluster.plans)} ({cluster.similarity:.2f})")
    click.echo(f"written: {', '.join(str(p) for p in written)}")
