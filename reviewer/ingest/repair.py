"""Repair: the clean stage's text repairs, for text extracted from Chinese PDFs and for typed text.

pypdf breaks Chinese lines mid-sentence, puts spaces between CJK characters and
around full-width punctuation, splits numbers ("2. 65%", "1 187 万") and keeps
running headers, footers and page numbers. :func:`clean_pdf_pages` undoes that
while recording where each page starts in the cleaned text;
:func:`clean_plain_pages` is the light pass for text a person typed (DOCX, HTML,
TXT). The quality gate around it is :mod:`.gate`, the character classes :mod:`.textquality`,
the heading markers :mod:`.headings`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from .headings import heading_rank, is_caption
from .textquality import (
    CJK,
    CJK_RE,
    CLOSING,
    FW_PUNCT,
    OPENING,
    SPACE_RUN,
    SPACES,
    TERMINAL,
    cjk_share,
    display_width,
    is_wide,
)

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _compat_table() -> dict[int, str]:
    """Kangxi radicals and compatibility ideographs → the unified ideograph they look like.

    Fonts in Chinese office software often map glyphs to these look-alikes (⼈ U+2F08
    for 人), which breaks search and verbatim quoting.
    """
    table = {}
    for lo, hi in ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF)):
        for code in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(code))
            if len(norm) == 1 and norm != chr(code) and CJK_RE.match(norm):
                table[code] = norm
    return table


_COMPAT = _compat_table()


# --- line-level repairs ------------------------------------------------------


def _space_kept(left: str, right: str, before_left: str) -> bool:
    """Whether a run of spaces between ``left`` and ``right`` is real (see :func:`fix_spacing`)."""
    if is_wide(left) and is_wide(right):
        return False
    if right in CLOSING or left in OPENING or right in OPENING:
        return False
    english = right.isascii() and right.isalpha() and before_left.isascii() and before_left.isalnum()
    return not (left in CLOSING and not english)


def fix_spacing(line: str) -> str:
    """Drop spaces pypdf put between CJK characters and around full-width punctuation.

    Spaces between ASCII words stay (collapsed to one), as do spaces between CJK and
    ASCII ("2023 年"). After a full-width comma a space stays only inside an English
    sentence ("productivity， the").
    """
    out: list[str] = []
    pos = 0
    for m in SPACE_RUN.finditer(line):
        out.append(line[pos : m.start()])
        pos = m.end()
        if m.start() == 0 or m.end() == len(line):
            continue
        left, right = line[m.start() - 1], line[m.end()]
        before = line[m.start() - 2] if m.start() >= 2 else ""
        if _space_kept(left, right, before):
            out.append("\u3000" if m.group().startswith("\u3000") else " ")
    out.append(line[pos:])
    return "".join(out)


_DECIMAL = re.compile(r"(?<![\d.])(\d{1,3})\. (\d+)(?![\d.])")
_THOUSANDS = re.compile(f"(?<![\\d.,])\\d{{1,3}}(?: \\d{{3}})+(?:\\.\\d+)?(?=[{SPACES}]?[{CJK}%‰％，。；、）])")
"""Digits grouped by thin spaces ("1 187 万"); a unit or punctuation must follow, so that a row of
table cells ("120 150 180") is not glued into one number."""
_PERCENT = re.compile(r"(\d) ([%‰％])")


def repair_numbers(line: str) -> str:
    """Rejoin numbers the PDF split: "2. 65%" → "2.65%", "1 187 万" → "1187 万", "5 %" → "5%".

    A list marker at the start of a line ("1. 2024年") is left alone unless the part
    after it is one or two digits ("1. 1　理论逻辑" is section 1.1).
    """

    def decimal(m: re.Match[str]) -> str:
        if m.start() == 0 and len(m.group(2)) > 2:
            return m.group()
        return f"{m.group(1)}.{m.group(2)}"

    line = _DECIMAL.sub(decimal, line)
    line = _THOUSANDS.sub(lambda m: m.group().replace(" ", ""), line)
    return _PERCENT.sub(r"\1\2", line)


def normalise_chars(text: str) -> str:
    """Remove zero-width characters and map radical look-alikes to ideographs (⼈ → 人)."""
    return text.translate(_ZERO_WIDTH).translate(_COMPAT)


# --- pages -------------------------------------------------------------------


class PageText(NamedTuple):
    """The raw text of one source page."""

    number: int
    text: str


class Cleaned(NamedTuple):
    """Cleaned text and where each source page starts in it."""

    text: str
    starts: dict[int, int]
    """Page number → offset of its first character; pages left with no text are absent."""
    removed: list[str]
    """Running headers, footers and page numbers that were dropped, in order."""


@dataclass
class _Line:
    text: str
    page: int
    blank_before: bool = False
    indent: bool = False
    rank: int | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.rank = heading_rank(self.text)


def _page_lines(page: PageText) -> list[_Line]:
    """Split a page into repaired, non-empty lines, remembering blank lines and indentation."""
    lines: list[_Line] = []
    blank = False
    for raw in normalise_chars(page.text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        text = repair_numbers(fix_spacing(raw.strip(SPACES)))
        if not text:
            blank = True
            continue
        indent = raw.startswith(("\u3000", "  ", "\t"))
        lines.append(_Line(text, page.number, blank_before=blank, indent=indent))
        blank = False
    return lines


_PAGE_NUMBER = re.compile(
    r"(?:[-－—–~·•]\s*)?\d{1,3}(?:\s*[-－—–~·•])?|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页|\d+\s*/\s*\d+|(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?",
    re.IGNORECASE,
)


def is_page_number(line: str) -> bool:
    """Whether ``line`` is only a page number: "14", "- 3 -", "第 3 页", "第3页 共10页", "3/10", "Page 3"."""
    return bool(_PAGE_NUMBER.fullmatch(line.strip(SPACES)))


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", SPACE_RUN.sub("", text))


def _may_be_furniture(line: _Line) -> bool:
    """Running headers and footers are short and are not sentences."""
    return len(line.text) <= 50 and not _ends_sentence(line.text)


def _edges(lines: list[_Line], k: int) -> list[_Line]:
    return lines[:k] + lines[k:][-k:]


def _repeated_keys(pages: list[list[_Line]]) -> set[str]:
    """Keys of lines found at the top or bottom of most pages: running headers and footers."""
    n = len(pages)
    if n < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_furniture_key(line.text) for line in _edges(lines, 3) if _may_be_furniture(line)})
    need = n if n == 2 else max(2, math.ceil(0.4 * n))
    return {key for key, count in counts.items() if count >= need}


def _drop_furniture(pages: list[list[_Line]], isolated_numbers: bool) -> tuple[list[list[_Line]], list[str]]:
    """Remove running headers/footers and page numbers; bare numbers only at page edges (or anywhere if asked)."""
    repeated = _repeated_keys(pages)
    removed: list[str] = []
    kept_pages = []
    for lines in pages:
        edge2, edge3 = ({id(line) for line in _edges(lines, k)} for k in (2, 3))
        keep = []
        for i, line in enumerate(lines):
            furniture = id(line) in edge3 and _furniture_key(line.text) in repeated
            number = is_page_number(line.text) and (id(line) in edge2 or (isolated_numbers and _isolated(lines, i)))
            if furniture or number:
                removed.append(line.text)
            else:
                keep.append(line)
        kept_pages.append(keep)
    return kept_pages, removed


def _isolated(lines: list[_Line], i: int) -> bool:
    """A number line between two lines that are not numbers (a page number, not a table column)."""
    neighbours = lines[max(0, i - 1) : i] + lines[i + 1 : i + 2]
    return all(not re.fullmatch(r"[\d\s.,%]+", line.text) for line in neighbours)


def _typical_width(lines: list[_Line]) -> int:
    """Width of a full line of body text: the 80th percentile of line widths."""
    widths = sorted(display_width(line.text) for line in lines if line.rank is None)
    if len(widths) < 5:
        return max(widths, default=0)
    return max(widths[int(0.8 * (len(widths) - 1))], 10)


def _script(text: str) -> str:
    """``zh`` if most letters are ideographs, ``en`` if most are ASCII, else ``mixed``."""
    share = cjk_share(text)
    return "zh" if share > 0.6 else "en" if share < 0.2 and any(ch.isalpha() for ch in text) else "mixed"


def _ends_sentence(text: str) -> bool:
    """Whether a line ends with sentence-final punctuation (a closing quote or bracket may follow)."""
    core = text.rstrip("”’）」』)\"'")
    return bool(core) and (core[-1] in TERMINAL or (core[-1] in ".!?" and len(core) > 1 and core[-2].isalpha()))


def _breaks(prev: _Line, cur: _Line, ref: int, full: int, blanks_matter: bool) -> bool:
    """Whether ``cur`` starts a new paragraph rather than continuing ``prev``.

    pypdf ends every printed line with a newline, so a break is kept only where the
    layout shows one: an indent, a heading or caption, a meaningful blank line, a
    switch between Chinese and English, or a short line that ends a sentence. ``full``
    is the typical line width; ``ref`` the width of the line before ``prev`` if wider.
    """
    width = display_width(prev.text)
    ends = _ends_sentence(prev.text)
    if cur.indent or cur.rank is not None or is_caption(cur.text) or is_caption(prev.text):
        return True
    if prev.rank is not None:
        return _heading_ends(prev, cur, width, full)
    if blanks_matter and cur.blank_before:
        return True
    if ends:
        return width < 0.85 * ref or {_script(prev.text), _script(cur.text)} == {"zh", "en"}
    return width < 0.8 * full


def _heading_ends(heading: _Line, cur: _Line, width: int, full: int) -> bool:
    """Whether a heading line is complete: a titled heading wraps only onto a short, unpunctuated line."""
    if _ends_sentence(heading.text) or width < 0.75 * full:
        return True
    if re.search("[，。；]", heading.text):
        return False  # a numbered paragraph ("1. 新能源装备产业。依托……") runs on
    return display_width(cur.text) > 0.5 * full or bool(re.search(f"[{FW_PUNCT}]", cur.text))


def _glue(left: str, right: str) -> str:
    """What goes between two joined lines: nothing next to CJK or inside a number, a space between English words."""
    if is_wide(left[-1]) or is_wide(right[0]):
        return ""
    if left[-1].isdigit() and right[0].isdigit() and _script(left) == "zh":
        return ""  # a number the typesetter broke ("到 20" / "26 年")
    if left[-1] == "-" and left[-2:-1].isalpha() and right[0].isalpha():
        return ""
    return " "


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    """Group lines into paragraphs (lines may run across pages)."""
    full = _typical_width(lines)
    gaps = lines[1:]
    blanks_matter = sum(line.blank_before for line in gaps) < 0.5 * len(gaps) if gaps else False
    paragraphs: list[list[_Line]] = []
    for line in lines:
        current = paragraphs[-1] if paragraphs else []
        ref = max([full] + [display_width(done.text) for done in current[-2:-1]])
        if current and not _breaks(current[-1], line, ref, full, blanks_matter):
            current.append(line)
        else:
            paragraphs.append([line])
    return paragraphs


def _assemble(paragraphs: list[list[_Line]]) -> tuple[str, dict[int, int]]:
    """Join paragraphs with newlines, recording where each page's first line lands."""
    parts: list[str] = []
    starts: dict[int, int] = {}
    offset = 0
    for p_index, paragraph in enumerate(paragraphs):
        if p_index:
            parts.append("\n")
            offset += 1
        for l_index, line in enumerate(paragraph):
            if l_index:
                glue = _glue(paragraph[l_index - 1].text, line.text)
                parts.append(glue)
                offset += len(glue)
            starts.setdefault(line.page, offset)
            parts.append(line.text)
            offset += len(line.text)
    return "".join(parts), starts


