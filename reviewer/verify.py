"""Verify stage: every quote the model gives must be found in the plan.

Matching is exact after a documented normalisation: only letters and digits are kept
(CJK characters count as letters), so differences in whitespace, punctuation and
full/half-width forms do not matter. Failing that, a close fuzzy match (similarity ≥
``FUZZY_MIN``) is accepted and mapped back to the exact original span. Nothing is
searched as a regular expression, and a failure is returned as data with its reason.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from typing import Literal

from pydantic import BaseModel

FUZZY_MIN = 0.85
"""Lowest similarity (difflib ratio on normalised text) accepted as a fuzzy match."""
MIN_QUOTE_CHARS = 4
"""Quotes shorter than this (after normalisation) prove nothing and are rejected."""


class QuoteMatch(BaseModel):
    """Where a quote was found in the plan, or why it was not."""

    quote: str
    """The quote as the model gave it."""
    verified: bool
    method: Literal["exact", "normalised", "fuzzy"] | None = None
    start: int | None = None
    """Span of the matching original text in the plan (``text[start:end]``)."""
    end: int | None = None
    text: str | None = None
    """The plan's own words at that span (what the report shows)."""
    similarity: float = 0.0
    reason: str | None = None
    """Why verification failed."""


def _keep(ch: str) -> bool:
    return ch.isalnum()


def normalise(text: str) -> tuple[str, list[int]]:
    """Letters and digits only (NFKC-folded, lowercased), with each kept char's original offset."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).lower()
        for f in folded:
            if _keep(f):
                chars.append(f)
                offsets.append(i)
    return "".join(chars), offsets


class PlanText:
    """A plan's text prepared once for repeated quote lookups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm, self.offsets = normalise(text)

    def _span(self, n_start: int, n_end: int) -> tuple[int, int]:
        return self.offsets[n_start], self.offsets[n_end - 1] + 1

    def _fuzzy(self, q: str) -> tuple[float, int, int]:
        """Best window of the normalised plan for ``q``: (similarity, start, end)."""
        votes: Counter[int] = Counter()
        n = 3 if len(q) >= 6 else 2
        for i in range(len(q) - n + 1):
            gram = q[i : i + n]
            pos = self.norm.find(gram)
            while pos != -1:
                votes[pos - i] += 1
                pos = self.norm.find(gram, pos + 1)
        best = (0.0, 0, 0)
        for anchor, _ in votes.most_common(8):
            for slack in (0, -2, 2, -4, 4):
                start = max(0, anchor)
                end = min(len(self.norm), anchor + len(q) + slack)
                if end <= start:
                    continue
                ratio = SequenceMatcher(None, q, self.norm[start:end], autojunk=False).ratio()
                if ratio > best[0]:
                    best = (ratio, start, end)
        return best

    def locate(self, quote: str) -> QuoteMatch:
        """Find ``quote`` in the plan: exact, then normalised, then fuzzy."""
        raw = quote.strip().strip("“”\"'‘’「」『』")
        q, _ = normalise(raw)
        if len(q) < MIN_QUOTE_CHARS:
            return QuoteMatch(quote=quote, verified=False, reason="引文过短，不足以作证")
        if (pos := self.text.find(raw)) != -1:
            return QuoteMatch(quote=quote, verified=True, method="exact", start=pos, end=pos + len(raw), text=raw, similarity=1.0)
        pos = self.norm.find(q)
        if pos != -1:
            start, end = self._span(pos, pos + len(q))
            return QuoteMatch(quote=quote, verified=True, method="normalised", start=start, end=end, text=self.text[start:end], similarity=1.0)
        ratio, n_start, n_end = self._fuzzy(q)
        if ratio >= FUZZY_MIN:
            start, end = self._span(n_start, n_end)
            return QuoteMatch(quote=quote, verified=True, method="fuzzy", start=start, end=end, text=self.text[start:end], similarity=round(ratio, 3))
        return QuoteMatch(quote=quote, verified=False, similarity=round(ratio, 3), reason=f"在规划原文中找不到（最高相似度 {ratio:.2f}）")


def has_cue(text: str, cues: list[str]) -> bool:
    """True when ``text`` contains one of ``cues`` (compared after normalisation)."""
    norm, _ = normalise(text)
    return any(normalise(cue)[0] in norm for cue in cues if normalise(cue)[0])


_SENTENCE_END = "。；！？\n"


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` that contain the span [start, end)."""
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    return text[left : min(rights) + 1 if rights else len(text)]


class VerifiedIndicator(BaseModel):
    """An indicator answer after its quote was checked against the plan."""

    counts_as_yes: bool
    match: QuoteMatch | None = None
    dropped: str | None = None
    """Why the quote could not support a yes."""


def verify_answer(
    plan: PlanText, answer: str, quote: str, cues: list[str], heading: str = "", exclude: list[str] | None = None
) -> VerifiedIndicator:
    """Check the quote behind a yes: found in the plan, and its sentence (or the section
    heading above it, passed as ``heading`` once the span is known) carries an evidence cue.

    A yes without a usable quote does not count as yes; no and insufficient_evidence need no quote.
    """
    if answer != "yes":
        return VerifiedIndicator(counts_as_yes=False)
    if not quote.strip():
        return VerifiedIndicator(counts_as_yes=False, dropped="回答“是”但未给出引文")
    match = plan.locate(quote)
    if not match.verified or match.start is None or match.end is None:
        return VerifiedIndicator(counts_as_yes=False, match=match, dropped=f"引文{match.reason}")
    sentence = sentence_around(plan.text, match.start, match.end)
    if exclude and has_cue(sentence, exclude):
        return VerifiedIndicator(counts_as_yes=False, match=match, dropped="引文所在句子含排除线索词（如退出、关停），不能作为该问题的证据")
    if cues and not has_cue(heading + sentence, cues):
        return VerifiedIndicator(counts_as_yes=False, match=match, dropped="引文虽在原文中，但所在句子与该问题无关（不含该问题的任何线索词）")
    return VerifiedIndicator(counts_as_yes=True, match=match)
