"""The quality gate: which pages are worth cleaning, and whether the cleaned text can be reviewed.

Before cleaning, a page with no text, only an image (a scan) or mostly unreadable
characters is dropped and reported. After cleaning, a document that is mostly scans,
garbled, empty, not Chinese or too short for any check to be judged is refused with a
:class:`LoadError` that says what to do; what was dropped or repaired becomes a warning.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from ..contracts import Page, PageRejection, PageReport
from .limits import LoadError, LoadLimits
from .pages import RawPage
from .repair import Cleaned, PageText
from .textquality import cjk_share, is_garbled, readable_cjk_count, strip_cid

_REASONS: dict[str, str] = {
    "empty": "no text",
    "image_only": "no text layer, only an image (a scan); run OCR on the file to include it",
    "ocr_empty": "no text layer, and OCR found no text in its image",
    "garbled": "unreadable characters (the font has no Unicode map); export the PDF again or OCR it",
    "error": "could not be read (damaged page)",
}


def screen(raw: list[RawPage], limits: LoadLimits) -> tuple[list[PageText], dict[int, PageRejection]]:
    """Split pages into those worth cleaning and those rejected (with the reason)."""
    kept: list[PageText] = []
    rejected: dict[int, PageRejection] = {}
    for page in raw:
        if page.error:
            rejected[page.number] = "error"
        elif not page.text.strip():
            rejected[page.number] = "image_only" if page.has_images else "empty"
        elif is_garbled(page.text, limits.max_garbled_share):
            rejected[page.number] = "garbled"
        else:
            kept.append(PageText(page.number, strip_cid(page.text)))
    return kept, rejected


def page_reports(raw: list[RawPage], cleaned: Cleaned, rejected: dict[int, PageRejection],
                 min_ocr_confidence: float = 1.0) -> list[PageReport]:
    """One report per source page; pages the cleaning left empty count as ``empty`` (``image_only`` if they show a picture).

    A page read by OCR says so, with its mean confidence, flagged when below ``min_ocr_confidence``.
    """
    spans = {page.number: (page.start, page.end) for page in page_spans(cleaned)}
    reports = []
    for page in raw:
        ocr = page.ocr_confidence
        source: Literal["text", "ocr"] = "text" if ocr is None else "ocr"
        emptied: PageRejection = "image_only" if page.has_images else "empty"  # a scan whose header was dropped
        reason = rejected.get(page.number) or (None if page.number in spans else emptied)
        if reason:
            why = "ocr_empty" if ocr is not None and reason in ("image_only", "empty") else reason
            detail = _REASONS[why] + (f" ({page.error})" if page.error else "")
            share = round(cjk_share(page.text), 4)
            reports.append(PageReport(number=page.number, chars=0, cjk_share=share, rejected=reason, reason=detail,
                                      source=source, ocr_confidence=ocr))
        else:
            start, end = spans[page.number]
            text = cleaned.text[start:end]
            low = ocr is not None and ocr < min_ocr_confidence
            reports.append(PageReport(number=page.number, chars=len(text), cjk_share=round(cjk_share(text), 4),
                                      source=source, ocr_confidence=ocr, low_confidence=low))
    return reports


def refuse(label: str, kind: str, reports: list[PageReport], text: str, limits: LoadLimits, images: bool,
           ocr_note: str = "") -> None:
    """Raise if the document as a whole cannot be reviewed; ``images``: some page shows a picture.

    ``ocr_note`` says why scanned pages were not recognised here; a refusal for scans adds it.
    """
    counts = Counter(r.rejected for r in reports if r.rejected)
    total = len(reports)
    if counts["image_only"] and (not text.strip() or 2 * counts["image_only"] > total):
        pages = f"{counts['image_only']} of {total} pages have" if total > 1 else "its only page has"
        raise _scanned(label, kind, ocr_note, f"{pages} no text layer, only images")
    if counts["garbled"] and (not text.strip() or 2 * counts["garbled"] > total):
        raise _garbled(label, kind)
    if counts["error"] and (not text.strip() or 2 * counts["error"] > total):
        raise LoadError(f"{label}: the pages cannot be read; the file is damaged or truncated: "
                        "download or export it again", "corrupt")
    if not text.strip():
        if images:
            raise _scanned(label, kind, ocr_note, "it has no text layer, only images")
        raise LoadError(f"{label}: the file is empty: it contains no text to review", "empty")
    if is_garbled(text, limits.max_garbled_share):
        raise _garbled(label, kind)
    if limits.expect_chinese:
        _refuse_thin(label, kind, text, limits, images, ocr_note)


def _refuse_thin(label: str, kind: str, text: str, limits: LoadLimits, images: bool, ocr_note: str) -> None:
    """Raise if the text is not Chinese, or has fewer readable Chinese characters than a plan needs."""
    letters = sum(1 for ch in text if ch.isalpha())
    if letters >= 20 and cjk_share(text) < limits.min_cjk_share:
        raise LoadError(f"{label}: only {cjk_share(text):.0%} of its letters are Chinese characters; the plan must be "
                        "Chinese text. If it is, the file is mis-encoded: save it as UTF-8 (or export the PDF "
                        "again with fonts embedded) and retry", "not_chinese")
    readable = readable_cjk_count(text)
    if readable >= limits.min_chinese_chars:
        return
    if images:
        raise _scanned(label, kind, ocr_note, f"besides images it has only {readable} readable Chinese characters "
                                    "(a header or stamp)")
    raise LoadError(f"{label}: only {readable} readable Chinese characters; a plan needs at least "
                    f"{limits.min_chinese_chars} to be reviewed. Load the plan's full text, not a title, cover "
                    "page or fragment", "too_short")


def _scanned(label: str, kind: str, ocr_note: str, found: str) -> LoadError:
    what = "a scanned PDF" if kind == "pdf" else "scanned pages pasted into a document"
    why = f" ({ocr_note})" if ocr_note else ""
    return LoadError(f"{label}: {found}: it is {what} and needs OCR first{why} (e.g. ocrmypdf -l chi_sim in.pdf out.pdf), "
                     "then load the OCR'd PDF", "no_text_layer")


def _garbled(label: str, kind: str) -> LoadError:
    if kind == "pdf":
        cause = ("the PDF's fonts lack a Unicode map. Export it again from the original (\"Save as PDF\" with "
                 "fonts embedded) or run OCR on it, then retry")
    else:
        cause = ("it was saved in a wrong encoding or copied from a PDF without a Unicode map. "
                 "Save the original as UTF-8 text or DOCX and retry")
    return LoadError(f"{label}: the text is mostly unreadable characters ((cid:…) codes, U+FFFD, control "
                     f"characters, 锟斤拷-style mojibake, stray symbols or random rare ideographs): {cause}", "garbled")


def ocr_warnings(reports: list[PageReport]) -> list[str]:
    """What OCR read: the pages and their mean confidence, and a warning for each page read with low confidence."""
    read = [r for r in reports if r.source == "ocr" and r.rejected is None]
    if not read:
        return []
    shown = ", ".join(f"{r.number} ({r.ocr_confidence:.2f})" for r in read)
    warns = [f"{len(read)} scanned page(s) without a text layer were read by OCR, mean confidence per page: {shown}; "
             "quotes from them are checked against the OCR'd text, not the image"]
    warns += [f"page {r.number} was read by OCR with low confidence ({r.ocr_confidence:.2f}): its text may be wrong; "
              "check its quotes against the scan" for r in read if r.low_confidence]
    return warns


def page_warnings(reports: list[PageReport], cleaned: Cleaned) -> list[str]:
    """Warnings about dropped pages and removed page furniture."""
    warns = [f"page {r.number} dropped: {r.reason}" for r in reports if r.rejected and r.rejected != "empty"]
    empty = [str(r.number) for r in reports if r.rejected == "empty"]
    if empty:
        several = len(empty) > 1
        warns.append(f"page{'s' if several else ''} {', '.join(empty)} had no text and {'were' if several else 'was'} skipped")
    if cleaned.removed:
        shown = "; ".join(f"“{line[:40]}”" for line in list(dict.fromkeys(cleaned.removed))[:3])
        warns.append(f"removed {len(cleaned.removed)} running header, footer and page-number lines, such as {shown}")
    return warns


def page_spans(cleaned: Cleaned) -> list[Page]:
    """Contiguous page spans covering the whole text."""
    starts = sorted(cleaned.starts.items(), key=lambda item: item[1])
    bounds = [0] + [start for _, start in starts[1:]] + [len(cleaned.text)]
    return [Page(number=n, start=bounds[i], end=bounds[i + 1]) for i, (n, _) in enumerate(starts)]
