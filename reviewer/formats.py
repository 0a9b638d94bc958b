"""Source formats: the load stage's errors and limits, and page extraction for PDF, HTML and text.

Each reader turns file bytes into raw pages (:class:`RawPage`) or raises :class:`LoadError`
with a code and a message that says what to do; :mod:`reviewer.load` cleans the pages and
applies the quality gate. The DOCX reader is :mod:`reviewer.formats_docx`.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, NamedTuple

import lxml.etree
import lxml.html
from pydantic import BaseModel, ConfigDict
from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import DictionaryObject

from .clean import (
    fix_spacing,
    stray_space_ratio,
)

LoadCode = Literal[
    "not_found", "unreadable", "unsupported_type", "empty", "too_large", "too_many_pages",
    "encrypted", "corrupt", "no_text_layer", "garbled", "not_chinese", "bad_encoding", "invalid",
]


class LoadError(ValueError):
    """The input cannot be read as a plan; the message says why and what to do."""

    def __init__(self, message: str, code: LoadCode = "invalid") -> None:
        super().__init__(message)
        self.code: LoadCode = code
        """Machine-readable reason, e.g. ``encrypted`` or ``no_text_layer``."""


class LoadLimits(BaseModel):
    """Limits and thresholds of the load stage's quality gate."""

    model_config = ConfigDict(extra="forbid")

    max_bytes: int = 20 * 1024 * 1024
    """Largest file accepted."""
    max_pages: int = 300
    """Most pages accepted (PDF pages; explicit page breaks elsewhere)."""
    max_garbled_share: float = 0.3
    """A page with more unreadable characters than this is dropped; a document, refused."""
    min_cjk_share: float = 0.3
    """A document whose letters are less Chinese than this is refused (when ``expect_chinese``)."""
    expect_chinese: bool = True
    """Plans are Chinese: a document without Chinese text is mis-encoded or the wrong file."""


class RawPage(NamedTuple):
    """A source page before cleaning."""

    number: int
    text: str
    has_images: bool = False
    error: str | None = None


PAGE_BREAK = "\f"
"""Marks a page break inside the text stream of a DOCX or HTML file."""


def too_large(label: str, size: int, limits: LoadLimits) -> LoadError:
    mb = 1024 * 1024
    return LoadError(
        f"{label}: {size / mb:.1f} MB is over the {limits.max_bytes / mb:.0f} MB limit; "
        "remove annexes and images or split the plan, then load the main text",
        "too_large",
    )



def decode_text(data: bytes, source: str) -> str:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError(f"{source}: not UTF-8 or GB18030 text; save it as UTF-8 and try again", "bad_encoding")

# --- PDF ---------------------------------------------------------------------


