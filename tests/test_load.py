"""Load stage: real PDF, DOCX, HTML and text files in, a checked Document or a clear LoadError out."""

import importlib.util
import random
from pathlib import Path

import pytest

from reviewer import LoadError, load
from reviewer.ingest import LoadLimits

FIXTURES = Path(__file__).parent / "fixtures"
BODY = "以习近平新时代中国特色社会主义思想为指导，完整、准确、全面贯彻新发展理念，推动县域经济高质量发展。" * 2
"""Enough readable Chinese for a plan (the load refuses fewer than 50 characters)."""
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("files")
    manifest = make_fixtures.build_all(folder)
    (folder / "manifest.txt").write_text(repr(manifest), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def printed_on(files) -> dict[str, int]:
    """Phrase → page it was printed on in plan.pdf."""
    return eval((files / "manifest.txt").read_text(encoding="utf-8"))["plan.pdf"]  # noqa: S307 - our own repr


def _assert_pages_cover(doc):
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)
    assert all(a.end == b.start for a, b in zip(doc.pages, doc.pages[1:]))


# --- PDF -----------------------------------------------------------------------


def test_pdf_text_is_clean_and_every_offset_knows_its_page(files, printed_on):
    doc = load(files / "plan.pdf")
    assert doc.format == "pdf" and [p.number for p in doc.pages] == [1, 2]
    _assert_pages_cover(doc)
    kept = [i for i, ch in enumerate(doc.text) if ch != " "]  # offsets of the non-space characters
    squeezed = "".join(doc.text[i] for i in kept)
    for phrase, page in printed_on.items():
        found = squeezed.find(phrase)
        assert found >= 0, phrase
        assert doc.page_at(kept[found]) == page, phrase


def test_pdf_cleanup_end_to_end(files):
    doc = load(files / "plan.pdf")
    text = doc.text
    assert "云溪县人民政府文件" not in text and "- 1 -" not in text  # running header and page-number footer
    for fixed in ("2.65%", "1187 人", "10.06%", "635.4 万亿次", "new quality productivity"):
        assert fixed in text
    assert "决策部署，抢抓新一轮科技革命" in text  # line broken mid-sentence in the PDF, rejoined
    assert "\n一、总体要求\n" in text and "\n（二）前瞻布局未来产业\n" in text
    assert "的县域实践路径。" in text  # a sentence running over the page break is one line
    assert text.startswith("云溪县加快培育和发展新质生产力三年行动方案\n")  # the centred title keeps its line
    quality = doc.quality
    assert quality.pages_read == 2 and quality.rejected == [] and quality.cjk_share > 0.9
    assert sum(p.chars for p in quality.pages) == len(text)
    assert any("header" in w for w in quality.warnings)


def test_bad_pages_inside_a_good_pdf_are_dropped_and_reported(files):
    doc = load(files / "mixed.pdf")  # plan (2 pages) + 2 scanned pages + 1 page with no Unicode map
    quality = doc.quality
    assert quality.pages_total == 5 and quality.pages_read == 2
    assert [(p.number, p.rejected) for p in quality.rejected] == [(3, "image_only"), (4, "image_only"), (5, "garbled")]
    assert "OCR" in quality.rejected[0].reason
    assert any(w.startswith("page 5 dropped") for w in quality.warnings)
    assert [p.number for p in doc.pages] == [1, 2] and "新质生产力" in doc.text


def test_owner_password_only_pdf_is_read_with_a_warning(files):
    doc = load(files / "owner_only.pdf")
    assert "一、总体要求" in doc.text
    assert any("owner password" in w for w in doc.quality.warnings)


