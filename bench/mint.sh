#!/usr/bin/env bash
# Generate JWT Token throughput of the release build, against a bare libmicrohttpd floor.
#
#  1. starts `axpsim serve` on free loopback ports with a fresh database and the bundled fixtures;
#  2. gets an OAuth access token for the fixtures' DEMOAA client (retail-backend);
#  3. checks with curl that one Generate JWT Token request answers 201;
#  4. wrk -t2 -c50 -d10s --latency -s bench/mint.lua: POST Generate JWT Token over keep-alive;
#  5. the same wrk command (same script, so the same request bytes) against bench/hello-mhd.c,
#     which answers 200 "hello" with axpsim's MHD flags; then a plain GET against it, for reference;
#  6. prints both req/s, the ratio mint/hello and the server's CPU time per minted token (user +
#     system from /proc/PID/stat over the wrk run). Fails on any non-2xx response.
#
#   bench/mint.sh                   # builds .build-bench/release/axpsim first
#   AXPSIM_BIN=path bench/mint.sh   # an existing binary
#   DURATION=30s CONNECTIONS=100 THREADS=2 bench/mint.sh
# Only 127.0.0.1 is targeted; every wrk run lasts DURATION (10 s by default).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-50}"
DURATION="${DURATION:-10s}"
ACCOUNT=DEMOAA
CLIENT=retail-backend
SECRET=retail-backend-secret
APPKEY=retail-appkey-0001
INTEGRATION=6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01
TOKEN_PATH="/api/digital/chat/v1/accounts/$ACCOUNT/tokens"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
BIN="$(axpsim_release_binary)"
OUT="$(results_dir mint)"
WORK="$(mktemp -d /tmp/axpsim-mint-XXXXXX)"
SERVER_PID=""
HELLO_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$HELLO_PID" ] && kill -TERM "$HELLO_PID" 2>/dev/null && wait "$HELLO_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

gcc -O2 bench/hello-mhd.c -o "$WORK/hello-mhd" $(pkg-config --cflags --libs libmicrohttpd)

# -- axpsim ---------------------------------------------------------------------------------------
"$BIN" serve --http-port 0 --ws-port 0 --db "$WORK/state.sqlite" --fixtures fixtures \
  --ready-file "$WORK/ready.json" --log-level warning >"$OUT/axpsim.log" 2>&1 &
SERVER_PID=$!
wait_for_file "$WORK/ready.json" 30 || { echo "axpsim did not become ready; see $OUT/axpsim.log" >&2; exit 1; }
HTTP="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["httpUrl"])' "$WORK/ready.json")"
echo "axpsim: $HTTP (pid $SERVER_PID, $("$BIN" version))"

ACCESS_TOKEN="$(curl -sS --fail-with-body -X POST "$HTTP/auth/realms/$ACCOUNT/protocol/openid-connect/token" \
  -H "appkey: $APPKEY" -d grant_type=client_credentials -d client_id=$CLIENT -d client_secret=$SECRET |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

BODY="{\"integrationId\":\"$INTEGRATION\",\"customerId\":\"bench-customer\"}"
STATUS="$(curl -sS -o "$OUT/mint-check.json" -w '%{http_code}' -X POST "$HTTP$TOKEN_PATH" \
  -H "Authorization: Bearer $ACCESS_TOKEN" -H "appkey: $APPKEY" -H 'Content-Type: application/json' -d "$BODY")"
if [ "$STATUS" != 201 ]; then
  echo "Generate JWT Token answered $STATUS, not 201: $(cat "$OUT/mint-check.json")" >&2
  exit 1
fi
echo "check: Generate JWT Token -> 201 $(head -c 60 "$OUT/mint-check.json")…"

export MINT_ACCESS_TOKEN="$ACCESS_TOKEN" MINT_APPKEY="$APPKEY" MINT_INTEGRATION="$INTEGRATION" MINT_CUSTOMER=bench-customer

