"""A plan in Traditional characters, read in Simplified.

The reading rules, cue lists and idioms are written in Simplified characters, so a plan copied from a site that
serves Traditional characters (發展新質生產力) would meet almost none of them: fewer candidates, and a
comprehensive plan taken for a thematic one. The clean stage converts such a plan with OpenCC's Traditional →
Simplified tables (phrase-aware, and length-preserving, so page spans hold) and says so in the quality
warnings; quotes are then shown in Simplified characters.

A plan counts as Traditional when converting it to Simplified changes more characters than converting it to
Traditional would: a Simplified plan that quotes a Traditional name or two is left as it is.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate

from opencc import OpenCC  # opencc-python-reimplemented: pure Python, its tables in the wheel

MIN_CHANGED = 20
"""Fewer changed characters than this is a stray name or two, not a Traditional plan."""


@lru_cache(maxsize=2)
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


def _changed(text: str, converted: str) -> int:
    return sum(a != b for a, b in zip(text, converted, strict=False))


def in_simplified(texts: list[str]) -> list[str] | None:
    """A document's pages in Simplified characters if they are written in Traditional ones, else None.

    The pages are converted as one text (one pass of each table) and cut back at the same places: the conversion
    keeps every length.
    """
    whole = "".join(texts)
    simplified = to_simplified(whole)
    changed = _changed(whole, simplified)
    if changed < MIN_CHANGED or changed <= _changed(whole, _converter("s2t").convert(whole)):
        return None
    ends = [0, *accumulate(len(t) for t in texts)]
    return [simplified[a:b] for a, b in zip(ends, ends[1:], strict=False)]


def to_simplified(text: str) -> str:
    """``text`` in Simplified characters, of the same length."""
    converted: str = _converter("t2s").convert(text)
    return converted if len(converted) == len(text) else text
