"""Ingest: a plan file (PDF, DOCX, HTML, TXT, Markdown) into a cleaned, checked :class:`Document`.

Three stages, each a typed call, and :func:`load` for read and clean at once:

- :func:`read` — source → :class:`RawDocument`: the bytes of a path, an upload or pasted
  text (:mod:`.source`), their type decided by content (:func:`.source.sniff`), then one
  reader per format (:mod:`.read_pdf`, :mod:`.read_docx`, :mod:`.read_html`,
  :mod:`.read_text`) into raw pages, refused past the limits (:mod:`.limits`).
- :func:`recognise` — :class:`RawDocument` → :class:`RawDocument`: the scanned pages of a PDF (an image, no
  text layer) read by offline OCR (:mod:`.ocr`); other pages keep their text layer.
- :func:`clean` — :class:`RawDocument` → :class:`Document`: the quality gate drops pages
  that are empty, scanned or garbled (:mod:`.gate`), the text is repaired (:mod:`.repair`:
  PDF line breaks, stray spaces, split numbers, running headers and page numbers), and the
  gate refuses a document that cannot be reviewed. A plan in Traditional characters is read in Simplified
  (:mod:`.script`).

Anything that cannot be reviewed raises :class:`LoadError` with a ``code`` and a message that
says what to do; single bad pages inside a good file are dropped and reported in
``Document.quality``. :mod:`.textquality` and :mod:`.headings` are the measures and the heading
grammar that cleaning, segmenting and chunking share.
"""

from __future__ import annotations

from pathlib import Path

from ..contracts import Document, QualityReport
from .gate import ocr_warnings, page_reports, page_spans, page_warnings, refuse, screen
from .limits import FORMATS, MB, PLAN_SUFFIXES, LoadError, LoadLimits, check_page_count, check_text_size
from .ocr import OcrOptions, needs_ocr, ocr_missing, recognise
from .pages import RawDocument, RawPage
from .read_docx import docx_pages
from .read_html import html_pages
from .read_pdf import pdf_pages
from .read_text import looks_like_pdf_output, text_pages
from .repair import clean_pdf_pages, clean_plain_pages
from .script import in_simplified
from .source import read_source, sniff
from .textquality import cid_count, cjk_share, garbled_share

__all__ = ["FORMATS", "MB", "PLAN_SUFFIXES", "LoadError", "LoadLimits", "OcrOptions", "RawDocument", "RawPage", "clean", "load",
           "needs_ocr", "ocr_missing", "read", "recognise"]


def _pages(kind: str, data: bytes, label: str, limits: LoadLimits, warns: list[str]) -> list[RawPage]:
    """Raw pages of a source of a known format, by that format's reader."""
    if kind == "pdf":
        return pdf_pages(data, label, limits, warns)
    if kind == "docx":
        return docx_pages(data, label, limits, warns)
    return html_pages(data, label, warns) if kind == "html" else text_pages(data, label)


def read(source: str | Path | bytes, *, name: str | None = None, limits: LoadLimits | None = None) -> RawDocument:
    """Read stage: a path, the file's bytes (``name`` gives the file name) or pasted text into raw pages.

    Refuses what is not a plan file, and what is over the page, character or paragraph limits.
    """
    limits = limits or LoadLimits()
    data, label, suffix = read_source(source, name, limits)
    if not data.strip():
        raise LoadError(f"{label}: the file is empty; nothing to review", "empty")
    warns: list[str] = []
    kind = sniff(data, label, suffix, warns)
    pages = _pages(kind, data, label, limits, warns)
    check_page_count(label, len(pages), limits)
    check_text_size(label, [page.text for page in pages], limits, lines_are_paragraphs=kind != "pdf")  # PDF: a line per printed line
    return RawDocument(label=label, format=kind, pages=pages, warnings=warns, limits=limits, data=data if kind == "pdf" else None)


def clean(raw: RawDocument) -> Document:
    """Clean stage: drop bad pages, repair the text, and refuse a document that cannot be reviewed.

    A plan in Traditional characters is read in Simplified (:mod:`.script`), with a warning.
    """
    warns = list(raw.warnings)
    if (simplified := in_simplified([page.text for page in raw.pages])) is not None:
        raw = raw._replace(pages=[page._replace(text=text) for page, text in zip(raw.pages, simplified, strict=True)])
        warns.append("the text is in Traditional characters; it was read in Simplified characters, and quotes are "
                     "shown in Simplified")
    kept, rejected = screen(raw.pages, raw.limits)
    cids = sum(cid_count(page.text) for page in raw.pages if page.number not in rejected)
    if cids:
        warns.append(f"removed {cids} (cid:…) code(s): characters whose font has no Unicode map")
    pasted_pdf = raw.format in ("txt", "md") and looks_like_pdf_output(raw.pages)
    if raw.format == "pdf" or pasted_pdf:
        if pasted_pdf:
            warns.append("the text looks pasted from a PDF (spaces between Chinese characters, broken lines); "
                         "it was repaired")
        cleaned = clean_pdf_pages(kept, isolated_numbers=pasted_pdf)  # pasted text has no page edges
    else:
        cleaned = clean_plain_pages(kept)
    reports = page_reports(raw.pages, cleaned, rejected, raw.limits.min_ocr_confidence)
    refuse(raw.label, raw.format, reports, cleaned.text, raw.limits, images=any(page.has_images for page in raw.pages),
           ocr_note=raw.ocr_note)
    quality = QualityReport(
        pages_total=len(raw.pages),
        pages=reports,
        cjk_share=round(cjk_share(cleaned.text), 4),
        garbled_share=round(garbled_share(cleaned.text), 4),
        warnings=warns + ocr_warnings(reports) + page_warnings(reports, cleaned),
    )
    return Document(source=raw.label, format=raw.format, text=cleaned.text, pages=page_spans(cleaned), quality=quality)


def load(source: str | Path | bytes, *, name: str | None = None, limits: LoadLimits | None = None,
         ocr: OcrOptions | None = None) -> Document:
    """Read a plan into a cleaned, checked Document, or raise :class:`LoadError` saying what to do.

    ``source`` is a path, the file's bytes (``name`` gives the file name) or pasted text (a
    string with a line break). The stages at once: ``clean(recognise(read(source), ocr))``; without
    ``ocr`` a scanned PDF is refused with what to do.
    """
    raw = read(source, name=name, limits=limits)
    return clean(recognise(raw, ocr) if ocr is not None else raw)
