import json

import pytest
from click.testing import CliRunner

from reviewer import review
from reviewer.cli import main


def test_review_sample_with_fake_backend(sample_plan):
    result = CliRunner().invoke(main, ["review", str(sample_plan), "--backend", "fake", "--embedding", "fake"])
    assert result.exit_code == 0, result.output
    assert "审读意见" in result.output and "fake / fake" in result.output


def test_review_json_to_file(sample_plan, tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["review", str(sample_plan), "--backend", "fake", "--embedding", "fake", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["source"] == sample_plan.name and data["run"]["backend"] == "fake"


@pytest.mark.parametrize(
    "args, message",
    [
        (["review", "missing.txt", "--backend", "fake"], "file not found"),
        (["review", "{plan}", "--backend", "openai"], "needs a base URL"),
        (["review", "{plan}", "--backend", "local", "--model", "gpt-9"], "unknown local model 'gpt-9'"),
        (["review", "{pdf}", "--backend", "fake"], "unsupported file type"),
    ],
    ids=["missing_file", "openai_without_url", "unknown_local_model", "wrong_type"],
)
def test_errors_are_one_clear_line(args, message, sample_plan, tmp_path):
    pdf = tmp_path / "x.xls"
    pdf.write_bytes(b"PK")
    args = [a.format(plan=sample_plan, pdf=pdf) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_library_review_uses_settings_keywords(sample_plan):
    report = review(sample_plan, backend="fake", embedding="fake")
    assert report.run.backend == "fake" and report.chars > 500


def test_empty_plan_is_refused(tmp_path):
    (tmp_path / "e.txt").write_text("  \n")
    result = CliRunner().invoke(main, ["review", str(tmp_path / "e.txt"), "--backend", "fake"])
    assert result.exit_code == 2 and "empty" in result.output

