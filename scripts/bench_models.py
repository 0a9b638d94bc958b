"""Measure prompt and generation speed (tokens/s) of the bundled local models.

Usage: .venv/bin/python scripts/bench_models.py [--runs 3] [--prompt-chars 900] [--gen 128]

Each run sends a different Chinese plan excerpt with the prompt cache off, so every
prompt token is evaluated; generation is forced to the full token count (ignore_eos).
Figures are llama.cpp's own timings, reported as the median over runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from reviewer import load_settings
from reviewer.llm import LocalChat, make_chat
from reviewer.resources import data_dir


def bench(model: str, runs: int, prompt_chars: int, gen: int) -> dict[str, float | str | int]:
    settings = load_settings(backend="local", model=model, max_tokens=gen)
    chat = make_chat(settings)
    assert isinstance(chat, LocalChat)
    plan = (data_dir("samples") / "yunxi_county_action_plan.txt").read_text(encoding="utf-8")
    started = time.perf_counter()
    chat._send({"messages": [{"role": "user", "content": "你好"}], "max_tokens": 1})  # load + warm up
    load_s = time.perf_counter() - started
    prompt_tps, gen_tps, prompt_n = [], [], []
    for i in range(runs):
        text = (plan * 3)[i * 97 : i * 97 + prompt_chars]  # a different prefix each run
        response = chat._send(
            {
                "messages": [{"role": "user", "content": f"请概括下面的规划并逐条评论：\n{text}"}],
                "max_tokens": gen,
                "temperature": 0,
                "ignore_eos": True,
                "cache_prompt": False,
            }
        )
        timings = response["timings"]
        prompt_tps.append(timings["prompt_per_second"])
        gen_tps.append(timings["predicted_per_second"])
        prompt_n.append(timings["prompt_n"])
    return {
        "model": model,
        "threads": settings.threads(),
        "load_s": round(load_s, 2),
        "prompt_tokens_per_run": int(statistics.median(prompt_n)),
        "prompt_tok_per_s": round(statistics.median(prompt_tps), 1),
        "gen_tokens_per_run": gen,
        "gen_tok_per_s": round(statistics.median(gen_tps), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prompt-chars", type=int, default=900)
    parser.add_argument("--gen", type=int, default=128)
    parser.add_argument("--models", nargs="*", default=["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
    args = parser.parse_args()
    rows = [bench(m, args.runs, args.prompt_chars, args.gen) for m in args.models]
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    print("| model | threads | prompt tok/s | gen tok/s | load s |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['threads']} | {r['prompt_tok_per_s']} | {r['gen_tok_per_s']} | {r['load_s']} |")


if __name__ == "__main__":
    main()
