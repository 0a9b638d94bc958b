"""The report's view model: every word the outputs show, worked out once from a :class:`Report`.

Markdown (:mod:`.markdown`), the Word memo (:mod:`.word`) and the page (:mod:`.page`) lay the
same :class:`ReportView` out differently; none of them builds report text of its own, so a
label, a location or a search-scope line reads the same in all three.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from pydantic import BaseModel

from ..contracts import Evidence, Finding, IndicatorResult, Report
from ..sentences import split_sentences

LEVELS = {"province": "省级", "city": "市级", "county": "县级", "district": "区级", "zone": "开发区/园区", "unknown": "未能判断"}
VERDICTS = {
    "present": "存在", "absent": "未发现", "covered": "已体现", "partial": "部分体现", "missing": "缺失",
}
STATUS = {"unparseable": "模型回答无法解析", "failed": "检查失败", "not_judgeable": "无法判断"}
WEAK = "（模型把握较低，请核对原文）"
"""Shown after a quote the model was unsure of."""
SETTLED = "（属于评分细则直接认定的情形，未询问模型）"
"""Shown after a quote the rubric's own pattern counted (the indicator's ``settled_by``)."""
ANSWERS = {"yes": "是", "no": "否", None: "—"}
DISCLAIMER = "本意见由模型辅助生成：每条证据都是规划原文中的句子（已标明位置），结论由框架规则从逐句回答推出；请结合原文复核后使用。"


def verdict_label(f: Finding) -> str:
    """The verdict in Chinese, or why there is none."""
    return VERDICTS[f.verdict] if f.status == "ok" and f.verdict else STATUS.get(f.status, f.status)


class EvidenceView(BaseModel):
    """One shown quote and where it is in the plan."""

    check_id: str
    indicator: str
    quote: str
    """The plan's words followed by the check-it mark when the model was unsure."""
    page: int
    where: str
    """The headings the quote sits under, or 正文."""
    start: int
    end: int
    anchor: str
    """The id of the quote's highlight in the page's plan text."""


class FindingView(BaseModel):
    """One check as every output shows it."""

    check_id: str
    kind: str
    title: str
    """``M1 发达地区专属论``."""
    label: str
    """The verdict in Chinese, or why there is none."""
    verdict: str | None
    ok: bool
    """Whether the check was judged (status ok)."""
    flagged: bool
    confidence: str
    """Two decimals, or — when the check was not judged."""
    reason_label: str
    """``判断依据`` for a verdict, ``原因`` for a check that was not judged."""
    reason: str
    evidence: list[EvidenceView]
    indicators: list[str]
    """Each indicator question with its answer, best score, threshold and how many sentences were put to it."""
    searched: str | None
    """Where the reviewer looked, when it shows no quote for a judged check."""
    citations: list[str]
    suggestion: str | None
    """Revision advice, when the verdict flags a problem."""


class ReportView(BaseModel):
    """The whole report as the outputs show it."""

    title: str
    facts: str
    """File, size, place, level and plan period in one line."""
    summary: str
    scope: str | None
    findings: list[FindingView]
    quality: list[str]
    """How the text was read: pages, Chinese share, dropped pages, warnings."""
    run: list[str]
    """How the report was made: backend, model, prompt, framework and corpus hashes, tokens, time."""
    disclaimer: str = DISCLAIMER


def one_line(quote: str) -> str:
    """A quote with its line breaks shown as a space (a lead-in and the sentence it introduces sit on two lines).

    Every output keeps a quote as one item; the JSON report keeps the verbatim text and its span.
    """
    return re.sub(r"[ \t\u3000]*\n\s*", " ", quote)


OMITTED = "……"
"""Shown inside the quote marks where a quote is a window of a longer sentence, on the side the sentence goes on."""


class SentenceBounds(NamedTuple):
    """Where the plan's sentences start and end, as the segmenter splits them (:func:`split_sentences`)."""

    starts: frozenset[int]
    ends: frozenset[int]

    @classmethod
    def of(cls, text: str) -> "SentenceBounds":
        """The bounds of ``text``'s sentences."""
        spans = split_sentences(text)
        return cls(frozenset(s for s, _ in spans), frozenset(e for _, e in spans))


def shown_quote(e: Evidence, bounds: SentenceBounds | None) -> str:
    """The quote in quote marks, ``……`` where its sentence goes on beyond it, and the check-it mark if weak.

    A sentence over 90 characters is quoted as a window of whole clauses; the marks tell the reader that
    the sentence continues in the plan. Without ``bounds`` no side is marked.
    """
    before = bounds is not None and e.start not in bounds.starts
    after = bounds is not None and e.end not in bounds.ends
    mark = SETTLED if e.settled else WEAK if e.weak else ""
    return f"“{OMITTED if before else ''}{one_line(e.quote)}{OMITTED if after else ''}”{mark}"


