"""Segment stage: the plan's sentences, each with its span, section and reading role.

The one sentence splitter of the package. A sentence ends at 。；！？ (with closing
quotes) or a line end; chunking (:func:`sentence_ends`) and the instruction guard cut at
the same marks. Each sentence gets a role from ``corpus/reading/reading.yaml``:
``title``, ``apparatus`` (document numbers, notice titles, sign-off lines), ``addressee``,
``wrapper`` (印发/转发 notices), ``preamble`` (the standard political opening), ``principle``
(the body of a 指导思想/基本原则 section: the plan's stance, not its measures), ``heading``
or ``body``. Only ``body`` and ``heading`` sentences can be evidence of everything; ``preamble``
sentences only for what they name specifically, ``principle`` sentences only for indicators about
the plan's stance (see :mod:`reviewer.candidates`). A lead-in ("……到2027年：", a bullet label
"——创新投入持续加大。") is joined to the sentence it introduces: it says nothing on its own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .ingest.headings import heading_rank, heading_title
from .ingest.textquality import SPACES
from .resources import data_dir, parse_yaml

Role = Literal["title", "apparatus", "addressee", "wrapper", "preamble", "principle", "heading", "body"]
NOT_EVIDENCE: frozenset[str] = frozenset({"title", "apparatus", "addressee", "wrapper"})
"""Roles that are never evidence of anything."""

END_MARKS = "。；！？!?;"
"""Punctuation that ends a sentence."""
_CLOSERS = "”’）」』\"')"
_END = re.compile(f"[{END_MARKS}]+[{_CLOSERS}]*")
"""Sentence-ending punctuation with any closing quotes after it."""
_ENDS = re.compile(f"{_END.pattern}|\n+")
_ENDS_LATIN = re.compile(f"{_END.pattern}|(?<=[A-Za-z])\\.(?=[ \n])|\n+")


class ScopeRules(BaseModel):
    """Cues that decide what kind of document a plan is (see :mod:`reviewer.scope`)."""

    model_config = ConfigDict(extra="forbid")

    decision: list[str]
    comprehensive: list[str]
    fields: list[str]
    """Single fields a title may name beside 新质生产力 (海洋, 人工智能 …): the plan is then thematic."""
    whole_agenda: list[str]
    """Title words that make a field part of NQPF's whole agenda (新兴产业和未来产业): then not thematic."""
    task_headings: list[str]
    task_verbs: list[str]
    task_heading_count: int
    excerpt_chars: int
    closing_headings: list[str]
    wrapper_body_chars: int
    wrapped_plan_chars: int
    """Plan text after the notice that makes the document more than a notice alone (its opening at least)."""
    comprehensive_mentions: int


class ReadingRules(BaseModel):
    """``reading.yaml``: how apparatus, preamble and fixed phrases are recognised."""

    model_config = ConfigDict(extra="forbid")

    title_words: list[str]
    title_max_chars: int
    wrapper_markers: list[str]
    apparatus_markers: list[str]
    site_chrome_markers: list[str] = []
    """A line holding one of these is a web page's furniture (当前位置, 浏览次数, ICP备 …), copied with the plan: apparatus."""
    site_chrome_max_chars: int = 0
    """Longest such line (a footer line with its ICP number runs long). 0: no such rule."""
    duty_openers: list[str]
    addressee_openers: list[str]
    label_markers: list[str]
    label_max_chars: int
    preamble_markers: list[str]
    """Clauses of the preamble's opening formula (为指导, 决策部署 …)."""
    preamble_closing: list[str]
    """Clauses of its closing formula (结合我市实际, 制定本方案 …); both make an opening sentence preamble."""
    preamble_sections: list[str]
    principle_sections: list[str]
    fixed_phrases: list[str]
    central_definition: list[str] = []
    """Formulas of the centre's own definition of NQPF: a sentence restating it states no stance of the plan's own."""
    slogan_item_chars: int = 0
    """A quoted list whose items are at most this long (“两高地、两基地、一屏障”) is a slogan: no cue inside it counts.
    0: no such rule."""
    quantity_words: list[str] = []
    """Exclusion cues that state a quantity when a number follows (不足80公里 is a distance, not a shortage)."""
    min_evidence_chars: int
    time_horizon: list[str]
    """Words that give a target its time horizon (到20…, 2027年, 年均, 十五五 …)."""
    target_headings: list[str]
    """Heading words of a targets section (主要目标): its sentences share the period the plan states."""
    review_headings: list[str]
    """Heading words of a section on the past (工作回顾, 发展基础): its sentences state results, never targets."""
    scope: ScopeRules


