#!/usr/bin/env bash
# Runs the client kits' tests against the real binary ($AXPSIM_BIN, default .build/debug/axpsim):
# clients/js with `node --test` (nothing to install), clients/python with pytest after installing the
# package with pip — into a virtual environment under .build/ that sees the system's packages
# (requests, pytest), so the pytest plugin is not registered in every pytest run of the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export AXPSIM_BIN="${AXPSIM_BIN:-$PWD/.build/debug/axpsim}"
[ -x "$AXPSIM_BIN" ] || { echo "test-clients: no axpsim binary at $AXPSIM_BIN (build it, or set AXPSIM_BIN)" >&2; exit 1; }

echo "== clients/js (node --test)"
command -v node >/dev/null || { echo "test-clients: node (>= 18) is not on PATH" >&2; exit 1; }
node --test clients/js/test/

echo "== clients/python (pip install ./clients/python, pytest)"
venv=.build/clients-venv
[ -x "$venv/bin/python" ] || python3 -m venv --system-site-packages "$venv"
# Without `wheel`, setuptools of this age cannot build in the current environment: let pip isolate the build.
isolation=()
"$venv/bin/python" -c "import setuptools, wheel" 2>/dev/null && isolation=(--no-build-isolation)
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "${isolation[@]}" ./clients/python
rm -rf clients/python/build clients/python/axpsim.egg-info   # what the build leaves in the source folder
"$venv/bin/python" - <<'PY'
import axpsim, importlib.metadata as m
assert "site-packages" in axpsim.__file__, axpsim.__file__
assert any(ep.name == "axpsim" for ep in m.entry_points(group="pytest11")), "pytest11 entry point missing"
PY
"$venv/bin/python" -m pytest -q -p no:cacheprovider clients/python/tests
