"""OCR of scanned PDFs: accuracy on pages printed and scanned in the test, which pages are OCR'd, limits, and a
scanned sample plan reviewed end to end. Each OCR'd page takes about 10–15 s on 2 cores, so the scans are short."""

import importlib.util
from pathlib import Path

import pytest
from pypdf import PdfWriter
from scan_fixtures import Scan, cer, scanned_plan

from reviewer import review
from reviewer.ingest import LoadError, LoadLimits, OcrOptions, RawDocument, RawPage, clean, read, recognise
from reviewer.render import to_markdown
from reviewer.resources import data_dir

pytestmark = pytest.mark.skipif(importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="the ocr extra is not installed")

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)

QINGLAN = (data_dir("samples") / "qinglan_city_implementation_opinions.txt").read_text(encoding="utf-8")
SCANNED_SAMPLE = data_dir("samples") / "yunxi_county_action_plan_scanned.pdf"


def _ocr(pdf: bytes, **options):
    events = []
    raw = recognise(read(pdf, name="scan.pdf"), OcrOptions(**options), lambda i, n: events.append((i, n)))
    return raw, events


@pytest.mark.parametrize(("dpi", "rotate", "limit"), [
    pytest.param(300, 1.5, 0.03, id="300dpi_tilted_1.5deg_red_header_and_seal"),
    pytest.param(150, -1.0, 0.08, id="150dpi_tilted_-1deg_red_header_and_seal"),
])
def test_character_error_rate_of_scanned_pages(dpi, rotate, limit):
    scan = Scan(dpi=dpi, rotate=rotate, header="青澜市人民政府文件", seal="青澜市人民政府", seed=dpi)
    plan = scanned_plan(QINGLAN, scan, max_pages=2)
    raw, events = _ocr(plan.pdf)
    assert events == [(1, 2), (2, 2)]
    rates = [cer(printed, page.text) for printed, page in zip(plan.pages, raw.pages)]
    print(f"CER at {dpi} dpi, per page: {rates}")
    assert all(rate <= limit for rate in rates), rates
    assert all(page.ocr_confidence > 0.9 for page in raw.pages)


def test_only_pages_without_a_text_layer_are_read_by_ocr(tmp_path):
    make_fixtures.plan_pdf(tmp_path / "typed.pdf")  # two pages with a text layer
    scan = scanned_plan(QINGLAN, Scan(dpi=200, seal="青澜市人民政府"), max_pages=1)
    (tmp_path / "scan.pdf").write_bytes(scan.pdf)
    writer = PdfWriter()
    for part in ("typed.pdf", "scan.pdf"):
        writer.append(str(tmp_path / part))
    writer.write(tmp_path / "mixed.pdf")
    raw, events = _ocr((tmp_path / "mixed.pdf").read_bytes())
    assert events == [(1, 1)]
    doc = clean(raw)
    assert [(p.number, p.source) for p in doc.quality.pages] == [(1, "text"), (2, "text"), (3, "ocr")]
    assert doc.quality.pages[0].ocr_confidence is None and doc.quality.pages[2].ocr_confidence > 0.9
    third = next(p for p in doc.pages if p.number == 3)
    assert cer(scan.pages[0], doc.text[third.start:third.end]) <= 0.03
    assert any("read by OCR" in w for w in doc.quality.warnings)


def test_a_page_read_with_low_confidence_is_flagged_not_silently_used():
    text = "发展新质生产力是推动高质量发展的内在要求和重要着力点，我市因地制宜推进产业创新。" * 3
    raw = RawDocument(label="scan.pdf", format="pdf", warnings=[], limits=LoadLimits(min_ocr_confidence=0.9),
                      pages=[RawPage(1, text, True, ocr_confidence=0.97), RawPage(2, text, True, ocr_confidence=0.62)])
    doc = clean(raw)
    assert [p.low_confidence for p in doc.quality.pages] == [False, True]
    assert [w for w in doc.quality.warnings if "page 2 was read by OCR with low confidence (0.62)" in w]
    assert not [w for w in doc.quality.warnings if "page 1 was read by OCR with low confidence" in w]


