"""Markdown, the Word memo and the page lay out one view model: the same words in each."""

import html

import pytest
from docx import Document as Word

from reviewer import Reviewer, load_settings
from reviewer.render import findings_html, report_view, summary_html, to_docx, to_markdown


@pytest.fixture(scope="module")
def report(sample_plan, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    return Reviewer(load_settings(environ={}, backend="fake", embedding="fake", home=home)).review(sample_plan)


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
