import json

import pytest
from click.testing import CliRunner

from reviewer import Reviewer, load_settings, review
from reviewer.cli import main
from reviewer.llm import FakeChat


def test_review_sample_with_fake_backend(sample_plan):
    result = CliRunner().invoke(main, ["review", str(sample_plan), "--backend", "fake"])
    assert result.exit_code == 0, result.output
    assert "规划审读报告" in result.output and "fake / fake" in result.output


def test_review_json_to_file(sample_plan, tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["review", str(sample_plan), "--backend", "fake", "--format", "json", "-o", str(out)])
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
    report = review(sample_plan, backend="fake")
    assert report.run.backend == "fake" and report.chars > 500


def test_reviewer_accepts_bytes_and_reports_profile_from_the_model(sample_plan):
    answer = '{"locality": "云溪县", "level": "county", "period": "2024—2026年", "goals": ["高新技术企业数量达到60家"]}'
    chat = FakeChat().enqueue(answer)
    report = Reviewer(load_settings(backend="fake"), chat=chat).review(sample_plan.read_bytes(), name="plan.txt")
    assert report.profile.profile.locality == "云溪县"
    assert report.profile.goals_verbatim == [True]
    assert "<plan>" in chat.history[0]["messages"][1]["content"]


def test_empty_plan_is_refused(tmp_path):
    (tmp_path / "e.txt").write_text("  \n")
    result = CliRunner().invoke(main, ["review", str(tmp_path / "e.txt"), "--backend", "fake"])
    assert result.exit_code == 2 and "empty" in result.output


@pytest.mark.parametrize(
    "name, level",
    [("云溪县", "county"), ("青川市", "city"), ("某某省", "province"), ("临江高新区", "zone"), ("东湖区", "district"), ("未写明", "unknown")],
)
def test_level_from_place_name(name, level):
    from reviewer.judge import level_from_name

    assert level_from_name(name) == level


def test_unknown_level_is_filled_from_the_place_name(sample_plan):
    answer = '{"locality": "云溪县", "level": "unknown", "period": "2024—2026年", "goals": []}'
    report = Reviewer(load_settings(backend="fake"), chat=FakeChat().enqueue(answer)).review(sample_plan)
    assert report.profile.profile.level == "county"
