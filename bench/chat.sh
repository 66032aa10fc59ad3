#!/usr/bin/env bash
# Chat back-end benchmarks (issue 3): message latency over long poll and WebSocket, how many
# sockets / held long polls one server carries, and event fan-out to 1,000 sockets.
#
#   bench/chat.sh [all|latency|capacity|fanout]       (default: all)
#   AXPSIM_BIN=path/to/axpsim bench/chat.sh ...       (skip the build)
#   DURATION=60 bench/chat.sh latency                 (measured seconds per latency run)
#
# Loopback only; every script stops by itself (bounded loops and waits) and stops the server it
# started. Raw output: bench/results/chat-<UTC time>/ (git-ignored).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

what=${1:-all}
DURATION=${DURATION:-60}
FAN_DURATION=${FAN_DURATION:-10}

python3 -c 'import aiohttp, websockets, uvloop' 2>/dev/null || {
  echo "needs the Python packages aiohttp, websockets (>= 13) and uvloop: pip install aiohttp websockets uvloop" >&2
  exit 1
}
# The client holds up to 10,000 connections at once: raise its file limit to the hard limit
# (the scripts also do it with resource.setrlimit; the server raises its own).
ulimit -n "$(ulimit -Hn)"

export AXPSIM_BIN
AXPSIM_BIN=$(axpsim_release_binary)
out=$(results_dir chat)
echo "binary: $AXPSIM_BIN   results: $out   client fd limit: $(ulimit -n)"
cd "$ROOT/bench"

status=0
run() { # name, then the command; keeps its output and JSON; a failing run is reported, not fatal
  local name=$1; shift
  echo "== $name: $*"
  if "$@" --json "$out/$name.json" 2>&1 | tee "$out/$name.log"; then :; else
    echo "!! $name exited non-zero (see $out/$name.log)"; status=1
  fi
  grep -E '^(ws|poll|sessions=)' "$out/$name.log" >> "$out/summary.txt" || true
}

if [[ $what == all || $what == latency ]]; then
  # Steady, modest rates (far below the ~1,000 customer messages/s where this machine saturates):
  # 1 customer: one message every 100 ms (10/s); 100 customers: one each per second (100/s);
  # 1,000 customers: one each per 10 s (100/s).
  for transport in poll ws; do
    run "latency-$transport-1" python3 chat_latency.py --customers 1 --interval 0.1 --transport "$transport" --duration "$DURATION"
    run "latency-$transport-100" python3 chat_latency.py --customers 100 --interval 1 --transport "$transport" --duration "$DURATION"
    run "latency-$transport-1000" python3 chat_latency.py --customers 1000 --interval 10 --transport "$transport" --duration "$DURATION"
  done
fi

if [[ $what == all || $what == capacity ]]; then
  run capacity-ws python3 capacity.py --mode ws --levels 1000,2000,5000,10000
  run capacity-poll python3 capacity.py --mode poll --levels 1000,2000,5000,10000
fi

if [[ $what == all || $what == fanout ]]; then
  for per in 1 10 100 1000; do
    run "fanout-1000x$per" python3 fanout.py --sessions 1000 --per-engagement "$per" --posters 4 --duration "$FAN_DURATION" --workers 2
  done
fi

echo
echo "summary ($out/summary.txt):"
cat "$out/summary.txt"
exit $status
