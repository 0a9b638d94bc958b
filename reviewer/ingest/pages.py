"""The contract between the two ingest stages: a source's raw pages, before cleaning.

Each reader (:mod:`.read_pdf`, :mod:`.read_docx`, :mod:`.read_html`, :mod:`.read_text`)
turns file bytes into :class:`RawPage` s; :func:`reviewer.ingest.read` wraps them with what
is known about the source in a :class:`RawDocument`, which :func:`reviewer.ingest.clean`
turns into a checked :class:`~reviewer.contracts.Document`.
"""

from __future__ import annotations

from typing import NamedTuple

from .limits import LoadLimits


class RawPage(NamedTuple):
    """A source page before cleaning."""

    number: int
    text: str
    has_images: bool = False
    error: str | None = None
    ocr_confidence: float | None = None
    """Mean confidence of the OCR that read the page (0 if it found no text); None for a text layer."""


PAGE_BREAK = "\f"
"""Marks a page break inside the text stream of a DOCX or HTML file."""


class RawDocument(NamedTuple):
    """A source read into raw pages: the read stage's output, the clean stage's input."""

    label: str
    """The file name, or a label for bytes or pasted text."""
    format: str
    """``pdf``, ``docx``, ``html``, ``txt`` or ``md``, decided from the content first."""
    pages: list[RawPage]
    warnings: list[str]
    """What the reader noticed (a renamed file, hidden text left out, a worked-around PDF flaw)."""
    limits: LoadLimits
    """The limits it was read under; cleaning applies the same ones."""
    data: bytes | None = None
    """A PDF's bytes, kept for the OCR stage to render its scanned pages; None for other formats."""
    ocr_note: str = ""
    """Why scanned pages were not recognised (OCR switched off or not installed); empty otherwise."""


def hidden_warning(dropped: list[str], where: str) -> str | None:
    """The quality warning for hidden text left out of the plan text, or None."""
    texts = [t.strip() for t in dropped if t.strip()]
    if not texts:
        return None
    shown = "; ".join(f"“{t[:30]}”" for t in list(dict.fromkeys(texts))[:3])
    return (f"left out {sum(map(len, texts))} characters of hidden text ({where}), such as {shown}: a reader "
            "does not see it, so it is not treated as plan text or evidence")


def brief(exc: BaseException) -> str:
    """An exception as ``Type: first line`` (at most 120 characters of message)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__
