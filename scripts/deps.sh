#!/usr/bin/env bash
# Installs what building and testing axpsim needs on a Debian machine, only when missing.
# Sourced by scripts/serve.sh and scripts/test.sh.

apt_packages=(libmicrohttpd-dev libwebsockets-dev libssl-dev libsqlite3-dev pkg-config)
python_modules=(pytest requests jwt websockets cryptography schemathesis openapi_spec_validator jsonschema)
# schemathesis is pinned: its v4 API (CLI options, hooks, JSON report) is what Tests/e2e/fuzz_api.py uses.
schemathesis_version=4.32.5
pip_packages=(pytest requests "pyjwt[crypto]" websockets cryptography "schemathesis==$schemathesis_version" openapi-spec-validator jsonschema)

ensure_system_packages() {
  local missing=()
  for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! command -v swift >/dev/null 2>&1; then
    echo "swift is not on PATH: install a Swift 6 toolchain (swift.org) first" >&2
    exit 1
  fi
}

ensure_python_packages() {
  if ! python3 -c "import $(IFS=,; echo "${python_modules[*]}"); assert schemathesis.__version__ == '$schemathesis_version'" 2>/dev/null; then
    echo "installing Python test clients: ${pip_packages[*]}" >&2
    python3 -m pip install --quiet --disable-pip-version-check "${pip_packages[@]}"
  fi
}

# The console's browser test (Tests/e2e/test_console.py) drives headless Chromium through chromedriver.
browser_apt_packages=(chromium chromium-driver)

ensure_browser_packages() {
  if ! command -v chromedriver >/dev/null 2>&1 || ! { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; }; then
    echo "installing: ${browser_apt_packages[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${browser_apt_packages[@]}" >/dev/null
  fi
  if ! python3 -c "import selenium" 2>/dev/null; then
    echo "installing Python test client: selenium" >&2
    python3 -m pip install --quiet --disable-pip-version-check selenium
  fi
}
