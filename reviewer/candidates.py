"""Retrieve stage (plan side): the few plan sentences worth asking each indicator question about.

Two sources, so that the cue lists do not cap what the model can find:

- **cues**: sentences holding the indicator's evidence cues (longer cues weigh more),
  after fixed phrases are masked (中国特色社会主义 carries 特色 but is no local feature);
- **meaning**: sentences nearest to the indicator's question and queries in the embedding
  space, whatever their words.

Sentences that can never be evidence are left out before either: titles, document numbers,
wrappers, addressee lines, instruction-like text, sentences too short to show anything
(a four-character slogan), sentences holding one of the indicator's exclusions,
the political preamble (except for an indicator that may rest on it), the body of
指导思想/基本原则 sections (except for indicators about the plan's stance), and, for a target,
sentences with no time horizon.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import NamedTuple

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from .framework import Framework, Indicator
from .guard import is_instruction_like
from .sentences import NOT_EVIDENCE, ReadingRules, Sentence, word_chars
from .verify import cue_folded, cue_in, folded, has_cue, role_refusal

CLIP_CHARS = 90
"""Longest sentence window shown to the model (and quoted as evidence)."""


class Candidate(BaseModel):
    """A plan sentence (or a window of it) put to one indicator question."""

    indicator: str
    sentence: int
    """Index of the sentence in the plan's sentence list."""
    text: str
    """Exactly ``plan_text[start:end]``."""
    start: int
    end: int
    section: str = ""
    cue_weight: int = 0
    """Characters of the indicator's cues found in the sentence (0: found by meaning only)."""
    similarity: float = 0.0
    """Cosine similarity between the sentence and the indicator's question."""
    source: str = "cue"
    """``cue`` or ``meaning``: which selector proposed it."""


GAP = "…"
"""In a fixed phrase or idiom, up to ``GAP_CHARS`` characters of one clause: 依托…园区 is 依托县工业园区, 依托化工园区."""
GAP_CHARS = 8


@lru_cache(maxsize=512)
def _gapped(phrase: str) -> re.Pattern[str]:
    """The phrase's words with each gap as a group: up to GAP_CHARS characters, no clause break."""
    gap = f"([^，。；：、,.;:！？!?\\s]{{0,{GAP_CHARS}}}?)"
    return re.compile(gap.join(map(re.escape, phrase.split(GAP))))


@lru_cache(maxsize=8)
def _slogan(item_chars: int) -> re.Pattern[str]:
    """A quoted list of two or more items of at most ``item_chars`` characters each."""
    item = f"[^“”「」、，。；,;]{{1,{item_chars}}}"
    return re.compile(f"[“「]{item}(?:、{item})+[”」]")


def _masked(text: str, phrases: list[str], slogan_item_chars: int = 0) -> str:
    """The folded text with every fixed phrase, and every quoted slogan, replaced by a mark that is no cue.

    A phrase with gaps is matched within one clause of the original text, and only its words are masked,
    so a cue inside the gap still counts (依托丰富资源建设…园区 keeps 丰富 and 资源).
    """
    if slogan_item_chars:
        text = _slogan(slogan_item_chars).sub("〇", text)
    for phrase in (p for p in phrases if GAP in p):
        text = _gapped(phrase).sub(lambda m: "〇" + "〇".join(m.groups()) + "〇", text)  # mask the words, keep the gaps
    norm = cue_folded(text)
    for phrase in phrases:
        if GAP not in phrase:
            norm = norm.replace(cue_folded(phrase), "□")
    return norm


_CITED_TITLE = re.compile(r"《[^《》]*》")


def outside_titles(text: str) -> str:
    """``text`` with every cited 《》 title replaced by a mark that is no cue."""
    return _CITED_TITLE.sub("〇", text)


def cue_weight(text: str, cues: list[str], rules: ReadingRules, idioms: list[str] | None = None,
               *, titles: bool = True) -> int:
    """Characters of ``cues`` that occur in ``text`` outside fixed phrases (and outside cited titles unless ``titles``).

    ``idioms`` are an indicator's own phrases in which its cues mean something else (集中资源 for 资源).
    """
    if not titles:
        text = outside_titles(text)
    norm = _masked(text, [*rules.fixed_phrases, *(idioms or [])], rules.slogan_item_chars)
    return sum(len(folded(c)) for c in cues if cue_in(c, text, norm))


def may_be_evidence(sentence: Sentence, rules: ReadingRules) -> bool:
    """Whether this sentence may be evidence for any indicator: not apparatus, not too short, not an instruction."""
    return (sentence.role not in NOT_EVIDENCE and word_chars(sentence.text) >= rules.min_evidence_chars
            and not is_instruction_like(sentence.text))


def excluded(text: str, exclude: list[str], rules: ReadingRules) -> bool:
    """Whether ``text`` holds one of the exclusion cues, a quantity word before a number not counted."""
    if not exclude:
        return False
    for word in rules.quantity_words:
        text = re.sub(f"{re.escape(word)}(?=[\\d０-９])", "", text)
    return has_cue(text, exclude)


