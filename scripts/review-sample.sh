#!/usr/bin/env bash
# Main job: install, assemble and verify the bundled models, review the sample plan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/reviewer models
.venv/bin/reviewer review samples/yunxi_county_action_plan.txt "$@"
