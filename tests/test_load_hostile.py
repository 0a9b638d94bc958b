"""Load stage against hostile and faulty inputs (issue 10): each test reproduces one probe finding.

Every bad input is generated here or by ``tests/fixtures/make_fixtures.py``; none is committed.
"""

import importlib.util
from pathlib import Path

import pytest

from reviewer import LoadError, load

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    make_fixtures.plan_pdf(path)
    return path


# --- encrypted PDFs (item 12) ---------------------------------------------------


def test_aes_pdf_with_an_empty_user_password_is_opened(plan_pdf, tmp_path):
    make_fixtures.encrypted_pdf(tmp_path / "aes.pdf", plan_pdf, user_password="", algorithm="AES-256")
    doc = load(tmp_path / "aes.pdf")
    assert "一、总体要求" in doc.text
    assert any("owner password" in w for w in doc.quality.warnings)


def test_aes_pdf_with_a_user_password_is_called_encrypted(plan_pdf, tmp_path):
    make_fixtures.encrypted_pdf(tmp_path / "aes.pdf", plan_pdf, user_password="secret", algorithm="AES-128")
    with pytest.raises(LoadError) as err:
        load(tmp_path / "aes.pdf")
    assert err.value.code == "encrypted" and "password" in str(err.value) and "damaged" not in str(err.value)


def test_without_cryptography_an_aes_pdf_is_encrypted_not_damaged(plan_pdf, tmp_path, monkeypatch):
    """pypdf raises DependencyError while opening an AES file when ``cryptography`` is missing."""
    from pypdf.errors import DependencyError

    import reviewer.ingest.read_pdf

    def no_aes(*args, **kwargs):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(reviewer.ingest.read_pdf, "PdfReader", no_aes)
    with pytest.raises(LoadError) as err:
        load(plan_pdf)
    assert err.value.code == "encrypted" and "cryptography" in str(err.value)
    assert "damaged" not in str(err.value)


# --- hidden text (item 2) ---------------------------------------------------------


def _assert_hidden_left_out(doc, visible):
    for sentence in make_fixtures.HIDDEN.values():
        assert sentence not in doc.text
    for sentence in visible:
        assert sentence in doc.text
    warning = next(w for w in doc.quality.warnings if "hidden text" in w)
    assert "not treated as plan text" in warning


def test_hidden_runs_in_a_docx_are_not_plan_text(tmp_path):
    make_fixtures.hidden_docx(tmp_path / "hidden.docx")
    doc = load(tmp_path / "hidden.docx")
    _assert_hidden_left_out(doc, make_fixtures.VISIBLE.values())
    assert "推动传统产业转型升级。" in doc.text and "一、总体要求" in doc.text


def test_hidden_html_is_not_plan_text(tmp_path):
    make_fixtures.hidden_html(tmp_path / "hidden.html")
    doc = load(tmp_path / "hidden.html")
    _assert_hidden_left_out(doc, [make_fixtures.VISIBLE["white_on_shade"]])
    assert "到2026年，全县高新技术企业数量达到60家。" in doc.text


def test_a_plain_docx_has_no_hidden_text_warning(tmp_path):
    make_fixtures.plan_docx(tmp_path / "plan.docx")
    assert not any("hidden" in w for w in load(tmp_path / "plan.docx").quality.warnings)


# --- size caps (item 6) -------------------------------------------------------------


def _refused_cheaply(source, **kwargs):
    """Load ``source``; return the LoadError and the peak Python memory (MB) spent on the way."""
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(LoadError) as err:
            load(source, **kwargs)
        return err.value, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_docx_with_a_huge_picture_part_is_refused_before_unpacking(tmp_path):
    make_fixtures.inflated_docx(tmp_path / "bomb.docx", picture_mb=200)
    assert (tmp_path / "bomb.docx").stat().st_size < 2 * 2**20
    err, peak_mb = _refused_cheaply(tmp_path / "bomb.docx")
    assert err.code == "too_large" and "unpack to 201 MB" in str(err) and "limit of 100 MB" in str(err)
    assert peak_mb < 30


def test_docx_whose_text_part_inflates_is_refused_before_parsing(tmp_path):
    make_fixtures.inflated_docx(tmp_path / "bomb.docx", padding_mb=40)
    err, peak_mb = _refused_cheaply(tmp_path / "bomb.docx")
    assert err.code == "too_large" and "limit of 30 MB" in str(err)
    assert peak_mb < 30


def test_docx_with_ten_thousand_paragraphs_is_refused_before_parsing(tmp_path):
    make_fixtures.many_paragraphs_docx(tmp_path / "long.docx", 10_000)
    err, _ = _refused_cheaply(tmp_path / "long.docx")
    assert err.code == "too_large" and "limit of 5,000 paragraphs" in str(err)


def test_two_million_characters_of_text_are_refused_with_the_limit():
    text = ("发展新质生产力，推动产业转型升级，" * 20 + "\n") * 6_000
    assert len(text) > 2_000_000
    err, _ = _refused_cheaply(text.encode(), name="huge.txt")
    assert err.code == "too_large" and "limit of 150,000 characters" in str(err)


def test_pdf_extraction_stops_once_over_the_character_limit(plan_pdf):
    from reviewer.ingest import LoadLimits

    err, _ = _refused_cheaply(plan_pdf, limits=LoadLimits(max_chars=300))
    assert err.code == "too_large" and "in the first 1 pages alone" in str(err) and "300 characters" in str(err)


def test_a_long_pdf_is_not_refused_for_its_printed_lines(plan_pdf):
    from reviewer.ingest import LoadLimits

    assert load(plan_pdf, limits=LoadLimits(max_paragraphs=10)).text  # PDF lines are not paragraphs