def fits(sentence: Sentence, indicator: Indicator, rules: ReadingRules) -> bool:
    """Whether a sentence that may be evidence may be so for this indicator.

    Its role must be allowed, it must hold none of the exclusion cues and, for a claim about NQPF itself,
    it must name its subject (one of the ``about`` terms) and not merely restate the centre's definition of it.
    """
    return (role_refusal(sentence.role, preamble_ok=indicator.preamble, principles_ok=indicator.principles) is None
            and not excluded(sentence.text, indicator.exclude, rules)
            and (not indicator.about or (has_cue(sentence.text, indicator.about)
                                         and not has_cue(sentence.text, rules.central_definition))))


def carries_time_horizon(sentence: Sentence, rules: ReadingRules, plan_states_period: bool) -> bool:
    """Whether a sentence can state a target, which needs a time horizon.

    It (or a heading over it) names one, or it sits in a targets section (主要目标) of a plan that states its
    period somewhere. Without a time horizon there is no target: "力争在关键技术上实现突破" in a task section is an aim,
    and the 十四五 of a cited 《…“十四五”规划》 is that document's period, not a horizon of this sentence.
    """
    if has_cue(outside_titles(sentence.text), rules.time_horizon) or any(has_cue(h, rules.time_horizon) for h in sentence.heading_path):
        return True
    return plan_states_period and any(has_cue(h, rules.target_headings) for h in sentence.heading_path)


def about_the_past(sentence: Sentence, rules: ReadingRules) -> bool:
    """Whether a sentence sits under a heading on the past (2024年工作回顾, 发展基础): it states a result, not a target."""
    return any(has_cue(h, rules.review_headings) for h in sentence.heading_path)


_CLAUSE_END = re.compile(r"[，,；;：:]")
_ITEM_END = "、》)）"
"""Where a window may end when no clause end fits: after a list item, a title or a bracket."""


class _Marks(NamedTuple):
    """Where a window of a long sentence may start or end, outside 《》 titles (positions in the sentence)."""

    clause_ends: list[int]
    """After ，；：."""
    title_opens: list[int]
    """At a 《 that opens a title."""
    item_starts: list[int]
    """After a 、."""
    item_ends: list[int]
    """After a 、, a closing 》 or a bracket."""


def _marks(text: str, lo: int, hi: int) -> _Marks:
    """The window marks of ``text[lo:hi]``, in one pass."""
    marks = _Marks([], [], [], [])
    depth = text.count("《", 0, lo) - text.count("》", 0, lo)
    for i in range(lo, hi):
        ch = text[i]
        if ch == "《" and depth <= 0:
            marks.title_opens.append(i)
        depth += (ch == "《") - (ch == "》")
        if depth > 0:
            continue
        if _CLAUSE_END.match(ch):
            marks.clause_ends.append(i + 1)
        if ch == "、":
            marks.item_starts.append(i + 1)
        if ch in _ITEM_END:
            marks.item_ends.append(i + 1)
    return marks


