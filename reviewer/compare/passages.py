"""Near-duplicate passages between plans: MinHash/LSH (datasketch) over masked character shingles.

Before shingling, each paragraph is masked so that a copy with its place names and numbers swapped still
matches: the plan's own place names (from its title) and administrative-level characters become □,
digits and Chinese numerals become #, punctuation and spaces go. LSH proposes candidate pairs; each is
kept only when the exact Jaccard similarity of the two shingle sets reaches the threshold, and each
paragraph is paired at most once per other plan (best first). Titles and headings are too short to be
judged alone ("一、总体要求" is in every plan); they are paired only inside two near-identical plans.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from datasketch import MinHash, MinHashLSH
from pydantic import BaseModel

from .fields import Paragraph
from .models import PassagePair


class PassageSettings(BaseModel):
    """How passages are compared (fitted on the tuning half of ``eval/compare``)."""

    shingle: int = 4
    """Characters per shingle of the masked text."""
    min_chars: int = 24
    """Masked characters a paragraph needs to be compared (headings and short lines are not)."""
    num_perm: int = 128
    lsh_threshold: float = 0.45
    """Estimated Jaccard at which LSH proposes a pair (below ``threshold``, so few true pairs are missed)."""
    threshold: float = 0.6
    """Exact Jaccard of the shingle sets at which two paragraphs count as near-duplicates."""
    short_shingle: int = 2
    short_threshold: float = 0.6
    """Titles and headings of two near-identical plans are paired at this Jaccard of their masked bigrams."""


_ADMIN_CHARS = "省市县区州旗盟镇乡村"
_NUMBERS = re.compile("[0-9０-９〇零一二三四五六七八九十百千万亿两]+(?:[.．][0-9０-９]+)?")
_NON_WORD = re.compile(r"[^\w#□]|_")


def mask(text: str, places: Sequence[str]) -> str:
    """The text with places, administrative levels and numbers masked, punctuation and spaces removed."""
    for place in places:
        text = text.replace(place, "□")
    text = re.sub(f"[{_ADMIN_CHARS}]", "□", text)
    text = _NUMBERS.sub("#", text)
    text = _NON_WORD.sub("", text)
    return re.sub("□+", "□", re.sub("#+", "#", text))


def shingles(text: str, k: int) -> set[int]:
    """The text's character k-grams, hashed to 32 bits (CRC-32: fast and the same in every process)."""
    return {zlib.crc32(text[i:i + k].encode("utf-8")) for i in range(max(1, len(text) - k + 1))}


def _identity(value: int) -> int:
    return value


class Unit(NamedTuple):
    """A comparable paragraph of one plan."""

    plan: int
    paragraph: Paragraph
    shingles: set[int]


class Signatures(NamedTuple):
    """The comparable paragraphs of every plan, their MinHashes, and each plan's MinHash over all of them."""

    units: list[Unit]
    minhashes: list[MinHash]
    plan_hashes: np.ndarray
    """One row of MinHash values per plan (the union of its paragraphs' shingles)."""
    comparable: list[int]
    """Comparable paragraphs per plan."""


def signatures(paragraphs: Sequence[list[Paragraph]], places: Sequence[Sequence[str]],
               settings: PassageSettings) -> Signatures:
    """Mask and shingle every plan's paragraphs and hash them (one MinHash per paragraph)."""
    units: list[Unit] = []
    for i, (plan_paragraphs, plan_places) in enumerate(zip(paragraphs, places)):
        for p in plan_paragraphs:
            masked = mask(p.body, plan_places)
            if len(masked) >= settings.min_chars:
                units.append(Unit(i, p, shingles(masked, settings.shingle)))
    minhashes = MinHash.bulk((sorted(u.shingles) for u in units), num_perm=settings.num_perm, hashfunc=_identity)
    empty = MinHash(num_perm=settings.num_perm, hashfunc=_identity).hashvalues
    plan_hashes = np.tile(empty, (len(paragraphs), 1))
    for unit, mh in zip(units, minhashes):
        np.minimum(plan_hashes[unit.plan], mh.hashvalues, out=plan_hashes[unit.plan])
    comparable = np.bincount([u.plan for u in units], minlength=len(paragraphs)).tolist()
    return Signatures(units, minhashes, plan_hashes, comparable)


