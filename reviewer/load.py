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
import logging
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, NamedTuple

import docx
import lxml.etree
import lxml.html
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from pydantic import BaseModel, ConfigDict
from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import DictionaryObject

from .clean import (
    Cleaned,
    PageText,
    cjk_share,
    clean_pdf_pages,
    clean_plain_pages,
    fix_spacing,
    cid_count,
    garbled_share,
    is_garbled,
    stray_space_ratio,
    strip_cid,
)
from .contracts import Document, Page, PageRejection, PageReport, QualityReport

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


class _Raw(NamedTuple):
    """A source page before cleaning."""

    number: int
    text: str
    has_images: bool = False
    error: str | None = None


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
        raise _too_large(label, len(data), limits)
    return data, label, Path(label).suffix.lower()


def _is_pasted_text(source: str) -> bool:
    """A string with a line break, or too long for a file name, that names no file."""
    if "\n" not in source and len(source.encode("utf-8")) <= 255:
        return False
    try:
        return not Path(source).is_file()
    except (OSError, ValueError):  # not even a valid path
        return True


def _read_file(path: Path, limits: LoadLimits) -> bytes:
    """Read a file after checking it exists and is not too large."""
    try:
        exists, is_file = path.exists(), path.is_file()
    except (OSError, ValueError):
        exists = is_file = False
    if not exists:
        raise LoadError(f"{path}: file not found; check the path", "not_found")
    if not is_file:
        raise LoadError(f"{path}: is a folder, not a file; give the plan file itself", "not_found")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise _too_large(path.name, size, limits)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot be read ({exc.strerror}); check its permissions", "unreadable") from exc


