"""Verify stage: every quote shown is the plan's own words at its span, in a sentence that may be evidence.

Candidates are plan sentences, so a quote cannot be invented; this stage still checks each
one before it is shown (the span holds exactly the quoted text, and the sentence is not a
title, notice, addressee line or, except where allowed, the preamble) and drops any that
fails, saying why. Text matching here is exact after a documented normalisation: only letters
and digits are kept (CJK characters count as letters), NFKC-folded and lower-cased.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pydantic import BaseModel

from .sentences import NOT_EVIDENCE, Sentence


def normalise(text: str) -> tuple[str, list[int]]:
    """Letters and digits only (NFKC-folded, lowercased), with each kept char's original offset."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKC", ch).lower():
            if f.isalnum():
                chars.append(f)
                offsets.append(i)
    return "".join(chars), offsets


@lru_cache(maxsize=65536)
def folded(text: str) -> str:
    """``normalise(text)`` without the offsets, cached: cues, phrases and sentences are compared many times."""
    return normalise(text)[0]


CLAUSE_MARKS = frozenset("，、。；：,;:！？!?")
"""Punctuation that ends a clause or a list item: a cue never spans one (机械、化工 holds no 机械化)."""
CLAUSE_BREAK = "|"


_CLAUSE_SPLIT = re.compile("[" + re.escape("".join(sorted(CLAUSE_MARKS))) + "]")


@lru_cache(maxsize=65536)
def cue_folded(text: str) -> str:
    """``text`` as cues are compared: :func:`folded` clause by clause, the clauses joined by ``CLAUSE_BREAK``."""
    return CLAUSE_BREAK.join(part for part in map(folded, _CLAUSE_SPLIT.split(text)) if part)


TITLE_MARKS = "《》"
"""A cue holding one of these is compared as written (NFKC only): 《全国 is a national document's title, while
folded it would be 全国, which every plan holds."""


def marked(cue: str) -> bool:
    """Whether the cue is compared as written rather than folded."""
    return any(mark in cue for mark in TITLE_MARKS)


def cue_in(cue: str, text: str, norm: str) -> bool:
    """Whether ``cue`` occurs in the sentence.

    An ordinary cue is looked for in ``norm`` (``text`` by :func:`cue_folded`, perhaps with phrases masked), so it
    never spans a clause or item break; a marked one in ``text`` as written.
    """
    if marked(cue):
        return unicodedata.normalize("NFKC", cue) in unicodedata.normalize("NFKC", text)
    wanted = cue_folded(cue)
    return bool(wanted) and wanted in norm


def has_cue(text: str, cues: list[str]) -> bool:
    """True when ``text`` contains one of ``cues`` (compared after normalisation)."""
    norm = cue_folded(text)
    return any(cue_in(c, text, norm) for c in cues)


class QuoteCheck(BaseModel):
    """Whether a quote may be shown, and why not."""

    ok: bool
    reason: str | None = None


def role_refusal(role: str, *, preamble_ok: bool, principles_ok: bool) -> str | None:
    """Why a sentence of this role may not be evidence here (None: it may).

    The one statement of which roles serve which indicators: candidate selection
    (:func:`reviewer.candidates.fits`) and the check before a quote is shown both ask it.
    """
    if role in NOT_EVIDENCE:
        return "标题、文号、印发通知或主送单位不能作为证据"
    if role == "preamble" and not preamble_ok:
        return "开头的政治性套话只能证明其点名的国家规划或战略"
    if role == "principle" and not principles_ok:
        return "指导思想、基本原则中的表述只能说明规划的立场，不能作为具体举措的证据"
    return None


def check_quote(
    text: str, sentence: Sentence, quote: str, start: int, end: int, *, preamble_ok: bool, principles_ok: bool,
) -> QuoteCheck:
    """A quote may be shown when ``text[start:end]`` is exactly it, inside its sentence, and that sentence may be evidence."""
    if text[start:end] != quote or not (sentence.start <= start and end <= sentence.end):
        return QuoteCheck(ok=False, reason="引文与原文位置不符")
    if reason := role_refusal(sentence.role, preamble_ok=preamble_ok, principles_ok=principles_ok):
        return QuoteCheck(ok=False, reason=reason)
    return QuoteCheck(ok=True)