def text_similarity(sig: Signatures) -> list[list[float]]:
    """Estimated Jaccard similarity of every pair of plans' masked texts (1 on the diagonal)."""
    hashes = sig.plan_hashes
    n = len(hashes)
    matrix = np.ones((n, n))
    for i in range(n):
        matrix[i, i + 1:] = (hashes[i + 1:] == hashes[i]).mean(axis=1)
        matrix[i + 1:, i] = matrix[i, i + 1:]
    has_text = np.array(sig.comparable) > 0
    matrix[~has_text, :] = 0.0
    matrix[:, ~has_text] = 0.0
    np.fill_diagonal(matrix, 1.0)
    return np.round(matrix, 3).tolist()  # type: ignore[no-any-return]  # a nested list of floats


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def near_duplicates(sig: Signatures, names: Sequence[str], settings: PassageSettings) -> list[PassagePair]:
    """Paragraph pairs of different plans whose masked shingles overlap at least ``settings.threshold``."""
    lsh = MinHashLSH(threshold=settings.lsh_threshold, num_perm=settings.num_perm)
    with lsh.insertion_session() as session:
        for key, mh in enumerate(sig.minhashes):
            session.insert(key, mh, check_duplication=False)
    scored: list[tuple[float, int, int]] = []
    for i, mh in enumerate(sig.minhashes):
        for j in lsh.query(mh):
            if j > i and sig.units[j].plan != sig.units[i].plan:
                similarity = _jaccard(sig.units[i].shingles, sig.units[j].shingles)
                if similarity >= settings.threshold:
                    scored.append((similarity, i, j))
    return _one_to_one(scored, sig.units, names)


def _one_to_one(scored: list[tuple[float, int, int]], units: list[Unit], names: Sequence[str]) -> list[PassagePair]:
    """Best pairs first; a paragraph is paired at most once with each other plan."""
    used: set[tuple[int, int]] = set()
    pairs: list[PassagePair] = []
    for similarity, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        a, b = units[i], units[j]
        if (i, b.plan) in used or (j, a.plan) in used:
            continue
        used |= {(i, b.plan), (j, a.plan)}
        pairs.append(PassagePair(a=names[a.plan], para_a=a.paragraph.number, b=names[b.plan], para_b=b.paragraph.number,
                                 similarity=round(similarity, 3), text_a=a.paragraph.body, text_b=b.paragraph.body,
                                 start_a=a.paragraph.start, start_b=b.paragraph.start))
    return pairs


def sort_pairs(pairs: list[PassagePair], names: Sequence[str]) -> list[PassagePair]:
    """Pairs in plan order, then paragraph order."""
    order = {name: k for k, name in enumerate(names)}
    return sorted(pairs, key=lambda p: (order[p.a], order[p.b], p.para_a, p.para_b))


def align_headings(linked: Sequence[tuple[int, int]], paragraphs: Sequence[list[Paragraph]], texts: Sequence[str],
                   places: Sequence[Sequence[str]], sig: Signatures, names: Sequence[str],
                   settings: PassageSettings) -> list[PassagePair]:
    """Pair the short lines (titles, headings) of each near-identical pair of plans, best first, one to one."""
    compared = {(u.plan, u.paragraph.number) for u in sig.units}
    short = [[(p, shingles(m, settings.short_shingle)) for p in plan_paragraphs
              if (i, p.number) not in compared and len(m := mask(texts[i][p.start:p.end], places[i])) >= 2]
             for i, plan_paragraphs in enumerate(paragraphs)]
    pairs: list[PassagePair] = []
    for i, j in linked:
        scored = sorted(((_jaccard(sa, sb), abs(pa.number / len(paragraphs[i]) - pb.number / len(paragraphs[j])), pa, pb)
                         for pa, sa in short[i] for pb, sb in short[j]), key=lambda s: (-s[0], s[1], s[2].number))
        used_a: set[int] = set()
        used_b: set[int] = set()
        for similarity, _, pa, pb in scored:
            if similarity < settings.short_threshold or pa.number in used_a or pb.number in used_b:
                continue
            used_a.add(pa.number)
            used_b.add(pb.number)
            pairs.append(PassagePair(a=names[i], para_a=pa.number, b=names[j], para_b=pb.number, similarity=round(similarity, 3),
                                     text_a=texts[i][pa.start:pa.end], text_b=texts[j][pb.start:pb.end],
                                     start_a=pa.start, start_b=pb.start, kind="heading"))
    return pairs
