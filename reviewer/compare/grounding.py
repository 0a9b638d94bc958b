"""Does a sentence name a local endowment? Text cues from ``corpus/compare/endowment.yaml``, or E3 evidence.

The framework's E3a asks for "本地具体的资源禀赋或特色优势", not words that fit anywhere: 依托石墨资源 and
中南大学 are specific, 依托县工业园区 and 与省内高校合作 are not.
"""

from __future__ import annotations

import re

from .taxonomy import EndowmentCues

_CLAUSE = re.compile("[^，,；;。：:！？]+")
_ADMIN = "自治区|自治州|自治县|省|市|州|盟|县|旗|区"


def place_names(locality: str | None) -> list[str]:
    """The plan's own place name and its stem (云溪县 → 云溪县, 云溪), longest first."""
    if not locality:
        return []
    stem = re.sub(f"(?:{_ADMIN})$", "", locality)
    return sorted({locality, stem} - {""}, key=len, reverse=True) if len(stem) >= 2 else [locality]


class EndowmentFinder:
    """Finds the words by which a sentence names a local endowment, for one plan (its place names known)."""

    def __init__(self, cues: EndowmentCues, places: list[str]) -> None:
        self.cues = cues
        self.places = places
        self._facts = _any(cues.facts)
        self._anchors = _any(cues.anchors)
        self._resources = _any(cues.resources)
        self._suffix = _any(cues.suffixes)
        self._landmark = _any(cues.landmarks)
        self._quantity = re.compile(f"[0-9０-９][0-9０-９.．]*(?:{_any(cues.units).pattern})")
        self._qualified = _any(cues.qualified)
        self._vague = _any(cues.vague)

    def find(self, sentence: str) -> str | None:
        """The endowment the sentence names (the cue and its context), or None."""
        if m := self._facts.search(sentence):
            return _around(sentence, m.start(), m.end())
        for clause in _CLAUSE.finditer(sentence):
            text = clause.group()
            if found := self._in_clause(text):
                return found
        return None

    def _in_clause(self, clause: str) -> str | None:
        """An anchored specific thing (依托石墨资源), or a named landmark (中南大学), in one clause."""
        anchor = self._anchors.search(clause)
        if anchor:
            rest = clause[anchor.end():]
            if m := self._resources.search(rest):
                return clause[anchor.start(): anchor.end() + m.end()]
            if place := next((p for p in self.places if p in rest), None):
                return clause[anchor.start(): anchor.end() + rest.index(place) + len(place)]
            if (named := self._named(rest, self._suffix)) is not None:
                return clause[anchor.start(): anchor.end() + named]
            if (end := self._specific(rest)) is not None:
                return clause[anchor.start(): anchor.end() + end]
        if (named := self._named(clause, self._landmark)) is not None:
            return clause[max(0, named - 8): named]
        return None

    def _specific(self, rest: str) -> int | None:
        """End offset of a quantity (22万亩) or a qualified endowment (磷源优势) right after an anchor, else None."""
        if m := self._quantity.search(rest):
            return m.end()
        for m in self._qualified.finditer(rest):
            qualifier = self._vague.sub("", rest[: m.start()])
            if len(qualifier) >= 2 and _is_cjk(qualifier):
                return m.end()
        return None

    def _named(self, text: str, suffixes: re.Pattern[str]) -> int | None:
        """End offset of the first institution in ``text`` whose name is specific, else None."""
        for m in suffixes.finditer(text):
            before = text[: m.start()]
            if any(before.endswith(p) for p in self.places):
                return m.end()
            name = before[-2:]
            if len(name) == 2 and _is_cjk(name) and not any(c in self.cues.function_chars for c in name) \
                    and not any(g in before[-3:] for g in self.cues.generic) \
                    and not any(v in before[-4:] for v in self.cues.planned):
                return m.end()
        return None


def _any(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in text)


def _around(sentence: str, start: int, end: int, width: int = 12) -> str:
    """The cue with a few characters either side, cut at clause ends."""
    left = max(sentence.rfind(c, 0, start) for c in "，,；;：:") + 1
    right = min((i for i in (sentence.find(c, end) for c in "，,；;。") if i >= 0), default=len(sentence))
    return sentence[max(left, start - width): min(right, end + width)]
