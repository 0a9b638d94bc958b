"""The correction loop in a real headless Chromium (Debian's chromium, driven by Playwright):
review → dismiss one finding with a reason, correct another → the corrections file is a dataset → eval scores it."""

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewer import load_settings
from reviewer.app import CSS, build_app
from reviewer.cli import main
from reviewer.corrections import corrections_path
from reviewer.scoring import CLASSES, LABELS, read_dataset

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUOTE = "实施“云溪英才”计划"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    app = build_app(load_settings(environ={}, backend="fake", embedding="fake", home=home))
    app.queue(default_concurrency_limit=1).launch(server_name="127.0.0.1", prevent_thread_lock=True, css=CSS, quiet=True)
    yield app.local_url, home
    app.close()


def _correct_in_chromium(url, plan):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.goto(url)
        page.locator("input[type=file]").first.set_input_files(str(plan))
        page.get_by_role("button", name="开始审读").click()
        page.get_by_text("审读完成").wait_for(timeout=60_000)
        page.locator("#correct-M2").get_by_text("模型结论：存在").wait_for(timeout=10_000)
        page.locator("#correct-M2-action").get_by_text("驳回").click()
        page.locator("#correct-M2-reason textarea").fill("只是列举前沿方向，并非唯科技创新")
        page.locator("#correct-E1-action").get_by_text("更正").click()
        page.locator("#correct-E1-verdict input").click()
        page.get_by_role("option", name="部分体现").click()
        page.locator("#correct-E1-quote textarea").fill(QUOTE)
        page.get_by_role("button", name="其余各项接受").click()
        page.locator("#correct-M1-action input[value=accepted]").wait_for(state="attached", timeout=10_000)
        page.get_by_role("button", name="保存复核").click()
        page.locator("#corrections-status").get_by_text("已保存复核").wait_for(timeout=30_000)
        link = page.locator("#corrections-file a[download='corrections.jsonl']")  # offered for download
        link.wait_for(timeout=10_000)
        downloaded = page.request.get(link.get_attribute("href")).text()
        count = page.locator("#corrections-count").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "corrections_page.png"), full_page=True)
        browser.close()
    return count, downloaded


def test_review_dismiss_correct_save_and_evaluate_in_chromium(served, sample_plan, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: scripts/test.sh installs it (apt-get install chromium)")
    url, home = served
    count, downloaded = _correct_in_chromium(url, sample_plan)
    assert "**" not in count and "复核样本：1 份" in count.replace("\n", "")
    path = corrections_path(home)
    assert downloaded == path.read_text(encoding="utf-8")
    (example,) = read_dataset(path)
    assert set(example.labels) == set(LABELS) and all(example.labels[k] in CLASSES[k] for k in LABELS)
    assert example.labels["M2"] == "absent" and example.labels["E1"] == "partial" and example.evidence["E1"] == [QUOTE]
    assert "只是列举前沿方向" in example.note and example.source == "correction"
    assert all(q in example.text for quotes in example.evidence.values() for q in quotes)
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["eval", "--dataset", str(path), "--out", str(out), "--backend", "fake", "--embedding", "fake"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["plans"] == 1 and all(m["scored"] == 1 for m in metrics["reviewer"]["labels"].values())
