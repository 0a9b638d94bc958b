"""Scope stage: what kind of document this is, which decides what silence means.

Five kinds (``docs/rubric.md``, reading rules): a comprehensive NQPF plan, a thematic
plan on one field, a decision or work report that touches NQPF, a 印发/转发 wrapper
alone, or an excerpt too short to judge the whole. Misconceptions inferred from absence
are judged only in comprehensive plans whose task list is shown; elsewhere a
misconception needs a positive statement, and a wrapper alone cannot be judged for them.
Decided from the title (or the file name when the text has none) and the document's
structure, by the cues in ``corpus/reading/reading.yaml``.
"""

from __future__ import annotations

import re
from typing import Literal

from .contracts import DocumentScope
from .sentences import ReadingRules, Sentence

ScopeKind = Literal["comprehensive", "thematic", "decision", "wrapper", "excerpt"]

SCOPE_NAMES: dict[str, str] = {
    "comprehensive": "新质生产力综合性规划",
    "thematic": "单一领域的专题规划",
    "decision": "涉及新质生产力的决定或工作报告",
    "wrapper": "仅有印发/转发通知",
    "excerpt": "篇幅过短的节选",
}


_QUOTED_TITLE = re.compile(r"《([^》]{4,80})》")


def _plan_title(sentences: list[Sentence], source: str) -> str:
    """The wrapped plan's title: a title line that is not the notice's own, else one in 《》, else the file name."""
    titles: list[str] = []  # a title set over several lines is one title
    for prev, s in zip([None, *sentences], sentences, strict=False):
        if s.role == "title":
            if prev is not None and prev.role == "title":
                titles[-1] += s.text.strip()
            else:
                titles.append(s.text.strip())
    own = [t for t in titles if "通知" not in t]
    if own:
        return own[0]
    for s in sentences:
        if s.role in ("title", "wrapper", "apparatus") and (m := _QUOTED_TITLE.search(s.text)):
            return m.group(1)
    return titles[0] if titles else re.sub(r"\.[A-Za-z0-9]{1,5}$", "", source)


def classify_scope(sentences: list[Sentence], source: str, rules: ReadingRules) -> DocumentScope:
    """Decide the document's kind from its title and structure."""
    cues = rules.scope
    title = _plan_title(sentences, source)
    content = [s for s in sentences if s.role in ("body", "heading")]
    body_chars = sum(len(s.text) for s in content)
    headings = [_heading_words(s.text) for s in sentences if s.role == "heading"]
    task_list = any(any(h in text for h in cues.task_headings) for text in headings) or (
        sum(1 for text in headings if text.startswith(tuple(cues.task_verbs))) >= cues.task_heading_count)
    notice = any(s.role == "wrapper" for s in sentences)
    mentions = sum(s.text.count("新质生产力") for s in content)

    def scope(kind: ScopeKind, reason: str) -> DocumentScope:
        return DocumentScope(kind=kind, name=SCOPE_NAMES[kind], title=title, task_list=task_list, body_chars=body_chars,
                             reason=reason, absence_rules_apply=kind == "comprehensive" and task_list)

    if notice and body_chars < cues.wrapper_body_chars and _wrapped_plan_chars(sentences) < cues.wrapped_plan_chars:
        return scope("wrapper", f"只有印发/转发通知，正文内容不足{cues.wrapper_body_chars}字")
    if any(w in title for w in cues.decision):
        return scope("decision", f"标题“{title[:40]}”表明是决定或工作报告，新质生产力只是其中一部分")
    field = None if any(w in title for w in cues.whole_agenda) else next((w for w in cues.fields if w in title), None)
    if field is None and (any(w in title for w in cues.comprehensive)
                          or (not _has_title(sentences) and mentions >= cues.comprehensive_mentions)):
        closing = any(any(c in text for c in cues.closing_headings) for text in headings)
        if body_chars < cues.excerpt_chars and not (task_list and closing):
            return scope("excerpt", f"综合性规划的片段（正文{body_chars}字，未见完整的任务清单）")
        if task_list:
            return scope("comprehensive", "以新质生产力为主题的综合性规划，列出了重点任务")
        return scope("comprehensive", "以新质生产力为主题的综合性规划（未见完整的任务清单）")
    if body_chars < cues.excerpt_chars and not task_list:
        return scope("excerpt", f"篇幅过短（正文{body_chars}字），不足以判断全貌")
    if field is not None:
        return scope("thematic", f"标题“{title[:40]}”点明了{field}这一领域，是该领域的专题规划，不以新质生产力整体为对象")
    return scope("thematic", f"标题“{title[:40]}”表明是单一领域的专题规划，不以新质生产力整体为对象")


def _wrapped_plan_chars(sentences: list[Sentence]) -> int:
    """Characters of the plan a notice sends out: its text after its own title, a title line below the wrapper."""
    wrapper = plan = False
    chars = 0
    for s in sentences:
        if s.role == "wrapper":
            wrapper = True
        elif s.role == "title" and wrapper:
            plan = True
        elif plan and s.role in ("body", "heading", "preamble", "principle"):
            chars += len(s.text)
    return chars


_MARKER = re.compile(r"^[\s（(]*[一二三四五六七八九十百零〇两\d]+[）)、．.]?\s*")


def _heading_words(heading: str) -> str:
    """A heading without its number: （五）建设… → 建设…."""
    return _MARKER.sub("", heading, count=1)


def _has_title(sentences: list[Sentence]) -> bool:
    return any(s.role == "title" for s in sentences)
