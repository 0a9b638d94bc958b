"""The page in a real headless Chromium (Debian's chromium, driven by Playwright)."""

import os
import shutil
from pathlib import Path

import pytest

from reviewer import load_settings
from reviewer.app import CSS, build_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path_factory.mktemp("home"))
    app = build_app(settings)
    app.queue(default_concurrency_limit=1).launch(server_name="127.0.0.1", prevent_thread_lock=True, css=CSS, quiet=True)
    yield app.local_url
    app.close()


def test_upload_review_and_read_the_report_in_chromium(page_url, sample_plan, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: scripts/test.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(page_url)
        page.locator("input[type=file]").first.set_input_files(str(sample_plan))
        page.get_by_role("button", name="开始审读").click()
        page.get_by_text("审读完成").wait_for(timeout=60_000)
        assert page.locator(".badge").count() >= 8
        assert page.get_by_text("云溪县加快培育和发展新质生产力三年行动方案").first.is_visible()
        assert page.locator("#finding-E1").is_visible()
        assert page.locator(".plan").inner_text().startswith("云溪县")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review_page.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "review_page.png").stat().st_size > 10_000
