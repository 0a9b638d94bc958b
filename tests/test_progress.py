"""The CLI's progress display: quiet when stderr is not a terminal, stage, check and ETA when it is."""

import io

import pytest
from click.testing import CliRunner
from rich.console import Console

from reviewer.cli import main
from reviewer.pipeline import Progress
from reviewer.progress import ProgressDisplay


@pytest.fixture(autouse=True)
def _no_forced_terminal(monkeypatch):
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def _shown(*events, items=()):
    out = io.StringIO()
    with ProgressDisplay(Console(file=out, force_terminal=True, width=140)) as display:
        for item in items:
            display.on_item(*item)
        for event in events:
            display(event)
        display._bars.refresh()
    return out.getvalue()


def test_one_plan_shows_stage_check_and_eta_when_on_a_terminal():
    shown = _shown(Progress(stage="load"), Progress(stage="judge", check="M3", i=3, n=8))
    assert "judging M3 (3/8)" in shown and "2/8" in shown and "ETA" in shown


def test_a_batch_shows_plans_done_and_the_plan_under_way():
    shown = _shown(Progress(stage="retrieve"), items=[(2, 5, "b.txt")])
    assert "plans (2/5)" in shown and "1/5" in shown and "b.txt: choosing candidate sentences" in shown


def test_quiet_when_not_a_terminal():
    out = io.StringIO()
    with ProgressDisplay(Console(file=out)) as display:
        display.on_item(1, 2, "a.txt")
        display(Progress(stage="judge", check="E1", i=5, n=8))
    assert not display.enabled and out.getvalue() == ""


def test_the_cli_writes_no_progress_into_redirected_output(sample_plan):
    result = CliRunner().invoke(main, ["review", str(sample_plan), "--backend", "fake", "--embedding", "fake",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.output.lstrip().startswith("{") and "judging" not in result.output and "\x1b[" not in result.output