def _evidence(f: Finding, bounds: SentenceBounds | None) -> list[EvidenceView]:
    """Each quoted span once: a sentence that answers two of the check's questions is one quote naming both."""
    spans: dict[tuple[int, int], list[Evidence]] = {}
    for e in f.evidence:
        spans.setdefault((e.start, e.end), []).append(e)
    views = []
    for n, same in enumerate(spans.values()):
        e = max(same, key=lambda x: x.score if x.score is not None else 1.0)  # marked unsure only if every answer was
        views.append(EvidenceView(check_id=f.check_id, indicator="、".join(x.indicator for x in same), quote=shown_quote(e, bounds),
                                  page=e.page, where=" / ".join(e.heading_path) or "正文", start=e.start, end=e.end,
                                  anchor=f"ev-{f.check_id}-{n}"))
    return views


def _indicator(ind: IndicatorResult) -> str:
    seen = f"看过 {len(ind.candidates)} 句"
    if ind.settled:
        detail = f"（原文{SETTLED.strip('（）')}；{seen}）"
    elif ind.score is not None and ind.threshold:
        detail = f"（最高 {ind.score:.2f}，阈值 {ind.threshold:.2f}，{seen}）"
    else:
        detail = ""
    return f"{ind.id} {ind.question} → {ANSWERS[ind.answer]}{detail}"


def finding_view(f: Finding, bounds: SentenceBounds | None = None) -> FindingView:
    """One finding as the outputs show it (``bounds``: the plan's sentences, to mark quotes that are windows)."""
    ok = f.status == "ok"
    searched = None
    if ok and (f.verdict == "missing" or not f.evidence):
        searched = (f"按线索词和语义选出的 {len(f.searched.passages)} 个候选句；原文标题、文号、印发通知、主送单位不作证据")
    return FindingView(
        check_id=f.check_id, kind=f.kind, title=f"{f.check_id} {f.name}", label=verdict_label(f), verdict=f.verdict, ok=ok,
        flagged=f.flagged, confidence=f"{f.confidence:.2f}" if ok else "—", reason_label="判断依据" if ok else "原因",
        reason=(f.rationale if ok else f.error) or "", evidence=_evidence(f, bounds),
        indicators=[_indicator(ind) for ind in f.indicators], searched=searched,
        citations=[f"{c.ref}（{c.title}：{c.topic}）" if c.topic else f"{c.ref}（{c.title}）" for c in f.citations],
        suggestion=" ".join(f.suggestion.split()) if f.suggestion and f.flagged else None,
    )


def _quality(report: Report) -> list[str]:
    q = report.quality
    lines = [f"读取 {q.pages_read}/{q.pages_total} 页，中文占比 {q.cjk_share:.0%}。"]
    ocr = [p for p in q.pages if p.source == "ocr" and p.rejected is None]
    if ocr:
        pages = "，".join(f"第{p.number}页 {p.ocr_confidence:.2f}" + ("（置信度低，请对照扫描件核对）" if p.low_confidence else "")
                         for p in ocr)
        lines.append(f"无文字层、经 OCR 识别的页（平均置信度）：{pages}；其余页取自文字层。")
    lines += [f"第{p.number}页未采用：{p.reason}" for p in q.rejected]
    return lines + [f"⚠️ {w}" for w in q.warnings]


def _run(report: Report) -> list[str]:
    run = report.run
    return [
        f"后端/模型：{run.backend} / {run.model}；嵌入：{run.embedder}",
        f"提示词：{'，'.join(f'{k}@{v}' for k, v in run.prompts.items())}；框架 {run.framework_sha256}；语料 {run.corpus_sha256}",
        f"令牌：输入 {run.usage.prompt_tokens}，输出 {run.usage.completion_tokens}，调用 {run.usage.calls} 次；用时 {run.seconds:.1f} 秒",
    ]


def report_view(report: Report) -> ReportView:
    """The report as the outputs show it."""
    bounds = SentenceBounds.of(report.text)
    p = report.profile
    return ReportView(
        title=p.title,
        facts=f"文件：{report.source}（{report.chars} 字）；地区：{p.locality or '未写明'}（{LEVELS[p.level]}）；规划期：{p.period or '未写明'}",
        summary=report.summary.text,
        scope=f"文件类型：{report.scope.name}（{report.scope.reason}）" if report.scope else None,
        findings=[finding_view(f, bounds) for f in report.findings],
        quality=_quality(report),
        run=_run(report),
    )
