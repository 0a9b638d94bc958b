"""The 横向比较 tab in a real headless Chromium (Debian's chromium, driven by Playwright): the heatmap is shown."""

import os
import shutil
from pathlib import Path

import pytest
from compare_fixtures import write_plans

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


def test_compare_tab_shows_the_heatmap_in_chromium(page_url, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: scripts/test.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    files = [str(p) for p in sorted(write_plans(tmp_path / "plans").glob("*.txt"))]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(page_url)
        page.get_by_role("tab", name="横向比较").click()
        page.locator("#compare-files input[type=file]").set_input_files(files)
        page.get_by_role("button", name="开始比较").click()
        page.get_by_text("比较 5 份规划").first.wait_for(timeout=60_000)
        image = page.locator("#compare-heatmap img")
        image.wait_for(state="visible", timeout=30_000)
        assert image.evaluate("img => img.complete && img.naturalWidth > 200")
        assert page.get_by_text("近似重复段落（并排）").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "compare_page.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "compare_page.png").stat().st_size > 10_000
