#!/usr/bin/env bash
# Runs every test of axpsim: Swift unit tests, then end-to-end tests that start the real binary
# and talk to it over HTTP and WebSocket. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ensure_system_packages
ensure_python_packages
ensure_browser_packages

swift build --build-tests
swift test --skip-build
AXPSIM_CONSOLE_REQUIRED=1 AXPSIM_BIN="$PWD/.build/debug/axpsim" python3 -m pytest -q -p no:cacheprovider Tests/e2e "$@"
AXPSIM_BIN="$PWD/.build/debug/axpsim" scripts/test-clients.sh
