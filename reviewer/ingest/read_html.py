"""HTML reader: the visible text of a web page as raw pages, split at CSS page breaks.

Scripts, styles, navigation and comments are skipped. Text a reader does not see
(``display:none``, ``visibility:hidden``, the ``hidden`` attribute, a font under 2 px,
zero opacity, text moved off-screen, white text without a background), set inline or by a
class or id rule in a ``<style>`` block, is left out and reported in a warning.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from .limits import LoadError
from .pages import PAGE_BREAK, RawPage, brief, hidden_warning
from .read_text import decode_text
from .repair import fix_spacing

_BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption", "title"]
)
_SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "iframe", "object", "head", "button", "select", "nav", "aside"])
_BREAK_BEFORE = re.compile(r"(?:page-)?break-before\s*:\s*(?:always|page)", re.I)
_BREAK_AFTER = re.compile(r"(?:page-)?break-after\s*:\s*(?:always|page)", re.I)

_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*(?:0+(?:\.0*)?|\.0+)\s*(?:;|!|$)"
    r"|(?<![-\w])(?:text-indent|left|top|margin-left)\s*:\s*-\d{4,}",  # moved off-screen (-9999px)
    re.I,
)
_FONT_SIZE = re.compile(r"font-size\s*:\s*(\d*\.?\d+)\s*(px|pt|em|rem|%)?", re.I)
_TINY = {"px": 2.0, "pt": 2.0, "em": 0.2, "rem": 0.2, "%": 20.0, "": 0.5}
"""Font sizes below these cannot be read on screen."""
_WHITE = r"(?:#fff(?:fff)?\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255\b)"
_WHITE_TEXT = re.compile(rf"(?<![-\w])color\s*:\s*{_WHITE}", re.I)
_BACKGROUND = re.compile(rf"background(?:-color)?\s*:\s*(?!{_WHITE}|transparent|none|inherit|initial|unset)\S", re.I)
_SIMPLE_SELECTOR = re.compile(r"[a-z0-9]*([.#])([\w-]+)", re.I)


class _Visibility:
    """Which elements of a page are invisible; collects the text left out."""

    def __init__(self, root: lxml.html.HtmlElement) -> None:
        self.rules: dict[tuple[str, str], str] = {}
        self.dropped: list[str] = []
        for sheet in root.iter("style"):
            for rule in (sheet.text or "").split("}"):  # split, not a regex: linear on any input
                selectors, _, body = rule.rpartition("{")
                for selector in selectors.split(","):
                    if simple := _SIMPLE_SELECTOR.fullmatch(selector.strip()):
                        key = (simple.group(1), simple.group(2))
                        self.rules[key] = self.rules.get(key, "") + ";" + body

    def style(self, element: lxml.html.HtmlElement) -> str:
        """Declarations from class and id rules, then the inline style (later wins, as in CSS)."""
        keys = [(".", name) for name in (element.get("class") or "").split()] + [("#", element.get("id") or "")]
        colour = element.get("color") if element.tag == "font" else None  # <font color="#ffffff">
        parts = [self.rules.get(key, "") for key in keys] + [f"color:{colour}" if colour else "", element.get("style") or ""]
        return ";".join(part for part in parts if part)

    def hides(self, element: lxml.html.HtmlElement, style: str, coloured: bool) -> bool:
        """Whether ``element`` (with its effective ``style``) is invisible; ``coloured``: a background lies behind it."""
        if element.get("hidden") is not None or _HIDING.search(style):
            return True
        size = _FONT_SIZE.findall(style)
        if size and float(size[-1][0]) < _TINY[size[-1][1].lower()]:
            return True
        return bool(_WHITE_TEXT.search(style)) and not coloured and not _BACKGROUND.search(style)


_DECLARED_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
                    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs", "cp950": "big5hkscs"}
"""Chinese charsets a page may declare, and the codec that reads them (a superset: GBK pages hold GB18030 characters,
Big5 pages HKSCS ones). Other declarations are not trusted: a page declared Latin-1 is usually UTF-8."""


def _decode_html(data: bytes, label: str) -> str:
    """Decode HTML by BOM, then its declared Chinese charset (GB or Big5), then UTF-8 / GB18030."""
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", data[:4096], re.I)
    codec = _DECLARED_CODECS.get(declared.group(1).decode("ascii").lower() if declared else "")
    if codec and not data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    return decode_text(data, label)


def _html_space(text: str | None, tag: str) -> str:
    """HTML whitespace: a run of spaces and line breaks is one space, except inside ``<pre>``."""
    return (text or "") if tag == "pre" else re.sub(r"\s+", " ", text or "")


def _html_lines(element: lxml.html.HtmlElement, out: list[str], seen: _Visibility, coloured: bool = False) -> None:
    """Append an element's visible text to ``out``: block elements on their own lines, cells joined by " | "."""
    tag = element.tag
    if not isinstance(tag, str) or tag in _SKIP_TAGS:  # comments have a function as tag
        return
    style = seen.style(element)
    if seen.hides(element, style, coloured):
        seen.dropped.append(" ".join(element.text_content().split()))
        return
    coloured = coloured or bool(_BACKGROUND.search(style))
    if _BREAK_BEFORE.search(style):
        out.append(PAGE_BREAK)
    if tag == "tr":
        cells = (_html_cell(cell, seen, coloured) for cell in element if cell.tag in ("td", "th"))
        out.append("\n" + " | ".join(cells) + "\n")
        return
    if tag in _BLOCK_TAGS or tag == "br":
        out.append("\n")
    out.append(_html_space(element.text, tag))
    for child in element:
        _html_lines(child, out, seen, coloured)
        out.append(_html_space(child.tail, tag))
    if tag in _BLOCK_TAGS:
        out.append("\n")
    if _BREAK_AFTER.search(style):
        out.append(PAGE_BREAK)


def _html_cell(cell: lxml.html.HtmlElement, seen: _Visibility, coloured: bool) -> str:
    """A table cell's visible text on one line."""
    parts: list[str] = []
    _html_lines(cell, parts, seen, coloured)
    return " ".join("".join(parts).replace(PAGE_BREAK, " ").split())


def html_pages(data: bytes, label: str, warns: list[str]) -> list[RawPage]:
    """Visible text of an HTML page, split at CSS page breaks; hidden text is left out with a warning."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode_html(data, label))
    if not text.strip():
        return [RawPage(1, "")]
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise LoadError(f"{label}: the HTML cannot be parsed ({brief(exc)}); save the page again", "corrupt") from exc
    out: list[str] = []
    seen = _Visibility(root)
    _html_lines(root, out, seen)
    if warning := hidden_warning(seen.dropped, "display:none, hidden, tiny, off-screen or white text"):
        warns.append(warning)
    pages = []
    for number, page in enumerate("".join(out).split(PAGE_BREAK), start=1):
        lines = (fix_spacing(line.strip()) for line in page.split("\n"))
        pages.append(RawPage(number, "\n".join(line for line in lines if line.strip(" |"))))
    return pages