@pytest.mark.parametrize(
    "fixture, code, advice",
    [
        ("encrypted.pdf", "encrypted", "remove the password"),
        ("scanned.pdf", "no_text_layer", "needs OCR first"),
        ("scanned.docx", "no_text_layer", "needs OCR first"),
        ("truncated.pdf", "corrupt", "damaged or truncated"),
        ("no_unicode_map.pdf", "garbled", "unreadable characters"),
        ("random_ideographs.pdf", "garbled", "rare ideographs"),
        ("sheet.xlsx", "unsupported_type", "unsupported file type"),
    ],
)
def test_unreviewable_files_raise_load_error_with_code_and_advice(files, fixture, code, advice):
    with pytest.raises(LoadError) as err:
        load(files / fixture)
    assert err.value.code == code
    assert advice in str(err.value) and fixture in str(err.value)


def test_blank_pdf_is_empty(tmp_path):
    make_fixtures.text_pdf(tmp_path / "blank.pdf", [[], []])
    with pytest.raises(LoadError) as err:
        load(tmp_path / "blank.pdf")
    assert err.value.code == "empty"


def test_size_and_page_limits(files):
    with pytest.raises(LoadError) as err:
        load(files / "plan.pdf", limits=LoadLimits(max_bytes=1000))
    assert err.value.code == "too_large" and "MB limit" in str(err.value)
    with pytest.raises(LoadError) as err:
        load((files / "plan.pdf").read_bytes(), name="plan.pdf", limits=LoadLimits(max_bytes=1000))
    assert err.value.code == "too_large"
    with pytest.raises(LoadError) as err:
        load(files / "plan.pdf", limits=LoadLimits(max_pages=1))
    assert err.value.code == "too_many_pages" and "2 pages" in str(err.value)
    with pytest.raises(LoadError) as err:
        load("第一页\f第二页\f第三页".encode(), name="p.txt", limits=LoadLimits(max_pages=2))
    assert err.value.code == "too_many_pages"


def test_default_limits():
    limits = LoadLimits()
    assert limits.max_bytes == 20 * 1024 * 1024 and limits.max_pages == 300
    assert limits.max_unpacked_bytes == 100 * 1024 * 1024 and limits.max_xml_bytes == 30 * 1024 * 1024
    assert limits.max_chars == 150_000 and limits.max_paragraphs == 5_000
    with pytest.raises(ValueError):
        LoadLimits(max_page=3)  # unknown fields are errors


@pytest.mark.parametrize("fixture", ["plan.pdf", "plan.docx"])
def test_damaged_files_only_ever_raise_load_error(files, fixture):
    """Truncations and flipped bytes never crash with another exception, never return empty text."""
    data = (files / fixture).read_bytes()
    rng = random.Random(7)
    variants = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 15))]
    for _ in range(15):
        damaged = bytearray(data)
        for _ in range(20):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        variants.append(bytes(damaged))
    for variant in variants:
        try:
            doc = load(variant, name=fixture)
        except LoadError as exc:
            assert exc.code in {"corrupt", "empty", "garbled", "not_chinese", "unsupported_type", "no_text_layer",
                                "too_short"}
        else:
            assert doc.text.strip()


# --- DOCX, HTML, text ------------------------------------------------------------


def test_docx_headings_numbering_table_and_page_break(files):
    doc = load(files / "plan.docx")
    assert doc.format == "docx"
    lines = doc.text.split("\n")
    assert "一、总体要求" in lines and "三、重点任务" in lines and "（二）前瞻布局未来产业" in lines  # Word's auto numbers
    assert "研发投入强度 | 1.8% | 2.2%" in lines
    assert [p.number for p in doc.pages] == [1, 2]
    _assert_pages_cover(doc)
    assert doc.page_at(doc.text.index("主要目标")) == 1 and doc.page_at(doc.text.index("算力中心")) == 2


def test_html_in_gb2312_with_script_table_and_page_break(files):
    doc = load(files / "plan.html")
    assert doc.format == "html"
    assert "不应出现" not in doc.text and "text-indent" not in doc.text and "网站地图" not in doc.text
    assert "为深入贯彻落实党中央、国务院关于发展新质生产力的决策部署，结合我县实际，制定本方案。" in doc.text
    assert "坚持创新驱动、项目为王" in doc.text and "\n高新技术企业 | 60家\n" in doc.text
    assert "new quality productivity" in doc.text
    assert [p.number for p in doc.pages] == [1, 2] and doc.page_at(doc.text.index("二、主要目标")) == 2


