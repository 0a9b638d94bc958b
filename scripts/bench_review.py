"""Review benchmark: wall time of a full review against the token lower bound.

Usage: .venv/bin/python scripts/bench_review.py [--plan samples/qinglan_city_implementation_opinions.txt]
       [--models qwen2.5-coder-1.5b qwen2.5-coder-0.5b] [--json OUT]

For each model: measure its prompt and generation rates on this machine (scripts/bench_models.py's
method), review the plan once in a fresh process state (model loaded and corpus indexed first, not
timed), then report wall time, prompt tokens evaluated (sent minus served from llama.cpp's prompt
cache), generated tokens, the lower bound evaluated/prompt_rate + generated/gen_rate, and the ratio.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench_models import bench  # type: ignore[import-not-found]  # sibling script

from reviewer import Reviewer, load_settings

ROOT = Path(__file__).resolve().parents[1]


def run(model: str, plan: Path) -> dict[str, object]:
    rates = bench(model, runs=3, prompt_chars=900, gen=128)
    reviewer = Reviewer(load_settings(backend="local", model=model, score_cache=False))  # time real model calls
    reviewer.corpus  # noqa: B018 - index the corpus before timing
    reviewer.chat._send({"messages": [{"role": "user", "content": "你好"}], "max_tokens": 1})  # load the model
    started = time.perf_counter()
    report = reviewer.review(plan)
    wall = time.perf_counter() - started
    usage = report.run.usage
    evaluated = usage.prompt_tokens - usage.cached_tokens
    bound = evaluated / float(rates["prompt_tok_per_s"]) + usage.completion_tokens / float(rates["gen_tok_per_s"])
    return {
        "model": model,
        "plan_chars": report.chars,
        "wall_s": round(wall, 1),
        "llm_calls": usage.calls,
        "prompt_tokens_sent": usage.prompt_tokens,
        "prompt_tokens_evaluated": evaluated,
        "generated_tokens": usage.completion_tokens,
        "prompt_tok_per_s": rates["prompt_tok_per_s"],
        "gen_tok_per_s": rates["gen_tok_per_s"],
        "lower_bound_s": round(bound, 1),
        "ratio": round(wall / bound, 2) if bound else None,
        "stage_seconds": report.run.stage_seconds,
        "verdicts": {f.check_id: f.verdict or f.status for f in report.findings},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=ROOT / "samples" / "qinglan_city_implementation_opinions.txt")
    parser.add_argument("--models", nargs="*", default=["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = [run(m, args.plan) for m in args.models]
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    print("| model | plan chars | wall s | prompt tok evaluated / sent | generated | lower bound s | ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['plan_chars']} | {r['wall_s']} | {r['prompt_tokens_evaluated']} / {r['prompt_tokens_sent']} | "
              f"{r['generated_tokens']} | {r['lower_bound_s']} | {r['ratio']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
