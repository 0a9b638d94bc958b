"""Chunk stage: cut a Document into passages along the headings of Chinese plans.

Sections start at heading lines (第X章, 第X节, 一、, 第X条, （一）, 1., （1）, ①, and
Markdown ``#`` headings); each chunk keeps the path of headings above it, its page
range and its exact span in ``Document.text``. A section longer than ``max_chars``
is cut at sentence ends (those of :func:`reviewer.sentences.sentence_ends`: 。；！？ and line
ends, and a full stop after an English word), then at commas; a heading with no
text of its own goes with what follows it, and tiny sibling sections are merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .contracts import Chunk, Document
from .ingest.headings import heading_rank, heading_title
from .ingest.textquality import SPACES
from .sentences import sentence_ends

_SOFT_END = re.compile("[，、：,:]")
_MARKDOWN = re.compile(r"(#{1,6})\s+")
MIN_SECTION_SHARE = 4
"""A section shorter than ``max_chars // MIN_SECTION_SHARE`` counts as tiny and may be merged."""


@dataclass
class _Section:
    """A heading line (or the preamble) and the body up to the next heading."""

    start: int
    end: int
    path: list[str]
    body: bool
    """Whether the section has lines after its heading line."""


def _heading(line: str) -> tuple[int, str] | None:
    """Rank and title of a heading line, or None for body text."""
    markdown = _MARKDOWN.match(line)
    text = line[markdown.end() :] if markdown else line.strip(SPACES)
    rank = heading_rank(text)
    if rank is None and markdown:
        rank = len(markdown.group(1)) - 7  # above every Chinese marker: # title, ## part, ...
    return (rank, heading_title(text)) if rank is not None and text.strip() else None


def _sections(text: str) -> list[_Section]:
    """Split text into sections at heading lines, tracking the path of open headings."""
    sections: list[_Section] = []
    stack: list[tuple[int, str]] = []
    for match in re.finditer(r"[^\n]*\n?", text):
        line = match.group()
        if not line:
            break
        heading = _heading(line.rstrip("\n"))
        if heading is not None:
            while stack and stack[-1][0] >= heading[0]:
                stack.pop()
            stack.append(heading)
            sections.append(_Section(match.start(), match.end(), [title for _, title in stack], body=False))
        elif not sections:
            sections.append(_Section(match.start(), match.end(), [], body=bool(line.strip())))
        else:
            sections[-1].end = match.end()
            sections[-1].body = sections[-1].body or bool(line.strip())
    return sections


def _common_path(paths: list[list[str]]) -> list[str]:
    """The longest heading path all ``paths`` start with."""
    common = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(common), len(path)) and common[n] == path[n]:
            n += 1
        common = common[:n]
    return common


def _leads_into(section: _Section, after: _Section | None) -> bool:
    """A heading line with nothing under it but its sub-sections (三、重点任务 → （一）……)."""
    return (
        after is not None
        and not section.body
        and len(after.path) > len(section.path)
        and after.path[: len(section.path)] == section.path
    )


def _merge(sections: list[_Section], max_chars: int) -> list[list[_Section]]:
    """Attach lead-in headings to their first sub-section; merge tiny siblings while they fit."""
    tiny = max_chars // MIN_SECTION_SHARE
    groups: list[list[_Section]] = []
    for section in sections:
        group = groups[-1] if groups else None
        if group and (_leads_into(group[-1], section) or _small_sibling(group, section, tiny, max_chars)):
            group.append(section)
        else:
            groups.append([section])
    return groups


def _small_sibling(group: list[_Section], section: _Section, tiny: int, max_chars: int) -> bool:
    """Whether a tiny group takes in its next sibling (same parent, same depth) without growing too long."""
    last = group[-1]
    siblings = len(section.path) == len(last.path) and section.path[:-1] == last.path[:-1]
    return siblings and last.end - group[0].start < tiny and section.end - group[0].start <= max_chars


def _group_path(group: list[_Section]) -> list[str]:
    """The heading path of merged sections: the path they share, not counting lead-in headings."""
    paths = [s.path for s, after in zip(group, group[1:] + [None]) if not _leads_into(s, after)]
    return _common_path(paths)


def _cut(text: str, start: int, end: int, budget: int) -> int:
    """Where to end a piece starting at ``start``: the last sentence end within ``budget`` characters.

    If that would leave a stub (under a quarter of the budget, e.g. just a heading), a
    later comma is taken instead; with neither, the cut is hard.
    """
    limit = min(end, start + budget)
    if limit == end:
        return end
    window = text[start:limit]
    best = 0
    for ends in (sentence_ends(window, latin_stops=True), [m.end() for m in _SOFT_END.finditer(window)]):
        cuts = [end for end in ends if window[:end].strip()]
        if cuts and cuts[-1] > best:
            best = cuts[-1]
        if best >= budget // 4:
            break
    return start + best if best else limit


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _overlap_start(text: str, floor: int, start: int, overlap: int) -> int:
    """Start ``overlap`` characters early, at a sentence start if there is one in that window."""
    early = max(floor, start - overlap)
    if early == start:
        return start
    ends = [early + end for end in sentence_ends(text[early:start], latin_stops=True) if early + end < start]
    return ends[0] if ends else early


def _pieces(text: str, group: list[_Section], max_chars: int, overlap: int) -> list[tuple[int, int]]:
    """Spans of a group of sections, each at most ``max_chars`` long including its overlap."""
    spans: list[tuple[int, int]] = []
    floor = group[0].start
    pos, end = _trim(text, floor, group[-1].end)
    while pos < end:
        cut = _cut(text, pos, end, max_chars - overlap if spans else max_chars)
        first = _overlap_start(text, floor, pos, overlap) if spans and overlap else pos
        span = _trim(text, first, cut)
        if span[0] < span[1]:
            spans.append(span)
        pos = _trim(text, cut, end)[0]
    return spans


def chunk(doc: Document, *, max_chars: int = 400, overlap_chars: int = 0) -> list[Chunk]:
    """Cut ``doc`` into chunks of at most ``max_chars`` characters along its headings.

    ``overlap_chars`` repeats up to that many characters of the previous piece at the
    start of each further piece of a long section (from a sentence start when one is
    in reach); the total stays within ``max_chars``. ``doc.text[c.start:c.end] ==
    c.text`` for every chunk.
    """
    if max_chars < 20 or not 0 <= overlap_chars <= max_chars // 2:
        raise ValueError("need max_chars >= 20 and 0 <= overlap_chars <= max_chars / 2")
    chunks: list[Chunk] = []
    for group in _merge(_sections(doc.text), max_chars):
        for start, end in _pieces(doc.text, group, max_chars, overlap_chars):
            chunks.append(
                Chunk(
                    id=f"{len(chunks):04d}",
                    text=doc.text[start:end],
                    start=start,
                    end=end,
                    heading_path=_group_path([s for s in group if s.start < end and s.end > start]),
                    page_start=doc.page_at(start),
                    page_end=doc.page_at(end - 1),
                )
            )
    return chunks

