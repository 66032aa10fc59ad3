"""pytest plugin of the axpsim kit (entry point `pytest11`): fixtures

- `axpsim`: an `AxpsimClient` of one `axpsim serve` started for the whole test session (the binary
  is `--axpsim-bin`, else `$AXPSIM_BIN`, else `axpsim` on PATH); `axpsim.server` is the process.
- `axpsim_account`: a fresh, isolated account (`Tenant`) for each test.

Options (command line, or the ini keys `axpsim_bin`, `axpsim_fixtures`, `axpsim_scenarios`,
`axpsim_args`): the binary, `--fixtures` and `--scenarios` folders, more `serve` arguments.

The `axpsim` package is imported only when a fixture is used, so installing the plugin changes
nothing for test suites that do not use it."""
import shlex

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("axpsim")
    group.addoption("--axpsim-bin", default=None, help="axpsim binary (default: $AXPSIM_BIN, else PATH)")
    group.addoption("--axpsim-fixtures", default=None, help="folder of fixture YAML files for the axpsim fixture")
    group.addoption("--axpsim-scenarios", default=None, help="folder of scenario YAML files for the axpsim fixture")
    parser.addini("axpsim_bin", "axpsim binary", default=None)
    parser.addini("axpsim_fixtures", "folder of fixture YAML files", default=None)
    parser.addini("axpsim_scenarios", "folder of scenario YAML files", default=None)
    parser.addini("axpsim_args", "more `axpsim serve` arguments", default="")


def _setting(config, name):
    return config.getoption(f"--axpsim-{name}", None) or config.getini(f"axpsim_{name}") or None


@pytest.fixture(scope="session")
def axpsim(pytestconfig):
    """One axpsim server for the test session; yields its client (`.server` is the process)."""
    from axpsim import start_axpsim

    server = start_axpsim(bin=_setting(pytestconfig, "bin"), fixtures=_setting(pytestconfig, "fixtures"),
                          scenarios=_setting(pytestconfig, "scenarios"),
                          args=shlex.split(pytestconfig.getini("axpsim_args") or ""))
    client = server.client()
    client.server = server
    try:
        yield client
    finally:
        code = server.stop()
        if code != 0:
            raise RuntimeError(f"axpsim exited with {code} on SIGTERM:\n{server.output}")


@pytest.fixture()
def axpsim_account(axpsim):
    """A fresh, isolated account with one client, app key and integration for this test."""
    return axpsim.provision_tenant(name="pytest")
