"""PDF reader: the text of each page with pypdf, an encrypted file opened if it only restricts permissions.

A page that fails to extract is recorded with its error, not fatal; pypdf's complaints about
a damaged file become load warnings. The page limit is checked before any text is extracted.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import DictionaryObject

from .limits import LoadError, LoadLimits, check_page_count, over_limit
from .pages import RawPage, brief


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
    check_page_count(label, count, limits)
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
    except Exception:  # noqa: BLE001 - a broken resource dictionary is not an image
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
            except Exception as exc:  # noqa: BLE001 - a damaged page is recorded, not fatal
                pages.append(RawPage(number, "", error=brief(exc)))
                continue
            try:
                text = page.extract_text() or ""
                pages.append(RawPage(number, text, _has_images(page)))
                chars += len(text)
            except Exception as exc:  # noqa: BLE001 - pypdf raises many types on a damaged page
                pages.append(RawPage(number, "", _has_images(page), error=brief(exc)))
    return pages
