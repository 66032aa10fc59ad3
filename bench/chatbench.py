"""Shared by bench/chat_latency.py, bench/capacity.py and bench/fanout.py: starts `axpsim serve`
on a fresh file database (WAL), and speaks the Chat SDK protocol (docs/sdk-protocol.md) and the
event socket (SPEC section 4) asynchronously with aiohttp and websockets.

Loopback only. Every wait in here has a timeout; the caller stops the server in a `finally`.
"""
import asyncio
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import websockets
from websockets.asyncio.client import connect as ws_connect

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
# The fixtures' credentials, defined once (the kit's Tenant). Its integration, "support": no idle
# timeout, no scenario attached.
from harness import RETAIL  # noqa: E402
SDK_BASE = "/sdk/digital/chat/v1/integrations/{integration}"
SUBPROTOCOL = "axpsim.events.v1"


def binary():
    path = os.environ.get("AXPSIM_BIN") or str(ROOT / ".build-bench" / "release" / "axpsim")
    if not os.access(path, os.X_OK):
        sys.exit(f"no axpsim binary at {path}: run bench/chat.sh (it builds one) or set AXPSIM_BIN")
    return path


def raise_fd_limit():
    """Soft RLIMIT_NOFILE up to the hard limit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def use_uvloop():
    try:
        import uvloop
        uvloop.install()
        return "uvloop"
    except ImportError:
        return "asyncio"


class Server:
    """One `axpsim serve` on free loopback ports and a fresh file database (WAL mode)."""

    def __init__(self, workdir=None, extra=()):
        # BENCH_TMPDIR puts the database elsewhere (e.g. /dev/shm, to take disk syncs out).
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="axpsim-bench-", dir=os.environ.get("BENCH_TMPDIR")))
        # A temp folder of our own is removed by cleanup() (databases of 10k sessions are ~100 MB)
        # unless BENCH_KEEP_DB=1.
        self.own_workdir = workdir is None
        self.extra = list(extra)
        self.process = None

    def start(self, timeout=60):
        ready = self.workdir / "ready.json"
        self.db = self.workdir / "s.sqlite"
        command = [binary(), "serve", "--http-port", "0", "--ws-port", "0", "--db", str(self.db),
                   "--fixtures", str(FIXTURES), "--ready-file", str(ready), "--log-level", "warning", *self.extra]
        self.log = open(self.workdir / "server.log", "ab")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not ready.exists() or ready.stat().st_size == 0:
            if self.process.poll() is not None:
                raise RuntimeError(f"axpsim exited with {self.process.returncode}, see {self.workdir / 'server.log'}")
            if time.monotonic() > deadline:
                raise TimeoutError("axpsim did not become ready")
            time.sleep(0.01)
        info = json.loads(ready.read_text())
        if os.environ.get("BENCH_SERVER_PIDFILE"):  # for attaching a profiler
            Path(os.environ["BENCH_SERVER_PIDFILE"]).write_text(str(self.process.pid))
        self.http, self.ws = info["httpUrl"].rstrip("/"), info["wsUrl"].rstrip("/")
        # Give the server a moment past readiness before any signal (see README "Known issues").
        time.sleep(0.5)
        return self

    @property
    def pid(self):
        return self.process.pid

    def rss_kib(self):
        """VmRSS of the server in KiB (from /proc/PID/status)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return None

    def threads(self):
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
        return None

    def fds(self):
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return None

    def established(self, which):
        """Established TCP connections whose local port is the server's `which` ("http"/"ws") port
        (from /proc/net/tcp and tcp6: the server's side of each client connection)."""
        port = int((self.http if which == "http" else self.ws).rsplit(":", 1)[1].split("/")[0])
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                fields = line.split()
                if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    count += 1
        return count

    def cpu_seconds(self):
        """User + system CPU seconds the server has used (from /proc/PID/stat)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout=30):
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = f"killed after {timeout} s without exiting on SIGTERM"
                self.process.wait(timeout=10)
        else:
            code = self.process.returncode
        self.log.close()
        self.process = None
        return code

    def log_tail(self, lines=20):
        """The end of the server's log; also removes our temp folder once the server has stopped."""
        try:
            return "\n".join((self.workdir / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
        finally:
            self.cleanup()

    def cleanup(self):
        if self.process is None and self.own_workdir and not os.environ.get("BENCH_KEEP_DB"):
            shutil.rmtree(self.workdir, ignore_errors=True)


def text_body(text):
    return {"elementType": "TEXT", "elementText": {"text": text, "textFormat": "PLAINTEXT"}}


class HTTPError(Exception):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} -> {status}: {body[:300]}")
        self.status = status


class Client:
    """aiohttp session(s) against one server, plus the SDK and control-plane calls the benchmarks need."""

    def __init__(self, server_http, server_ws, tenant=RETAIL):
        self.http = server_http
        self.ws = server_ws
        self.tenant = tenant
        self.base = SDK_BASE.format(integration=tenant.integration_id)
        # No connection limit: every long poll needs its own connection.
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, force_close=False, enable_cleanup_closed=False),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=30))
        self.status_counts = {}

    async def close(self):
        await self.session.close()

    def count(self, status):
        self.status_counts[status] = self.status_counts.get(status, 0) + 1

    async def request(self, method, path, *, json_body=None, data=None, headers=None, params=None, timeout=60, expect=(200, 201, 204)):
        async with self.session.request(method, self.http + path, json=json_body, data=data, headers=headers, params=params,
                                        timeout=aiohttp.ClientTimeout(total=timeout)) as r:
            body = await r.read()
            self.count(r.status)
            if r.status not in expect:
                raise HTTPError(method, path, r.status, body.decode(errors="replace"))
            return json.loads(body) if body else None

    async def access_token(self):
        t = self.tenant
        answer = await self.request("POST", f"/auth/realms/{t.account_id}/protocol/openid-connect/token",
                                    headers={"appkey": t.app_key},
                                    data={"grant_type": "client_credentials", "client_id": t.client_id, "client_secret": t.client_secret})
        return answer["access_token"]

    async def mint(self, access, customer_id, ttl=60):
        answer = await self.request("POST", f"/api/digital/chat/v1/accounts/{self.tenant.account_id}/tokens",
                                    headers={"Authorization": f"Bearer {access}", "appkey": self.tenant.app_key},
                                    json_body={"integrationId": self.tenant.integration_id, "customerId": customer_id, "ttl": ttl},
                                    expect=(201,))
        return answer["jwtToken"]

    def sdk_headers(self, jwt):
        return {"Authorization": f"Bearer {jwt}", "appkey": self.tenant.app_key}

    async def sdk(self, method, jwt, path, body=None, **kw):
        return await self.request(method, self.base + path, json_body=body, headers=self.sdk_headers(jwt), **kw)

    async def start_session(self, jwt, name=None):
        s = await self.sdk("POST", jwt, "/sessions", {"displayName": name, "clientType": "web", "sessionParameters": {}}, expect=(201,))
        return s["sessionId"]

    async def create_engagement(self, jwt, sid):
        e = await self.sdk("POST", jwt, "/engagements", {"sessionId": sid, "engagementParameters": {}}, expect=(201,))
        return e["engagementId"], e["dialogs"][0]["dialogId"]

    async def join(self, jwt, sid, eid, did):
        return await self.sdk("POST", jwt, f"/engagements/{eid}:join", {"dialogId": did, "sessionId": sid}, expect=(200, 201))

    async def send(self, jwt, sid, eid, did, text):
        return await self.sdk("POST", jwt, f"/engagements/{eid}/messages",
                              {"dialogId": did, "sessionId": sid, "body": text_body(text)}, expect=(200, 201))

    async def poll(self, jwt, sid, last_event_id, wait, timeout=None):
        params = {"waitSeconds": str(wait)}
        if last_event_id is not None:
            params["lastEventId"] = str(last_event_id)
        return await self.sdk("GET", jwt, f"/sessions/{sid}/events", params=params, timeout=timeout or wait + 30, expect=(200,))

    async def agent_join(self, eid):
        return await self.request("POST", f"/__sim/engagements/{eid}/agent/join", json_body={"displayName": "Bench Agent"}, expect=(201,))

    async def agent_message(self, eid, text):
        return await self.request("POST", f"/__sim/engagements/{eid}/agent/message", json_body={"text": text}, expect=(201,))

    async def open_socket(self, jwt, sid, last_event_id=None, open_timeout=30):
        """An authenticated event socket: (websocket, ready frame)."""
        url = f"{self.ws}{self.base}/sessions/{sid}/events"
        ws = await ws_connect(url, subprotocols=[SUBPROTOCOL], open_timeout=open_timeout, ping_interval=None,
                              max_queue=None, compression=None, close_timeout=5)
        frame = {"type": "auth", "jwt": jwt, "appkey": self.tenant.app_key}
        if last_event_id is not None:
            frame["lastEventId"] = str(last_event_id)
        await ws.send(json.dumps(frame))
        ready = json.loads(await asyncio.wait_for(ws.recv(), open_timeout))
        if ready.get("type") != "ready":
            await ws.close()
            raise RuntimeError(f"socket of {sid}: {ready}")
        return ws, ready


