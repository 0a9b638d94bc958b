"""Retrieve stage: hybrid search, dense (chromadb) + BM25 over jieba tokens, fused by RRF."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel

from .corpus import Passage
from .index import VectorIndex, where_filter

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60
"""Reciprocal-rank-fusion constant (Cormack et al. 2009)."""

_STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "以及", "等", "是", "在", "对", "为", "把", "将", "从", "按", "并", "或", "其", "之", "于", "上", "中", "下", "个", "这", "那", "有", "要", "各", "进一步", "推动", "加快", "加强", "全面", "深入", "坚持", "积极", "着力", "不断"]
)
_TOKEN = re.compile(r"[\w\u4e00-\u9fff×+]+")


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    """Chinese-aware tokens for BM25: jieba search-mode words, lowercased, minus stopwords."""
    tokens = []
    for word in _jieba().cut_for_search(text):
        word = word.strip().lower()
        if word and _TOKEN.fullmatch(word) and word not in _STOPWORDS:
            tokens.append(word)
    return tokens


class Hit(BaseModel):
    """A retrieved passage with its fused score and the ranks behind it."""

    passage: Passage
    score: float
    """RRF score (hybrid) or the single retriever's score."""
    dense_rank: int | None = None
    bm25_rank: int | None = None


class HybridRetriever:
    """Dense + BM25 retrieval over one :class:`VectorIndex`, with metadata filters."""

    def __init__(self, index: VectorIndex) -> None:
        from rank_bm25 import BM25Okapi

        self.index = index
        self.passages = index.passages()
        self._by_id = {p.id: p for p in self.passages}
        corpus = [tokenize(p.search_text()) for p in self.passages]
        self._bm25 = BM25Okapi(corpus) if corpus else None

    def _allowed(self, p: Passage, kind: str | None, check: str | None, doc_id: str | None) -> bool:
        return (not kind or p.kind == kind) and (not check or check in p.checks) and (not doc_id or p.doc_id == doc_id)

    def bm25(self, query: str, k: int, *, kind: str | None = None, check: str | None = None, doc_id: str | None = None) -> list[tuple[str, float]]:
        """Top-``k`` passage ids by BM25 score (only positive scores)."""
        if self._bm25 is None:
            return []
        scores = self._bm25.get_scores(tokenize(query))
        ranked = sorted(
            ((p.id, float(s)) for p, s in zip(self.passages, scores) if s > 0 and self._allowed(p, kind, check, doc_id)),
            key=lambda item: -item[1],
        )
        return ranked[:k]

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        mode: Mode = "hybrid",
        kind: str | None = None,
        check: str | None = None,
        doc_id: str | None = None,
        depth: int = 30,
    ) -> list[Hit]:
        """The ``k`` best passages for ``query``; ``depth`` candidates per retriever are fused."""
        dense = self.index.dense(query, depth, where_filter(kind, check, doc_id)) if mode != "bm25" else []
        sparse = self.bm25(query, depth, kind=kind, check=check, doc_id=doc_id) if mode != "dense" else []
        if mode == "dense":
            return [Hit(passage=self._by_id[i], score=s, dense_rank=r) for r, (i, s) in enumerate(dense[:k], 1)]
        if mode == "bm25":
            return [Hit(passage=self._by_id[i], score=s, bm25_rank=r) for r, (i, s) in enumerate(sparse[:k], 1)]
        fused: dict[str, Hit] = {}
        for rank, (pid, _) in enumerate(dense, 1):
            fused[pid] = Hit(passage=self._by_id[pid], score=1 / (RRF_K + rank), dense_rank=rank)
        for rank, (pid, _) in enumerate(sparse, 1):
            hit = fused.setdefault(pid, Hit(passage=self._by_id[pid], score=0.0))
            hit.score += 1 / (RRF_K + rank)
            hit.bm25_rank = rank
        return sorted(fused.values(), key=lambda h: (-h.score, h.passage.id))[:k]


def cite(retriever: HybridRetriever, check_id: str, query: str, framework_clauses: list[str], k: int = 2) -> list[Passage]:
    """Grounding for a check: its framework clauses, then the ``k`` best central clauses tagged for it."""
    by_clause = {p.clause_id: p for p in retriever.passages if p.kind == "framework"}
    passages = [by_clause[c] for c in framework_clauses if c in by_clause]
    passages += [h.passage for h in retriever.search(query, k, kind="central", check=check_id)]
    return passages