@lru_cache(maxsize=4)
def _load_rules(path: Path) -> ReadingRules:
    return ReadingRules.model_validate(parse_yaml(path.read_text(encoding="utf-8")))


def load_reading_rules(path: Path | None = None) -> ReadingRules:
    """The shipped reading rules (``corpus/reading/reading.yaml``) or those at ``path``."""
    return _load_rules(path or data_dir("corpus") / "reading" / "reading.yaml")


class Sentence(BaseModel):
    """One sentence of the plan: exactly ``text[start:end]`` of the document."""

    index: int
    text: str
    start: int
    end: int
    role: Role = "body"
    heading_path: list[str] = Field(default_factory=list)
    """Titles of the headings the sentence sits under, outermost first."""

    @property
    def section(self) -> str:
        """The innermost heading title, or an empty string."""
        return self.heading_path[-1] if self.heading_path else ""


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty sentences of ``text`` (split at end punctuation and line ends)."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        cursor = line.start()
        for end in _END.finditer(line.group()):
            spans.append((cursor, line.start() + end.end()))
            cursor = line.start() + end.end()
        spans.append((cursor, line.end()))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def sentence_ends(text: str, *, latin_stops: bool = False) -> list[int]:
    """Offsets just past each sentence end in ``text``: end punctuation with its closing quotes, or a run of line breaks.

    ``latin_stops`` also ends a sentence at a full stop after a Latin letter that a space or a line
    break follows (English passages of a user's corpus documents); the plan's sentences never split there.
    """
    return [m.end() for m in (_ENDS_LATIN if latin_stops else _ENDS).finditer(text)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in SPACES:
        start += 1
    while end > start and text[end - 1] in SPACES:
        end -= 1
    return start, end


def _is_title(line: str, rules: ReadingRules) -> bool:
    if len(line) > rules.title_max_chars or re.search("[。；！？]", line[:-1]):
        return False
    return line.startswith("《") or any(w in line for w in rules.title_words)


def _line_role(line: str, rules: ReadingRules) -> Role | None:
    """The role a whole line has by its form (title, apparatus, addressee), else None."""
    stripped = line.strip(SPACES)
    if stripped.endswith(("：", ":")) and any(stripped.startswith(o) for o in rules.addressee_openers) and len(stripped) <= 200:
        return "addressee"
    if heading_rank(stripped) is not None:
        return None
    if len(stripped) <= 40 and (any(m in stripped for m in rules.apparatus_markers) or _is_dateline(stripped)):
        return "apparatus"
    if len(stripped) <= rules.site_chrome_max_chars and any(m in stripped for m in rules.site_chrome_markers):
        return "apparatus"
    if _is_title(stripped, rules) and not stripped.endswith("。"):
        return "title"
    return None


def _is_dateline(line: str) -> bool:
    """A line holding only a date (2024年5月10日, also 2025年 4月23日) or an issuing body's name (中共某市委)."""
    bare = re.sub(f"[{SPACES}]", "", line.strip("（）() "))
    return bool(re.fullmatch(r"[0-9〇零一二三四五六七八九十]{2,4}年[0-9一二三四五六七八九十]{1,2}月[0-9一二三四五六七八九十]{1,3}日", bare)) or (
        len(bare) <= 25 and "，" not in bare
        and (bare.endswith(("人民政府", "办公室", "办公厅", "委员会", "管委会")) or bool(re.fullmatch(r"中共\S{1,12}委", bare)))
    )


TITLE_PIECE_CHARS = 40
"""Longest line read as one piece of a title set over several lines."""


def _title_block(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences with the other lines of a multi-line title block given a title's or apparatus role.

    Real documents set a long title over lines ("关于打造更高水平创新活力之城" above "因地制宜发展新质生产力的行动方案",
    "中共乐山市委" above "关于以发展新质生产力为重要着力点" above "加快构建…的决定") and follow it with a bracketed line
    ("(2024—2027年)", "（2024年6月25日…全体会议通过）"). Short unpunctuated whole lines just above a title line are
    title; a bracketed whole line just below it is apparatus. Neither is ever evidence.
    """
    def whole_line(s: Sentence) -> bool:
        before, after = text.rfind("\n", 0, s.start) + 1, text.find("\n", s.end)
        line = text[before:len(text) if after < 0 else after].strip(SPACES)
        return line == s.text.strip(SPACES)

    def piece(s: Sentence) -> bool:
        return (s.role == "body" and len(s.text.strip(SPACES)) <= TITLE_PIECE_CHARS and whole_line(s)
                and not re.search("[，。；！？：,;!?:]", s.text))

    roles = [s.role for s in sentences]
    for i, s in enumerate(sentences):
        if s.role != "title":
            continue
        j = i - 1
        while j >= 0 and piece(sentences[j]):
            roles[j] = "title"
            j -= 1
        k = i + 1
        if k < len(sentences) and sentences[k].role == "body" and whole_line(sentences[k]) and len(sentences[k].text) <= 60 \
                and re.fullmatch(r"[（(][^。]*|[^。]*[）)]", sentences[k].text.strip(SPACES)):
            roles[k] = "apparatus"
    return [s if s.role == r else s.model_copy(update={"role": r}) for s, r in zip(sentences, roles, strict=True)]


def segment(text: str, rules: ReadingRules | None = None) -> list[Sentence]:
    """The document's sentences with roles and heading paths, in order."""
    rules = rules or load_reading_rules()
    sentences: list[Sentence] = []
    path: list[tuple[int, str]] = []
    in_opening = True  # before the first heading that is not 指导思想/总体要求
    line_spans = {m.start(): m.group() for m in re.finditer(r"[^\n]+", text)}
    line_of = sorted(line_spans)
    li = 0
    for start, end in split_sentences(text):
        while li + 1 < len(line_of) and line_of[li + 1] <= start:
            li += 1
        line_start = line_of[li] if line_of else 0
        line = line_spans.get(line_start, "")
        s = text[start:end]
        role: Role = "body"
        at_line_start = start - line_start <= len(line) - len(line.lstrip(SPACES))
        rank = heading_rank(line) if at_line_start else None
        if at_line_start and (line_role := _line_role(line, rules)) is not None:
            role = line_role
        elif rank is not None:
            role = "heading"
            while path and path[-1][0] >= rank:
                path.pop()
            title = heading_title(line)
            path.append((rank, title))
            if not any(p in title for p in rules.preamble_sections):
                in_opening = False
        headings = [t for _, t in path]
        in_principles = any(p in t for t in headings for p in rules.principle_sections)
        if role == "body":
            if s.lstrip(SPACES + "（(【[").startswith(tuple(rules.duty_openers)):
                role = "apparatus"
            elif any(m in s for m in rules.wrapper_markers):
                role = "wrapper"
            elif any(m in s for m in (*rules.preamble_markers, *rules.preamble_closing)) and (
                in_opening or any(p in t for t in headings for p in rules.preamble_sections)
            ):
                role = "preamble"
            elif in_principles:
                role = "principle"
        for part_start, part_end, part_role in _split_preamble(text, start, end, role, rules, in_principles):
            sentences.append(Sentence(index=len(sentences), text=text[part_start:part_end], start=part_start,
                                      end=part_end, role=part_role, heading_path=headings))
    return _fold_lead_ins(text, _title_block(text, sentences), rules)


def word_chars(text: str) -> int:
    """Letters and digits in ``text`` (CJK characters count as letters)."""
    return sum(ch.isalnum() for ch in text)


def _is_label(sentence: Sentence, rules: ReadingRules) -> bool:
    """A bullet label such as "——国家重要清洁能源基地。": a dash, a few words, no clause of its own."""
    t = sentence.text
    return (t.startswith(tuple(rules.label_markers)) and word_chars(t) <= rules.label_max_chars
            and not any(c in t for c in "，,：:；;"))


def _introduces(text: str, sentence: Sentence, after: Sentence, rules: ReadingRules) -> bool:
    """Whether ``sentence`` only introduces ``after``: a lead-in ending with "：", or a bullet label on the same line."""
    if sentence.role in NOT_EVIDENCE or sentence.role == "heading" or after.role != sentence.role:
        return False
    if after.heading_path != sentence.heading_path:
        return False
    if sentence.text.endswith(("：", ":")):
        return True
    return _is_label(sentence, rules) and "\n" not in text[sentence.end:after.start]


def _fold_lead_ins(text: str, sentences: list[Sentence], rules: ReadingRules) -> list[Sentence]:
    """The sentences with each lead-in joined to the sentence it introduces.

    A lead-in ("到2027年：", a bullet label "——创新投入持续加大。") says nothing on its own: read, quoted
    and judged with what follows it, it is one piece of evidence.
    """
    joined: list[Sentence] = []
    pending: int | None = None  # start of the lead-in(s) waiting for their sentence
    for i, s in enumerate(sentences):
        start = s.start if pending is None else pending
        if i + 1 < len(sentences) and _introduces(text, s, sentences[i + 1], rules):
            pending = start
            continue
        pending = None
        joined.append(s.model_copy(update={"index": len(joined), "start": start, "text": text[start:s.end]}))
    return joined


MIN_CLAUSE_CHARS = 12
"""A preamble sentence's content between its boilerplate clauses is kept as content when at least this long."""


def _split_preamble(
    text: str, start: int, end: int, role: Role, rules: ReadingRules, in_principles: bool,
) -> list[tuple[int, int, Role]]:
    """Cut the plan's own content out of a preamble sentence.

    The opening formula runs to its last boilerplate clause (为深入贯彻…精神，); a closing formula
    (结合我市实际，制定本方案) may end the sentence. What lies between (落实《…》，立足国家赋予我市
    的…定位，坚持…) is the plan's own framing: content, and a statement of principle when it sits
    in a principle section.
    """
    if role != "preamble":
        return [(start, end, role)]
    clauses = [(start + m.start(), start + m.end(), m.group()) for m in re.finditer("[^，,]+[，,]?", text[start:end])]
    closing = [any(c in clause for c in rules.preamble_closing) for _, _, clause in clauses]
    opening = [not close and any(m in clause for m in rules.preamble_markers)
               for (_, _, clause), close in zip(clauses, closing)]
    first = max((i + 1 for i, is_open in enumerate(opening) if is_open), default=0)
    last = next((i for i in range(first, len(clauses)) if closing[i]), len(clauses))
    if last <= first or clauses[last - 1][1] - clauses[first][0] < MIN_CLAUSE_CHARS:
        return [(start, end, role)]
    cut, close = clauses[first][0], clauses[last - 1][1]
    content: Role = "principle" if in_principles else "body"
    return [part for part in ((start, cut, "preamble"), (cut, close, content), (close, end, "preamble")) if part[1] > part[0]]
