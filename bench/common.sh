#!/usr/bin/env bash
# Shared by bench/startup.sh and bench/mint.sh: finds (or builds) the release binary and keeps
# the raw output of each run under bench/results/ (git-ignored).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The release binary: $AXPSIM_BIN when set, else built into .build-bench (not .build, so a
# concurrent debug build or `swift test` keeps its lock).
axpsim_release_binary() {
  if [ -n "${AXPSIM_BIN:-}" ]; then
    [ -x "$AXPSIM_BIN" ] || { echo "AXPSIM_BIN=$AXPSIM_BIN is not an executable" >&2; exit 1; }
    echo "$AXPSIM_BIN"
    return
  fi
  (cd "$ROOT" && swift build -c release --product axpsim --scratch-path .build-bench >&2)
  echo "$ROOT/.build-bench/release/axpsim"
}

# The binary users install (scripts/package.sh builds it so: the Swift runtime linked in): cold
# start is measured on it. $AXPSIM_STATIC_BIN when set, else built into .build-static.
axpsim_static_binary() {
  if [ -n "${AXPSIM_STATIC_BIN:-}" ]; then
    [ -x "$AXPSIM_STATIC_BIN" ] || { echo "AXPSIM_STATIC_BIN=$AXPSIM_STATIC_BIN is not an executable" >&2; exit 1; }
    echo "$AXPSIM_STATIC_BIN"
    return
  fi
  (cd "$ROOT" && swift build -c release --product axpsim --static-swift-stdlib --scratch-path .build-static >&2)
  echo "$ROOT/.build-static/release/axpsim"
}

# A fresh folder for this run's logs: bench/results/<name>-<UTC time>.
results_dir() {
  local dir
  dir="$ROOT/bench/results/$1-$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$dir"
  echo "$dir"
}

# Waits (at most $2 seconds) for file $1 to exist, polling every 10 ms.
wait_for_file() {
  local file=$1 limit=$(( ${2:-30} * 100 )) i=0
  while [ ! -s "$file" ]; do
    i=$((i + 1))
    [ "$i" -gt "$limit" ] && return 1
    sleep 0.01
  done
}