@contextmanager
def _pypdf_messages(warns: list[str]) -> Iterator[None]:
    """Collect pypdf's log records and warnings as load warnings instead of printing them."""
    logger = logging.getLogger("pypdf")
    seen: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler, propagate = _Collect(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        seen.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        for message in list(dict.fromkeys(seen))[:5]:
            warns.append(f"the PDF has structural flaws that were worked around (pypdf: {message})")


def _open_pdf(data: bytes, label: str, limits: LoadLimits, warns: list[str]) -> PdfReader:
    """Open a PDF, decrypting it if it only restricts permissions, and check the page limit."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except DependencyError as exc:  # pypdf tries the empty password on opening an AES file
        raise _needs_cryptography(label) from exc
    except Exception as exc:  # pypdf raises many types on damaged files
        raise LoadError(f"{label}: the PDF is damaged or truncated and cannot be opened ({brief(exc)}); "
                        "download or export it again", "corrupt") from exc
    if encrypted:
        _decrypt(reader, label, warns)
    try:
        count = len(reader.pages)
    except Exception as exc:
        raise LoadError(f"{label}: the PDF's page list is damaged ({brief(exc)}); export it again", "corrupt") from exc
    if count > limits.max_pages:
        raise LoadError(f"{label}: {count} pages is over the {limits.max_pages}-page limit; "
                        "remove annexes or split the plan, then load the main text", "too_many_pages")
    return reader


_UNLOCK = ("remove the password: open it with the password and save or print an unprotected copy "
           "(e.g. qpdf --decrypt), then load that copy")


def _needs_cryptography(label: str) -> LoadError:
    return LoadError(f"{label}: the PDF is encrypted with AES, which needs the 'cryptography' package "
                     f"(pip install cryptography); install it, or {_UNLOCK}", "encrypted")


def _decrypt(reader: PdfReader, label: str, warns: list[str]) -> None:
    """Open a PDF that has only an owner password; refuse one that needs a password to read."""
    try:
        opened = reader.decrypt("")
    except DependencyError as exc:
        raise _needs_cryptography(label) from exc
    except Exception as exc:
        raise LoadError(f"{label}: the PDF is encrypted and could not be opened ({brief(exc)}); {_UNLOCK}",
                        "encrypted") from exc
    if not opened:
        raise LoadError(f"{label}: the PDF is password-protected; {_UNLOCK}", "encrypted")
    warns.append("the PDF is encrypted with an owner password only (copying or printing restricted); "
                 "it was read without one")


def brief(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def _has_images(page: DictionaryObject, depth: int = 0) -> bool:
    """Whether a page draws an image (directly or inside a form): a scan has one and no text."""
    if depth > 3:
        return False
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        if not xobjects:
            return False
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                return True
            if obj.get("/Subtype") == "/Form" and _has_images(obj, depth + 1):
                return True
    except Exception:  # a broken resource dictionary is not an image
        return False
    return False


def pdf_pages(data: bytes, label: str, limits: LoadLimits, warns: list[str]) -> list[RawPage]:
    """Extract the text of each page; a page that fails is recorded, not fatal."""
    with _pypdf_messages(warns):
        reader = _open_pdf(data, label, limits, warns)
        pages = []
        for number in range(1, len(reader.pages) + 1):
            try:
                page: PageObject = reader.pages[number - 1]
            except Exception as exc:
                pages.append(RawPage(number, "", error=brief(exc)))
                continue
            try:
                text = page.extract_text() or ""
                pages.append(RawPage(number, text, _has_images(page)))
            except Exception as exc:
                pages.append(RawPage(number, "", _has_images(page), error=brief(exc)))
    return pages


# --- HTML --------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote center dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody thead tfoot tr ul caption title".split()
)
_SKIP_TAGS = frozenset("script style noscript template svg iframe object head button select nav aside".split())
_BREAK_BEFORE = re.compile(r"(?:page-)?break-before\s*:\s*(?:always|page)", re.I)
_BREAK_AFTER = re.compile(r"(?:page-)?break-after\s*:\s*(?:always|page)", re.I)


def _decode_html(data: bytes, label: str) -> str:
    """Decode HTML by BOM, then its declared charset, then UTF-8 / GB18030."""
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", data[:4096], re.I)
    name = declared.group(1).decode("ascii").lower() if declared else ""
    if name in ("gb2312", "gbk", "gb18030", "x-gbk") and not data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    return decode_text(data, label)


def _html_space(text: str | None, tag: str) -> str:
    """HTML whitespace: a run of spaces and line breaks is one space, except inside ``<pre>``."""
    return (text or "") if tag == "pre" else re.sub(r"\s+", " ", text or "")


def _html_lines(element: lxml.html.HtmlElement, out: list[str]) -> None:
    """Append an element's text to ``out``: block elements on their own lines, cells joined by " | "."""
    tag = element.tag
    if not isinstance(tag, str) or tag in _SKIP_TAGS:  # comments have a function as tag
        return
    style = element.get("style") or ""
    if _BREAK_BEFORE.search(style):
        out.append(PAGE_BREAK)
    if tag == "tr":
        out.append("\n" + " | ".join(_html_cell(cell) for cell in element if cell.tag in ("td", "th")) + "\n")
        return
    if tag in _BLOCK_TAGS or tag == "br":
        out.append("\n")
    out.append(_html_space(element.text, tag))
    for child in element:
        _html_lines(child, out)
        out.append(_html_space(child.tail, tag))
    if tag in _BLOCK_TAGS:
        out.append("\n")
    if _BREAK_AFTER.search(style):
        out.append(PAGE_BREAK)


def _html_cell(cell: lxml.html.HtmlElement) -> str:
    """A table cell's text on one line."""
    parts: list[str] = []
    _html_lines(cell, parts)
    return " ".join("".join(parts).replace(PAGE_BREAK, " ").split())


def html_pages(data: bytes, label: str) -> list[RawPage]:
    """Visible text of an HTML page, split at CSS page breaks."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode_html(data, label))
    if not text.strip():
        return [RawPage(1, "")]
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise LoadError(f"{label}: the HTML cannot be parsed ({brief(exc)}); save the page again", "corrupt") from exc
    out: list[str] = []
    _html_lines(root, out)
    pages = []
    for number, page in enumerate("".join(out).split(PAGE_BREAK), start=1):
        lines = (fix_spacing(line.strip()) for line in page.split("\n"))
        pages.append(RawPage(number, "\n".join(line for line in lines if line.strip(" |"))))
    return pages


# --- text --------------------------------------------------------------------

PDF_LIKE_STRAY = 0.02
"""Stray spaces per CJK character above which a text file is treated as pasted PDF output."""


def text_pages(data: bytes, label: str) -> list[RawPage]:
    """A text file's pages: form feeds separate them."""
    text = decode_text(data, label).replace("\r\n", "\n")
    return [RawPage(i, page) for i, page in enumerate(text.split("\f"), start=1)]


def looks_like_pdf_output(pages: list[RawPage]) -> bool:
    """Text pasted from a PDF extractor: many stray spaces between CJK characters."""
    stray = stray_space_ratio("\n".join(page.text for page in pages))
    return stray.cjk >= 100 and stray.ratio > PDF_LIKE_STRAY
