"""DOCX reader: the text of a Word file as raw pages, with Word's list numbers and explicit page breaks.

python-docx leaves out automatic list numbers ("一、", "（一）"); :class:`_Numbering` renders
them. Tables come out one row per line, cells joined by " | ".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any, NamedTuple

import docx
import lxml.etree
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from .limits import MB, LoadError, LoadLimits, over_limit
from .pages import PAGE_BREAK, RawPage, brief, hidden_warning

_W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_IMAGE = "\x1a"
"""Marks a picture inside the text stream of a DOCX file (a scanned page pasted into Word)."""
_CN_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _xp(element: BaseOxmlElement, path: str) -> list[Any]:
    """XPath with the ``w:`` prefix (python-docx's own ``xpath`` only knows it on its element classes)."""
    return lxml.etree._Element.xpath(element, path, namespaces=_W)  # type: ignore[no-any-return]


def _chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十; from 100 on, Arabic digits."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    pairs = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in pairs:
        count, n = divmod(n, value)
        out += letters * count
    return out


def _format_number(n: int, fmt: str) -> str:
    """A list counter in a Word number format (``decimal``, ``chineseCounting``, ...)."""
    if fmt.startswith("chineseCounting") or fmt in ("taiwaneseCounting", "ideographDigital", "japaneseCounting"):
        return _chinese_number(n)
    if fmt == "ideographTraditional":
        return _STEMS[(n - 1) % 10]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return str(n)


class _Level(NamedTuple):
    """One level of a Word list: its number format, label template ("%1、") and first number."""

    fmt: str
    text: str
    start: int


def _val(element: BaseOxmlElement, path: str, default: str) -> str:
    """The ``w:val`` of the first element at ``path``, or ``default``."""
    found = _xp(element, f"{path}/@w:val")
    return str(found[0]) if found else default


class _Numbering:
    """Renders Word's automatic list numbers ("一、", "（一）", "1.") that python-docx leaves out.

    Counters run per list (``numId``); a level's counter restarts when a higher level
    advances. Bullets render as nothing. Overrides (``lvlOverride``) are ignored.
    """

    def __init__(self, document: WordDocument) -> None:
        self.levels: dict[tuple[str, int], _Level] = {}
        self.counters: dict[str, list[int]] = {}
        self.by_style: dict[str, tuple[str, int]] = {}
        try:
            self._read(document)
        except Exception:  # noqa: BLE001 - no numbering part, or one we cannot read: the text just lacks list numbers
            self.levels.clear()
            self.by_style.clear()

    def _read(self, document: WordDocument) -> None:
        numbering = document.part.numbering_part.element
        abstract = {a.get(qn("w:abstractNumId")): a for a in _xp(numbering, "./w:abstractNum")}
        for num in _xp(numbering, "./w:num"):
            for lvl in _xp(abstract.get(_val(num, "./w:abstractNumId", ""), num), "./w:lvl"):
                level = _Level(_val(lvl, "./w:numFmt", "decimal"), _val(lvl, "./w:lvlText", ""),
                               int(_val(lvl, "./w:start", "1")))
                self.levels[(num.get(qn("w:numId")), int(lvl.get(qn("w:ilvl"), "0")))] = level
        for style in _xp(document.styles.element, "./w:style[w:pPr/w:numPr/w:numId]"):
            self.by_style[style.get(qn("w:styleId"))] = (_val(style, "./w:pPr/w:numPr/w:numId", "0"),
                                                         int(_val(style, "./w:pPr/w:numPr/w:ilvl", "0")))

    def _first(self, num_id: str, level: int) -> int:
        return self.levels[(num_id, level)].start - 1 if (num_id, level) in self.levels else 0

    def label(self, paragraph: BaseOxmlElement) -> str:
        """The number Word shows before ``paragraph``, advancing the list's counters."""
        num_id = _val(paragraph, "./w:pPr/w:numPr/w:numId", "")
        if num_id:
            level = int(_val(paragraph, "./w:pPr/w:numPr/w:ilvl", "0"))
        else:
            num_id, level = self.by_style.get(_val(paragraph, "./w:pPr/w:pStyle", "Normal"), ("0", 0))
        if (num_id, level) not in self.levels:
            return ""
        counters = self.counters.setdefault(num_id, [self._first(num_id, i) for i in range(9)])
        counters[level] += 1
        counters[level + 1 :] = [self._first(num_id, i) for i in range(level + 1, 9)]
        this = self.levels[(num_id, level)]
        if this.fmt in ("bullet", "none"):
            return ""

        def number(m: re.Match[str]) -> str:
            at = int(m.group(1)) - 1
            fmt = self.levels[(num_id, at)].fmt if (num_id, at) in self.levels else "decimal"
            return _format_number(max(counters[at], 1), fmt)

        return re.sub(r"%([1-9])", number, this.text)


_RUNS = "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r | ./w:sdt/w:sdtContent/w:r"
_OFF = ("0", "false", "off")
_WHITE = ("FFFFFF", "white")
_COLOURED = "@w:fill and not(@w:fill='auto' or @w:fill='FFFFFF')"
MIN_VISIBLE_HALF_POINTS = 4
"""Runs set below 2 pt (``w:sz`` is in half-points) cannot be read on the page: hidden text."""


class _Hidden:
    """Decides whether a run is invisible on the page: ``w:vanish``, under 2 pt, or white on white.

    Each property comes from the run itself, else its character style, else the paragraph's
    style (both along their ``basedOn`` chains), else the document defaults. White text counts
    as hidden unless the run, paragraph, table cell or page has a coloured background.
    """

    def __init__(self, document: WordDocument) -> None:
        self.dropped: list[str] = []
        self.styles: dict[str, tuple[Any, str]] = {}
        self.defaults: list[Any] = []
        self.default_para = ""
        self.shaded_tables: set[str] = set()
        self.page_colour = bool(_xp(document.element, "./w:background[@w:color and not(@w:color='FFFFFF')]"))
        try:
            root = document.styles.element
        except Exception:  # noqa: BLE001 - no styles part: direct formatting only
            return
        self.defaults = _xp(root, "./w:docDefaults/w:rPrDefault/w:rPr")
        for style in _xp(root, "./w:style[@w:styleId]"):
            r_pr = (_xp(style, "./w:rPr") or [None])[0]
            self.styles[style.get(qn("w:styleId"))] = (r_pr, _val(style, "./w:basedOn", ""))
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
                self.default_para = style.get(qn("w:styleId"))
            if style.get(qn("w:type")) == "table" and _xp(style, f".//w:shd[{_COLOURED}]"):
                self.shaded_tables.add(style.get(qn("w:styleId")))

    def _chain(self, style_id: str) -> Iterator[Any]:
        for _ in range(20):  # basedOn chains are short; a loop in a damaged file must not hang
            if style_id not in self.styles:
                return
            r_pr, style_id = self.styles[style_id]
            if r_pr is not None:
                yield r_pr

    def _get(self, sources: list[Any], tag: str) -> Any:
        return next((found[0] for r_pr in sources if (found := _xp(r_pr, f"./w:{tag}"))), None)

    def __call__(self, run: BaseOxmlElement, p_style: str) -> bool:
        own = _xp(run, "./w:rPr")
        sources = [*own, *self._chain(_val(run, "./w:rPr/w:rStyle", "")),
                   *self._chain(p_style or self.default_para), *self.defaults]
        vanish = self._get(sources, "vanish")
        if vanish is not None and vanish.get(qn("w:val"), "true") not in _OFF:
            return True
        size = self._get(sources, "sz")
        half_points = size.get(qn("w:val"), "") if size is not None else ""
        if half_points.isdigit() and int(half_points) < MIN_VISIBLE_HALF_POINTS:
            return True
        colour = self._get(sources, "color")
        white = colour is not None and (colour.get(qn("w:val"), "") in _WHITE
                                        or colour.get(qn("w:themeColor")) == "background1")
        return white and not self._background(run, sources)

    def _background(self, run: BaseOxmlElement, sources: list[Any]) -> bool:
        """Whether something behind the run is coloured, so that white text on it can be seen."""
        mark = self._get(sources, "highlight")
        if self.page_colour or (mark is not None and mark.get(qn("w:val"), "none") not in ("none", "white")):
            return True
        if any(_val(table, "./w:tblPr/w:tblStyle", "") in self.shaded_tables for table in run.iterancestors(qn("w:tbl"))):
            return True  # a table style that shades cells (a coloured header row)
        shading = [s for s in [self._get(sources, "shd")] if s is not None]
        for ancestor in run.iterancestors(qn("w:p"), qn("w:tc"), qn("w:tbl")):
            shading += _xp(ancestor, "./w:pPr/w:shd | ./w:tcPr/w:shd | ./w:tblPr/w:shd")
        return any(s.get(qn("w:fill"), "auto") not in ("auto", "FFFFFF") for s in shading)


class _Reader(NamedTuple):
    numbering: _Numbering
    hidden: _Hidden


def _run_text(run: BaseOxmlElement) -> str:
    return "".join(el.text or "" for el in run.iterchildren(qn("w:t")))


def _docx_paragraph(p: BaseOxmlElement, reader: _Reader) -> Iterator[str]:
    """A paragraph's visible text with its list number; page breaks come out as separate ``PAGE_BREAK`` items."""
    if _xp(p, "./w:pPr/w:pageBreakBefore[not(@w:val='0' or @w:val='false')]"):
        yield PAGE_BREAK
    parts = [reader.numbering.label(p)]
    p_style = _val(p, "./w:pPr/w:pStyle", "")
    for run in _xp(p, _RUNS):
        if reader.hidden(run, p_style):
            reader.hidden.dropped.append(_run_text(run))
            continue
        for el in run.iterchildren():
            if el.tag == qn("w:t"):
                parts.append(el.text or "")
            elif el.tag == qn("w:tab"):
                parts.append("\t")
            elif el.tag in (qn("w:br"), qn("w:cr")) and el.get(qn("w:type")) == "page":
                yield "".join(parts)
                yield PAGE_BREAK
                parts = []
            elif el.tag in (qn("w:br"), qn("w:cr")):
                parts.append("\n")
            elif el.tag in (qn("w:drawing"), qn("w:pict")):
                parts.append(_IMAGE)
    yield "".join(parts)
    if _xp(p, "./w:pPr/w:sectPr[not(w:type/@w:val='continuous')]"):
        yield PAGE_BREAK


def _docx_table(tbl: BaseOxmlElement, reader: _Reader) -> Iterator[str]:
    """One line per table row, cells separated by " | " (merged cells once)."""
    for row in _xp(tbl, "./w:tr"):
        cells = []
        for cell in _xp(row, "./w:tc | ./w:sdt/w:sdtContent/w:tc"):
            if _xp(cell, "./w:tcPr/w:vMerge[not(@w:val='restart')]"):
                cells.append("")
                continue
            texts = (t.replace(_IMAGE, "").strip() for t in _docx_blocks(cell, reader) if t != PAGE_BREAK)
            cells.append(" ".join(t for t in texts if t))
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield " | ".join(cells)


def _docx_blocks(parent: BaseOxmlElement, reader: _Reader) -> Iterator[str]:
    """Paragraph and table-row texts of a body or cell, in document order."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield from _docx_paragraph(child, reader)
        elif child.tag == qn("w:tbl"):
            yield from _docx_table(child, reader)
        elif child.tag == qn("w:sdt"):
            for content in _xp(child, "./w:sdtContent"):
                yield from _docx_blocks(content, reader)


def _count_paragraphs(archive: zipfile.ZipFile, limit: int) -> int:
    """``<w:p>`` elements in the main text, counted from the stream (stops past ``limit``)."""
    count, tail = 0, b""
    with archive.open("word/document.xml") as stream:
        while count <= limit and (block := stream.read(1 << 20)):
            chunk = tail + block
            count += chunk.count(b"<w:p>") + chunk.count(b"<w:p ")
            tail = chunk[-5:]
            count -= tail.count(b"<w:p>") + tail.count(b"<w:p ")  # counted again with the next block
    return count + tail.count(b"<w:p>") + tail.count(b"<w:p ")


def _check_sizes(members: list[zipfile.ZipInfo], label: str, limits: LoadLimits) -> None:
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise over_limit(label, f"a Word file whose parts unpack to {total / MB:,.0f} MB",
                         f"{limits.max_unpacked_bytes / MB:.0f} MB (pictures included; compress them)")
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if xml > limits.max_xml_bytes:
        raise over_limit(label, f"a Word file whose text and formatting unpack to {xml / MB:,.0f} MB",
                         f"{limits.max_xml_bytes / MB:.0f} MB")


def check_package(data: bytes, label: str, limits: LoadLimits) -> None:
    """Refuse a Word file whose parts unpack past the limits, from the sizes its zip declares, before unpacking.

    A member that inflates beyond its declared size fails its CRC check when read (a damaged file).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_sizes(archive.infolist(), label, limits)
            paragraphs = _count_paragraphs(archive, limits.max_paragraphs)
    except LoadError:
        raise
    except Exception as exc:  # zipfile and zlib raise many types on damaged files
        raise LoadError(f"{label}: the Word file is damaged ({brief(exc)}); open it in Word or WPS, "
                        "save it again as .docx and retry", "corrupt") from exc
    if paragraphs > limits.max_paragraphs:
        raise over_limit(label, f"more than {limits.max_paragraphs:,} paragraphs",
                         f"{limits.max_paragraphs:,} paragraphs")


def docx_pages(data: bytes, label: str, limits: LoadLimits, warns: list[str]) -> list[RawPage]:
    """Visible text of a Word file, split at explicit page and section breaks; hidden text is left out with a warning."""
    check_package(data, label, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        reader = _Reader(_Numbering(document), _Hidden(document))
        blocks = list(_docx_blocks(document.element.body, reader))
    except Exception as exc:  # python-docx and lxml raise many types on damaged files
        raise LoadError(f"{label}: the Word file is damaged ({brief(exc)}); open it in Word or WPS, "
                        "save it again as .docx and retry", "corrupt") from exc
    if warning := hidden_warning(reader.hidden.dropped, "hidden, white or under-2-pt runs"):
        warns.append(warning)
    pages = "\n".join(blocks).split(PAGE_BREAK)
    return [RawPage(i, text.replace(_IMAGE, "").strip("\n"), _IMAGE in text) for i, text in enumerate(pages, start=1)]