# Runs wrk, keeps its output, and fails on any non-2xx response. $1 = name, rest = wrk arguments.
run_wrk() {
  local name=$1
  shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$OUT/$name.txt" 2>&1
  if grep -q 'Non-2xx' "$OUT/$name.txt" || grep -Eq 'lua: 2xx=[0-9]+ non-2xx=[1-9]' "$OUT/$name.txt"; then
    cat "$OUT/$name.txt" >&2
    echo "$name: non-2xx responses (see above)" >&2
    exit 1
  fi
  awk '/^Requests\/sec:/ { print $2 }' "$OUT/$name.txt"
}

# Server CPU (user + system, clock ticks) from /proc/PID/stat, fields 14 and 15.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
CPU_BEFORE="$(cpu_ticks "$SERVER_PID")"
MINT_RPS="$(run_wrk mint -s bench/mint.lua "$HTTP$TOKEN_PATH")"
CPU_AFTER="$(cpu_ticks "$SERVER_PID")"
MINT_REQUESTS="$(awk '/requests in/ { print $1 }' "$OUT/mint.txt")"
# Server CPU per answered request (steadier than req/s on a shared machine: other load takes the
# cores, not this figure).
MINT_CPU_US="$(python3 -c 'import sys; b, a, n, hz = map(int, sys.argv[1:5]); print(round((a - b) / hz * 1e6 / max(n, 1)))' \
  "$CPU_BEFORE" "$CPU_AFTER" "$MINT_REQUESTS" "$(getconf CLK_TCK)")"
echo "mint:  $MINT_RPS req/s"
echo "mint server CPU: $MINT_CPU_US us/request ($MINT_REQUESTS requests)"
curl -sS -o "$OUT/health-after.json" -w '%{http_code}\n' "$HTTP/__sim/health" >"$OUT/health-status.txt"
kill -TERM "$SERVER_PID"
SERVER_EXIT=0
wait "$SERVER_PID" || SERVER_EXIT=$?
SERVER_PID=""

# -- hello-mhd ------------------------------------------------------------------------------------
"$WORK/hello-mhd" 0 >"$WORK/hello.out" 2>"$OUT/hello-mhd.log" &
HELLO_PID=$!
wait_for_file "$WORK/hello.out" 10 || { echo "hello-mhd did not start" >&2; exit 1; }
HELLO="http://127.0.0.1:$(awk '{ print $2 }' "$WORK/hello.out")"
HELLO_RPS="$(run_wrk hello -s bench/mint.lua "$HELLO$TOKEN_PATH")"
echo "hello: $HELLO_RPS req/s (same POST request)"
HELLO_GET_RPS="$(run_wrk hello-get "$HELLO/")"
echo "hello: $HELLO_GET_RPS req/s (plain GET /, for reference)"

# -- summary --------------------------------------------------------------------------------------
STOP_ERRORS="$(grep -c 'internal error' "$OUT/axpsim.log" || true)"
python3 - "$MINT_RPS" "$HELLO_RPS" "$HELLO_GET_RPS" "$OUT" "$SERVER_EXIT" "$(cat "$OUT/health-status.txt")" "$STOP_ERRORS" <<'PY' | tee "$OUT/summary.txt"
import re, sys
mint, hello, hello_get, out, server_exit, health, stop_errors = sys.argv[1:8]
def latency(name):
    text = open(f"{out}/{name}.txt").read()
    found = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
    requests = re.search(r"(\d+) requests in", text).group(1)
    return found.get("50", "?"), found.get("99", "?"), requests
for label, name, rps in [("mint (axpsim)", "mint", mint), ("hello-mhd, same POST", "hello", hello), ("hello-mhd, GET /", "hello-get", hello_get)]:
    p50, p99, n = latency(name)
    print(f"{label:22s} {float(rps):10.0f} req/s  p50 {p50:>8s}  p99 {p99:>8s}  ({n} requests, all 2xx)")
print(f"ratio mint/hello (same POST): {float(mint) / float(hello):.3f}")
print(f"axpsim after the run: /__sim/health {health}, exit {server_exit} on SIGTERM, "
      f"{stop_errors} MHD 'Application reported internal error' line(s) in its log")
PY
echo "raw wrk output: $OUT"
