"""Tokens and calls per plan, as an OpenAI-compatible server would see them, for the 1.5B's settings and a stronger model's.

The blind test split's 32 plans are reviewed with ``--backend openai`` settings; the chat model is the library's
``FakeChat``, which goes through the same request path and records every request (the number of calls does not
depend on the answers: every candidate sentence is asked). ``--model`` picks the thresholds, hence which
sentences are asked: the bundled 1.5B's calibrated ones (meaning-found sentences never asked), or, for any model
not calibrated (e.g. ``Qwen2.5-7B-Instruct``), 0.5 for every indicator, cue- and meaning-found alike. The plan's
sentences are embedded with the default embedder (bundled e5), as in use.

Every request is then put through the bundled 0.5B's chat template and tokenizer by a loopback
``reviewer serve-model`` (llama.cpp's ``/apply-template`` and ``/tokenize``): Qwen2.5 models of every size share
the tokenizer, so these are the prompt tokens a 7B or 14B Qwen2.5 would read. "Uncached" counts only tokens after
the longest prefix shared with any earlier request of the batch, what a server with prefix caching (vLLM's
automatic prefix caching, llama.cpp's prompt cache) must still compute, with a cache large enough to keep them all.

    python scripts/bench_tokens.py --out eval/results/bench_tokens.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from reviewer import Reviewer, load_settings  # noqa: E402
from reviewer.batch import review_batch  # noqa: E402
from reviewer.llm import FakeChat  # noqa: E402
from reviewer.model_server import start_model_server  # noqa: E402
from reviewer.scoring import read_dataset  # noqa: E402


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        data: dict[str, Any] = json.loads(response.read())
    return data


def requests_per_plan(model: str, plans: list[Path], home: Path) -> list[list[dict[str, Any]]]:
    """The chat requests each plan's review sends, for ``model``'s thresholds."""
    chat = FakeChat(model_name=model, max_tokens=512)
    settings = load_settings(backend="openai", base_url="http://127.0.0.1:9/v1", model=model, home=home, score_cache=False)
    reviewer = Reviewer(settings, chat=chat)
    per_plan = []
    for plan in plans:
        before = len(chat.history)
        result = review_batch([plan], home / "out" / model, reviewer, fmt="json")
        assert result.items[0].status == "reviewed", result.items[0]
        per_plan.append(chat.history[before:])
    return per_plan


class PrefixTrie:
    """Token sequences seen so far; ``add`` returns how many leading tokens an earlier sequence shared."""

    def __init__(self) -> None:
        self.root: dict[int, Any] = {}

    def add(self, tokens: list[int]) -> int:
        node, shared, matching = self.root, 0, True
        for token in tokens:
            if matching and token in node:
                shared += 1
            else:
                matching = False
            node = node.setdefault(token, {})
        return shared


def measure(model: str, per_plan: list[list[dict[str, Any]]], server: str) -> dict[str, Any]:
    trie = PrefixTrie()
    rows = []
    for requests in per_plan:
        tokens = uncached = chars = 0
        for request in requests:
            prompt = post(f"{server}/apply-template", {"messages": request["messages"]})["prompt"]
            ids = post(f"{server}/tokenize", {"content": prompt})["tokens"]
            tokens += len(ids)
            uncached += len(ids) - trie.add(ids)
            chars += sum(len(m["content"]) for m in request["messages"])
        rows.append({"calls": len(requests), "prompt_tokens": tokens, "uncached_tokens": uncached, "chars": chars,
                     "max_tokens": max((r["max_tokens"] for r in requests), default=0)})
    total = {k: sum(r[k] for r in rows) for k in ("calls", "prompt_tokens", "uncached_tokens", "chars")}
    n = len(rows)
    return {
        "model_thresholds": model, "plans": n, **total,
        "per_plan": {k: round(v / n, 1) for k, v in total.items()},
        "median_per_plan": {k: statistics.median(r[k] for r in rows) for k in ("calls", "prompt_tokens", "uncached_tokens")},
        "max_per_plan": {k: max(r[k] for r in rows) for k in ("calls", "prompt_tokens")},
        "tokens_per_call": round(total["prompt_tokens"] / max(1, total["calls"]), 1),
        "chars_per_token": round(total["chars"] / max(1, total["prompt_tokens"]), 3),
        "generated_tokens_per_call": rows[0]["max_tokens"] if rows else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["qwen2.5-coder-1.5b", "Qwen2.5-7B-Instruct"])
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "bench_tokens.json")
    args = parser.parse_args()
    examples = read_dataset(ROOT / "eval" / "data" / "blind_test.jsonl")
    served = start_model_server(load_settings(model="qwen2.5-coder-0.5b", n_threads=1), "127.0.0.1", 0)
    server = served.url.removesuffix("/v1")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        plans = []
        for example in examples:
            plans.append(Path(tmp) / f"{example.id}.txt")
            plans[-1].write_text(example.text, encoding="utf-8")
        for model in args.models:
            per_plan = requests_per_plan(model, plans, Path(tmp) / "home")
            results.append(measure(model, per_plan, server))
            print(json.dumps(results[-1]), flush=True)
    chars = sum(len(e.text) for e in examples)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"plans": len(examples), "plan_chars": chars, "tokenizer": "qwen2.5-coder-0.5b (GGUF)",
                                    "results": results}, indent=1), encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
