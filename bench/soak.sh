#!/usr/bin/env bash
# Soak (issue 7, item 12): whole chats at a steady rate for an hour against one `axpsim serve`
# (file database, --retention 60 --access-token-ttl 120); reports whether the server's RSS and its
# database stay flat after warm-up (least-squares slopes, PASS/FLAT or GROWING per metric).
#
#   bench/soak.sh                                        (1 h: 2 chats/s, 600 s warm-up, sample every 15 s)
#   AXPSIM_BIN=path/to/axpsim bench/soak.sh              (skip the build)
#   bench/soak.sh --duration 120 --warmup 30             (any bench/soak.py option; see --help)
#
# Loopback only; bounded loops and waits; stops the server with SIGTERM (exit 0 expected).
# Raw output (samples.csv, summary, server log): bench/results/soak-<UTC time>/ (git-ignored).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

python3 -c 'import requests, websockets' 2>/dev/null || {
  echo "needs the Python packages requests and websockets (>= 13): pip install requests websockets" >&2
  exit 1
}

for arg in "$@"; do [[ $arg == -h || $arg == --help ]] && exec python3 "$ROOT/bench/soak.py" --help; done

export AXPSIM_BIN
AXPSIM_BIN=$(axpsim_release_binary)
out=$(results_dir soak)
echo "binary: $AXPSIM_BIN   results: $out"
exec python3 "$ROOT/bench/soak.py" --out "$out" "$@"
