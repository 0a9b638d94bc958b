"""The 横向比较 tab in a real headless Chromium (Debian's chromium, driven by Playwright): the heatmap is shown."""

from compare_fixtures import write_plans


def test_compare_tab_shows_the_heatmap_in_chromium(served_page, browser_page, screenshot, tmp_path):
    url, _ = served_page
    files = [str(p) for p in sorted(write_plans(tmp_path / "plans").glob("*.txt"))]
    page = browser_page()
    page.goto(url)
    page.get_by_role("tab", name="横向比较").click()
    page.locator("#compare-files input[type=file]").set_input_files(files)
    page.get_by_role("button", name="开始比较").click()
    page.get_by_text("比较 5 份规划").first.wait_for(timeout=60_000)
    image = page.locator("#compare-heatmap img")
    image.wait_for(state="visible", timeout=30_000)
    assert image.evaluate("img => img.complete && img.naturalWidth > 200")
    assert page.get_by_text("近似重复段落（并排）").is_visible()
    assert screenshot(page, "compare_page.png").stat().st_size > 10_000
