"""Chunk stage: heading-aware chunks with exact spans, heading paths and page ranges."""

import importlib.util
import re
from pathlib import Path

import pytest

from reviewer import load
from reviewer.chunk import chunk
from reviewer.contracts import Document, Page

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


def _doc(text: str) -> Document:
    return Document(source="t", format="txt", text=text, pages=[Page(number=1, start=0, end=len(text))])


def _check_invariants(doc: Document, chunks, max_chars: int) -> None:
    assert [c.id for c in chunks] == [f"{n:04d}" for n in range(len(chunks))]
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text and c.text == c.text.strip()
        assert 0 < len(c.text) <= max_chars
        assert c.page_start == doc.page_at(c.start) and c.page_end == doc.page_at(c.end - 1)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_sample_plan_chunks_follow_its_headings(sample_plan):
    doc = load(sample_plan)
    chunks = chunk(doc)
    _check_invariants(doc, chunks, 400)
    assert _squeeze("".join(c.text for c in chunks)) == _squeeze(doc.text)  # nothing lost, nothing repeated
    paths = [c.heading_path for c in chunks]
    assert ["三、重点任务", "（二）前瞻布局未来产业"] in paths
    future = next(c for c in chunks if c.heading_path == ["三、重点任务", "（二）前瞻布局未来产业"])
    assert future.text.startswith("（二）前瞻布局未来产业。\n瞄准人工智能")
    assert chunks[0].heading_path == [] and chunks[0].text.startswith("云溪县加快培育")


def test_bare_heading_goes_with_its_first_child_and_tiny_siblings_merge(sample_plan):
    chunks = chunk(load(sample_plan))
    first_task = next(c for c in chunks if c.text.startswith("三、重点任务"))
    assert "（一）培育壮大战略性新兴产业。\n1. 新能源装备产业" in first_task.text  # heading-only sections lead in
    assert "2. 新材料产业" in first_task.text  # a small sibling item joins it
    assert first_task.heading_path == ["三、重点任务", "（一）培育壮大战略性新兴产业"]


def test_pdf_chunks_carry_page_ranges(tmp_path):
    make_fixtures.plan_pdf(tmp_path / "plan.pdf")
    doc = load(tmp_path / "plan.pdf")
    chunks = chunk(doc, max_chars=200)
    _check_invariants(doc, chunks, 200)
    crossing = next(c for c in chunks if "县域实践路径" in c.text)
    assert (crossing.page_start, crossing.page_end) == (1, 2)  # this section runs over the page break
    assert crossing.heading_path == ["三、重点任务", "（二）前瞻布局未来产业"]
    last = chunks[-1]
    assert last.heading_path == ["四、保障措施", "（三）强化考核评估"] and last.page_start == 2


def test_long_sections_split_at_sentence_ends_with_overlap():
    seed = load((FIXTURES / "seed_pypdf_extraction.txt").read_bytes(), name="seed.txt")
    plain = chunk(seed, max_chars=300)
    _check_invariants(seed, plain, 300)
    assert sum(c.text[-1] in "。；！？：”）" for c in plain) / len(plain) > 0.9
    theory = [c for c in plain if c.heading_path[-1:] == ["1.1\u3000理论逻辑"]]
    assert len(theory) >= 4 and all(c.heading_path[0].startswith("1\u3000央地战略互嵌") for c in theory)

    overlapped = chunk(seed, max_chars=300, overlap_chars=60)
    _check_invariants(seed, overlapped, 300)
    pairs = list(zip(overlapped, overlapped[1:]))
    overlaps = [a.end - b.start for a, b in pairs if b.start < a.end]
    assert len(overlaps) > len(pairs) / 2 and max(overlaps) <= 60
    assert all(a.heading_path == b.heading_path for a, b in pairs if b.start < a.end)  # never across sections


def test_chapters_sections_articles_and_markdown_headings():
    text = (
        "# 云溪县科技创新促进条例\n"
        "第一章 总则\n第一条 为了促进科技创新，制定本条例。\n第二条 本条例适用于本县行政区域。\n"
        "第二章 创新主体\n第一节 企业\n第三条 支持企业建设研发机构。\n（一）设立研发中心；\n（二）开展联合攻关。\n"
        "## 附则\n本条例自公布之日起施行。\n"
    )
    doc = _doc(text)
    chunks = chunk(doc, max_chars=40)
    _check_invariants(doc, chunks, 40)
    path_of = {c.text.split("\n")[-1]: c.heading_path for c in chunks}  # keyed by each chunk's last line
    title, chapter2, article3 = "云溪县科技创新促进条例", "第二章 创新主体", "第三条 支持企业建设研发机构"
    assert path_of["第三条 支持企业建设研发机构。"] == [title, chapter2, "第一节 企业", article3]
    assert path_of["（一）设立研发中心；"] == [title, chapter2, "第一节 企业", article3, "（一）设立研发中心"]
    assert path_of["第二条 本条例适用于本县行政区域。"] == [title, "第一章 总则", "第二条 本条例适用于本县行政区域"]
    assert path_of["本条例自公布之日起施行。"] == [title, "附则"]


def test_a_sentence_longer_than_max_chars_is_cut_at_commas_then_hard():
    sentence = "，".join(["加快建设现代化产业体系"] * 12) + "。"
    doc = _doc("一、总体要求\n" + sentence + "\n" + "数" * 90)
    chunks = chunk(doc, max_chars=50)
    _check_invariants(doc, chunks, 50)
    assert chunks[0].text.startswith("一、总体要求\n加快")  # the heading is not left alone
    assert all(c.text.endswith(("，", "。")) for c in chunks if "数" not in c.text)
    assert _squeeze("".join(c.text for c in chunks)) == _squeeze(doc.text)


def test_chunking_is_stable_and_checks_its_arguments(sample_plan):
    doc = load(sample_plan)
    assert chunk(doc, max_chars=120) == chunk(doc, max_chars=120)
    with pytest.raises(ValueError):
        chunk(doc, max_chars=100, overlap_chars=80)
    with pytest.raises(ValueError):
        chunk(doc, max_chars=5)


def test_docx_chunks_use_word_numbering_and_pages(tmp_path):
    make_fixtures.plan_docx(tmp_path / "plan.docx")
    doc = load(tmp_path / "plan.docx")
    chunks = chunk(doc)
    _check_invariants(doc, chunks, 400)
    future = next(c for c in chunks if "算力中心" in c.text)
    assert future.heading_path == ["三、重点任务", "（二）前瞻布局未来产业"] and future.page_start == 2
