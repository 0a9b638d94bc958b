"""The review pipeline: load → clean → chunk → index → retrieve → judge → verify → aggregate.

``Reviewer.review`` reads as that list of stages; rendering is left to the caller
(:mod:`reviewer.render`). The chat model, the embedder and the corpus index are built once
per ``Reviewer`` and reused for every plan it reviews.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any, Callable

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel

from .aggregate import decide, summarise
from .chunk import chunk, heading_path_at
from .config import Settings, load_settings
from .contracts import Chunk, Citation, Document, Evidence, Finding, IndicatorResult, Report, RunInfo, SearchTrace, Usage
from .corpus import Passage, default_corpus_dirs, squash_text
from .embeddings import make_embeddings
from .framework import Check, Framework, load_framework
from .index import VectorIndex, build_index, index_dir, read_manifest
from .judge import EvidenceBlock, Judgment, instruction_like, judge_check, select_evidence
from .llm import LLMError, make_chat
from .load import load
from .profile import profile
from .prompts import load_prompt
from .retrieve import HybridRetriever, cite
from .verify import PlanText, verify_answer


class Progress(BaseModel):
    """A progress event: the stage, and for checks which one of how many."""

    stage: str
    check: str | None = None
    i: int = 0
    n: int = 0


ProgressFn = Callable[[Progress], None]


def plan_passages(chunks: list[Chunk], source: str) -> list[Passage]:
    """Plan chunks as passages of kind ``plan`` for the in-memory index."""
    return [
        Passage(
            id=f"plan§{c.id}", kind="plan", doc_id="plan", clause_id=c.id, title=source,
            topic=" / ".join(c.heading_path), text=c.text, page_start=c.page_start,
            page_end=c.page_end, start=c.start, end=c.end,
        )
        for c in chunks
    ]


def _citation(p: Passage) -> Citation:
    return Citation(doc_id=p.doc_id, clause_id=p.clause_id, kind="framework" if p.kind == "framework" else "central",
                    title=p.title, topic=p.topic, text=p.text, url=p.url, date=p.date)


class Reviewer:
    """Reviews plans with one settings object; models and the corpus index are loaded once."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        chat: BaseChatModel | None = None,
        embeddings: Embeddings | None = None,
        framework: Framework | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._chat = chat
        self._embeddings = embeddings
        self.framework = framework or load_framework()
        self._corpus: HybridRetriever | None = None
        self.template = load_prompt("judge_check")

    @property
    def chat(self) -> BaseChatModel:
        """The chat model, built from settings on first use."""
        if self._chat is None:
            self._chat = make_chat(self.settings)
        return self._chat

    @property
    def embeddings(self) -> Embeddings:
        """The embedder, built from settings on first use."""
        if self._embeddings is None:
            self._embeddings = make_embeddings(self.settings.embedding, self.settings.threads())
        return self._embeddings

    @property
    def corpus(self) -> HybridRetriever:
        """Retriever over the grounding corpus (the index is synced on first use)."""
        if self._corpus is None:
            dirs = [*default_corpus_dirs(), self.settings.user_corpus_dir()]
            index, _ = build_index(dirs, index_dir(self.settings.home), self.embeddings)
            self._corpus = HybridRetriever(index)
        return self._corpus

    def review(self, source: str | Path | bytes, *, name: str | None = None, progress: ProgressFn | None = None) -> Report:
        """Review a plan given as a path or bytes (``name`` gives the file type of bytes)."""
        notify = progress or (lambda event: None)
        timer = _Timer()
        notify(Progress(stage="load"))
        doc = timer.run("load", load, source, name=name)
        if injected := instruction_like(doc.text):
            doc.quality.warnings.append(
                f"规划文本中有 {len(injected)} 处疑似写给审读模型的指令，已在提示中屏蔽，未影响判断：" + "；".join(i[:40] for i in injected[:3])
            )
        notify(Progress(stage="chunk"))
        chunks = timer.run("chunk", chunk, doc, max_chars=self.settings.chunk_chars)
        notify(Progress(stage="index"))
        plan_index = timer.run("index", VectorIndex, None, self.embeddings, name="plan")
        try:
            timer.run("index", plan_index.sync, plan_passages(chunks, doc.source))
            plan_retriever = HybridRetriever(plan_index)
            corpus = timer.run("index", lambda: self.corpus)
            findings = self._judge_all(doc, plan_retriever, corpus, timer, notify)
        finally:
            plan_index.close()
        names = {c.id: c.name for c in self.framework.checks}
        return Report(
            source=doc.source, chars=len(doc.text), text=doc.text, profile=profile(doc), quality=doc.quality,
            findings=findings, summary=summarise(findings, names), run=self._run_info(findings, timer),
        )

    def _judge_all(self, doc: Document, plan: HybridRetriever, corpus: HybridRetriever,
                   timer: "_Timer", notify: ProgressFn) -> list[Finding]:
        checks = self.framework.checks
        # One block for all checks: the prompt cache then pays for it once.
        block = timer.run("retrieve", select_evidence, plan, checks,
                          max_chars=self.settings.evidence_chars, multipage=len(doc.pages) > 1)
        plan_text = PlanText(doc.text)  # normalised once, searched by every check's verification
        findings: list[Finding] = []
        backend_down: str | None = None
        for i, check in enumerate(checks, 1):
            notify(Progress(stage="judge", check=check.id, i=i, n=len(checks)))
            if backend_down:
                findings.append(self._failed(check, block, f"not attempted: the LLM backend failed earlier ({backend_down})"))
                continue
            try:
                judgment = timer.run("judge", judge_check, check, block, self.chat, self.template,
                                     plan_text=doc.text, max_retries=self.settings.max_retries)
            except LLMError as exc:
                findings.append(self._failed(check, block, str(exc)))
                if len(findings) >= 2 and findings[-2].status == "failed":
                    backend_down = str(exc)  # two failures in a row: stop hammering a dead backend
                continue
            findings.append(timer.run("verify", self._finding, check, judgment, block, doc, plan_text, corpus))
        return findings

    def _trace(self, check: Check, block: EvidenceBlock) -> SearchTrace:
        return SearchTrace(
            queries=[q for ind in check.indicators for q in ind.queries],
            passages=[f"{p.clause_id} · {p.topic or '（无标题）'} · 第{p.page_start or 1}页" for p in block.passages],
            whole_plan=block.whole_plan,
        )

    def _failed(self, check: Check, block: EvidenceBlock, error: str) -> Finding:
        return Finding(check_id=check.id, name=check.name, kind=check.kind, status="failed", error=error,
                       searched=self._trace(check, block), prompt_id=self.template.id, prompt_sha256=self.template.sha256)

    def _finding(self, check: Check, judgment: Judgment, block: EvidenceBlock, doc: Document,
                 plan: PlanText, corpus: HybridRetriever) -> Finding:
        finding = Finding(
            check_id=check.id, name=check.name, kind=check.kind, searched=self._trace(check, block),
            prompt_id=judgment.prompt_id, prompt_sha256=judgment.prompt_sha256, raw=judgment.raw, usage=judgment.usage,
        )
        if not judgment.answers:
            finding.status = "unparseable"
            finding.error = f"no valid answer after {judgment.attempts} attempts: {judgment.error}"
            return finding
        supported: dict[str, bool] = {}
        for ind in check.indicators:
            answer = judgment.answers[ind.id]
            result = IndicatorResult(id=ind.id, question=ind.question, answer=answer.answer, quotes=answer.quotes)
            for quote in answer.quotes or ([""] if answer.answer == "yes" else []):
                checked = self._verify(plan, doc, answer.answer, quote, ind.keywords, ind.exclude)
                if checked.match is not None:
                    result.quote_found = bool(result.quote_found) or checked.match.verified
                if checked.dropped:
                    result.dropped.append(checked.dropped)
                    finding.dropped_quotes += 1
                elif checked.counts_as_yes and checked.match is not None:
                    result.counts_as_yes = True
                    finding.evidence.append(_evidence(ind.id, checked.match, doc))
            supported[ind.id] = result.counts_as_yes
            finding.indicators.append(result)
        outcome = decide(check, {i: a.answer for i, a in judgment.answers.items()}, supported)
        finding.verdict, finding.confidence = outcome.verdict, outcome.confidence
        finding.rationale = f"{outcome.why}（模型依据：{judgment.reasoning}）" if judgment.reasoning else outcome.why
        advice = check.suggestions.get(outcome.verdict)
        finding.suggestion = squash_text(advice) if advice else None
        query = f"{check.name} {' '.join(check.definition.split())}"
        clauses = [check.clause, *check.recommendations] if finding.flagged else [check.clause]
        finding.citations = [_citation(p) for p in cite(corpus, check.id, query, clauses)]
        return finding

    @staticmethod
    def _verify(plan: PlanText, doc: Document, answer: str, quote: str, cues: list[str], exclude: list[str]) -> Any:
        checked = verify_answer(plan, answer, quote, cues, exclude=exclude)
        if checked.dropped and "排除" not in checked.dropped and checked.match and checked.match.start is not None:
            # the cue may sit in the section heading the quote falls under
            heading = " ".join(heading_path_at(doc.text, checked.match.start))
            checked = verify_answer(plan, answer, quote, cues, heading, exclude=exclude)
        return checked

    def config_key(self) -> str:
        """Hash of what shapes the verdicts: judging settings, prompt and framework versions."""
        fields = ("backend", "model", "base_url", "max_tokens", "temperature", "seed", "max_retries",
                  "n_ctx", "chunk_chars", "evidence_chars", "embedding")
        data = {k: self.settings.public_dict()[k] for k in fields}
        data.update(prompt=self.template.sha256, framework=self.framework.sha256)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def _run_info(self, findings: list[Finding], timer: "_Timer") -> RunInfo:
        usage = Usage()
        for f in findings:
            usage = usage.add(f.usage)
        manifest = read_manifest(index_dir(self.settings.home)) if self._corpus is not None else {}
        return RunInfo(
            backend=self.settings.backend,
            model=getattr(self.chat, "model_name", self.settings.model) if self._chat is not None else self.settings.model,
            embedder=getattr(self.embeddings, "model_id", ""),
            prompts={self.template.id: self.template.sha256},
            framework_sha256=self.framework.sha256,
            corpus_sha256=manifest.get("corpus_sha256", ""),
            usage=usage,
            seconds=round(timer.total(), 2),
            stage_seconds={k: round(v, 2) for k, v in timer.seconds.items()},
            settings=self.settings.public_dict(),
            config_key=self.config_key(),
        )


def _evidence(indicator: str, match: Any, doc: Document) -> Evidence:
    heading = heading_path_at(doc.text, match.start)
    return Evidence(indicator=indicator, quote=match.text, start=match.start, end=match.end,
                    page=doc.page_at(match.start), heading_path=heading, match=match.method)


class _Timer:
    """Wall time per stage."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def run(self, stage: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t

    def total(self) -> float:
        return time.perf_counter() - self.started


def review(source: str | Path | bytes, *, name: str | None = None, **settings: Any) -> Report:
    """Review one plan: ``review("plan.pdf")``; keywords are Settings fields (``backend="fake"``)."""
    return Reviewer(load_settings(**settings)).review(source, name=name)