def _too_large(label: str, size: int, limits: LoadLimits) -> LoadError:
    mb = 1024 * 1024
    return LoadError(
        f"{label}: {size / mb:.1f} MB is over the {limits.max_bytes / mb:.0f} MB limit; "
        "remove annexes and images or split the plan, then load the main text",
        "too_large",
    )


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
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
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
    """No NUL bytes and decodable as UTF-8 or GB18030."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        decode_text(data, "")
    except LoadError:
        return False
    return True


def _kind(data: bytes, label: str, suffix: str, warns: list[str]) -> str:
    """Decide the format from content first, then the suffix; warn when they disagree."""
    magic = _magic(data)
    named = _FORMATS.get(suffix)
    if magic == "zip":
        magic = _zip_kind(data, label)
    if magic in _ADVICE:
        raise LoadError(f"{label}: unsupported file type: this is {_ADVICE[magic]} ({SUPPORTED})", "unsupported_type")
    if magic is None:
        if named is None or (named in ("txt", "md") and b"\x00" in data[:8192] and not _looks_like_text(data)):
            what = suffix or "(binary data)"
            raise LoadError(f"{label}: unsupported file type {what}; {SUPPORTED}", "unsupported_type")
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
    except Exception as exc:  # pypdf raises many types on damaged files
        raise LoadError(f"{label}: the PDF is damaged or truncated and cannot be opened ({_brief(exc)}); "
                        "download or export it again", "corrupt") from exc
    if encrypted:
        _decrypt(reader, label, warns)
    try:
        count = len(reader.pages)
    except Exception as exc:
        raise LoadError(f"{label}: the PDF's page list is damaged ({_brief(exc)}); export it again", "corrupt") from exc
    if count > limits.max_pages:
        raise LoadError(f"{label}: {count} pages is over the {limits.max_pages}-page limit; "
                        "remove annexes or split the plan, then load the main text", "too_many_pages")
    return reader


def _decrypt(reader: PdfReader, label: str, warns: list[str]) -> None:
    """Open a PDF that has only an owner password; refuse one that needs a password to read."""
    advice = ("remove the password: open it with the password and save or print an unprotected copy "
              "(e.g. qpdf --decrypt), then load that copy")
    try:
        opened = reader.decrypt("")
    except DependencyError as exc:
        raise LoadError(f"{label}: the PDF is encrypted with AES, which needs the 'cryptography' package; "
                        f"install it, or {advice}", "encrypted") from exc
    except Exception as exc:
        raise LoadError(f"{label}: the PDF is encrypted and could not be opened ({_brief(exc)}); {advice}",
                        "encrypted") from exc
    if not opened:
        raise LoadError(f"{label}: the PDF is password-protected; {advice}", "encrypted")
    warns.append("the PDF is encrypted with an owner password only (copying or printing restricted); "
                 "it was read without one")


def _brief(exc: BaseException) -> str:
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


def _pdf_pages(data: bytes, label: str, limits: LoadLimits, warns: list[str]) -> list[_Raw]:
    """Extract the text of each page; a page that fails is recorded, not fatal."""
    with _pypdf_messages(warns):
        reader = _open_pdf(data, label, limits, warns)
        pages = []
        for number in range(1, len(reader.pages) + 1):
            try:
                page: PageObject = reader.pages[number - 1]
            except Exception as exc:
                pages.append(_Raw(number, "", error=_brief(exc)))
                continue
            try:
                text = page.extract_text() or ""
                pages.append(_Raw(number, text, _has_images(page)))
            except Exception as exc:
                pages.append(_Raw(number, "", _has_images(page), error=_brief(exc)))
    return pages


# --- DOCX --------------------------------------------------------------------

_W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_PAGE = "\f"
"""Marks a page break inside the text stream of a DOCX or HTML file."""
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
        except Exception:  # no numbering part, or one we cannot read: the text just lacks list numbers
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


def _docx_paragraph(p: BaseOxmlElement, numbering: _Numbering) -> Iterator[str]:
    """A paragraph's text with its list number; page breaks come out as separate ``_PAGE`` items."""
    if _xp(p, "./w:pPr/w:pageBreakBefore[not(@w:val='0' or @w:val='false')]"):
        yield _PAGE
    parts = [numbering.label(p)]
    for run in _xp(p, _RUNS):
        for el in run.iterchildren():
            if el.tag == qn("w:t"):
                parts.append(el.text or "")
            elif el.tag == qn("w:tab"):
                parts.append("\t")
            elif el.tag in (qn("w:br"), qn("w:cr")) and el.get(qn("w:type")) == "page":
                yield "".join(parts)
                yield _PAGE
                parts = []
            elif el.tag in (qn("w:br"), qn("w:cr")):
                parts.append("\n")
            elif el.tag in (qn("w:drawing"), qn("w:pict")):
                parts.append(_IMAGE)
    yield "".join(parts)
    if _xp(p, "./w:pPr/w:sectPr[not(w:type/@w:val='continuous')]"):
        yield _PAGE


def _docx_table(tbl: BaseOxmlElement, numbering: _Numbering) -> Iterator[str]:
    """One line per table row, cells separated by " | " (merged cells once)."""
    for row in _xp(tbl, "./w:tr"):
        cells = []
        for cell in _xp(row, "./w:tc | ./w:sdt/w:sdtContent/w:tc"):
            if _xp(cell, "./w:tcPr/w:vMerge[not(@w:val='restart')]"):
                cells.append("")
                continue
            texts = (t.replace(_IMAGE, "").strip() for t in _docx_blocks(cell, numbering) if t != _PAGE)
            cells.append(" ".join(t for t in texts if t))
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield " | ".join(cells)


