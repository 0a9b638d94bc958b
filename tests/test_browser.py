"""The page in a real headless Chromium (Debian's chromium, driven by Playwright)."""


def test_upload_review_and_read_the_report_in_chromium(served_page, browser_page, screenshot, sample_plan):
    url, _ = served_page
    page = browser_page()
    page.goto(url)
    page.locator("input[type=file]").first.set_input_files(str(sample_plan))
    page.get_by_role("button", name="开始审读").click()
    page.get_by_text("审读完成").wait_for(timeout=60_000)
    assert page.locator(".badge").count() >= 8
    assert page.get_by_text("云溪县加快培育和发展新质生产力三年行动方案").first.is_visible()
    assert page.locator("#finding-E1").is_visible()
    assert page.locator(".plan").inner_text().startswith("云溪县")
    assert screenshot(page, "review_page.png").stat().st_size > 10_000
