"""Text quality: the character classes of Chinese text and the measures the quality gate uses.

:func:`cjk_share`, :func:`garbled_share`, :func:`common_cjk_share`, :func:`readable_cjk_count`
and :func:`stray_space_ratio` tell readable Chinese from extraction garbage, mojibake and
text pasted from a PDF (:mod:`.gate`); the character classes also serve :mod:`.repair`,
segmenting and chunking.
"""

from __future__ import annotations

import re
import unicodedata
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

CJK_RE = re.compile(f"[{CJK}]")
WIDE_RE = re.compile(f"[{CJK}{FW_PUNCT}]")
SPACE_RUN = re.compile(f"[{SPACES}]+")
CID_RE = re.compile(r"\(cid:\d+\)")


def is_wide(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph or full-width punctuation."""
    return bool(WIDE_RE.match(ch))


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
    return StraySpaces(stray, len(CJK_RE.findall(text)))


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among the letters of ``text`` (digits, punctuation and spaces excluded)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if CJK_RE.match(ch)) / len(letters)


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
    return len(CJK_RE.findall(MOJIBAKE.sub("", text)))


def garbled_count(text: str) -> int:
    """Count extraction garbage: ``(cid:N)`` runs, mojibake runs, U+FFFD, private-use, control and stray-script characters.

    A Chinese plan uses ideographs, ASCII, CJK and general punctuation and common
    symbols; glyph ids misread as code points (a font without a Unicode map) land in
    Latin Extended, IPA, Cyrillic, control ranges and so on.
    """
    cid = sum(len(m) for m in CID_RE.findall(text))
    rest = CID_RE.sub("", text)
    mojibake = sum(len(m) for m in MOJIBAKE.findall(rest))
    rest = MOJIBAKE.sub("", rest)
    return cid + mojibake + sum(1 for ch in rest if ch == "\ufffd" or not _EXPECTED.match(ch))


def garbled_share(text: str) -> float:
    """Share of garbage characters among the non-space characters of ``text``."""
    visible = len(SPACE_RUN.sub("", text).replace("\n", ""))
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
    ideographs = CJK_RE.findall(text)
    return sum(map(_in_gb2312, ideographs)) / len(ideographs) if ideographs else 1.0


MIN_COMMON_CJK = 0.5
"""Below this :func:`common_cjk_share` (with at least 50 ideographs) text counts as garbled."""


def is_garbled(text: str, max_share: float) -> bool:
    """Whether ``text`` is mostly garbage characters, or ideographs too rare to be real prose."""
    if garbled_share(text) > max_share:
        return True
    return len(CJK_RE.findall(text)) >= 50 and common_cjk_share(text) < MIN_COMMON_CJK


def cid_count(text: str) -> int:
    """Number of ``(cid:N)`` codes in ``text``."""
    return len(CID_RE.findall(text))


def strip_cid(text: str) -> str:
    """Remove ``(cid:N)`` runs: glyph ids without a Unicode mapping carry no text."""
    return CID_RE.sub("", text)
