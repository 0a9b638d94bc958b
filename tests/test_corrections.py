"""Corrections: decisions on a review's findings become labelled examples that `reviewer eval` runs on."""

import json

import pytest
from click.testing import CliRunner

from reviewer import review
from reviewer.cli import main
from reviewer.corrections import (
    CorrectionError,
    Decision,
    corrections_path,
    count_corrections,
    save_corrections,
    to_example,
)
from reviewer.scoring import CLASSES, LABELS, read_dataset


@pytest.fixture(scope="module")
def report(sample_plan, tmp_path_factory):
    return review(sample_plan, backend="fake", embedding="fake", home=tmp_path_factory.mktemp("home"))


def _flagged(report, kind):
    return next(f for f in report.findings if f.kind == kind and f.flagged)


def test_accept_takes_the_verdict_and_its_verified_quotes(report):
    example = to_example(report, [], others="accepted")
    assert example.labels == {f.check_id: f.verdict for f in report.findings}
    quoted = next(f for f in report.findings if f.evidence)
    assert example.evidence[quoted.check_id] == list(dict.fromkeys(e.quote for e in quoted.evidence))
    assert example.source == "correction" and example.note == "人工复核：接受模型的全部结论。"


def test_dismiss_clears_the_flagged_problem_and_keeps_the_reason(report):
    m, e = _flagged(report, "misconception"), _flagged(report, "embedding")
    example = to_example(report, [Decision(check_id=m.check_id, action="dismissed", reason="只是列举前沿方向"),
                                  Decision(check_id=e.check_id, action="dismissed", reason="第三部分已写明")],
                         others="accepted")
    assert example.labels[m.check_id] == "absent" and example.labels[e.check_id] == "covered"
    assert m.check_id not in example.evidence and "只是列举前沿方向" in example.note and "第三部分已写明" in example.note
    assert example.decisions[m.check_id].action == "dismissed" and example.model_verdicts[m.check_id] == m.verdict


def test_correct_sets_the_verdict_and_a_verified_quote(report):
    quote = report.text[200:240]
    example = to_example(report, [Decision(check_id="E1", action="corrected", verdict="partial", quote=quote,
                                           reason="有一句提到")], others="accepted")
    assert example.labels["E1"] == "partial" and example.evidence["E1"] == [quote]
    assert "更正为部分体现" in example.note and "有一句提到" in example.note


@pytest.mark.parametrize(
    "decision, message",
    [
        (dict(check_id="E1", action="corrected", verdict="partial", quote="本规划从未写过的一句话"), "not in the plan"),
        (dict(check_id="M1", action="dismissed", reason="无"), "nothing to dismiss"),
    ],
    ids=["quote_not_verbatim", "dismiss_what_flags_nothing"],
)
def test_decisions_that_do_not_fit_the_report_are_refused(report, decision, message):
    assert report.finding("M1").verdict == "absent"
    with pytest.raises(CorrectionError, match=message):
        to_example(report, [Decision(**decision)], others="accepted")


@pytest.mark.parametrize(
    "decision, message",
    [
        (dict(check_id="M2", action="dismissed"), "needs a reason"),
        (dict(check_id="M2", action="corrected", verdict="covered"), "one of present, absent"),
        (dict(check_id="M2", action="accepted", verdict="absent"), "only a correction"),
        (dict(check_id="X9", action="accepted"), "unknown check"),
    ],
    ids=["dismiss_without_reason", "verdict_of_the_other_kind", "accept_with_verdict", "unknown_check"],
)
def test_malformed_decisions_are_validation_errors(decision, message):
    with pytest.raises(ValueError, match=message):
        Decision(**decision)


def test_a_finding_not_judged_cannot_be_accepted_only_corrected(report):
    failed = report.model_copy(deep=True)
    finding = failed.finding("M4")
    finding.status, finding.verdict, finding.evidence = "failed", None, []
    with pytest.raises(CorrectionError, match="M4 was not judged"):
        to_example(failed, [], others="accepted")
    example = to_example(failed, [Decision(check_id="M4", action="corrected", verdict="absent")], others="accepted")
    assert example.labels["M4"] == "absent" and example.model_verdicts["M4"] is None


def test_every_finding_needs_a_decision_unless_the_rest_are_accepted(report):
    with pytest.raises(CorrectionError, match="no decision for M1, M3"):
        to_example(report, [Decision(check_id=c, action="accepted") for c in LABELS if c not in ("M1", "M3")])


def test_re_correcting_a_plan_replaces_its_line(report, tmp_path):
    first = save_corrections(report, [Decision(check_id="E1", action="corrected", verdict="covered")], tmp_path,
                             others="accepted")
    second = save_corrections(report, [Decision(check_id="E1", action="corrected", verdict="partial")], tmp_path,
                              others="accepted")
    other = report.model_copy(update={"text": report.text + "\n附件：无。"})
    save_corrections(other, [], tmp_path, others="accepted")
    rows = read_dataset(corrections_path(tmp_path))
    assert first.id == second.id and count_corrections(tmp_path) == 2 == len(rows)
    assert next(r for r in rows if r.id == first.id).labels["E1"] == "partial"


def test_the_file_is_a_dataset_and_eval_runs_on_it(report, tmp_path):
    m = _flagged(report, "misconception")
    save_corrections(report, [Decision(check_id=m.check_id, action="dismissed", reason="误判"),
                              Decision(check_id="E1", action="corrected", verdict="partial", quote=report.text[200:240])],
                     tmp_path, others="accepted")
    path = corrections_path(tmp_path)
    (example,) = read_dataset(path)
    assert set(example.labels) == set(LABELS) and all(example.labels[k] in CLASSES[k] for k in LABELS)
    assert all(q in example.text for quotes in example.evidence.values() for q in quotes) and example.note
    assert json.loads(path.read_text(encoding="utf-8"))["source"] == "correction"
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["eval", "--dataset", str(path), "--out", str(out), "--backend", "fake",
                                       "--embedding", "fake"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["plans"] == 1 and metrics["reviewer"]["labels"]["E1"]["scored"] == 1


_SAVER = """
import sys, time
from pathlib import Path
from reviewer.contracts import Report
from reviewer.corrections import save_corrections
report = Report.model_validate_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
while time.time() < float(sys.argv[4]):  # both processes start saving at the same moment
    time.sleep(0.005)
for i in range(int(sys.argv[3])):
    plan = report.model_copy(update={"text": f"{report.text}\\n附件{sys.argv[2]}-{i}。"})
    save_corrections(plan, [], Path(sys.argv[5]), others="accepted")
"""


def test_two_processes_saving_at_once_lose_nothing(report, tmp_path):
    import os
    import subprocess
    import sys
    import time

    saved = tmp_path / "report.json"
    saved.write_text(report.model_dump_json(), encoding="utf-8")
    home, each, start = tmp_path / "home", 12, time.time() + 4
    runs = [subprocess.Popen([sys.executable, "-c", _SAVER, str(saved), name, str(each), str(start), str(home)],
                             env=os.environ.copy()) for name in ("a", "b")]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    rows = read_dataset(corrections_path(home))
    assert len(rows) == 2 * each == count_corrections(home)
    assert len({row.text for row in rows}) == 2 * each
