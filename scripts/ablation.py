"""The ablation table: each stage of the judging method, offline from recorded sentence scores.

For each (dataset, run) pair, the checkpointed reports are re-decided under each stage of
:data:`reviewer.calibrate.VARIANTS` with the shipped calibrated thresholds, and scored against
the gold labels beside the keyword baseline and the majority label. Prints Markdown.

    python scripts/ablation.py --model qwen2.5-coder-1.5b eval/data/blind_test.jsonl=eval/runs/blind-test
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reviewer.aggregate import load_thresholds
from reviewer.calibrate import VARIANTS, redecide
from reviewer.evaluate import keyword_prediction, majority_predictions, recorded_reports
from reviewer.framework import MISCONCEPTION_IDS, load_framework
from reviewer.scoring import Prediction, SystemMetrics, read_dataset, system_metrics


def table(rows: list[tuple[str, SystemMetrics]]) -> str:
    """Markdown rows: macro-F1 all / M / E, E accuracy, false-present rate, not-judgeable rate.

    Time per plan is not a column: runs answered from the score cache would understate it (see the README's speed section).
    """
    lines = ["| stage | macro-F1 (M present, E missing) | macro-F1 M | macro-F1 E | E accuracy | false present (M) | cannot judge |",
             "|---|---|---|---|---|---|---|"]
    for name, m in rows:
        lines.append(f"| {name} | {m.macro_f1:.3f} | {m.macro_f1_m:.3f} | {m.macro_f1_e:.3f} | {m.accuracy_e:.3f} | "
                     f"{m.false_present_rate:.3f} | {m.not_judgeable_rate:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--reference", type=Path, default=None, help="dataset whose majority labels the majority baseline uses")
    parser.add_argument("pairs", nargs="+", help="DATASET.jsonl=RUN_FOLDER")
    args = parser.parse_args()
    framework = load_framework()
    thresholds = load_thresholds(args.model)
    for pair in args.pairs:
        dataset = Path(pair.split("=", 1)[0])
        recorded = recorded_reports(pair)
        examples = [e for e, _ in recorded]
        reports = {e.id: r for e, r in recorded}
        reference = read_dataset(args.reference) if args.reference else examples
        rows = [("keyword baseline (cues anywhere, no scope)",
                 system_metrics("kw", [keyword_prediction(e, framework) for e in examples], examples)),
                ("majority label (of the dev split)", system_metrics("maj", majority_predictions(examples, reference), examples))]
        for name, rule in VARIANTS.items():
            preds = [Prediction(id=e.id, system=name, verdicts=redecide(reports[e.id], framework, thresholds, rule)) for e in examples]
            rows.append((name, system_metrics(name, preds, examples)))
        print(f"\n{dataset.name} ({len(examples)} plans)\n")
        print(table(rows))
        kinds = {json.loads(line)["id"]: json.loads(line).get("kind") for line in dataset.read_text(encoding="utf-8").splitlines() if line.strip()}
        final = {e.id: redecide(reports[e.id], framework, thresholds, VARIANTS["+ calibrated thresholds"]) for e in examples}
        other = [(e, final[e.id]) for e in examples if kinds.get(e.id) not in (None, "comprehensive")]
        if other:
            absent = [(e, v, label) for e, v in other for label in MISCONCEPTION_IDS if e.labels[label] == "absent"]
            false = sum(1 for _, v, label in absent if v[label] == "present")
            print(f"\nFalse present on thematic plans, decisions, wrappers and excerpts: {false} of {len(absent)} absent labels "
                  f"({len(other)} documents).")


if __name__ == "__main__":
    main()