def clip(sentence: Sentence, cues: list[str]) -> tuple[int, int]:
    """Span of a window of at most CLIP_CHARS around the sentence's first cue.

    The window starts and ends at clause boundaries (after ，；：, never inside a 《》 title) where
    whole clauses around the cue fit, so a quote does not end mid-word; else it starts at the cue's clause (or the
    first title or list item within reach of the cue) and ends after a list item, title or bracket (or at CLIP_CHARS).
    Only the CLIP_CHARS either side of the cue are looked at, so a huge run-on "sentence" costs no more.
    """
    text = sentence.text
    if len(text) <= CLIP_CHARS:
        return sentence.start, sentence.end
    hits = sorted((i, len(c)) for i, c in ((text.find(c), c) for c in cues if c) if i >= 0)
    first, cue_len = hits[0] if hits else (0, 0)
    lo, hi = max(0, first - CLIP_CHARS), min(len(text), first + cue_len + CLIP_CHARS)
    marks = _marks(text, lo, hi)
    cuts = [0] * (lo == 0) + marks.clause_ends + [hi] * (hi == len(text))
    windows = [(b - a, -a, a, b) for a in cuts if a <= first for b in cuts
               if b >= first + cue_len and 0 < b - a <= CLIP_CHARS]
    if windows:
        _, _, a, b = max(windows)
        return sentence.start + a, sentence.start + b
    # no whole clauses fit (a long list of titles): the quote opens on a word, not inside one
    reach = first + cue_len - CLIP_CHARS
    starts = ([a for a in cuts if reach <= a <= first]
              or sorted([a for a in marks.title_opens if reach <= a <= first]
                        + [a for a in marks.item_starts if reach < a <= first])[:1])  # its 、 within reach too
    a = max(starts) if starts else max(0, min(first - CLIP_CHARS // 3, len(text) - CLIP_CHARS))
    ends = [b for b in marks.item_ends if a < b <= a + CLIP_CHARS and b >= first + cue_len]
    b = max(ends) if ends else min(len(text), a + CLIP_CHARS)
    return sentence.start + a, sentence.start + b


def bigrams(text: str) -> set[str]:
    """The character bigrams of ``text`` folded to letters and digits (NFKC, lowercased)."""
    norm = folded(text)
    return {norm[i:i + 2] for i in range(len(norm) - 1)}


def query_bigrams(indicator: Indicator) -> set[str]:
    """The character bigrams of the indicator's queries (of its question when it has none)."""
    return set().union(*map(bigrams, indicator.queries)) if indicator.queries else bigrams(indicator.question)


def overlap(text: str, wanted: set[str]) -> float:
    """Share of ``wanted`` (an indicator's query bigrams) found in ``text``.

    The tie-break among equal cue weights when no embeddings are computed.
    """
    return len(wanted & bigrams(text)) / len(wanted) if wanted else 0.0


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


class QueryVectors:
    """Embeddings of every indicator's question and queries, computed once per embedder."""

    def __init__(self, framework: Framework, embeddings: Embeddings) -> None:
        self.vectors: dict[str, list[float]] = {}
        for check in framework.checks:
            for ind in check.indicators:
                self.vectors[ind.id] = embeddings.embed_query(" ".join([ind.question, *ind.queries]))


def lead_sentences(sentences: list[Sentence], evidence_ok: set[int]) -> dict[int, list[int]]:
    """First sentence under one or more headings → those headings, for headings followed by content of their own.

    ``evidence_ok`` holds the indices of the sentences that may be evidence. Such a heading is never evidence
    itself: the sentence that opens its section stands in for it, carrying the heading's cues, so a reader is
    shown the measure rather than its title.
    """
    lead: dict[int, list[int]] = {}
    pending: list[Sentence] = []
    for s in sentences:
        if s.role == "heading":
            pending.append(s)
            continue
        if s.index in evidence_ok:
            under = [h.index for h in pending if s.heading_path[:len(h.heading_path)] == h.heading_path]
            if under:
                lead[s.index] = under
        pending = []
    return lead


def select_candidates(
    text: str, sentences: list[Sentence], framework: Framework, rules: ReadingRules,
    queries: QueryVectors | None, sentence_vectors: list[list[float]], *, k: int, semantic: bool = True,
) -> dict[str, list[Candidate]]:
    """Indicator id → up to ``k`` candidates in plan order: about half by cues, the rest by meaning.

    With ``semantic`` off only the cue half is chosen and ``sentence_vectors`` is not read.
    """
    out: dict[str, list[Candidate]] = {}
    semantic = semantic and queries is not None
    evidence_ok = {s.index for s in sentences if may_be_evidence(s, rules)}  # once per sentence, not per indicator
    headings_of = lead_sentences(sentences, evidence_ok)
    stood_in = {h for hs in headings_of.values() for h in hs}
    usable = [s for s in sentences if s.index in evidence_ok and s.index not in stood_in]
    plan_states_period = has_cue(text, rules.time_horizon)
    for check in framework.checks:
        for ind in check.indicators:
            pool = [s for s in usable if fits(s, ind, rules)
                    and (not ind.dated or carries_time_horizon(s, rules, plan_states_period))
                    and (not ind.future or not about_the_past(s, rules))]
            own = {s.index: cue_weight(s.text, ind.keywords, rules, ind.idioms, titles=ind.titles) for s in pool}
            # the preamble counts only where it names something specific itself (a national plan, for E1a)
            pool = [s for s in pool if s.role != "preamble" or own[s.index]]
            # a sentence standing in for its headings carries their cues too
            weight = {s.index: max([own[s.index], *(cue_weight(sentences[h].text, ind.keywords, rules, ind.idioms,
                                                               titles=ind.titles)
                                                    for h in headings_of.get(s.index, []))]) for s in pool}
            if semantic and queries is not None:
                sim = {s.index: _cosine(queries.vectors[ind.id], sentence_vectors[s.index]) for s in pool}
            else:
                wanted = query_bigrams(ind)
                sim = {s.index: overlap(s.text, wanted) for s in pool if weight[s.index]}
            by_cue = sorted((s for s in pool if weight[s.index]), key=lambda s: (-weight[s.index], -sim.get(s.index, 0.0)))
            n_cue = (k + 1) // 2
            chosen = {s.index: "cue" for s in by_cue[:n_cue]}
            if semantic:
                for s in sorted(pool, key=lambda s: -sim[s.index]):
                    if len(chosen) >= k:
                        break
                    chosen.setdefault(s.index, "meaning")
            picked = []
            for s in sorted((s for s in pool if s.index in chosen), key=lambda s: s.index):
                start, end = clip(s, ind.keywords)
                picked.append(Candidate(indicator=ind.id, sentence=s.index, text=text[start:end], start=start, end=end,
                                        section=s.section, cue_weight=weight[s.index],
                                        similarity=round(sim.get(s.index, 0.0), 4) if semantic else 0.0,
                                        source=chosen[s.index]))
            out[ind.id] = picked
    return out
