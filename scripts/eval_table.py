"""Produce the README's evaluation table: both bundled models and both baselines on the test split.

Usage: .venv/bin/python scripts/eval_table.py [--dataset eval/data/test.jsonl] [--models ...]

Runs `reviewer eval` for each model (checkpointed under eval/runs/<model>/, so a rerun only
reviews what is missing or was made with other settings), then writes eval/results/summary.md
(the table) and eval/results/<model>.json (full metrics).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reviewer import Reviewer, load_settings
from reviewer.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "eval" / "data" / "test.jsonl")
    parser.add_argument("--reference", type=Path, default=ROOT / "eval" / "data" / "dev.jsonl",
                        help="majority labels come from here (the dev split)")
    parser.add_argument("--models", nargs="*", default=["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
    args = parser.parse_args()
    results = ROOT / "eval" / "results"
    results.mkdir(parents=True, exist_ok=True)
    rows, baselines = [], []
    for model in args.models:
        reviewer = Reviewer(load_settings(backend="local", model=model))
        result = evaluate(args.dataset, reviewer, ROOT / "eval" / "runs" / model, reference=args.reference,
                          on_item=lambda i, n, ex, model=model: print(f"[{model}] {i}/{n} {ex}", flush=True))
        (results / f"{model}.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
        rows.append(result.reviewer)
        baselines = result.baselines
    lines = [f"Test split ({args.dataset.name}, {rows[0].plans if rows else 0} plans); majority labels from the dev split.", "",
             "| system | macro-F1 M1–M4 | macro-F1 E1–E4 | E accuracy (3-class) | evidence verbatim | parse failures | s/plan |",
             "|---|---|---|---|---|---|---|"]
    for m in [*rows, *baselines]:
        verbatim = f"{m.verbatim_rate:.2f}" if m.verbatim_rate is not None else "—"
        lines.append(f"| {m.system} | {m.macro_f1_m:.3f} | {m.macro_f1_e:.3f} | {m.accuracy_e:.3f} | {verbatim} | "
                     f"{m.parse_failure_rate:.3f} | {m.seconds_per_plan:.1f} |")
    (results / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(json.dumps({m.system: m.macro_f1 for m in [*rows, *baselines]}, indent=2))


if __name__ == "__main__":
    main()