def test_gb18030_and_utf16_text(tmp_path):
    plan = "一、总体要求\n以习近平新时代中国特色社会主义思想为指导，推动𠀀字不丢失。" + BODY
    (tmp_path / "gb.txt").write_bytes(plan.encode("gb18030"))
    (tmp_path / "u16.txt").write_bytes(plan.encode("utf-16"))
    assert load(tmp_path / "gb.txt").text == plan
    assert load(tmp_path / "u16.txt").text == plan


def test_pasted_pdf_output_in_a_text_file_is_repaired():
    doc = load((FIXTURES / "seed_pypdf_extraction.txt").read_bytes(), name="seed.txt")
    assert "中央政府凭借其顶层平台属性，有效整合" in doc.text and "10.06%" in doc.text
    assert "\n14\n" not in doc.text  # the page number pasted along
    assert any("pasted from a PDF" in w for w in doc.quality.warnings)


def test_typed_text_is_kept_as_typed(sample_plan):
    doc = load(sample_plan)
    assert doc.text == sample_plan.read_text(encoding="utf-8").strip()
    assert doc.quality.warnings == [] and doc.format == "txt"


def test_pasted_text_and_unnamed_bytes(files):
    assert load("一、总体要求\n" + BODY).source == "pasted text"
    assert load("发展新质生产力，" * 60).format == "txt"  # too long for a file name, no line break
    doc = load((files / "plan.docx").read_bytes())
    assert doc.format == "docx" and doc.source == "upload"
    with pytest.raises(LoadError) as err:
        load(b"\x00\x01\x02binary\x00" * 50)
    assert err.value.code == "unsupported_type"


def test_a_few_cid_codes_are_removed_with_a_warning():
    text = "一、总体要求\n以习近平新时代中国特色社会主义思想为指导(cid:3)，推动高质量发展(cid:17)。" * 5
    doc = load(text.encode(), name="plan.txt")
    assert "(cid:" not in doc.text and "为指导，推动" in doc.text
    assert any("10 (cid:…) code" in w for w in doc.quality.warnings)


@pytest.mark.parametrize(
    "name, fixture, fmt, warned",
    [
        ("plan.txt", "plan.pdf", "pdf", "named .txt but is PDF"),
        ("plan.pdf", "plan.docx", "docx", "named .pdf but is DOCX"),
        ("plan.docx", "plan.html", "html", "named .docx but is HTML"),
        ("plan.md", "plan.pdf", "pdf", "named .md but is PDF"),
    ],
)
def test_content_decides_the_type_and_a_wrong_name_is_reported(files, name, fixture, fmt, warned):
    doc = load((files / fixture).read_bytes(), name=name)
    assert doc.format == fmt and doc.source == name
    assert any(warned in w for w in doc.quality.warnings)


def test_text_named_pdf_is_read_as_text_but_binary_named_pdf_is_corrupt():
    doc = load(("一、总体要求\n" + BODY).encode(), name="plan.pdf")
    assert doc.format == "txt" and any("holds plain text" in w for w in doc.quality.warnings)
    with pytest.raises(LoadError) as err:
        load(bytes(range(256)) * 4, name="plan.pdf")
    assert err.value.code == "corrupt" and "%PDF" in str(err.value)


