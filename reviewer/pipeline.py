"""The review pipeline: load → ocr → clean → segment → scope → retrieve → judge → verify → aggregate → cite.

``Reviewer.review`` reads as that list of stages, each a typed call timed by
``with timer(stage)``; rendering is left to the caller (:mod:`reviewer.render`). The chat
model, the embedder, the indicator query vectors and the corpus index are built once per
``Reviewer`` and reused for every plan it reviews.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel

from .aggregate import MAX_EVIDENCE, Thresholds, confidence, decide, load_thresholds, shown, summarise
from .candidates import Candidate, QueryVectors, select_candidates
from .config import Settings, load_settings
from .contracts import (
    CandidateScore,
    Citation,
    Document,
    DocumentScope,
    Evidence,
    Finding,
    IndicatorResult,
    Report,
    RunInfo,
    SearchTrace,
    Usage,
)
from .corpus import Passage, default_corpus_dirs, squash_text
from .deadline import time_budget, time_left
from .embeddings import make_embeddings
from .framework import Check, Framework, Indicator, load_framework
from .guard import find_instructions
from .index import build_index, index_dir
from .ingest import clean, read, recognise
from .judge import ScoreCache, SentenceJudge, SentenceScore
from .llm import LLMError, LLMTimeoutError, make_chat
from .profile import profile
from .prompts import load_prompt
from .retrieve import HybridRetriever, cite
from .scope import classify_scope
from .sentences import ReadingRules, Sentence, load_reading_rules, segment
from .verify import check_quote


class Progress(BaseModel):
    """A progress event: the stage, and for checks which one of how many."""

    stage: str
    check: str | None = None
    i: int = 0
    n: int = 0


ProgressFn = Callable[[Progress], None]


class StageTimer:
    """Wall time per stage: ``with timer("judge"): ...``."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        """Time the block as ``stage`` (times of a repeated stage add up)."""
        t = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t

    def total(self) -> float:
        """Seconds since the timer was made."""
        return time.perf_counter() - self.started


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
        reading: ReadingRules | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._chat = chat
        self._embeddings = embeddings
        self._queries: QueryVectors | None = None
        self._judge: SentenceJudge | None = None
        self.framework = framework or load_framework()
        self.reading: ReadingRules = reading or load_reading_rules()
        self._corpus: HybridRetriever | None = None
        self._corpus_manifest: dict[str, Any] = {}
        self.template = load_prompt("judge_sentence")
        self._building = threading.RLock()
        """Held while a model, the judge or the index is built: a concurrent batch builds each once."""
        self._citing = threading.Lock()

    @property
    def chat(self) -> BaseChatModel:
        """The chat model, built from settings on first use."""
        with self._building:
            if self._chat is None:
                self._chat = make_chat(self.settings)
        return self._chat

    @property
    def embeddings(self) -> Embeddings:
        """The embedder, built from settings on first use."""
        with self._building:
            if self._embeddings is None:
                self._embeddings = make_embeddings(self.settings.embedding, self.settings.threads())
        return self._embeddings

    @property
    def queries(self) -> QueryVectors:
        """Embeddings of the indicator questions (computed once)."""
        with self._building:
            if self._queries is None:
                self._queries = QueryVectors(self.framework, self.embeddings)
        return self._queries

    @property
    def judge(self) -> SentenceJudge:
        """The sentence judge over the chat model (keeps whether the backend gives log-probabilities)."""
        with self._building:
            if self._judge is None:
                st = self.settings
                model_key = f"{st.backend}|{st.model}|{st.base_url or ''}|{st.seed}|{st.temperature}"
                cache = None
                if st.score_cache and st.backend != "fake":
                    cache = ScoreCache(st.home / "scores" / f"{ScoreCache.key(model_key)[:16]}.jsonl")
                self._judge = SentenceJudge(self.chat, self.template, cache=cache, model_key=model_key)
        return self._judge

    @cached_property
    def thresholds(self) -> Thresholds:
        """Calibrated yes thresholds for the configured model (read once; asked per check and indicator)."""
        return load_thresholds(self.settings.model)

    @property
    def corpus(self) -> HybridRetriever:
        """Retriever over the grounding corpus (the index is synced on first use)."""
        with self._building:
            if self._corpus is None:
                dirs = [*default_corpus_dirs(), self.settings.user_corpus_dir()]
                index, _ = build_index(dirs, index_dir(self.settings.home), self.embeddings, url=self.settings.index_url)
                self._corpus = HybridRetriever(index)
                self._corpus_manifest = index.manifest()
        return self._corpus

    def review(self, source: str | Path | bytes, *, name: str | None = None, progress: ProgressFn | None = None) -> Report:
        """Review a plan given as a path or bytes (``name`` gives the file type of bytes)."""
        notify = progress or (lambda event: None)
        timer = StageTimer()
        notify(Progress(stage="load"))
        st = self.settings
        with timer("load"):
            raw = read(source, name=name, limits=st.load_limits())
        with timer("ocr"):
            raw = recognise(raw, st.ocr_options(), lambda i, n: notify(Progress(stage="ocr", i=i, n=n)))
        with timer("clean"):
            doc = clean(raw)
        with timer("segment"):
            sentences = segment(doc.text, self.reading)
        with timer("scope"):
            scope = classify_scope(sentences, doc.source, self.reading)
        self._warn_instructions(doc)
        notify(Progress(stage="retrieve"))
        with timer("retrieve"):
            candidates = self.candidates(doc.text, sentences)
        with timer("cite"):
            corpus = self.corpus  # before the model works: an unwritable home fails now, not after judging
        with time_budget(st.review_timeout_s - (timer.total() - timer.seconds["ocr"])):  # OCR has its own bound
            findings = self._judge_checks(doc, sentences, scope, candidates, timer, notify)
        with timer("cite"), self._citing:  # one search at a time in the shared index
            for finding in findings:
                finding.citations = self._cite(self.framework.get(finding.check_id), finding, corpus)
        names = {c.id: c.name for c in self.framework.checks}
        return Report(
            source=doc.source, chars=len(doc.text), text=doc.text, profile=profile(doc), scope=scope,
            quality=doc.quality, findings=findings, summary=summarise(findings, names),
            run=self._run_info(findings, timer),
        )

    def candidates(self, text: str, sentences: list[Sentence]) -> dict[str, list[Candidate]]:
        """Candidate sentences per indicator: by cues and by meaning.

        For a model whose calibrated thresholds never count a sentence found by meaning, only the cue
        half is chosen and the plan is not embedded.
        """
        ids = [ind.id for check in self.framework.checks for ind in check.indicators]
        semantic = self.thresholds.asks("meaning", ids)
        vectors = self.embeddings.embed_documents([s.text for s in sentences]) if sentences and semantic else []
        return select_candidates(text, sentences, self.framework, self.reading, self.queries if semantic else None,
                                 vectors, k=self.settings.candidates, semantic=semantic)

    @staticmethod
    def _warn_instructions(doc: Document) -> None:
        if injected := find_instructions(doc.text):
            doc.quality.warnings.append(
                f"规划文本中有 {len(injected)} 处疑似写给审读模型的指令，已排除在判断之外：" + "；".join(i[:40] for i in injected[:3])
            )

    def _judge_checks(self, doc: Document, sentences: list[Sentence], scope: DocumentScope,
                      candidates: dict[str, list[Candidate]], timer: StageTimer, notify: ProgressFn) -> list[Finding]:
        findings: list[Finding] = []
        backend_down: str | None = None
        for i, check in enumerate(self.framework.checks, 1):
            notify(Progress(stage="judge", check=check.id, i=i, n=len(self.framework.checks)))
            trace = _trace(check, candidates)
            if check.kind == "misconception" and scope.kind == "wrapper":
                findings.append(self._not_judgeable(check, trace, scope))
                continue
            if (left := time_left()) is not None and left <= 0:
                budget = self.settings.review_timeout_s
                findings.append(self._failed(check, trace, f"not attempted: the review ran out of time "
                                             f"({budget:g}s, setting review_timeout_s)"))
                continue
            if backend_down:
                findings.append(self._failed(check, trace, f"not attempted: the LLM backend failed earlier ({backend_down})"))
                continue
            try:
                with timer("judge"):
                    scores, usage = self._score(check, candidates)
            except LLMError as exc:
                findings.append(self._failed(check, trace, str(exc)))
                if isinstance(exc, LLMTimeoutError) or (len(findings) >= 2 and findings[-2].status == "failed"):
                    backend_down = str(exc)  # hung, or two failures in a row: stop hammering a dead backend
                continue
            with timer("aggregate"):
                findings.append(self._finding(check, scope, candidates, scores, usage, trace, sentences, doc))
        return findings

    def _score(self, check: Check, candidates: dict[str, list[Candidate]]) -> tuple[dict[str, list[SentenceScore]], Usage]:
        usage = Usage()
        scores: dict[str, list[SentenceScore]] = {}
        thresholds = self.thresholds
        for ind in check.indicators:
            # a sentence that cannot count at its calibrated threshold (e.g. found by meaning, switched off
            # for a model that over-accepts those) is not put to the model at all
            ask = [c for c in candidates[ind.id] if thresholds.get(ind.id, c.source) <= 1.0]
            asked, used = self.judge.score(ind, ask)
            by_sentence = {s.sentence: s for s in asked}
            scores[ind.id] = [by_sentence.get(c.sentence) or SentenceScore(indicator=ind.id, sentence=c.sentence, p_yes=None,
                                                                             method="not_asked") for c in candidates[ind.id]]
            usage = usage.add(used)
        return scores, usage

    def _finding(self, check: Check, scope: DocumentScope, candidates: dict[str, list[Candidate]],
                 scores: dict[str, list[SentenceScore]], usage: Usage, trace: SearchTrace,
                 sentences: list[Sentence], doc: Document) -> Finding:
        finding = Finding(check_id=check.id, name=check.name, kind=check.kind, searched=trace, usage=usage,
                          prompt_id=self.template.id, prompt_sha256=self.template.sha256)
        thresholds = self.thresholds
        asked = [s for ind in check.indicators for s in scores[ind.id] if s.method != "not_asked"]
        if asked and all(s.p_yes is None for s in asked):
            finding.status = "unparseable"
            finding.error = "模型的回答都不是“是”或“否”，无法判断：" + "；".join(sorted({s.raw for s in asked})[:3])
            finding.raw = [s.raw for s in asked]
            return finding
        yes: dict[str, bool] = {}
        best: dict[str, float | None] = {}
        for ind in check.indicators:
            result, evidence, dropped = self._indicator(ind, candidates[ind.id], scores[ind.id], sentences, doc)
            finding.indicators.append(result)
            finding.evidence += evidence
            finding.dropped_quotes += dropped
            yes[ind.id], best[ind.id] = result.answer == "yes", result.score
        outcome = decide(check, yes, scope)
        finding.verdict = outcome.verdict
        finding.confidence = confidence(outcome, best, thresholds)
        finding.rationale = outcome.why
        if check.kind == "misconception" and not scope.absence_rules_apply and outcome.rule.when is None:
            finding.rationale += f"（{scope.name}：只依据明确表述判断，不因未写某类内容而认定误区）"
        # a verdict that rests on an absence shows no quotes for the indicators it did not use
        used = set(outcome.rule.when or {})
        if outcome.rule.when is not None:
            finding.evidence = [e for e in finding.evidence if e.indicator in used]
        elif check.kind == "misconception":
            finding.evidence = []
        advice = check.suggestions.get(outcome.verdict)
        finding.suggestion = squash_text(advice) if advice else None
        return finding

    def _indicator(self, ind: Indicator, candidates: list[Candidate], scores: list[SentenceScore], sentences: list[Sentence],
                   doc: Document) -> tuple[IndicatorResult, list[Evidence], int]:
        """One indicator: yes when a candidate reaches its threshold and its quote passes verification."""
        thresholds = self.thresholds
        pairs = list(zip(candidates, scores))
        passed = sorted((p for p in pairs if p[1].p_yes is not None and p[1].p_yes >= thresholds.get(ind.id, p[0].source)),
                        key=lambda p: -(p[1].p_yes or 0.0))
        evidence: list[Evidence] = []
        dropped = 0
        for c, s in passed[:MAX_EVIDENCE]:
            if not check_quote(doc.text, sentences[c.sentence], c.text, c.start, c.end, preamble_ok=ind.preamble,
                               principles_ok=ind.principles).ok:
                dropped += 1
                continue
            evidence.append(Evidence(indicator=ind.id, quote=c.text, start=c.start, end=c.end, page=doc.page_at(c.start),
                                     heading_path=sentences[c.sentence].heading_path, score=s.p_yes,
                                     settled=s.method == "rule"))
        evidence = shown(evidence)
        known = [s.p_yes for _, s in pairs if s.p_yes is not None]
        result = IndicatorResult(
            id=ind.id, question=ind.question, answer="yes" if evidence else "no", score=max(known) if known else None,
            threshold=thresholds.get(ind.id), quotes=[e.quote for e in evidence], quote_found=bool(evidence) if passed else None,
            settled=any(e.settled for e in evidence),
            candidates=[CandidateScore(text=c.text, start=c.start, end=c.end, source=c.source, cue_weight=c.cue_weight,
                                       similarity=c.similarity, p_yes=s.p_yes) for c, s in pairs],
        )
        return result, evidence, dropped

    def _cite(self, check: Check, finding: Finding, corpus: HybridRetriever) -> list[Citation]:
        query = f"{check.name} {' '.join(check.definition.split())}"
        clauses = [check.clause, *check.recommendations] if finding.flagged else [check.clause]
        return [_citation(p) for p in cite(corpus, check.id, query, clauses)]

    def _failed(self, check: Check, trace: SearchTrace, error: str) -> Finding:
        return Finding(check_id=check.id, name=check.name, kind=check.kind, status="failed", error=error,
                       searched=trace, prompt_id=self.template.id, prompt_sha256=self.template.sha256)

    def _not_judgeable(self, check: Check, trace: SearchTrace, scope: DocumentScope) -> Finding:
        return Finding(check_id=check.id, name=check.name, kind=check.kind, status="not_judgeable", searched=trace,
                       error=f"无法判断：{scope.reason}。误区要看规划正文如何界定和部署新质生产力，请上传规划全文。")

    def config_key(self) -> str:
        """Hash of what shapes the verdicts: judging settings, prompt, framework, reading rules and thresholds."""
        fields = ("backend", "model", "base_url", "temperature", "seed", "n_ctx", "candidates", "embedding")
        data: dict[str, Any] = {k: self.settings.public_dict()[k] for k in fields}
        data.update(prompt=self.template.sha256, framework=self.framework.sha256,
                    reading=self.reading.model_dump_json(), thresholds=self.thresholds.model_dump_json())
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def _run_info(self, findings: list[Finding], timer: StageTimer) -> RunInfo:
        usage = Usage()
        for f in findings:
            usage = usage.add(f.usage)
        return RunInfo(
            backend=self.settings.backend,
            model=getattr(self.chat, "model_name", self.settings.model) if self._chat is not None else self.settings.model,
            embedder=getattr(self.embeddings, "model_id", ""),
            prompts={self.template.id: self.template.sha256},
            framework_sha256=self.framework.sha256,
            corpus_sha256=self._corpus_manifest.get("corpus_sha256", ""),
            usage=usage,
            seconds=round(timer.total(), 2),
            stage_seconds={k: round(v, 2) for k, v in timer.seconds.items()},
            settings=self.settings.public_dict(),
            config_key=self.config_key(),
        )


def _trace(check: Check, candidates: dict[str, list[Candidate]]) -> SearchTrace:
    return SearchTrace(
        queries=[ind.question for ind in check.indicators],
        passages=[f"{ind.id} · {c.source} · {c.text[:30]}" for ind in check.indicators for c in candidates.get(ind.id, [])],
    )


def review(source: str | Path | bytes, *, name: str | None = None, **settings: Any) -> Report:
    """Review one plan: ``review("plan.pdf")``; keywords are Settings fields (``backend="fake"``)."""
    return Reviewer(load_settings(**settings)).review(source, name=name)
