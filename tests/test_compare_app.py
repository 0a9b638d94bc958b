"""The page's 横向比较 tab through gradio_client against a launched server (fake backend, generated plans)."""

from pathlib import Path

import pytest
from compare_fixtures import e3_report, plan_texts, write_plans
from gradio_client import Client, handle_file

from reviewer import load_settings
from reviewer.app import CSS, build_app


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path_factory.mktemp("home"))
    app = build_app(settings)
    app.queue(default_concurrency_limit=1).launch(
        server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, css=CSS, quiet=True, max_file_size="20mb"
    )
    yield app.local_url
    app.close()


def _compare(url, files, batch=None):
    client = Client(url, verbose=False)
    upload = [handle_file(str(f)) for f in files] if files else None
    batch_upload = [handle_file(str(f)) for f in batch] if batch else None
    return client.predict(upload, batch_upload, api_name="/run_compare")


def test_uploaded_plans_are_compared(server, tmp_path):
    files = sorted(write_plans(tmp_path / "plans").glob("*.txt"))
    status, report, heatmap, bars, downloads = _compare(server, files)
    assert status.startswith("✅") and "比较 5 份规划" in status
    assert "近似重复段落（并排）" in report and "qinglan" in report and "萤石资源储量" in report
    assert Path(heatmap).read_bytes()[:4] == b"\x89PNG" and Path(bars).read_bytes()[:4] == b"\x89PNG"
    assert sorted(Path(f).suffix for f in downloads) == [".html", ".json", ".png", ".png", ".xlsx"]


def test_reports_of_an_earlier_batch_are_reused(server, tmp_path):
    texts = plan_texts()
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("jiashi", "yishi"):
        path = folder / f"{name}.json"
        path.write_text(e3_report(name, texts[name], "把人工智能作为头号工程").model_dump_json(), encoding="utf-8")
    status, report, *_ = _compare(server, sorted(folder.glob("*.json")))
    assert status.startswith("✅") and "比较 2 份规划" in status and "jiashi" in report


def test_the_batch_tabs_uploads_are_used_when_nothing_is_uploaded_here(server, tmp_path):
    files = sorted(write_plans(tmp_path / "plans").glob("*.txt"))[:3]
    status, *_ = _compare(server, None, batch=files)
    assert "比较 3 份规划" in status


def test_one_plan_is_not_enough(server, tmp_path):
    files = sorted(write_plans(tmp_path / "plans").glob("*.txt"))[:1]
    status, report, heatmap, *_ = _compare(server, files)
    assert "至少两份" in status and heatmap is None


def test_the_reports_of_the_batch_just_run_are_compared_not_the_plans_again(server, tmp_path):
    plans = sorted(write_plans(tmp_path / "plans").glob("*.txt"))
    client = Client(server, verbose=False)
    status, *_ = client.predict([handle_file(str(f)) for f in plans[:3]], "fake", "", "", "", api_name="/run_batch")
    assert status.startswith("完成 3 份")
    # the batch tab now holds a fourth plan, uploaded after the run: it is read as a plan, the others from their reports
    status, report, *_ = client.predict(None, [handle_file(str(f)) for f in plans[:4]], api_name="/run_compare")
    assert "比较 4 份规划" in status and "其中 3 份取自审读报告" in status


def test_a_new_session_has_no_batch_reports(server, tmp_path):
    plans = sorted(write_plans(tmp_path / "plans").glob("*.txt"))[:2]
    status, *_ = _compare(server, None, batch=plans)
    assert "比较 2 份规划" in status and "取自审读报告" not in status
