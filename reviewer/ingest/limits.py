"""What the ingest stage accepts: file types, size limits, and the error for anything else.

The one home of the accepted file suffixes (:data:`FORMATS`, :data:`PLAN_SUFFIXES`) and of the
load limits (:class:`LoadLimits`); the batch, the corpus, the CLI and the page take them from here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..errors import ReviewerError

LoadCode = Literal[
    "not_found", "unreadable", "unsupported_type", "empty", "too_large", "too_many_pages",
    "encrypted", "corrupt", "no_text_layer", "garbled", "not_chinese", "bad_encoding", "too_short", "invalid",
]
MB = 1024 * 1024

FORMATS = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
           ".html": "html", ".htm": "html", ".xhtml": "html", "": "txt"}
"""File suffix → the format it names (a file without a suffix is text); the content decides in the end."""
PLAN_SUFFIXES = frozenset(suffix for suffix in FORMATS if suffix)
"""Suffixes of the files a plan (or a user's corpus document) may come as."""
SUPPORTED = "use PDF, DOCX, TXT, Markdown or HTML"
"""How a refusal names the accepted types."""


class LoadError(ReviewerError, ValueError):
    """The input cannot be read as a plan; the message says why and what to do."""

    def __init__(self, message: str, code: LoadCode = "invalid") -> None:
        super().__init__(message)
        self.code: LoadCode = code
        """Machine-readable reason, e.g. ``encrypted`` or ``no_text_layer``."""


class LoadLimits(BaseModel):
    """Limits of the read stage and thresholds of the quality gate."""

    model_config = ConfigDict(extra="forbid")

    max_bytes: int = 20 * MB
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
    min_ocr_confidence: float = 0.975
    """A page read by OCR with a lower mean confidence is flagged in the quality report (setting ``ocr_min_confidence``)."""
    min_chinese_chars: int = 50
    """Fewest readable Chinese characters (mojibake such as 锟斤拷 not counted) a plan must have
    (when ``expect_chinese``): below it the load refuses, since no check could be judged."""


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


def check_text_size(label: str, texts: list[str], limits: LoadLimits, *, lines_are_paragraphs: bool) -> None:
    """Refuse extracted text (its pages' ``texts``) with more characters or paragraphs than the limits, before cleaning."""
    chars = sum(map(len, texts))
    if chars > limits.max_chars:
        raise over_limit(label, f"{chars:,} characters of text", f"{limits.max_chars:,} characters")
    if not lines_are_paragraphs:
        return
    paragraphs = sum(1 for text in texts for line in text.split("\n") if line.strip())
    if paragraphs > limits.max_paragraphs:
        raise over_limit(label, f"{paragraphs:,} paragraphs", f"{limits.max_paragraphs:,} paragraphs")


def check_page_count(label: str, count: int, limits: LoadLimits) -> None:
    """Refuse a document of more pages than the limit (a PDF before its text is extracted)."""
    if count > limits.max_pages:
        raise LoadError(f"{label}: {count} pages is over the {limits.max_pages}-page limit; "
                        "remove annexes or split the plan, then load the main text", "too_many_pages")
