"""Headings of Chinese plans: the numbering markers (第X章, 一、, （一）, 1., ①) and their rank, and captions."""

from __future__ import annotations

import re

from .textquality import CJK, SPACES

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


def is_caption(line: str) -> bool:
    """True when ``line`` starts like a figure or table caption (图 1, 表 2-1, 附表 3)."""
    return bool(_CAPTION.match(line))
