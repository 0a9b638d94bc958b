"""Fit per-indicator yes thresholds on dev runs and write them to corpus/reading/calibration.yaml.

Reads the reports that ``reviewer eval`` checkpointed (``<run>/predictions/*.json``) for the dev
datasets only, re-decides every check offline from the recorded sentence scores, and keeps the
thresholds that agree best with the gold labels (a false "present" costs double).

    python scripts/calibrate.py --model qwen2.5-coder-1.5b eval/data/blind_dev.jsonl=eval/runs/blind-dev
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from reviewer.calibrate import fit_thresholds
from reviewer.evaluate import recorded_reports
from reviewer.framework import load_framework

CALIBRATION = Path(__file__).resolve().parents[1] / "corpus" / "reading" / "calibration.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="model name the thresholds are for")
    parser.add_argument("pairs", nargs="+", help="DATASET.jsonl=RUN_FOLDER (dev splits only)")
    args = parser.parse_args()
    pairs = [row for pair in args.pairs for row in recorded_reports(pair)]
    reports, golds = [r for _, r in pairs], [e.labels for e, _ in pairs]
    fitted = fit_thresholds(reports, golds, load_framework())
    data = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))
    data.setdefault("models", {})
    data["models"] = dict(data["models"] or {}, **{args.model: {k: float(v) for k, v in sorted(fitted.items())}})
    header = "".join(line + "\n" for line in CALIBRATION.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
    CALIBRATION.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"fitted on {len(reports)} dev plans: {fitted}")


if __name__ == "__main__":
    main()
