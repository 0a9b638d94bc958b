"""Text reader: a text or Markdown file's pages (form feeds separate them), in whatever encoding it came."""

from __future__ import annotations

from .limits import LoadError
from .pages import RawPage
from .script import to_simplified
from .textquality import stray_space_ratio


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
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030, BOM-less UTF-16 or Big5.

    Without a BOM, UTF-16 is a guess: it is taken when it reads as Chinese text better than GB18030 does. So is
    Big5 (a Traditional-character file), judged by how its Simplified reading reads.
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
    for encoding in ("gb18030", "utf-16-le", "utf-16-be", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Big5 is Traditional: it is judged by the plausibility of its Simplified reading
        score = _plausibility(to_simplified(text[:2000]) if encoding == "big5hkscs" else text)
        if encoding == "gb18030" or score >= MIN_UTF16_PLAUSIBILITY:
            candidates.append((score, encoding == "gb18030", text))  # a tie goes to GB18030
    if candidates:
        return max(candidates)[2]
    raise LoadError(f"{source}: not UTF-8, UTF-16 or GB18030 text; save it as UTF-8 and try again", "bad_encoding")


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
