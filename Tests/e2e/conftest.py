import pytest

from harness import Server


@pytest.fixture(scope="module")
def server():
    """One emulator per test module (in-memory database); tests reset the accounts they touch."""
    s = Server().start()
    yield s
    assert s.stop() == 0, "SIGTERM must stop the server cleanly with exit code 0"


@pytest.fixture()
def fresh(server):
    """The module's server, reset to its fixtures."""
    server.client.request("POST", "/__sim/reset", expect=200)
    return server


def pytest_configure(config):
    # The tests hold sockets across steps on purpose (open, drop, resume), outside `with` blocks.
    config.addinivalue_line("filterwarnings", r"ignore:connect\(\) must be used as a context manager:DeprecationWarning")