async def bounded_gather(n, limit, make):
    """Runs make(i) for i in range(n), at most `limit` at a time; returns results in order."""
    sem = asyncio.Semaphore(limit)

    async def one(i):
        async with sem:
            return await make(i)

    return await asyncio.gather(*(one(i) for i in range(n)))


async def mint_many(client, prefix, n, limit=16):
    access = await client.access_token()
    return await bounded_gather(n, limit, lambda i: client.mint(access, f"{prefix}-{i}"))


def percentile(values, p):
    """Nearest-rank percentile of a list (p in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


class LoopLag:
    """Measures how late the client's event loop runs a 10 ms ticker: a busy client shows it."""

    def __init__(self, period=0.01):
        self.period = period
        self.lags = []
        self.task = None

    async def run(self):
        loop = asyncio.get_running_loop()
        while True:
            t = loop.time()
            await asyncio.sleep(self.period)
            self.lags.append(loop.time() - t - self.period)

    def start(self):
        self.lags = []
        self.task = asyncio.ensure_future(self.run())

    async def stop(self):
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
        return {"p50_ms": percentile(self.lags, 50) * 1000, "p99_ms": percentile(self.lags, 99) * 1000,
                "max_ms": max(self.lags) * 1000 if self.lags else float("nan")}


def machine_busy_seconds():
    """CPU seconds all cores spent busy (not idle, not iowait) since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def wait_quiet(threshold_pct=None, max_wait=None, window=2.0):
    """Waits (at most `max_wait` s) until the machine was less than `threshold_pct` % busy (of one
    core) over a `window`-second sample: the box is shared, so start when others are quiet.
    Returns {"waited_s", "busy_pct"} of the last sample (an honest note when it timed out)."""
    threshold_pct = float(os.environ.get("BENCH_QUIET_PCT", 30)) if threshold_pct is None else threshold_pct
    max_wait = float(os.environ.get("BENCH_QUIET_MAX_S", 180)) if max_wait is None else max_wait
    t0 = time.monotonic()
    while True:
        b0 = machine_busy_seconds()
        time.sleep(window)
        busy = 100 * (machine_busy_seconds() - b0) / window
        waited = time.monotonic() - t0
        if busy < threshold_pct or waited >= max_wait:
            return {"waited_s": round(waited, 1), "busy_pct": round(busy, 1), "quiet": busy < threshold_pct}


class CPUMeter:
    """CPU use of this process, of the server and of the whole machine over an interval, in % of
    one core (the machine has 2: 200 % is all of it). machine − server − client = everything
    else running meanwhile (other processes on the shared box)."""

    def __init__(self, server):
        self.server = server

    def start(self):
        self.t0 = time.monotonic()
        self.c0 = time.process_time()
        self.s0 = self.server.cpu_seconds()
        self.m0 = machine_busy_seconds()
        self.load0 = os.getloadavg()[0]

    def stop(self):
        dt = time.monotonic() - self.t0
        return {"client_cpu_pct": 100 * (time.process_time() - self.c0) / dt,
                "server_cpu_pct": 100 * (self.server.cpu_seconds() - self.s0) / dt,
                "machine_cpu_pct": 100 * (machine_busy_seconds() - self.m0) / dt, "loadavg_1m_before": self.load0, "seconds": dt}


def write_json(path, data):
    if path:
        Path(path).write_text(json.dumps(data, indent=2, default=str))
