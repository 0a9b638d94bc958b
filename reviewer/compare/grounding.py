"""Does a sentence name a local endowment? Text cues from ``corpus/compare/endowment.yaml``, or E3 evidence.

The framework's E3a asks for "本地具体的资源禀赋或特色优势", not words that fit anywhere: 依托石墨资源 and
中南大学 are specific, 依托县工业园区 and 与省内高校合作 are not. The cues are general forms (a fact, an
anchored specific thing, a named place or firm, a present quantity), not lists of any plan's endowments.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from .taxonomy import EndowmentCues, EvidenceKind

_CLAUSE = re.compile("[^，,；;。：:！？]+")
_ADMIN = "自治区|自治州|自治县|省|市|州|盟|县|旗|区"
_NOUNS = frozenset({"n", "nr", "ns", "nt", "nz", "ng", "vn"})
"""jieba's tags of the words an endowment's terms are taken from."""
_NAME_SPAN = 8
"""At most this many characters before a suffix are read as the name."""


class Evidence(NamedTuple):
    """A local endowment a sentence names: how (the kind of cue) and in which words."""

    kind: EvidenceKind | str
    words: str


def place_names(locality: str | None) -> list[str]:
    """The plan's own place name and its stem (云溪县 → 云溪县, 云溪), longest first."""
    if not locality:
        return []
    stem = re.sub(f"(?:{_ADMIN})$", "", locality)
    return sorted({locality, stem} - {""}, key=len, reverse=True) if len(stem) >= 2 else [locality]


def clauses(sentence: str) -> Iterator[re.Match[str]]:
    """The sentence's clauses (cut at commas, semicolons, colons and stops)."""
    return _CLAUSE.finditer(sentence)


