#!/usr/bin/env bash
# Fuzzes every operation of axpsim's OpenAPI document with schemathesis (all phases, stateful on)
# against the release build: prints the number of cases, server errors and non-conforming answers.
#
#   bench/fuzz-api.sh                          # MAX_EXAMPLES=600 per operation: ≥ 20,000 cases
#   MAX_EXAMPLES=100 SEED=1 bench/fuzz-api.sh  # smaller, reproducible
#   AXPSIM_BIN=.build/debug/axpsim bench/fuzz-api.sh
#
# Needs schemathesis (pinned in scripts/deps.sh). Raw output: bench/results/fuzz-api-<UTC time>/.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
source scripts/deps.sh
ensure_python_packages

BIN="$(axpsim_release_binary)"
MAX_EXAMPLES="${MAX_EXAMPLES:-600}"
[ "$MAX_EXAMPLES" -ge 1 ] && [ "$MAX_EXAMPLES" -le 100000 ] || { echo "MAX_EXAMPLES must be 1..100000" >&2; exit 1; }
OUT="$(results_dir fuzz-api)"
seed=()
[ -n "${SEED:-}" ] && seed=(--seed "$SEED")

AXPSIM_BIN="$BIN" python3 Tests/e2e/fuzz_api.py --max-examples "$MAX_EXAMPLES" --workdir "$OUT" "${seed[@]}"
