"""Source formats: the load stage's errors and limits, and page extraction for PDF and text.

Each reader turns file bytes into raw pages (:class:`RawPage`) or raises :class:`LoadError`
with a code and a message that says what to do; :mod:`reviewer.load` cleans the pages and
applies the quality gate. The DOCX and HTML readers are :mod:`reviewer.formats_docx` and
:mod:`reviewer.formats_html`.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict
from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import DictionaryObject

from .errors import ReviewerError
from .textquality import stray_space_ratio

LoadCode = Literal[
    "not_found", "unreadable", "unsupported_type", "empty", "too_large", "too_many_pages",
    "encrypted", "corrupt", "no_text_layer", "garbled", "not_chinese", "bad_encoding", "too_short", "invalid",
]
MB = 1024 * 1024


class LoadError(ReviewerError, ValueError):
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
    max_unpacked_bytes: int = 100 * MB
    """Largest total uncompressed size of a Word file's parts, pictures included (checked before unpacking)."""
    max_xml_bytes: int = 30 * MB
    """Largest total uncompressed size of a Word file's XML parts: its text and formatting."""
    max_chars: int = 150_000
    """Most characters of extracted text: about 100 dense pages (a county or city plan has 5,000–50,000)."""
    max_paragraphs: int = 5_000
    """Most paragraphs (non-empty lines) of extracted text."""
    max_garbled_share: float = 0.3
    """A page with more unreadable characters than this is dropped; a document, refused."""
    min_cjk_share: float = 0.3
    """A document whose letters are less Chinese than this is refused (when ``expect_chinese``)."""
    expect_chinese: bool = True
    """Plans are Chinese: a document without Chinese text is mis-encoded or the wrong file."""
    min_chinese_chars: int = 50
    """Fewest readable Chinese characters (mojibake such as 锟斤拷 not counted) a plan must have
    (when ``expect_chinese``): below it the load refuses, since no check could be judged."""


class RawPage(NamedTuple):
    """A source page before cleaning."""

    number: int
    text: str
    has_images: bool = False
    error: str | None = None


PAGE_BREAK = "\f"
"""Marks a page break inside the text stream of a DOCX or HTML file."""


def too_large(label: str, size: int, limits: LoadLimits) -> LoadError:
    """The error for a file of ``size`` bytes over the size limit."""
    return LoadError(
        f"{label}: {size / MB:.1f} MB is over the {limits.max_bytes / MB:.0f} MB limit; "
        "remove annexes and images or split the plan, then load the main text",
        "too_large",
    )


def over_limit(label: str, what: str, limit: str) -> LoadError:
    """A refusal that names the limit, e.g. ``over_limit(label, "210,000 characters of text", "150,000 characters")``."""
    return LoadError(f"{label}: {what} is over the limit of {limit}; remove annexes or split the plan, "
                     "then load the main text", "too_large")


def check_text_size(label: str, pages: list[RawPage], limits: LoadLimits, *, lines_are_paragraphs: bool) -> None:
    """Refuse extracted text with more characters (or paragraphs) than the limits, before it is cleaned."""
    chars = sum(len(page.text) for page in pages)
    if chars > limits.max_chars:
        raise over_limit(label, f"{chars:,} characters of text", f"{limits.max_chars:,} characters")
    if not lines_are_paragraphs:
        return
    paragraphs = sum(1 for page in pages for line in page.text.split("\n") if line.strip())
    if paragraphs > limits.max_paragraphs:
        raise over_limit(label, f"{paragraphs:,} paragraphs", f"{limits.max_paragraphs:,} paragraphs")



def _plausibility(text: str) -> float:
    """Share of a text's first 2,000 characters that a Chinese plan is made of: ASCII and GB2312 characters."""

    def usual(ch: str) -> bool:
        if ch.isascii():
            return ch.isprintable() or ch in "\t\n\r\f"
        try:
            return len(ch.encode("gb2312")) == 2
        except UnicodeEncodeError:
            return False

    sample = text[:2000]
    return sum(map(usual, sample)) / len(sample) if sample else 0.0


MIN_UTF16_PLAUSIBILITY = 0.8
"""A file without a BOM is read as UTF-16 only if this much of it then looks like Chinese text."""


def decode_text(data: bytes, source: str) -> str:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 or BOM-less UTF-16.

    Without a BOM, UTF-16 is a guess: it is taken when it reads as Chinese text better than GB18030 does.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig",)
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    candidates: list[tuple[float, bool, str]] = []
    for encoding in ("gb18030", "utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if encoding == "gb18030" or score >= MIN_UTF16_PLAUSIBILITY:
            candidates.append((score, encoding == "gb18030", text))  # a tie goes to GB18030
    if candidates:
        return max(candidates)[2]
    raise LoadError(f"{source}: not UTF-8, UTF-16 or GB18030 text; save it as UTF-8 and try again", "bad_encoding")


def hidden_warning(dropped: list[str], where: str) -> str | None:
    """The quality warning for hidden text left out of the plan text, or None."""
    texts = [t.strip() for t in dropped if t.strip()]
    if not texts:
        return None
    shown = "; ".join(f"“{t[:30]}”" for t in list(dict.fromkeys(texts))[:3])
    return (f"left out {sum(map(len, texts))} characters of hidden text ({where}), such as {shown}: a reader "
            "does not see it, so it is not treated as plan text or evidence")


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
    """An exception as ``Type: first line`` (at most 120 characters of message)."""
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
        pages: list[RawPage] = []
        chars = 0
        for number in range(1, len(reader.pages) + 1):
            if chars > limits.max_chars:  # stop extracting: the text is refused anyway
                raise over_limit(label, f"{chars:,} characters of text in the first {number - 1} pages alone",
                                 f"{limits.max_chars:,} characters")
            try:
                page: PageObject = reader.pages[number - 1]
            except Exception as exc:
                pages.append(RawPage(number, "", error=brief(exc)))
                continue
            try:
                text = page.extract_text() or ""
                pages.append(RawPage(number, text, _has_images(page)))
                chars += len(text)
            except Exception as exc:
                pages.append(RawPage(number, "", _has_images(page), error=brief(exc)))
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