def test_the_scanned_sample_is_reviewed_end_to_end_with_quotes_and_pages():
    assert SCANNED_SAMPLE.stat().st_size < 2 * 1024 * 1024
    events = []
    from reviewer import Reviewer, load_settings

    report = Reviewer(load_settings(backend="fake", embedding="fake")).review(SCANNED_SAMPLE, progress=events.append)
    assert [(e.i, e.n) for e in events if e.stage == "ocr"] == [(1, 2), (2, 2)]
    assert [(p.source, p.rejected) for p in report.quality.pages] == [("ocr", None), ("ocr", None)]
    typed = (data_dir("samples") / "yunxi_county_action_plan.txt").read_text(encoding="utf-8")
    assert cer(typed, report.text) <= 0.03 and "人民政府文件" not in report.text  # the red header is red ink
    quotes = [e for f in report.findings for e in f.evidence]
    assert quotes, "the fake judge finds quotes in the OCR'd text"
    assert {e.page for e in quotes} <= {1, 2} and len({e.page for e in quotes}) == 2
    assert all(report.text[e.start:e.end] == e.quote for e in quotes)
    memo = to_markdown(report)
    assert "经 OCR 识别的页" in memo and "第1页 0.99" in memo
    assert report.run.stage_seconds["ocr"] > 0


@pytest.mark.parametrize(("settings", "words"), [
    pytest.param({"ocr": False}, "OCR is switched off (setting ocr)", id="ocr_off"),
    pytest.param({"ocr_max_pages": 1}, "over the OCR limit of 1 pages (setting ocr_max_pages)", id="page_limit"),
])
def test_a_scan_that_is_not_read_is_refused_saying_why(settings, words):
    with pytest.raises(LoadError) as caught:
        review(SCANNED_SAMPLE, backend="fake", embedding="fake", **settings)
    assert words in str(caught.value)
    if "ocr" in settings:
        assert caught.value.code == "no_text_layer" and "needs OCR first" in str(caught.value)


def test_without_the_engine_the_refusal_says_it_is_not_installed(monkeypatch):
    import reviewer.ingest.ocr as ocr

    monkeypatch.setattr(ocr, "ocr_missing", lambda: "the OCR engine is not installed (test)")
    with pytest.raises(LoadError, match="needs OCR first \\(the OCR engine is not installed \\(test\\)\\)") as caught:
        review(SCANNED_SAMPLE, backend="fake", embedding="fake")
    assert caught.value.code == "no_text_layer"


def test_ocr_past_its_time_limit_is_refused_with_the_setting_named():
    with pytest.raises(LoadError, match=r"OCR took \d+ s for 1 of 2 scanned pages, over its 0.5 s limit \(setting ocr_timeout_s\)"):
        _ocr(SCANNED_SAMPLE.read_bytes(), timeout_s=0.5)


TYPED = (data_dir("samples") / "yunxi_county_action_plan.txt").read_text(encoding="utf-8")


def test_the_library_loader_reads_a_scan_only_when_given_ocr_options():
    from reviewer import load

    with pytest.raises(LoadError) as caught:
        load(SCANNED_SAMPLE)
    assert caught.value.code == "no_text_layer" and "needs OCR first" in str(caught.value)
    doc = load(SCANNED_SAMPLE, ocr=OcrOptions())
    assert [p.source for p in doc.quality.pages] == ["ocr", "ocr"] and cer(TYPED, doc.text) <= 0.03


def test_index_add_reads_a_scanned_official_text_once_and_keeps_its_text(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from reviewer.cli import main

    monkeypatch.setenv("REVIEWER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("REVIEWER_EMBEDDING", "fake")
    added = CliRunner().invoke(main, ["index", "add", str(SCANNED_SAMPLE)])
    assert added.exit_code == 0, added.output
    assert "added yunxi_county_action_plan_scanned.pdf as yunxi_county_action_plan_scanned.txt: 2 scanned page(s) read by OCR" in added.output
    corpus = tmp_path / "home" / "corpus"
    assert [p.name for p in corpus.iterdir()] == ["yunxi_county_action_plan_scanned.txt"]  # the text, not the scan
    assert cer(TYPED, (corpus / "yunxi_county_action_plan_scanned.txt").read_text(encoding="utf-8")) <= 0.03
    stats = CliRunner().invoke(main, ["index", "stats"])
    assert stats.exit_code == 0 and "yunxi-county-action-plan-scanned-" in stats.output, stats.output


def test_compare_reads_a_scanned_plan_with_ocr_and_says_why_without():
    from reviewer.compare import compare

    typed = data_dir("samples") / "yunxi_county_action_plan.txt"
    without = compare([typed, SCANNED_SAMPLE])
    assert len(without.plans) == 1 and "needs OCR first" in without.problems[0]
    with_ocr = compare([typed, SCANNED_SAMPLE], ocr=OcrOptions())
    assert len(with_ocr.plans) == 2 and not with_ocr.problems
    assert max(p.homogeneity for p in with_ocr.plans) > 0.5  # the scan of the same plan is found to be near it
