#!/usr/bin/env bash
# Wall time to replay every reference scenario headless vs the simulated time they cover.
# Usage: AXPSIM_BIN=path/to/release/axpsim bench/scenarios.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${AXPSIM_BIN:-.build/release/axpsim}"
RUNS="${1:-5}"
for i in $(seq 1 "$RUNS"); do
  start=$(date +%s.%N)
  out=$("$BIN" replay scenarios/ --fixtures fixtures | tail -1)
  end=$(date +%s.%N)
  echo "run $i: $out; process wall $(echo "$end - $start" | bc) s"
done
