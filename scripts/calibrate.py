"""Fit per-indicator yes thresholds on dev runs and write them to corpus/reading/calibration.yaml.

Reads the reports that ``reviewer eval`` checkpointed (``<run>/predictions/*.json``) for the dev
datasets only, re-decides every check offline from the recorded sentence scores, and keeps the
thresholds that agree best with the gold labels (a false "present" costs double).

    python scripts/calibrate.py --model qwen2.5-coder-1.5b eval/data/blind_dev.jsonl=eval/runs/blind-dev

With ``--folds K`` nothing is written: the dev plans are dealt into K folds (each dataset's plans in id
order, dealt round-robin), thresholds are fitted on K-1 folds and the held-out fold is decided with them, and
the out-of-fold figures are printed per dataset and overall beside the keyword baseline. That is how a change
is judged on dev without the in-sample flattery of thresholds fitted on the same plans.

``--shuffles N`` (with ``--folds``) repeats the cross-validation over N seeded random deals of the plans into folds and
prints the mean, spread and every deal's figure, so two runs of the same seeds can be compared deal by deal: on 90 dev
plans one deal's figure moves by a few thousandths with the deal alone, so a change that gains less than that has not
shown anything.

``--tiebreak DATASET=RUN`` adds a set that only breaks ties: among thresholds the dev splits score alike, the
one that does best there is kept (the real openings of ``eval/real``, whose texts stay outside the repo).
"""

from __future__ import annotations

import argparse
import random
import statistics
from pathlib import Path

import yaml

from reviewer.aggregate import Thresholds
from reviewer.calibrate import VARIANTS, Labelled, fit_thresholds, redecide
from reviewer.contracts import Report
from reviewer.evaluate import keyword_prediction, recorded_reports
from reviewer.framework import load_framework
from reviewer.scoring import GoldExample, Prediction, system_metrics

CALIBRATION = Path(__file__).resolve().parents[1] / "corpus" / "reading" / "calibration.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="model name the thresholds are for")
    parser.add_argument("--folds", type=int, default=0, help="cross-validate with this many folds instead of writing")
    parser.add_argument("--tiebreak", action="append", default=[], metavar="DATASET.jsonl=RUN_FOLDER",
                        help="a further dev set that only chooses among thresholds the dev splits score alike "
                             "(the real openings of eval/real)")
    parser.add_argument("--shuffles", type=int, default=0,
                        help="with --folds: repeat over this many seeded random deals and print mean, spread and each deal")
    parser.add_argument("pairs", nargs="+", help="DATASET.jsonl=RUN_FOLDER (dev splits only)")
    args = parser.parse_args()
    tie = [row for pair in args.tiebreak for row in recorded_reports(pair)]
    tiebreak = ([r for _, r in tie], [e.labels for e, _ in tie]) if tie else None
    if args.folds:
        datasets = {pair.split("=", 1)[0]: recorded_reports(pair) for pair in args.pairs}
        if args.shuffles:
            repeated_cross_validation(datasets, args.folds, args.shuffles, tiebreak)
        else:
            print_table(datasets, args.folds, *cross_validate(datasets, args.folds, tiebreak))
        return
    pairs = [row for pair in args.pairs for row in recorded_reports(pair)]
    reports, golds = [r for _, r in pairs], [e.labels for e, _ in pairs]
    fitted = fit_thresholds(reports, golds, load_framework(), tiebreak=tiebreak)
    data = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))
    data.setdefault("models", {})
    data["models"] = dict(data["models"] or {}, **{args.model: {k: float(v) for k, v in sorted(fitted.items())}})
    header = "".join(line + "\n" for line in CALIBRATION.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
    CALIBRATION.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"fitted on {len(reports)} dev plans: {fitted}")


Rows = list[tuple[str, int, GoldExample, Report]]