class EndowmentFinder:
    """Finds the words by which a sentence names a local endowment, for one plan (its place names known).

    ``fashionable`` are the aliases of the emerging and future fields: a name or a qualifier made of them
    (青峪低空经济产业园, 人工智能产业基础) names a field, not an endowment.
    """

    def __init__(self, cues: EndowmentCues, places: list[str], fashionable: Iterable[str] = ()) -> None:
        self.cues = cues
        self.places = places
        self._facts = _any(cues.facts)
        self._anchors = _any(cues.anchors)
        self._base = re.compile(f"以([^，,；;。以]{{2,30}}?)为(?:主要|核心)?(?:{_any(cues.base_roles).pattern})")
        self._resources = _any(cues.resources)
        self._suffix = _any(cues.suffixes)
        self._landmark = _any(cues.landmarks)
        self._quantity = re.compile(f"[0-9０-９][0-9０-９.．]*[万亿]?(?:{_any(cues.units).pattern})")
        self._targets = _any(cues.targets)
        self._planned = _any(cues.planned)
        self._qualified = _any(cues.qualified)
        self._vague = _any(cues.vague)
        self._fashionable = _any(fashionable) if fashionable else None
        self._filler = _any([*cues.generic, *cues.vague, *places, *fashionable])
        self._stop = _any([*cues.generic, *cues.vague, *cues.anchors, *cues.planned, *cues.facts, *cues.qualified,
                           *cues.suffixes, *cues.landmarks, *cues.targets, *places, *fashionable])
        self._kinds = {"fact": self._fact, "anchored": self._anchored, "named": self._named_anywhere,
                       "quantity": self._present_quantity}

    def find(self, sentence: str) -> Evidence | None:
        """The first endowment the sentence names (by the kinds of evidence in use), or None."""
        return next(iter(self.find_all(sentence)), None)

    def find_all(self, sentence: str) -> list[Evidence]:
        """Every kind of evidence in use that the sentence holds (one each), in the order of ``kinds``."""
        found = []
        for kind in self.cues.kinds:
            if (words := self._kinds[kind](sentence)) is not None:
                found.append(Evidence(kind, words))
        return found

    def terms(self, sentence: str, words: str) -> set[str]:
        """The specific words of an endowment (``words``, found in ``sentence``), to find it named again elsewhere.

        岚溪黑猪存栏… gives 岚溪, 黑猪. The sentence is tagged whole so that no word is cut at the edge of
        ``words``; nouns inside ``words`` are kept, less the cue words and the fashionable fields' words.
        """
        start = sentence.find(words)
        if start < 0:
            return set()
        end = start + len(words)
        hot = [(m.start(), m.end()) for m in self._fashionable.finditer(sentence)] if self._fashionable else []
        single_units = "".join(u for u in self.cues.units if len(u) == 1)
        found, at = set(), 0
        for token in _jieba_pos().cut(sentence):
            left, at = at, at + len(token.word)
            if left < start or at > end or any(a < at and left < b for a, b in hot):
                continue
            word = token.word.strip(single_units)
            if token.flag in _NOUNS and len(word) >= 2 and _is_cjk(word) and len(self._stop.sub("", word)) >= 2:
                found.add(word)
        return found

    def _fact(self, sentence: str) -> str | None:
        for m in self._facts.finditer(sentence):
            if not self._planned.search(sentence[max(0, m.start() - 6): m.start()]):
                return _around(sentence, m.start(), m.end())
        return None

    def _anchored(self, sentence: str) -> str | None:
        """An anchor (依托, 现有, 县内 …) or 以…为核心 followed by something specific, in one clause."""
        for clause in clauses(sentence):
            text = clause.group()
            for anchor in self._anchors.finditer(text):
                if (end := self._object(text[anchor.end():], with_place=True)) is not None:
                    return text[anchor.start(): anchor.end() + end]
            for m in self._base.finditer(text):
                if self._object(m.group(1), with_place=False) is not None:
                    return m.group()
        return None

    def _object(self, rest: str, with_place: bool) -> int | None:
        """End offset of the specific thing ``rest`` starts with (before any planned verb), else None."""
        if planned := self._planned.search(rest):
            rest = rest[: planned.start()]
        if m := self._resources.search(rest):
            return m.end()
        if with_place and (place := next((p for p in self.places if p in rest), None)):
            end = rest.index(place) + len(place)
            if self._fashionable is None or not self._fashionable.match(rest, end, end + _NAME_SPAN):
                return end
        if (named := self._name(rest, self._suffix)) is not None:
            return named[1]
        if m := self._quantity.search(rest):
            return m.end()
        for m in self._qualified.finditer(rest):
            if self._specific(rest[: m.start()]):
                return m.end()
        return None

    def _named_anywhere(self, sentence: str) -> str | None:
        for clause in clauses(sentence):
            if (named := self._name(clause.group(), self._landmark)) is not None:
                return clause.group()[named[0]: named[1]]
        return None

    def _present_quantity(self, sentence: str) -> str | None:
        """A count of what exists (存栏20万头, 溶洞47处): a quantity in a sentence with no target or plan."""
        if self._targets.search(sentence):
            return None
        for clause in clauses(sentence):
            text = clause.group()
            if self._quantity.search(text) and not self._planned.search(text):
                return text
        return None

    def _specific(self, qualifier: str) -> bool:
        """Whether a qualifier says what the endowment is (磷源: yes; 区位, 本地, 人工智能产业: no)."""
        if self._fashionable is not None:
            qualifier = self._fashionable.sub("", qualifier)
        return sum(_is_cjk(c) for c in self._vague.sub("", qualifier)) >= 2

    def _name(self, text: str, suffixes: re.Pattern[str]) -> tuple[int, int] | None:
        """(start, end) of the first institution or place in ``text`` whose name is specific, else None."""
        for m in suffixes.finditer(text):
            if any(text.startswith(n, m.start() - n.index(m.group()[0])) for n in self.cues.not_names
                   if m.group()[0] in n):
                continue
            window = text[max(0, m.start() - _NAME_SPAN): m.start()]
            at = max((window.rfind(p) for p in self.places), default=-1)
            cut = max((window.rfind(c) for c in self.cues.function_chars), default=-1)
            name = window[at:] if at >= 0 else window[cut + 1:]
            if self._planned.search(text[max(0, m.start() - len(name) - 4): m.start()]):
                continue
            if self._fashionable is not None and self._fashionable.search(name):
                continue
            left = sum(_is_cjk(c) and c not in self.cues.function_chars for c in self._filler.sub("", name))
            if at >= 0 or left >= 2:
                return m.start() - len(name), m.end()
        return None


@lru_cache(maxsize=1)
def _jieba_pos() -> Any:
    """The part-of-speech tagger of jieba (its dictionary loaded once)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.posseg


def _any(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in text)


def _around(sentence: str, start: int, end: int, width: int = 12) -> str:
    """The cue with a few characters either side, cut at clause ends."""
    left = max(sentence.rfind(c, 0, start) for c in "，,；;：:") + 1
    right = min((i for i in (sentence.find(c, end) for c in "，,；;。") if i >= 0), default=len(sentence))
    return sentence[max(left, start - width): min(right, end + width)]