def _docx_blocks(parent: BaseOxmlElement, numbering: _Numbering) -> Iterator[str]:
    """Paragraph and table-row texts of a body or cell, in document order."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield from _docx_paragraph(child, numbering)
        elif child.tag == qn("w:tbl"):
            yield from _docx_table(child, numbering)
        elif child.tag == qn("w:sdt"):
            for content in _xp(child, "./w:sdtContent"):
                yield from _docx_blocks(content, numbering)


def _docx_pages(data: bytes, label: str, limits: LoadLimits) -> list[_Raw]:
    """Text of a Word file, split at explicit page and section breaks."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if archive.getinfo("word/document.xml").file_size > 10 * limits.max_bytes:
            raise _too_large(label, archive.getinfo("word/document.xml").file_size, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        numbering = _Numbering(document)
        blocks = list(_docx_blocks(document.element.body, numbering))
    except Exception as exc:  # python-docx and lxml raise many types on damaged files
        raise LoadError(f"{label}: the Word file is damaged ({_brief(exc)}); open it in Word or WPS, "
                        "save it again as .docx and retry", "corrupt") from exc
    pages = "\n".join(blocks).split(_PAGE)
    return [_Raw(i, text.replace(_IMAGE, "").strip("\n"), _IMAGE in text) for i, text in enumerate(pages, start=1)]


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
        out.append(_PAGE)
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
        out.append(_PAGE)


def _html_cell(cell: lxml.html.HtmlElement) -> str:
    """A table cell's text on one line."""
    parts: list[str] = []
    _html_lines(cell, parts)
    return " ".join("".join(parts).replace(_PAGE, " ").split())


def _html_pages(data: bytes, label: str) -> list[_Raw]:
    """Visible text of an HTML page, split at CSS page breaks."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode_html(data, label))
    if not text.strip():
        return [_Raw(1, "")]
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise LoadError(f"{label}: the HTML cannot be parsed ({_brief(exc)}); save the page again", "corrupt") from exc
    out: list[str] = []
    _html_lines(root, out)
    pages = []
    for number, page in enumerate("".join(out).split(_PAGE), start=1):
        lines = (fix_spacing(line.strip()) for line in page.split("\n"))
        pages.append(_Raw(number, "\n".join(line for line in lines if line.strip(" |"))))
    return pages


# --- text --------------------------------------------------------------------

PDF_LIKE_STRAY = 0.02
"""Stray spaces per CJK character above which a text file is treated as pasted PDF output."""


def _text_pages(data: bytes, label: str) -> list[_Raw]:
    """A text file's pages: form feeds separate them."""
    text = decode_text(data, label).replace("\r\n", "\n")
    return [_Raw(i, page) for i, page in enumerate(text.split("\f"), start=1)]


def _looks_like_pdf_output(pages: list[_Raw]) -> bool:
    """Text pasted from a PDF extractor: many stray spaces between CJK characters."""
    stray = stray_space_ratio("\n".join(page.text for page in pages))
    return stray.cjk >= 100 and stray.ratio > PDF_LIKE_STRAY


# --- the quality gate --------------------------------------------------------

_REASONS: dict[PageRejection, str] = {
    "empty": "no text",
    "image_only": "no text layer, only an image (a scan); run OCR on the file to include it",
    "garbled": "unreadable characters (the font has no Unicode map); export the PDF again or OCR it",
    "error": "could not be read (damaged page)",
}


def _screen(raw: list[_Raw], limits: LoadLimits) -> tuple[list[PageText], dict[int, PageRejection]]:
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


def _page_reports(raw: list[_Raw], cleaned: Cleaned, rejected: dict[int, PageRejection]) -> list[PageReport]:
    """One report per source page; pages the cleaning left empty count as ``empty``."""
    spans = {page.number: (page.start, page.end) for page in _pages(cleaned)}
    reports = []
    for page in raw:
        reason = rejected.get(page.number) or (None if page.number in spans else "empty")
        if reason:
            detail = _REASONS[reason] + (f" ({page.error})" if page.error else "")
            share = round(cjk_share(page.text), 4)
            reports.append(PageReport(number=page.number, chars=0, cjk_share=share, rejected=reason, reason=detail))
        else:
            start, end = spans[page.number]
            text = cleaned.text[start:end]
            reports.append(PageReport(number=page.number, chars=len(text), cjk_share=round(cjk_share(text), 4)))
    return reports


def _refuse(label: str, kind: str, reports: list[PageReport], text: str, limits: LoadLimits) -> None:
    """Raise if the document as a whole cannot be reviewed."""
    counts = Counter(r.rejected for r in reports if r.rejected)
    total = len(reports)
    if counts["image_only"] and (not text.strip() or 2 * counts["image_only"] > total):
        pages = f"{counts['image_only']} of {total} pages have" if total > 1 else "its only page has"
        what = "a scanned PDF" if kind == "pdf" else "scanned pages pasted into a document"
        raise LoadError(f"{label}: {pages} no text layer, only images: it is {what} and needs OCR first "
                        "(e.g. ocrmypdf -l chi_sim in.pdf out.pdf), then load the OCR'd PDF", "no_text_layer")
    if counts["garbled"] and (not text.strip() or 2 * counts["garbled"] > total):
        raise _garbled(label, kind)
    if counts["error"] and (not text.strip() or 2 * counts["error"] > total):
        raise LoadError(f"{label}: the pages cannot be read; the file is damaged or truncated: "
                        "download or export it again", "corrupt")
    if not text.strip():
        raise LoadError(f"{label}: the file is empty: it contains no text to review", "empty")
    if is_garbled(text, limits.max_garbled_share):
        raise _garbled(label, kind)
    letters = sum(1 for ch in text if ch.isalpha())
    if limits.expect_chinese and letters >= 20 and cjk_share(text) < limits.min_cjk_share:
        raise LoadError(f"{label}: only {cjk_share(text):.0%} of its letters are Chinese characters; the plan must be "
                        "Chinese text. If it is, the file is mis-encoded: save it as UTF-8 (or export the PDF "
                        "again with fonts embedded) and retry", "not_chinese")


def _garbled(label: str, kind: str) -> LoadError:
    if kind == "pdf":
        cause = ("the PDF's fonts lack a Unicode map. Export it again from the original (\"Save as PDF\" with "
                 "fonts embedded) or run OCR on it, then retry")
    else:
        cause = ("it was saved in a wrong encoding or copied from a PDF without a Unicode map. "
                 "Save the original as UTF-8 text or DOCX and retry")
    return LoadError(f"{label}: the text is mostly unreadable characters ((cid:…) codes, U+FFFD, control "
                     f"characters, stray symbols or random rare ideographs): {cause}", "garbled")


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


def _extract(kind: str, data: bytes, label: str, limits: LoadLimits, warns: list[str]) -> list[_Raw]:
    """Raw pages of a source of a known format."""
    if kind == "pdf":
        return _pdf_pages(data, label, limits, warns)
    if kind == "docx":
        raw = _docx_pages(data, label, limits)
    else:
        raw = _html_pages(data, label) if kind == "html" else _text_pages(data, label)
    if len(raw) > limits.max_pages:
        raise LoadError(f"{label}: {len(raw)} pages is over the {limits.max_pages}-page limit; "
                        "remove annexes or split the plan, then load the main text", "too_many_pages")
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
    if kind == "pdf" or (kind in ("txt", "md") and _looks_like_pdf_output(raw)):
        if kind != "pdf":
            warns.append("the text looks pasted from a PDF (spaces between Chinese characters, broken lines); "
                         "it was repaired")
        cleaned = clean_pdf_pages(kept, isolated_numbers=kind != "pdf")  # pasted text has no page edges
    else:
        cleaned = clean_plain_pages(kept)
    reports = _page_reports(raw, cleaned, rejected)
    _refuse(label, kind, reports, cleaned.text, limits)
    quality = QualityReport(
        pages_total=len(raw),
        pages=reports,
        cjk_share=round(cjk_share(cleaned.text), 4),
        garbled_share=round(garbled_share(cleaned.text), 4),
        warnings=warns + _warnings(reports, cleaned),
    )
    return Document(source=label, format=kind, text=cleaned.text, pages=_pages(cleaned), quality=quality)
