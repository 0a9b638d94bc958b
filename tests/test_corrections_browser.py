"""The correction loop in a real headless Chromium (Debian's chromium, driven by Playwright):
review → dismiss one finding with a reason, correct another → the corrections file is a dataset → eval scores it."""

import json

from click.testing import CliRunner

from reviewer.cli import main
from reviewer.corrections import corrections_path
from reviewer.scoring import CLASSES, LABELS, read_dataset

QUOTE = "实施“云溪英才”计划"


def _correct_in_chromium(page, url, plan, screenshot):
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
    screenshot(page, "corrections_page.png")
    return count, downloaded


def test_review_dismiss_correct_save_and_evaluate_in_chromium(served_page, browser_page, screenshot, sample_plan, tmp_path):
    url, home = served_page
    count, downloaded = _correct_in_chromium(browser_page(1400, 2400), url, sample_plan, screenshot)
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
