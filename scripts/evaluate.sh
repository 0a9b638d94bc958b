#!/usr/bin/env bash
# The README's evaluation figures: review the blind dev and test splits and the first synthetic test split
# with the bundled 1.5B model (checkpointed under eval/runs/, answers cached per sentence), then print the
# ablation tables, the evidence audit and the per-run reports. About 40 s to 75 s per plan on 2 cores when
# nothing is cached (some two hours for all 150 plans); rerunning after a change of thresholds takes minutes.
# To refit the thresholds on the dev split first:
#   .venv/bin/python scripts/calibrate.py --model qwen2.5-coder-1.5b \
#     eval/data/blind_dev.jsonl=eval/runs/blind_dev eval/data/dev.jsonl=eval/runs/dev
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
for split in blind_dev blind_test dev test; do
  .venv/bin/reviewer eval --dataset "eval/data/$split.jsonl" --out "eval/runs/$split"
done
{
  .venv/bin/python scripts/ablation.py --model qwen2.5-coder-1.5b --reference eval/data/blind_dev.jsonl \
    eval/data/blind_test.jsonl=eval/runs/blind_test eval/data/blind_dev.jsonl=eval/runs/blind_dev
  .venv/bin/python scripts/ablation.py --model qwen2.5-coder-1.5b --reference eval/data/dev.jsonl \
    eval/data/test.jsonl=eval/runs/test eval/data/dev.jsonl=eval/runs/dev
  echo
  .venv/bin/python scripts/evidence_audit.py eval/data/blind_dev.jsonl=eval/runs/blind_dev \
    eval/data/blind_test.jsonl=eval/runs/blind_test eval/data/test.jsonl=eval/runs/test eval/data/dev.jsonl=eval/runs/dev
  echo
  # out of fold on dev (thresholds fitted on four folds, the fifth decided with them); nothing is written
  .venv/bin/python scripts/calibrate.py --model qwen2.5-coder-1.5b --folds 5 \
    eval/data/blind_dev.jsonl=eval/runs/blind_dev eval/data/dev.jsonl=eval/runs/dev
} | tee eval/results/ablation.md
.venv/bin/python scripts/candidate_recall.py eval/data/blind_dev.jsonl eval/data/dev.jsonl eval/data/blind_test.jsonl \
  eval/data/test.jsonl | tee eval/results/candidate_recall.md