# --- too little readable text (item 3) and scans with a text header (item 12) -------

SENTENCE = "以习近平新时代中国特色社会主义思想为指导，推动县域经济高质量发展。"


@pytest.mark.parametrize(
    "text",
    ["云溪县人民政府", "云溪县人民政府\n" + SENTENCE, SENTENCE + "\n" + "锟斤拷" * 2 + "云溪县加快发展新质生产力"],
    ids=["title_only", "title_and_a_sentence", "mojibake_not_counted"],
)
def test_too_little_readable_chinese_is_refused_with_the_minimum(text):
    with pytest.raises(LoadError) as err:
        load(text.encode(), name="plan.txt")
    assert err.value.code == "too_short"
    assert "at least 50" in str(err.value) and "full text" in str(err.value)


def _with_ideographs(n: int) -> str:
    """Sentences cut right after the ``n``-th ideograph."""
    text, count = "", 0
    for ch in SENTENCE * 3:
        if count == n:
            return text
        text += ch
        count += "\u4e00" <= ch <= "\u9fff"
    raise AssertionError(n)


def test_the_minimum_is_fifty_readable_characters():
    assert load(_with_ideographs(50).encode(), name="plan.txt").text == _with_ideographs(50)
    with pytest.raises(LoadError) as err:
        load(_with_ideographs(49).encode(), name="plan.txt")
    assert err.value.code == "too_short" and "only 49 readable" in str(err.value)


@pytest.mark.parametrize("text", ["锟斤拷" * 100, "云溪县行动方案\n" + "锟斤拷" * 100, SENTENCE + "\n" + "烫烫烫" * 60])
def test_mojibake_is_garbled_not_a_plan(text):
    with pytest.raises(LoadError) as err:
        load(text.encode(), name="plan.txt")
    assert err.value.code == "garbled" and "锟斤拷" in str(err.value)


def test_scan_with_a_running_text_header_is_a_scan_not_empty(tmp_path):
    """The header repeats on every page, so cleaning drops it as page furniture: nothing but images is left."""
    make_fixtures.scan_with_text_pdf(tmp_path / "scan.pdf", 3, "云溪县人民政府办公室文件")
    with pytest.raises(LoadError) as err:
        load(tmp_path / "scan.pdf")
    assert err.value.code == "no_text_layer" and "needs OCR" in str(err.value)


def test_one_page_scan_with_a_text_stamp_is_a_scan(tmp_path):
    stamp = "云溪县人民政府办公室二〇二四年三月印发存档"
    make_fixtures.scan_with_text_pdf(tmp_path / "scan.pdf", 1, stamp)
    with pytest.raises(LoadError) as err:
        load(tmp_path / "scan.pdf")
    assert err.value.code == "no_text_layer" and "needs OCR" in str(err.value)
    assert "only 20 readable Chinese characters" in str(err.value)


# --- text encodings and binaries named .txt (item 12) ---------------------------------

PLAN_TEXT = "一、总体要求\n" + SENTENCE + "\n二、主要目标\n到2026年，全县研发经费投入强度达到2.65%，高新技术企业数量达到60家。"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(encoding):
    doc = load(PLAN_TEXT.encode(encoding), name="plan.txt")
    assert doc.text == PLAN_TEXT and doc.format == "txt"


def test_utf16_without_bom_and_without_ascii_is_decoded():
    text = "一、总体要求。" + SENTENCE.replace("，", "、") * 2  # no ASCII, so no NUL bytes to go by
    assert load(text.encode("utf-16-le"), name="plan.txt").text == text


def test_gb18030_is_still_preferred_to_a_utf16_reading():
    assert load(PLAN_TEXT.encode("gb18030"), name="plan.txt").text == PLAN_TEXT


@pytest.mark.parametrize("name", ["plan.txt", "plan.md", "upload"])
def test_a_binary_named_as_text_is_told_it_is_not_text(name):
    import random

    rng = random.Random(3)
    data = b"\x7fELF\x02\x01\x01\x00" + bytes(rng.randrange(256) for _ in range(4000))
    with pytest.raises(LoadError) as err:
        load(data, name=name)
    assert err.value.code == "unsupported_type"
    assert "binary data, not text" in str(err.value) and "unsupported file type" not in str(err.value)


# --- long paths (item 13) --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/tmp/" + "云溪县规划" * 20 + ".pdf", "规划文件" * 30 + ".docx", "./plans/" + "x" * 300 + "/plan.txt", "~/" + "方案" * 50],
    ids=["absolute", "relative_name", "long_folder", "home"],
)
def test_a_long_path_that_names_no_file_is_a_path_error_not_pasted_text(path):
    assert len(path.encode()) > 255
    with pytest.raises(LoadError) as err:
        load(path)
    assert err.value.code == "not_found" and "file not found" in str(err.value)
    assert len(str(err.value)) < 300  # the path is shortened in the message


def test_a_name_over_255_bytes_is_explained(tmp_path):
    with pytest.raises(LoadError) as err:
        load(tmp_path / ("规划" * 50 + ".pdf"))
    assert "255 bytes" in str(err.value)


def test_long_pasted_text_without_a_line_break_is_still_text():
    assert load(SENTENCE * 10).source == "pasted text"


def test_hostile_css_costs_linear_time():
    import time

    style = "a" * 400_000 + "{" * 2 + " opacity:" + "0" * 200_000 + "x"
    html = f"<html><head><style>{style}</style></head><body><p style='opacity:{'0' * 200_000}x'>{SENTENCE * 3}</p>"
    started = time.perf_counter()
    doc = load(html.encode(), name="plan.html")
    assert SENTENCE in doc.text and time.perf_counter() - started < 5
