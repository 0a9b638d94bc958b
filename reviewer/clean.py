"""Clean stage: repair text extracted from Chinese PDFs and measure text quality.

pypdf breaks Chinese lines mid-sentence, puts spaces between CJK characters and
around full-width punctuation, splits numbers ("2. 65%", "1 187 万") and keeps
running headers, footers and page numbers. :func:`clean_pdf_pages` undoes that
while recording where each page starts in the cleaned text;
:func:`clean_plain_pages` is the light pass for text a person typed (DOCX, HTML,
TXT). The quality measures (:func:`cjk_share`, :func:`garbled_share`,
:func:`stray_space_ratio`) feed the load stage's quality gate.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

# --- character classes -------------------------------------------------------

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
"""Ideographs: unified, extension A–H and compatibility."""
FW_PUNCT = (
    "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u2014\u2015\u2018\u2019\u201c\u201d\u2026\u00b7\u2e3a"
)
"""Full-width (CJK) punctuation, including the curly quotes, dash and ellipsis Chinese uses."""
CLOSING = "，。、；：？！）》」』】〕〗〉”’…％"
"""Punctuation that never takes a space before it in Chinese."""
OPENING = "（《「『【〔〖〈“‘"
"""Punctuation that never takes a space after it in Chinese."""
SPACES = " \t\u00a0\u2002-\u200a\u202f\u205f\u3000"
TERMINAL = "。！？；：…"
"""Characters that may end a paragraph."""

_CJK_RE = re.compile(f"[{CJK}]")
_WIDE_RE = re.compile(f"[{CJK}{FW_PUNCT}]")
_SPACE_RUN = re.compile(f"[{SPACES}]+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_CID_RE = re.compile(r"\(cid:\d+\)")


def _compat_table() -> dict[int, str]:
    """Kangxi radicals and compatibility ideographs → the unified ideograph they look like.

    Fonts in Chinese office software often map glyphs to these look-alikes (⼈ U+2F08
    for 人), which breaks search and verbatim quoting.
    """
    table = {}
    for lo, hi in ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF)):
        for code in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(code))
            if len(norm) == 1 and norm != chr(code) and _CJK_RE.match(norm):
                table[code] = norm
    return table


_COMPAT = _compat_table()


def is_wide(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph or full-width punctuation."""
    return bool(_WIDE_RE.match(ch))


