#!/usr/bin/env bash
# Starts axpsim on the bundled fixtures (database .axpsim/state.sqlite), installing what it needs.
# Extra arguments go to `axpsim serve`, e.g. scripts/serve.sh --http-port 0 --clock virtual
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ensure_system_packages
swift build -c release --product axpsim >&2
exec .build/release/axpsim serve --fixtures fixtures --scenarios scenarios "$@"
