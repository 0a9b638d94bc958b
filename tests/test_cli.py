import json

import pytest
from click.testing import CliRunner

from reviewer import review
from reviewer.cli import main
from reviewer.pipeline import Reviewer


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



# --- unwritable paths and a changed embedder (issue 10, item 9) ------------------------


def _blocked(tmp_path):
    """A folder that cannot be created, even by root: its parent is a file."""
    (tmp_path / "a-file").write_text("")
    return tmp_path / "a-file" / "folder"


def _review(*args):
    return CliRunner().invoke(main, ["review", *map(str, args)])


def test_an_unwritable_home_is_one_clear_line(sample_plan, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_HOME", str(_blocked(tmp_path)))
    result = _review(sample_plan, "--backend", "fake", "--embedding", "fake")
    assert result.exit_code == 2, result.output
    assert "cannot write the corpus index" in result.output and "REVIEWER_HOME" in result.output


def test_an_unwritable_model_cache_is_one_clear_line(sample_plan, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_MODEL_CACHE", str(_blocked(tmp_path)))  # fails before any part is copied
    result = _review(sample_plan, "--backend", "local", "--embedding", "fake")
    assert result.exit_code == 2, result.output
    assert "cannot write the assembled model" in result.output and "REVIEWER_MODEL_CACHE" in result.output


def test_a_report_into_a_missing_folder_creates_the_folder(sample_plan, tmp_path):
    out = tmp_path / "missing" / "dir" / "report.md"
    result = _review(sample_plan, "--backend", "fake", "--embedding", "fake", "-o", out)
    assert result.exit_code == 0, result.output
    assert "审读意见" in out.read_text(encoding="utf-8") and out.with_suffix(".json").is_file()


@pytest.mark.parametrize("several", [False, True], ids=["one_plan", "batch"])
def test_a_report_folder_that_cannot_be_made_is_refused_before_reviewing(several, sample_plan, tmp_path, monkeypatch):
    reviewed = []
    monkeypatch.setattr(Reviewer, "review", lambda self, source, **kwargs: reviewed.append(source))
    plans = [sample_plan, sample_plan] if several else [sample_plan]
    out = _blocked(tmp_path) if several else _blocked(tmp_path) / "report.md"
    result = _review(*plans, "--backend", "fake", "--embedding", "fake", "-o", out)
    assert result.exit_code == 2 and "choose another -o" in result.output
    assert reviewed == []


def test_a_finished_review_that_cannot_be_written_is_kept_elsewhere(sample_plan, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    out = tmp_path / "report.json"
    out.mkdir()  # the folder is writable, but the report's own name is taken by a folder
    result = _review(sample_plan, "--backend", "fake", "--embedding", "fake", "--format", "json", "-o", out)
    assert result.exit_code == 2 and f"could not write {out}" in result.output
    kept = next(tmp_path.glob("reviewer-report-*/report.json"))
    assert str(kept) in result.output and json.loads(kept.read_text())["source"] == sample_plan.name


def test_another_embedding_than_the_index_was_built_with_does_not_crash(sample_plan):
    """A default run leaves a 384-d index; `--embedding fake` (256-d) crashed with chromadb's dimension error."""
    import os
    from pathlib import Path

    from reviewer.corpus import default_corpus_dirs
    from reviewer.embeddings import HashEmbeddings
    from reviewer.index import build_index, index_dir

    path = index_dir(Path(os.environ["REVIEWER_HOME"]))
    build_index(default_corpus_dirs(), path, HashEmbeddings(dim=384))
    result = _review(sample_plan, "--backend", "fake", "--embedding", "fake")
    assert result.exit_code == 0, result.output
    assert "审读意见" in result.output


def test_a_dead_endpoint_gives_an_incomplete_report_and_exit_code_3(sample_plan):
    """Issue 10, item 1: every check failed, yet the headline read “未发现四类误区。四个嵌入点均已体现。”, exit 0."""
    from servers import free_port

    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    result = _review(sample_plan, "--backend", "openai", "--base-url", url, "--model", "m", "--embedding", "fake")
    assert result.exit_code == 3, result.output
    assert "审读未完成" in result.output and "未发现四类误区" not in result.output and "均已体现" not in result.output


def test_an_unwritable_user_corpus_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_HOME", str(_blocked(tmp_path)))
    (tmp_path / "official.txt").write_text("国务院关于推动新质生产力发展的意见。" * 5, encoding="utf-8")
    result = CliRunner().invoke(main, ["index", "add", str(tmp_path / "official.txt")])
    assert result.exit_code == 2, result.output
    assert "cannot write your corpus documents" in result.output and "REVIEWER_CORPUS_DIR" in result.output


def test_an_unwritable_evaluation_folder_is_refused_before_reviewing(tmp_path):
    from pathlib import Path

    dataset = Path(__file__).parents[1] / "eval" / "data" / "dev.jsonl"
    result = CliRunner().invoke(main, ["eval", "--dataset", str(dataset), "--out", str(_blocked(tmp_path)),
                                       "--backend", "fake", "--embedding", "fake"])
    assert result.exit_code == 2, result.output
    assert "cannot write the evaluation results" in result.output and "choose another --out" in result.output