def display_width(text: str) -> int:
    """Width in half-em cells: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- quality measures --------------------------------------------------------


class StraySpaces(NamedTuple):
    """Stray spaces between CJK text, counted against the number of CJK characters."""

    stray: int
    """Places where a CJK character or full-width punctuation mark is followed by spaces and
    then another CJK character or full-width punctuation mark."""
    cjk: int
    """CJK ideographs in the text."""

    @property
    def ratio(self) -> float:
        """Stray spaces per CJK character."""
        return self.stray / self.cjk if self.cjk else 0.0


def stray_space_ratio(text: str) -> StraySpaces:
    """Count stray spaces inside Chinese text ("中央 政府", "资源， 彰显", "研究 ［3］")."""
    stray = len(re.findall(f"[{CJK}{FW_PUNCT}][{SPACES}]+(?=[{CJK}{FW_PUNCT}])", text))
    return StraySpaces(stray, len(_CJK_RE.findall(text)))


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among the letters of ``text`` (digits, punctuation and spaces excluded)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK_RE.match(ch)) / len(letters)


_EXPECTED = re.compile(
    f"[\t\n\f\r -~{CJK}{FW_PUNCT}\u00a0-\u00ff\u0391-\u03c9\u2000-\u2bff\u2e80-\u2fdf"
    "\u3040-\u30ff\u3100-\u312f\u3200-\u33ff\ufe30-\ufe4f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]"
)


MOJIBAKE = re.compile("(?:锟斤拷)+|烫{3,}|屯{3,}")
"""Runs of ideographs that are broken text: 锟斤拷 (U+FFFD saved as UTF-8, read as GBK) and
烫烫烫 / 屯屯屯 (uninitialised memory printed as GBK)."""


def readable_cjk_count(text: str) -> int:
    """Ideographs of ``text`` that read as Chinese: those outside :data:`MOJIBAKE` runs."""
    return len(_CJK_RE.findall(MOJIBAKE.sub("", text)))


def garbled_count(text: str) -> int:
    """Count extraction garbage: ``(cid:N)`` runs, mojibake runs, U+FFFD, private-use, control and stray-script characters.

    A Chinese plan uses ideographs, ASCII, CJK and general punctuation and common
    symbols; glyph ids misread as code points (a font without a Unicode map) land in
    Latin Extended, IPA, Cyrillic, control ranges and so on.
    """
    cid = sum(len(m) for m in _CID_RE.findall(text))
    rest = _CID_RE.sub("", text)
    mojibake = sum(len(m) for m in MOJIBAKE.findall(rest))
    rest = MOJIBAKE.sub("", rest)
    return cid + mojibake + sum(1 for ch in rest if ch == "\ufffd" or not _EXPECTED.match(ch))


def garbled_share(text: str) -> float:
    """Share of garbage characters among the non-space characters of ``text``."""
    visible = len(_SPACE_RUN.sub("", text).replace("\n", ""))
    return garbled_count(text) / visible if visible else 0.0


def _in_gb2312(ch: str) -> bool:
    try:
        return len(ch.encode("gb2312")) == 2
    except UnicodeEncodeError:
        return False


def common_cjk_share(text: str) -> float:
    """Share of the ideographs in ``text`` that are among GB2312's 6,763 common ones.

    Simplified Chinese prose scores about 1.0 and Traditional about 0.65; a font whose
    Unicode map is wrong turns text into random ideographs, which score about 0.3.
    """
    ideographs = _CJK_RE.findall(text)
    return sum(map(_in_gb2312, ideographs)) / len(ideographs) if ideographs else 1.0


MIN_COMMON_CJK = 0.5
"""Below this :func:`common_cjk_share` (with at least 50 ideographs) text counts as garbled."""


def is_garbled(text: str, max_share: float) -> bool:
    """Whether ``text`` is mostly garbage characters, or ideographs too rare to be real prose."""
    if garbled_share(text) > max_share:
        return True
    return len(_CJK_RE.findall(text)) >= 50 and common_cjk_share(text) < MIN_COMMON_CJK


# --- headings ----------------------------------------------------------------

_NUM_CN = "一二三四五六七八九十百零〇两"
_ARTICLE = re.compile(f"第[{_NUM_CN}\\d]+([章编节条])")
_ARTICLE_RANK = {"章": 0, "编": 0, "节": 1, "条": 3}
_HEADINGS: list[tuple[int, re.Pattern[str]]] = [
    (2, re.compile(f"[{_NUM_CN}]+[、．]")),
    (2, re.compile(f"\\d{{1,2}}(?:\u3000+| {{2,}})(?=[{CJK}])")),
    (4, re.compile(f"[（(][{_NUM_CN}]+[）)]")),
    (4, re.compile(f"\\d{{1,2}}\\.\\d{{1,2}}(?:\u3000+| {{2,}})(?=[{CJK}])")),
    (5, re.compile(r"\d{1,2}[.．、](?!\d)")),
    (6, re.compile(r"[（(]\d{1,2}[）)]|\d{1,2}[)）]")),
    (7, re.compile("[\u2460-\u2473]")),
]
"""Heading markers of Chinese plans and their rank (0 = outermost): 第X章 0, 第X节 1,
一、 and academic "1　" 2, 第X条 3, （一） and "1.1" 4, "1." / "1、" 5, （1） / "1）" 6, ① 7."""


def heading_rank(line: str) -> int | None:
    """Rank of the heading marker ``line`` starts with (0 = chapter), or None if it is body text.

    第X章/节/条 count only when followed by a space, the end of the line or a short
    title, so that a line starting "第三条规定的情形，……" stays body text.
    """
    text = line.lstrip(SPACES)
    article = _ARTICLE.match(text)
    if article:
        rest = text[article.end() :]
        titled = not rest or rest[0] in SPACES or (len(rest) <= 20 and not re.search("[，。；：]", rest))
        return _ARTICLE_RANK[article.group(1)] if titled else None
    return next((rank for rank, pattern in _HEADINGS if pattern.match(text)), None)


def heading_title(line: str, limit: int = 40) -> str:
    """A heading line's title: up to its first sentence end, at most ``limit`` characters."""
    text = line.strip(SPACES + "\n")
    for i, ch in enumerate(text):
        if ch in "。；：！？" and i > 0:
            return text[:i][:limit]
    return text[:limit]


_CAPTION = re.compile(f"(?:图|表|附表|附图)[{SPACES}]*\\d+(?:[-.]\\d+)?(?:[{SPACES}]|$)")


def _is_caption(line: str) -> bool:
    return bool(_CAPTION.match(line))


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
    for m in _SPACE_RUN.finditer(line):
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


def cid_count(text: str) -> int:
    """Number of ``(cid:N)`` codes in ``text``."""
    return len(_CID_RE.findall(text))


def strip_cid(text: str) -> str:
    """Remove ``(cid:N)`` runs: glyph ids without a Unicode mapping carry no text."""
    return _CID_RE.sub("", text)


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
    return re.sub(r"\d+", "#", _SPACE_RUN.sub("", text))


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
    if cur.indent or cur.rank is not None or _is_caption(cur.text) or _is_caption(prev.text):
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