def deal(datasets: dict[str, list[tuple[GoldExample, Report]]], folds: int, seed: int | None = None) -> Rows:
    """Each dataset's plans dealt round-robin into ``folds``: in id order, or in a seeded random order."""
    rows: Rows = []
    for name, pairs in datasets.items():
        ordered = sorted(pairs, key=lambda p: p[0].id)
        if seed is not None:
            random.Random(seed).shuffle(ordered)
        rows += [(name, i % folds, example, report) for i, (example, report) in enumerate(ordered)]
    return rows


def cross_validate(datasets: dict[str, list[tuple[GoldExample, Report]]], folds: int,
                   tiebreak: Labelled | None = None, seed: int | None = None) -> tuple[Rows, dict[str, Prediction]]:
    """Out-of-fold verdicts for every dev plan, thresholds fitted without the plan's fold."""
    framework = load_framework()
    rows = deal(datasets, folds, seed)
    predictions: dict[str, Prediction] = {}
    for fold in range(folds):
        train = [(e, r) for _, f, e, r in rows if f != fold]
        fitted = fit_thresholds([r for _, r in train], [e.labels for e, _ in train], framework, tiebreak=tiebreak)
        thresholds = Thresholds(default=0.5, by_indicator=fitted)
        for _, f, example, report in rows:
            if f == fold:
                verdicts = redecide(report, framework, thresholds, VARIANTS["+ calibrated thresholds"])
                predictions[example.id] = Prediction(id=example.id, system="out of fold", verdicts=verdicts)
    return rows, predictions


def _groups(datasets: dict[str, list[tuple[GoldExample, Report]]], rows: Rows) -> list[tuple[str, list[GoldExample]]]:
    return [(name, [e for n, _, e, _ in rows if n == name]) for name in datasets] + [("all", [e for _, _, e, _ in rows])]


def print_table(datasets: dict[str, list[tuple[GoldExample, Report]]], folds: int, rows: Rows,
                predictions: dict[str, Prediction]) -> None:
    """Macro-F1, E accuracy and false present per dataset, out of fold, beside the keyword baseline."""
    framework = load_framework()
    print(f"{folds}-fold cross-validation over {len(rows)} dev plans (thresholds fitted without the held-out fold)")
    print("| dataset | plans | macro-F1 | macro-F1 M | macro-F1 E | E accuracy | false present | keyword baseline macro-F1 |")
    print("|---|---|---|---|---|---|---|---|")
    for name, examples in _groups(datasets, rows):
        m = system_metrics("out of fold", [predictions[e.id] for e in examples], examples)
        kw = system_metrics("kw", [keyword_prediction(e, framework) for e in examples], examples)
        print(f"| {Path(name).name} | {len(examples)} | **{m.macro_f1:.3f}** | {m.macro_f1_m:.3f} | {m.macro_f1_e:.3f} | "
              f"{m.accuracy_e:.3f} | {m.false_present_rate:.3f} | {kw.macro_f1:.3f} |")


def repeated_cross_validation(datasets: dict[str, list[tuple[GoldExample, Report]]], folds: int, shuffles: int,
                              tiebreak: Labelled | None = None) -> None:
    """Out-of-fold macro-F1 over ``shuffles`` seeded deals (seeds 0…N-1): mean, spread and each deal, per dataset."""
    figures: dict[str, list[float]] = {}
    for seed in range(shuffles):
        rows, predictions = cross_validate(datasets, folds, tiebreak, seed=seed)
        for name, examples in _groups(datasets, rows):
            m = system_metrics("out of fold", [predictions[e.id] for e in examples], examples)
            figures.setdefault(name, []).append(m.macro_f1)
    print(f"{folds}-fold cross-validation over {shuffles} seeded deals: out-of-fold macro-F1")
    print("| dataset | mean | sd | min | max | each deal (seed 0, 1, …) |")
    print("|---|---|---|---|---|---|")
    for name, values in figures.items():
        print(f"| {Path(name).name} | **{statistics.fmean(values):.3f}** | {statistics.pstdev(values):.3f} | "
              f"{min(values):.3f} | {max(values):.3f} | {' '.join(f'{v:.3f}' for v in values)} |")


if __name__ == "__main__":
    main()
