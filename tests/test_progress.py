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


def test_a_batch_shows_plans_per_minute_and_an_eta_from_the_plans_reviewed():
    from reviewer.batch import BatchItem

    now = [0.0]
    out = io.StringIO()
    with ProgressDisplay(Console(file=out, force_terminal=True, width=160), clock=lambda: now[0]) as display:
        display.on_done(1, 10, BatchItem(source="a.txt", status="skipped"))  # already done: no time, not in the rate
        for done, seconds in ((2, 20.0), (3, 60.0)):
            now[0] = seconds
            display.on_done(done, 10, BatchItem(source=f"{done}.txt", status="reviewed"))
    shown = out.getvalue()
    # 2 plans reviewed in 60 s: 2.0 plans/min, 7 left: 3.5 min
    assert "plans (3/10)" in shown and "2.0 plans/min" in shown and "0:03:30" in shown


def test_a_concurrent_batch_over_stub_endpoints_moves_the_bar(tmp_path):
    import sys
    from pathlib import Path

    from reviewer.batch import review_batch

    sys.path.insert(0, str(Path(__file__).parent))
    from stub_openai import StubServer
    from test_scale import make_plans, reviewer_for

    servers = [StubServer(0.003).start() for _ in range(2)]
    try:
        reviewer, _ = reviewer_for([s.url for s in servers], tmp_path / "home", concurrency=4)
        out = io.StringIO()
        with ProgressDisplay(Console(file=out, force_terminal=True, width=160)) as display:
            result = review_batch(make_plans(tmp_path / "plans", 6), tmp_path / "out", reviewer, fmt="json",
                                  on_item=display.on_item, progress=display, on_done=display.on_done)
    finally:
        for server in servers:
            server.stop()
    shown = out.getvalue()
    assert [i.status for i in result.items] == ["reviewed"] * 6
    assert all(f"plans ({k}/6)" in shown for k in range(1, 7)) and "plans/min" in shown and "ETA" in shown
    assert "reviewing" not in shown  # no one plan's stages while several are in flight


def test_a_batch_is_quiet_when_not_a_terminal():
    from reviewer.batch import BatchItem

    out = io.StringIO()
    with ProgressDisplay(Console(file=out)) as display:
        display.on_done(1, 3, BatchItem(source="a.txt", status="reviewed"))
    assert out.getvalue() == ""