def clean_pdf_pages(pages: list[PageText], *, isolated_numbers: bool = False) -> Cleaned:
    """Clean pypdf text of a Chinese document, page by page, keeping page starts.

    Drops running headers/footers and page numbers, repairs spacing and split numbers,
    and rejoins lines broken mid-sentence (across pages too). ``isolated_numbers``
    also drops a bare number line anywhere if no number line is next to it: use it
    when page boundaries are unknown.
    """
    split = [_page_lines(page) for page in pages]
    kept, removed = _drop_furniture(split, isolated_numbers)
    lines = [line for page_lines in kept for line in page_lines]
    text, starts = _assemble(_paragraphs(lines))
    return Cleaned(text, starts, removed)


def clean_pdf_text(text: str) -> str:
    """Clean one string of pypdf output (form feeds, if any, separate pages)."""
    pages = [PageText(i, part) for i, part in enumerate(text.split("\f"), start=1)]
    return clean_pdf_pages(pages, isolated_numbers=len(pages) == 1).text


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def clean_plain_pages(pages: list[PageText]) -> Cleaned:
    """Light clean for typed text (DOCX, HTML, TXT): line endings, stray controls, blank runs."""
    parts: list[str] = []
    starts: dict[int, int] = {}
    offset = 0
    for page in pages:
        text = _CONTROL.sub("", normalise_chars(page.text).replace("\r\n", "\n").replace("\r", "\n"))
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
        if not text.strip():
            continue
        if parts:
            parts.append("\n")
            offset += 1
        starts[page.number] = offset
        parts.append(text)
        offset += len(text)
    return Cleaned("".join(parts), starts, [])
