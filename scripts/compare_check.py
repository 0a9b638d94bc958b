"""One check, judged with the real model under two framework files: what a cue or rule change does on dev.

A check's verdict depends only on its own indicators, so a change to one check's cues, idioms or exclusions
can be measured by reviewing the labelled plans with a framework that holds that check alone: a few model
calls per plan, answered from the score cache where the sentence was asked before. Prints each plan whose
verdict or shown quotes differ (FIX, BREAK, or a quote change), then accuracy and the problem class's F1 for
both files. Use it on dev splits only; the test splits are for reporting.

    git show HEAD:corpus/framework/framework.yaml > /tmp/before.yaml
    python scripts/compare_check.py E3 /tmp/before.yaml corpus/framework/framework.yaml eval/data/blind_dev.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewer.evaluate import document_name
from reviewer.framework import Framework, load_framework
from reviewer.pipeline import Reviewer
from reviewer.scoring import read_dataset
from reviewer.sentences import load_reading_rules


def one_check_reviewer(check_id: str, framework_file: Path, reading_file: Path | None) -> Reviewer:
    """A reviewer whose framework is this one check from ``framework_file``."""
    framework = load_framework(framework_file)
    return Reviewer(framework=Framework(checks=[framework.get(check_id)], sha256=framework.sha256),
                    reading=load_reading_rules(reading_file) if reading_file else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("check")
    parser.add_argument("before", type=Path, help="framework file before the change")
    parser.add_argument("after", type=Path, help="framework file after the change")
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--reading-before", type=Path, help="reading rules before the change (default: the shipped ones)")
    args = parser.parse_args()
    reviewers = {"before": one_check_reviewer(args.check, args.before, args.reading_before),
                 "after": one_check_reviewer(args.check, args.after, None)}
    positive = "present" if args.check.startswith("M") else "missing"
    for dataset in args.datasets:
        right = {"before": 0, "after": 0}
        counts = {name: [0, 0, 0] for name in reviewers}  # tp, fp, fn
        examples = read_dataset(dataset)
        for example in examples:
            gold = example.labels[args.check]
            seen = {}
            for name, reviewer in reviewers.items():
                finding = reviewer.review(example.text.encode("utf-8"), name=document_name(example)).finding(args.check)
                verdict = finding.verdict if finding.status == "ok" else finding.status
                seen[name] = (verdict, [f"{e.indicator}: {e.quote[:60]}" for e in finding.evidence])
                right[name] += verdict == gold
                counts[name][0] += verdict == positive and gold == positive
                counts[name][1] += verdict == positive and gold != positive
                counts[name][2] += verdict != positive and gold == positive
            if seen["before"] != seen["after"]:
                (was, old), (now, new) = seen["before"], seen["after"]
                tag = "FIX" if now == gold != was else "BREAK" if was == gold != now else "quotes" if was == now else "change"
                print(f"{tag} {example.id} gold {gold}: {was} → {now}")
                print(f"    before {old}\n    after  {new}")
        n = len(examples)
        f1 = {k: 2 * tp / (2 * tp + fp + fn) if tp else 0.0 for k, (tp, fp, fn) in counts.items()}
        print(f"{dataset.name} ({n} plans) {args.check}: accuracy {right['before'] / n:.3f} → {right['after'] / n:.3f}; "
              f"F1 ({positive}) {f1['before']:.3f} → {f1['after']:.3f}")


if __name__ == "__main__":
    main()
