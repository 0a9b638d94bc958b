"""Markdown, the Word memo and the page lay out one view model: the same words in each."""

import html

import pytest
from docx import Document as Word

from reviewer import Reviewer, load_settings
from reviewer.llm import FakeChat
from reviewer.render import findings_html, report_view, summary_html, to_docx, to_markdown
from reviewer.render.view import WEAK


@pytest.fixture(scope="module")
def report(sample_plan, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    return Reviewer(load_settings(environ={}, backend="fake", embedding="fake", home=home)).review(sample_plan)


def test_a_quote_over_two_lines_stays_one_item_in_every_output(tmp_path):
    plan = ("某县推进新型工业化行动方案\n一、发展目标\n到2027年：\n\n——数字化水平显著提高。规模以上工业企业数字化改造覆盖率达到90%，"
            "建成智能工厂10家。\n二、重点任务\n推动纺织企业实施技术改造和设备更新，建设县级工业互联网平台。\n")
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path)
    report = Reviewer(settings, chat=FakeChat(default="是")).review(plan.encode(), name="plan.txt")
    raw = [e.quote for f in report.findings for e in f.evidence if "\n" in e.quote]
    assert raw and all(report.text[e.start:e.end] == e.quote for f in report.findings for e in f.evidence)
    md = to_markdown(report)
    for quote in raw:
        shown = "“" + quote.replace("：\n\n——", "： ——") + "”"
        assert any(line.startswith("- 规划原文") and shown in line for line in md.splitlines())
    assert all("\n" not in e.quote for f in report_view(report).findings for e in f.evidence)



def test_a_window_of_a_long_sentence_is_marked_where_the_sentence_goes_on(tmp_path):
    long = ("按照全市统一部署，结合本区产业基础，推动纺织、印染、服装等传统企业实施技术改造和设备更新，"
            "建设区级工业互联网平台，培育智能工厂10家、数字化车间30个，同时完善企业用能、用地和人才保障，"
            "持续优化营商环境，稳步提升区域综合竞争力和可持续发展能力。")
    target = "到2027年，全区规上工业增加值年均增长8%。"
    plan = f"某区推进新型工业化行动方案\n一、重点任务\n{long}\n推动企业上云用数赋智。\n{target}\n"
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path)
    report = Reviewer(settings, chat=FakeChat(default="是")).review(plan.encode(), name="plan.txt")
    shown = {(e.start, e.end): e.quote for f in report_view(report).findings for e in f.evidence}
    windows = [e for f in report.findings for e in f.evidence if e.quote != long and e.quote in long]
    whole = [e for f in report.findings for e in f.evidence if e.quote in (target, long)]
    assert windows and whole
    for e in windows:
        mark = shown[(e.start, e.end)]
        assert mark.startswith("“……") == (not long.startswith(e.quote))
        assert mark.removesuffix(WEAK).endswith("……”") == (not long.endswith(e.quote))
        assert e.quote in mark  # the plan's words themselves are unchanged
    for e in whole:
        assert "……" not in shown[(e.start, e.end)]
    assert "……" in to_markdown(report)

def test_a_sentence_that_answers_two_questions_of_a_check_is_shown_once(tmp_path):
    plan = ("某县推进新型工业化行动方案\n一、重点任务\n"
            "支持县经开区创建国家级经济技术开发区，建设国家技术创新中心县域分中心。\n")
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path)
    report = Reviewer(settings, chat=FakeChat(default="是")).review(plan.encode(), name="plan.txt")
    e4 = report.finding("E4")
    assert len(e4.evidence) == 2 and len({(e.start, e.end) for e in e4.evidence}) == 1  # E4a and E4b, one sentence
    view = next(f for f in report_view(report).findings if f.check_id == "E4")
    assert [e.indicator for e in view.evidence] == ["E4a、E4b"]
    assert sum(line.startswith("- 规划原文（E4a、E4b") for line in to_markdown(report).splitlines()) == 1


def test_every_output_shows_the_same_words(report, tmp_path):
    md = to_markdown(report)
    to_docx(report, tmp_path / "r.docx")
    word = Word(str(tmp_path / "r.docx"))
    docx = "\n".join([p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells])
    page = html.unescape(summary_html(report) + findings_html(report))
    view = report_view(report)
    for f in view.findings:
        for text in (f.title, f.label):
            assert text in md and text in docx and text in page
        shown_in_word = f.flagged or not f.ok  # the memo details only what needs attention
        for text in [f"{f.reason_label}：{f.reason}", *f.citations, *([f.suggestion] if f.suggestion else [])]:
            assert text in md and text in page and (text in docx or not shown_in_word)
        for e in f.evidence:
            assert e.quote in md and e.quote in docx and e.quote in page
            assert f"第{e.page}页，{e.where}" in md and f"第{e.page}页，{e.where}" in docx and f"第{e.page}页，{e.where}" in page
        if f.searched:
            assert f.searched in md and f.searched in page
    assert view.facts in md and view.facts in docx
