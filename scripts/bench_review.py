"""Review benchmark: wall time against the token lower bound, by plan size, for a batch, and for the index.

    .venv/bin/python scripts/bench_review.py sizes [--model M] [--repeat 3] [--json OUT]
    .venv/bin/python scripts/bench_review.py batch [--model M] [--n 20] [--json OUT]
    .venv/bin/python scripts/bench_review.py index [--json OUT]

``sizes`` reviews plans of about 2,000, 10,000 and 30,000 characters (the 30k plan is three long
blind-set plans joined into one document), each ``--repeat`` times with the score cache off, and
reports the median wall time, the prompt tokens llama.cpp actually evaluated (sent minus served
from its prompt cache), the generated tokens, the lower bound evaluated/prompt_rate +
generated/gen_rate (rates measured on this machine first, scripts/bench_models.py's method), the
ratio, the stage times and the process's peak RSS. ``batch`` reviews ``--n`` plans of the blind test
split in one process, as a batch does, and reports plans per hour and the prompt-cache hit rate.
``index`` times building the corpus index in a fresh home and opening it from a second process
(the embedder and, apart, jieba's dictionary for the BM25 side are loaded first: they are models, not the index).
Run it alone: llama.cpp slows sharply when another process competes for the cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_models import bench  # type: ignore[import-not-found]  # sibling script

from reviewer import Reviewer, load_settings
from reviewer.contracts import Report
from reviewer.retrieve import tokenize
from reviewer.scoring import read_dataset

ROOT = Path(__file__).resolve().parents[1]
BLIND_TEST = ROOT / "eval" / "data" / "blind_test.jsonl"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def sized_plans() -> dict[str, str]:
    """Plans of about 2k, 10k and 30k characters, from the shipped sample and the blind test split."""
    by_id = {e.id: e.text for e in read_dataset(BLIND_TEST)}
    joined = "\n\n".join(by_id[i] for i in ("blind-036", "blind-034", "blind-023"))
    ten_k = (ROOT / "samples" / "qinglan_city_implementation_opinions.txt").read_text(encoding="utf-8")
    return {"2k": by_id["blind-058"], "10k": ten_k, "30k": joined + "\n\n" + ten_k[:5000]}


def warm_reviewer(model: str, **settings: Any) -> Reviewer:
    """A reviewer with the corpus indexed and the model loaded (neither is timed)."""
    reviewer = Reviewer(load_settings(backend="local", model=model, **settings))
    reviewer.corpus  # noqa: B018 - index the corpus before timing
    reviewer.chat._send({"messages": [{"role": "user", "content": "你好"}], "max_tokens": 1})  # type: ignore[attr-defined]
    return reviewer


def measure(reviewer: Reviewer, text: str, rates: dict[str, Any]) -> dict[str, Any]:
    """One timed review of ``text``: wall, tokens, lower bound and ratio."""
    started = time.perf_counter()
    report: Report = reviewer.review(text.encode("utf-8"), name="plan.txt")
    wall = time.perf_counter() - started
    usage = report.run.usage
    evaluated = usage.prompt_tokens - usage.cached_tokens
    bound = evaluated / float(rates["prompt_tok_per_s"]) + usage.completion_tokens / float(rates["gen_tok_per_s"])
    return {
        "plan_chars": report.chars, "wall_s": round(wall, 1), "llm_calls": usage.calls,
        "prompt_tokens_sent": usage.prompt_tokens, "prompt_tokens_evaluated": evaluated,
        "generated_tokens": usage.completion_tokens, "lower_bound_s": round(bound, 1),
        "ratio": round(wall / bound, 2) if bound else None, "stage_seconds": report.run.stage_seconds,
        "verdicts": {f.check_id: f.verdict or f.status for f in report.findings},
    }


def sizes(model: str, repeat: int) -> list[dict[str, Any]]:
    """Median of ``repeat`` reviews per plan size, score cache off."""
    rates = bench(model, runs=3, prompt_chars=900, gen=128)
    reviewer = warm_reviewer(model, score_cache=False)
    rows = []
    for label, text in sized_plans().items():
        runs = [measure(reviewer, text, rates) for _ in range(repeat)]
        median = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
        rows.append({"size": label, "model": model, **median, "walls_s": [r["wall_s"] for r in runs],
                     "prompt_tok_per_s": rates["prompt_tok_per_s"], "gen_tok_per_s": rates["gen_tok_per_s"],
                     "peak_rss_mb": peak_rss_mb()})
    return rows


def batch(model: str, n: int) -> dict[str, Any]:
    """``n`` blind-test plans reviewed in one process (score cache off): throughput and cache hits."""
    examples = read_dataset(BLIND_TEST)[:n]
    reviewer = warm_reviewer(model, score_cache=False)
    sent = cached = calls = 0
    walls = []
    started = time.perf_counter()
    for example in examples:
        t = time.perf_counter()
        report = reviewer.review(example.text.encode("utf-8"), name=f"{example.id}.txt")
        walls.append(time.perf_counter() - t)
        sent += report.run.usage.prompt_tokens
        cached += report.run.usage.cached_tokens
        calls += report.run.usage.calls
    total = time.perf_counter() - started
    return {"model": model, "plans": len(examples), "chars": sum(len(e.text) for e in examples),
            "total_s": round(total, 1), "plans_per_hour": round(3600 * len(examples) / total, 1),
            "median_plan_s": round(statistics.median(walls), 1), "llm_calls": calls, "prompt_tokens_sent": sent,
            "prompt_tokens_cached": cached, "cache_hit_rate": round(cached / sent, 3) if sent else None,
            "peak_rss_mb": peak_rss_mb()}


OPEN_INDEX = """
import sys, time
from reviewer import Reviewer, load_settings
from reviewer.retrieve import tokenize
reviewer = Reviewer(load_settings(home=sys.argv[1]))
reviewer.embeddings
t = time.perf_counter(); tokenize("新质生产力"); tokenizer = time.perf_counter() - t
t = time.perf_counter(); reviewer.corpus; print(round(tokenizer, 2), round(time.perf_counter() - t, 2))
"""


def index() -> dict[str, Any]:
    """Index build in a fresh home (embedder loaded first, not timed), then reuse from a second process."""
    with tempfile.TemporaryDirectory() as home:
        reviewer = Reviewer(load_settings(home=home))
        reviewer.embeddings  # noqa: B018 - load the embedder before timing
        tokenize("新质生产力")  # and jieba's dictionary
        t = time.perf_counter()
        reviewer.corpus  # noqa: B018
        build = time.perf_counter() - t
        reuse = subprocess.run([sys.executable, "-c", OPEN_INDEX, home], capture_output=True, text=True, check=True)
        tokenizer, opened = map(float, reuse.stdout.strip().splitlines()[-1].split())
        # the BM25 side's tokenizer (jieba's dictionary) is a model load, like the embedder's: timed apart
        return {"build_s": round(build, 2), "tokenizer_load_s": tokenizer, "reuse_s": opened}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["sizes", "batch", "index"])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    result: Any
    if args.what == "sizes":
        result = sizes(args.model, args.repeat)
        print("| size | plan chars | wall s (median of runs) | calls | prompt tok evaluated / sent | generated | lower bound s | ratio | peak RSS MB |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in result:
            print(f"| {r['size']} | {r['plan_chars']} | {r['wall_s']} ({', '.join(map(str, r['walls_s']))}) | {r['llm_calls']} | "
                  f"{r['prompt_tokens_evaluated']} / {r['prompt_tokens_sent']} | {r['generated_tokens']} | {r['lower_bound_s']} | "
                  f"{r['ratio']} | {r['peak_rss_mb']} |")
    else:
        result = batch(args.model, args.n) if args.what == "batch" else index()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
