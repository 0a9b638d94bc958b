"""Load stage: read a plan (PDF, DOCX, TXT/Markdown, HTML) into a checked :class:`Document`.

The file type is decided by content (``%PDF``, a zip holding ``word/document.xml``,
``<html``) before the file name; a name that disagrees gets a warning. Every source
is split into pages (PDF pages; elsewhere explicit page breaks: Word page and
section breaks, CSS ``page-break-*``, form feeds in text), cleaned (see
:mod:`reviewer.clean`) and passed through a quality gate. Anything that cannot be
reviewed raises :class:`LoadError` with a ``code`` and a message that says what to
do; single bad pages inside an otherwise good file are dropped and reported in
``Document.quality``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

from .clean import Cleaned, PageText, clean_pdf_pages, clean_plain_pages
from .contracts import Document, Page, PageRejection, PageReport, QualityReport
from .formats import LoadError as LoadError  # re-exported: the error every caller of load() catches
from .formats import (
    LoadLimits,
    RawPage,
    check_text_size,
    decode_text,
    looks_like_pdf_output,
    pdf_pages,
    text_pages,
    too_large,
)
from .formats_docx import docx_pages
from .formats_html import html_pages
from .textquality import cid_count, cjk_share, garbled_share, is_garbled, readable_cjk_count, strip_cid

_FORMATS = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
            ".html": "html", ".htm": "html", ".xhtml": "html", "": "txt"}
_ADVICE = {
    "ole": "an old Office file (.doc/.xls/.wps): open it and save as .docx or PDF",
    "image": "an image: run OCR on it (e.g. ocrmypdf -l chi_sim) and load the PDF",
    "rtf": "an RTF file: open it and save as .docx or PDF",
    "xlsx": "a spreadsheet: save the plan as .docx, PDF or text",
    "pptx": "a presentation: export it as PDF",
    "odt": "an OpenDocument file: save it as .docx or PDF",
    "zip": "a zip archive: unpack it and load the plan itself",
    "ofd": "an OFD file: export it as PDF",
}
_OTHER_SUFFIXES = {".doc", ".wps", ".xls", ".xlsx", ".ppt", ".pptx", ".rtf", ".odt", ".ofd", ".zip",
                   ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
"""Suffixes of files a plan may come as but that are not read: a string ending in one is a path."""
SUPPORTED = "use PDF, DOCX, TXT, Markdown or HTML"


# --- reading the source ------------------------------------------------------


def _read_source(source: str | Path | bytes, name: str | None, limits: LoadLimits) -> tuple[bytes, str, str]:
    """The bytes, label and lower-case suffix of a path, bytes or pasted text."""
    if isinstance(source, bytes):
        label, data = name or "upload", source
    elif isinstance(source, str) and _is_pasted_text(source):
        label, data = name or "pasted text", source.encode("utf-8")
    else:
        path = Path(source)
        label = name or path.name
        data = _read_file(path, limits)
    if len(data) > limits.max_bytes:
        raise too_large(label, len(data), limits)
    return data, label, Path(label).suffix.lower()


def _is_pasted_text(source: str) -> bool:
    """A string with a line break, or a long one that names no file and does not look like a path."""
    if "\n" not in source and len(source.encode("utf-8")) <= 255:
        return False
    try:
        if Path(source).is_file():
            return False
    except (OSError, ValueError):  # not even a valid path
        pass
    return "\n" in source or not _looks_like_path(source.strip())


def _looks_like_path(text: str) -> bool:
    r"""Starts like a path (``/``, ``~``, ``./``, ``C:\``) or ends in a file suffix."""
    if text.startswith(("/", "~", "./", "../", ".\\", "\\\\")) or re.match(r"[A-Za-z]:[\\/]", text):
        return True
    return Path(text).suffix.lower() in (set(_FORMATS) | _OTHER_SUFFIXES) - {""}


def _shown(path: Path) -> str:
    """A path for a message, shortened in the middle if very long."""
    text = str(path)
    return text if len(text) <= 120 else f"{text[:60]}…{text[-40:]}"


def _read_file(path: Path, limits: LoadLimits) -> bytes:
    """Read a file after checking it exists and is not too large."""
    try:
        exists, is_file = path.exists(), path.is_file()
    except (OSError, ValueError):
        exists = is_file = False
    if not exists:
        too_long = max((len(part.encode("utf-8")) for part in path.parts), default=0) > 255
        why = " (a file or folder name is longer than the 255 bytes a name may have)" if too_long else ""
        raise LoadError(f"{_shown(path)}: file not found{why}; check the path", "not_found")
    if not is_file:
        raise LoadError(f"{path}: is a folder, not a file; give the plan file itself", "not_found")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_large(path.name, size, limits)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot be read ({exc.strerror}); check its permissions", "unreadable") from exc


# --- deciding the type -------------------------------------------------------


def _magic(data: bytes) -> str | None:
    """The file type its first bytes show, or None for text (or unknown binary)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if re.search(rb"<(?:!doctype\s+html|html|head|body)[\s>]", head.lower().lstrip(b"\xef\xbb\xbf")):
        return "html"
    return None