@pytest.mark.parametrize(
    "name, data, code, words",
    [
        ("e.txt", b"", "empty", "empty"),
        ("e.txt", b"  \n\t\n", "empty", "empty"),
        ("x.xls", b"PK", "unsupported_type", "unsupported file type .xls"),
        ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "unsupported_type", "save as .docx"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "unsupported_type", "run OCR"),
        ("plan.docx", b"PK\x03\x04" + b"\x00" * 40, "corrupt", "damaged"),
        ("cid.txt", b"(cid:1234)(cid:5678)(cid:42)" * 40, "garbled", "unreadable"),
        ("fffd.txt", ("\ufffd\ufffd新" * 200).encode(), "garbled", "unreadable"),
        ("en.txt", b"This plan is written in English only, with no Chinese at all." * 5, "not_chinese", "Chinese"),
        ("mojibake.txt", "新质生产力发展规划".encode().decode("latin-1").encode("utf-8") * 20, "garbled", "UTF-8"),
        ("latin1.txt", bytes(range(0x80, 0x100)) * 4, "bad_encoding", "save it as UTF-8"),
    ],
    ids=["empty", "blank", "xls", "old_doc", "png", "bad_docx", "cid", "fffd", "english", "mojibake", "latin1"],
)
def test_load_errors_have_codes(name, data, code, words):
    with pytest.raises(LoadError) as err:
        load(data, name=name)
    assert err.value.code == code
    assert words in str(err.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LoadError) as err:
        load(tmp_path / "missing.pdf")
    assert err.value.code == "not_found" and "file not found" in str(err.value)
    with pytest.raises(LoadError) as err:
        load(tmp_path)
    assert err.value.code == "not_found" and "folder" in str(err.value)


def test_load_error_is_still_a_value_error_with_a_default_code():
    err = LoadError("something")
    assert isinstance(err, ValueError) and err.code == "invalid"


def test_load_is_read_then_clean(files):
    """The two ingest stages the review times apart: raw pages first, then the cleaned, checked document."""
    import reviewer
    from reviewer.ingest import clean, read

    raw = read(files / "plan.pdf")
    assert raw.format == "pdf" and len(raw.pages) == 2 and "云溪县" in raw.pages[0].text
    assert clean(raw) == load(files / "plan.pdf")
    assert reviewer.load is load and callable(reviewer.load)  # the function; no submodule hides behind it


# --- character set ---------------------------------------------------------------


def test_a_simplified_plan_naming_a_few_traditional_words_is_left_as_written():
    text = BODY + "\n支持与香港“創新科技署”、澳門“經濟及科技發展局”開展合作。\n"
    doc = load(text)
    assert doc.text.strip() == text.strip() and not any("Traditional" in w for w in doc.quality.warnings)


def test_a_big5_web_page_is_decoded_and_read_in_simplified():
    page = ('<html><head><meta charset="big5"><title>某市方案</title></head><body><p>某市推進低空經濟發展實施方案</p>'
            "<p>為加快發展低空經濟，結合我市實際，制定本方案。到2026年，建成通用機場1個，低空經濟產業規模突破100億元。"
            "依託市高新區建設低空經濟產業園，打造無人機研發製造基地，培育龍頭企業5家。</p></body></html>")
    doc = load(page.encode("big5"), name="plan.html")
    assert "某市推进低空经济发展实施方案" in doc.text and "依托市高新区建设低空经济产业园" in doc.text
    assert any("Traditional" in w for w in doc.quality.warnings)


def test_a_big5_text_file_is_decoded_and_read_in_simplified_and_a_gbk_one_is_not_taken_for_big5():
    traditional = ("某市推進低空經濟發展實施方案\n為加快發展低空經濟，結合我市實際，制定本方案。到2026年，建成通用機場1個，"
                   "低空經濟產業規模突破100億元。依託市高新區建設低空經濟產業園，打造無人機研發製造基地，培育龍頭企業5家。\n")
    doc = load(traditional.encode("big5"), name="plan.txt")
    assert "依托市高新区建设低空经济产业园" in doc.text and any("Traditional" in w for w in doc.quality.warnings)
    simplified = BODY + "\n依托市高新区建设低空经济产业园，打造无人机研发制造基地。\n"
    doc = load(simplified.encode("gbk"), name="plan.txt")
    assert doc.text.strip() == simplified.strip() and not any("Traditional" in w for w in doc.quality.warnings)
