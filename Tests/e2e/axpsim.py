"""Start the real axpsim binary on free loopback ports and talk to it as clients would."""
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("AXPSIM_BIN", str(ROOT / ".build" / "debug" / "axpsim"))
FIXTURES = ROOT / "fixtures"

RETAIL = {
    "account": "DEMOAA",
    "client": "retail-backend",
    "secret": "retail-backend-secret",
    "appkey": "retail-appkey-0001",
    "support": "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01",
    "sales": "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a02",
}
BANK = {
    "account": "DEMOBB",
    "client": "bank-backend",
    "secret": "bank-backend-secret",
    "appkey": "bank-appkey-0001",
    "cards": "9b7e4d10-3c5f-4e8a-8d21-7a3b5c6d7e01",
    "mortgages": "9b7e4d10-3c5f-4e8a-8d21-7a3b5c6d7e02",
}


class Server:
    """One `axpsim serve` process. Readiness is the ready file appearing (written atomically once
    both ports serve), never a fixed sleep."""

    def __init__(self, *args, db=":memory:", workdir=None, verify=None):
        self.args = list(args)
        self.db = db
        # For --tls: the CA file (or False) that requests should verify the server with.
        self.verify = verify
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="axpsim-e2e-"))
        self.process = None
        self.http = None
        self.ws = None
        self.log_path = self.workdir / "server.log"

    def start(self, timeout=60):
        ready = self.workdir / f"ready-{time.monotonic_ns()}.json"
        command = [BIN, "serve", "--http-port", "0", "--ws-port", "0", "--db", self.db,
                   "--fixtures", str(FIXTURES), "--ready-file", str(ready), "--log-level", "warning", *self.args]
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"axpsim exited with {self.process.returncode}: {self.log_path.read_text()}")
            if time.monotonic() > deadline:
                raise TimeoutError("axpsim did not become ready")
            time.sleep(0.02)
        info = json.loads(ready.read_text())
        assert info["pid"] == self.process.pid
        self.http, self.ws = info["httpUrl"], info["wsUrl"]
        return self

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self.process = None
        self.log.close()
        return code

    def kill9(self):
        return self.stop(signal.SIGKILL)

    # -- clients -------------------------------------------------------------------------------

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

    def access_token(self, tenant=RETAIL, path="realms"):
        prefix = "/auth/realms" if path == "realms" else "/api/auth/v1"
        r = self.post(f"{prefix}/{tenant['account']}/protocol/openid-connect/token",
                      headers={"appkey": tenant["appkey"]},
                      data={"grant_type": "client_credentials", "client_id": tenant["client"],
                            "client_secret": tenant["secret"]})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def mint(self, body, tenant=RETAIL, token=None, appkey=None, account=None):
        token = token or self.access_token(tenant)
        return self.post(f"/api/digital/chat/v1/accounts/{account or tenant['account']}/tokens",
                         headers={"Authorization": f"Bearer {token}", "appkey": appkey or tenant["appkey"]},
                         json=body)
