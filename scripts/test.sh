#!/usr/bin/env bash
# Test job: install with test extras (and Debian's chromium for the browser test), then run the
# whole suite, real bundled models included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium and a CJK font for the browser test..." >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "ruff and mypy..." >&2
.venv/bin/ruff check reviewer tests scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
