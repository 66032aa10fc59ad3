"""The e2e suite's layer over the Python test kit (clients/python, package `axpsim`): the kit starts
and stops the binary, mints tokens and drives the control plane; this module adds what only these
tests need — raw HTTP calls that return the response whatever its status (malformed input, refusals,
exact status codes), and the fixture integrations beyond each tenant's first."""
import os
import signal
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
# The kit from this checkout, not an installed copy: the suite tests the kit it ships with.
sys.path.insert(0, str(ROOT / "clients" / "python"))

from axpsim import BANK, RETAIL, AxpsimClient, Tenant, start_axpsim  # noqa: E402

BIN = os.environ.get("AXPSIM_BIN", str(ROOT / ".build" / "debug" / "axpsim"))
FIXTURES = ROOT / "fixtures"

# fixtures/accounts.yaml: each tenant's second integration (RETAIL and BANK carry the first).
RETAIL_SALES = RETAIL.with_integration("6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a02")
# The retail `triage` integration, whose routing rules send chats to staffed queues (SPEC section 10).
RETAIL_TRIAGE = RETAIL.with_integration("6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a03")
BANK_MORTGAGES = BANK.with_integration("9b7e4d10-3c5f-4e8a-8d21-7a3b5c6d7e02")

__all__ = ["AxpsimClient", "UnverifiedClient", "BANK", "BANK_MORTGAGES", "BIN", "FIXTURES", "RETAIL", "RETAIL_SALES", "RETAIL_TRIAGE", "ROOT", "Server", "Tenant"]


class Server:
    """One `axpsim serve` (the kit's `start_axpsim`, on free ports, with the repository's fixtures),
    its kit client (`client`) and raw HTTP calls that return the `requests` response."""

    def __init__(self, *args, db=":memory:", verify=None):
        self.args = [str(a) for a in args]
        self.db = db
        # For --tls: the CA file (or False) to verify the server with.
        self.verify = verify
        self.running = None
        self.client: AxpsimClient = None
        self.http = None
        self.ws = None

    def start(self, timeout=60):
        self.running = start_axpsim(BIN, fixtures=str(FIXTURES), db=self.db, args=self.args, timeout=timeout)
        self.http, self.ws = self.running.http_url, self.running.ws_url
        self.client = self.running.client(verify=self.verify)
        return self

    @property
    def process(self):
        return self.running.process if self.running else None

    @property
    def output(self):
        """What the server has written to stdout/stderr (after stop(): all of it)."""
        return self.running.output

    def stop(self, timeout=30):
        """SIGTERM and the exit code (the kit kills a server still running after `timeout` s)."""
        if self.running is None or self.running.process.returncode is not None:
            return None
        return self.running.stop(timeout=timeout)

    def kill9(self):
        self.running.process.send_signal(signal.SIGKILL)
        return self.stop()

    # -- raw HTTP: the response, whatever its status ----------------------------------------------

    def url(self, path):
        return self.http + path

    def _tls(self, kw):
        if self.verify is not None:
            kw.setdefault("verify", self.verify)
        return kw

    def get(self, path, **kw):
        return requests.get(self.url(path), timeout=30, **self._tls(kw))

    def post(self, path, **kw):
        return requests.post(self.url(path), timeout=30, **self._tls(kw))

    def session_put(self, path, body):
        return requests.put(self.url(path), json=body, timeout=30, **self._tls({}))

    def patch(self, path, body):
        return requests.patch(self.url(path), json=body, timeout=30, **self._tls({}))

    def delete(self, path):
        return requests.delete(self.url(path), timeout=30, **self._tls({}))

    def options(self, path, **kw):
        return requests.options(self.url(path), timeout=30, **self._tls(kw))

    # -- back end ---------------------------------------------------------------------------------

    def access_token(self, tenant=RETAIL):
        return self.client.access_token(tenant)

    def mint(self, body, tenant=RETAIL, token=None, appkey=None, account=None):
        """Generate JWT Token with any body and credentials; the raw response (the refusals are tested)."""
        token = token or self.access_token(tenant)
        return self.post(f"/api/digital/chat/v1/accounts/{account or tenant.account_id}/tokens",
                         headers={"Authorization": f"Bearer {token}", "appkey": appkey or tenant.app_key}, json=body)


class UnverifiedClient(AxpsimClient):
    """The kit's client of a `--tls` server with its own certificate (no verification), plus raw calls."""

    def __init__(self, server):
        super().__init__(server.http, verify=False)
        self.base = server.http

    def raw(self, method, path, **kw):
        """The response, whatever its status."""
        # verify=False per request: a session-level False loses to REQUESTS_CA_BUNDLE in the environment.
        return self.http.request(method, self.base + path, timeout=30, verify=False, **kw)