def _zip_kind(data: bytes, label: str) -> str:
    """What a zip holds: ``docx``, or a reason for refusing it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.open("mimetype").read(80) if "mimetype" in names else b""  # never inflate it all
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise LoadError(f"{label}: the file is damaged or truncated ({exc}); download or save it again",
                        "corrupt") from exc
    if "word/document.xml" in names:
        return "docx"
    if b"opendocument" in mimetype:
        return "odt"
    if mimetype.startswith(b"application/ofd") or any(n.startswith("OFD.xml") for n in names):
        return "ofd"
    for prefix, kind in (("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(n.startswith(prefix) for n in names):
            return kind
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    """Decodable as UTF-8, UTF-16 or GB18030 into text without NUL characters."""
    try:
        return "\x00" not in decode_text(data, "")[:8192]
    except LoadError:
        return False


def _binary(label: str, suffix: str) -> LoadError:
    named = f"although it is named {suffix}: it is another kind of file renamed, or damaged" if suffix else \
        "of an unknown kind"
    return LoadError(f"{label}: this is binary data, not text, {named}. Open the plan in the program that made it "
                     f"and save it as DOCX, PDF or UTF-8 text ({SUPPORTED})", "unsupported_type")


def _kind(data: bytes, label: str, suffix: str, warns: list[str]) -> str:
    """Decide the format from content first, then the suffix; warn when they disagree."""
    magic = _magic(data)
    named = _FORMATS.get(suffix)
    if magic == "zip":
        magic = _zip_kind(data, label)
    if magic in _ADVICE:
        raise LoadError(f"{label}: unsupported file type: this is {_ADVICE[magic]} ({SUPPORTED})", "unsupported_type")
    if magic is None:
        if named is None:
            raise LoadError(f"{label}: unsupported file type {suffix}; {SUPPORTED}", "unsupported_type")
        if named in ("txt", "md") and b"\x00" in data[:8192] and not _looks_like_text(data):
            raise _binary(label, suffix)
        if named in ("pdf", "docx"):
            if not _looks_like_text(data):
                what = "does not start with %PDF" if named == "pdf" else "is not a Word (zip) package"
                raise LoadError(f"{label}: not a valid {named.upper()} file: it {what}; it is damaged or "
                                "mis-named: download or export it again", "corrupt")
            warns.append(f"the file is named {suffix} but holds plain text; it was read as text")
            return "txt"
        return named
    if suffix and named != magic:
        warns.append(f"the file is named {suffix} but is {magic.upper()}; it was read as {magic.upper()}")
    return magic






# --- the quality gate --------------------------------------------------------

_REASONS: dict[PageRejection, str] = {
    "empty": "no text",
    "image_only": "no text layer, only an image (a scan); run OCR on the file to include it",
    "garbled": "unreadable characters (the font has no Unicode map); export the PDF again or OCR it",
    "error": "could not be read (damaged page)",
}


def _screen(raw: list[RawPage], limits: LoadLimits) -> tuple[list[PageText], dict[int, PageRejection]]:
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


def _page_reports(raw: list[RawPage], cleaned: Cleaned, rejected: dict[int, PageRejection]) -> list[PageReport]:
    """One report per source page; pages the cleaning left empty count as ``empty`` (``image_only`` if they show a picture)."""
    spans = {page.number: (page.start, page.end) for page in _pages(cleaned)}
    reports = []
    for page in raw:
        emptied: PageRejection = "image_only" if page.has_images else "empty"  # a scan whose header was dropped
        reason = rejected.get(page.number) or (None if page.number in spans else emptied)
        if reason:
            detail = _REASONS[reason] + (f" ({page.error})" if page.error else "")
            share = round(cjk_share(page.text), 4)
            reports.append(PageReport(number=page.number, chars=0, cjk_share=share, rejected=reason, reason=detail))
        else:
            start, end = spans[page.number]
            text = cleaned.text[start:end]
            reports.append(PageReport(number=page.number, chars=len(text), cjk_share=round(cjk_share(text), 4)))
    return reports


def _refuse(label: str, kind: str, reports: list[PageReport], text: str, limits: LoadLimits, images: bool) -> None:
    """Raise if the document as a whole cannot be reviewed; ``images``: some page shows a picture."""
    counts = Counter(r.rejected for r in reports if r.rejected)
    total = len(reports)
    if counts["image_only"] and (not text.strip() or 2 * counts["image_only"] > total):
        pages = f"{counts['image_only']} of {total} pages have" if total > 1 else "its only page has"
        raise _scanned(label, kind, f"{pages} no text layer, only images")
    if counts["garbled"] and (not text.strip() or 2 * counts["garbled"] > total):
        raise _garbled(label, kind)
    if counts["error"] and (not text.strip() or 2 * counts["error"] > total):
        raise LoadError(f"{label}: the pages cannot be read; the file is damaged or truncated: "
                        "download or export it again", "corrupt")
    if not text.strip():
        if images:
            raise _scanned(label, kind, "it has no text layer, only images")
        raise LoadError(f"{label}: the file is empty: it contains no text to review", "empty")
    if is_garbled(text, limits.max_garbled_share):
        raise _garbled(label, kind)
    if limits.expect_chinese:
        _refuse_thin(label, kind, text, limits, images)


def _refuse_thin(label: str, kind: str, text: str, limits: LoadLimits, images: bool) -> None:
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
        raise _scanned(label, kind, f"besides images it has only {readable} readable Chinese characters "
                                    "(a header or stamp)")
    raise LoadError(f"{label}: only {readable} readable Chinese characters; a plan needs at least "
                    f"{limits.min_chinese_chars} to be reviewed. Load the plan's full text, not a title, cover "
                    "page or fragment", "too_short")


def _scanned(label: str, kind: str, found: str) -> LoadError:
    what = "a scanned PDF" if kind == "pdf" else "scanned pages pasted into a document"
    return LoadError(f"{label}: {found}: it is {what} and needs OCR first (e.g. ocrmypdf -l chi_sim in.pdf out.pdf), "
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


def _warnings(reports: list[PageReport], cleaned: Cleaned) -> list[str]:
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


def _pages(cleaned: Cleaned) -> list[Page]:
    """Contiguous page spans covering the whole text."""
    starts = sorted(cleaned.starts.items(), key=lambda item: item[1])
    bounds = [0] + [start for _, start in starts[1:]] + [len(cleaned.text)]
    return [Page(number=n, start=bounds[i], end=bounds[i + 1]) for i, (n, _) in enumerate(starts)]


# --- the stage ---------------------------------------------------------------


def _extract(kind: str, data: bytes, label: str, limits: LoadLimits, warns: list[str]) -> list[RawPage]:
    """Raw pages of a source of a known format, refused if over the page, character or paragraph limits."""
    if kind == "pdf":
        raw = pdf_pages(data, label, limits, warns)
    elif kind == "docx":
        raw = docx_pages(data, label, limits, warns)
    else:
        raw = html_pages(data, label, warns) if kind == "html" else text_pages(data, label)
    if len(raw) > limits.max_pages:
        raise LoadError(f"{label}: {len(raw)} pages is over the {limits.max_pages}-page limit; "
                        "remove annexes or split the plan, then load the main text", "too_many_pages")
    check_text_size(label, raw, limits, lines_are_paragraphs=kind != "pdf")  # a PDF has one line per printed line
    return raw


def load(source: str | Path | bytes, *, name: str | None = None, limits: LoadLimits | None = None) -> Document:
    """Read a plan into a cleaned, checked Document, or raise :class:`LoadError` saying what to do.

    ``source`` is a path, the file's bytes (``name`` gives the file name) or pasted
    text (a string with a line break). PDF, DOCX, HTML, TXT and Markdown are read;
    the type comes from the content, the file name second.
    """
    limits = limits or LoadLimits()
    data, label, suffix = _read_source(source, name, limits)
    if not data.strip():
        raise LoadError(f"{label}: the file is empty; nothing to review", "empty")
    warns: list[str] = []
    kind = _kind(data, label, suffix, warns)
    raw = _extract(kind, data, label, limits, warns)
    kept, rejected = _screen(raw, limits)
    cids = sum(cid_count(page.text) for page in raw if page.number not in rejected)
    if cids:
        warns.append(f"removed {cids} (cid:…) code(s): characters whose font has no Unicode map")
    if kind == "pdf" or (kind in ("txt", "md") and looks_like_pdf_output(raw)):
        if kind != "pdf":
            warns.append("the text looks pasted from a PDF (spaces between Chinese characters, broken lines); "
                         "it was repaired")
        cleaned = clean_pdf_pages(kept, isolated_numbers=kind != "pdf")  # pasted text has no page edges
    else:
        cleaned = clean_plain_pages(kept)
    reports = _page_reports(raw, cleaned, rejected)
    _refuse(label, kind, reports, cleaned.text, limits, images=any(page.has_images for page in raw))
    quality = QualityReport(
        pages_total=len(raw),
        pages=reports,
        cjk_share=round(cjk_share(cleaned.text), 4),
        garbled_share=round(garbled_share(cleaned.text), 4),
        warnings=warns + _warnings(reports, cleaned),
    )
    return Document(source=label, format=kind, text=cleaned.text, pages=_pages(cleaned), quality=quality)
