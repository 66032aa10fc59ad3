#!/usr/bin/env bash
# Cold start-up of the release build: wall time from spawning `axpsim serve` (fresh database
# file, bundled fixtures, ports 0) until its --ready-file exists, i.e. until both ports serve.
# Each run then stops the server with SIGTERM. Prints every run and the median.
#
#   bench/startup.sh                 # builds .build-bench/release/axpsim first
#   AXPSIM_BIN=path bench/startup.sh # an existing binary
#   RUNS=20 bench/startup.sh         # more runs (default 10, at most 100)
#   STARTUP_DB=memory bench/startup.sh   # --db :memory: (fresh: a new file each run, the default;
#                                        # existing: one file made by a first, unmeasured start)
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

BIN="$(axpsim_release_binary)"
RUNS="${RUNS:-10}"
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 100 ] || { echo "RUNS must be 1..100" >&2; exit 1; }
STARTUP_DB="${STARTUP_DB:-fresh}"
case "$STARTUP_DB" in fresh|memory|existing) ;; *) echo "STARTUP_DB must be fresh, memory or existing" >&2; exit 1 ;; esac
OUT="${STARTUP_OUT:-$(results_dir "startup-$STARTUP_DB")}"
mkdir -p "$OUT"

python3 - "$BIN" "$RUNS" "$ROOT/fixtures" "$OUT" "$STARTUP_DB" <<'PY'
import os, shutil, signal, statistics, subprocess, sys, tempfile, time

binary, runs, fixtures, out, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
keep = tempfile.mkdtemp(prefix="axpsim-startup-db-")
existing = os.path.join(keep, "state.sqlite")
TIMEOUT = 30.0          # seconds a single start may take before the run fails
STOP_TIMEOUT = 10.0     # seconds the server may take to exit after SIGTERM
times, lost = [], []
for run in range(0 if mode == "existing" else 1, runs + 1):   # run 0 makes the existing database
    work = tempfile.mkdtemp(prefix="axpsim-startup-")
    db, ready = os.path.join(work, "state.sqlite"), os.path.join(work, "ready.json")
    log = open(os.path.join(out, f"run-{run}.log"), "wb")
    if mode == "memory":
        db = ":memory:"
    elif mode == "existing":
        db = existing
    command = [binary, "serve", "--http-port", "0", "--ws-port", "0", "--db", db,
               "--fixtures", fixtures, "--ready-file", ready]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    while not os.path.exists(ready):          # poll every 1 ms, bounded by TIMEOUT
        if process.poll() is not None:
            sys.exit(f"run {run}: axpsim exited with {process.returncode}; see {log.name}")
        if time.perf_counter() - start > TIMEOUT:
            process.kill()
            sys.exit(f"run {run}: not ready after {TIMEOUT} s")
        time.sleep(0.001)
    elapsed = (time.perf_counter() - start) * 1000
    process.send_signal(signal.SIGTERM)
    try:
        stop = f"exit {process.wait(timeout=STOP_TIMEOUT)} after SIGTERM"
    except subprocess.TimeoutExpired:
        # Seen under CPU contention: a SIGTERM that lands right after the ready file is written
        # can be lost (the server sets up its signal handling only after writing it). Count it,
        # SIGKILL the server and go on, so the start-up figure is still measured.
        process.kill()
        process.wait()
        stop = f"IGNORED SIGTERM for {STOP_TIMEOUT:.0f} s, killed"
        lost.append(run)
    log.close()
    shutil.rmtree(work, ignore_errors=True)
    if run == 0:
        continue
    times.append(elapsed)
    print(f"run {run:2d}: {elapsed:7.1f} ms  ({stop})", flush=True)
    shutil.rmtree(work, ignore_errors=True)
shutil.rmtree(keep, ignore_errors=True)
print(f"median of {runs} ({mode} database): {statistics.median(times):.1f} ms  (min {min(times):.1f}, max {max(times):.1f})")
if lost:
    print(f"WARNING: SIGTERM ignored in run(s) {lost}: the server had to be killed")
PY
echo "logs: $OUT"
