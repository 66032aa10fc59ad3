"""Soak (issue 7, item 12): whole chats at a steady rate for an hour against one `axpsim serve` with a
file database and short retention; do the server's resident memory and its database stay flat
after warm-up?

    python3 bench/soak.py [--rate 2] [--duration 3600] [--warmup 600] [--sample 15] ...

The server runs with `--retention 60 --access-token-ttl 120` so that ended state is pruned within the
run (a retention pass every 30 s of real time). Every chat is what a back end plus the Chat SDK do:
OAuth access token (one reused for about a minute), Generate JWT Token (`ttlSeconds` 120), session,
engagement, agent joins (control plane), messages both ways, long polls (`waitSeconds=0`), for some
chats an event socket, then the agent ends the chat and the SDK shuts the session down. Any
non-2xx answer, any missing, duplicated or out-of-order event is an error (expected: 0).

Every `--sample` seconds: the server's VmRSS (`/proc/PID/status`), the database file and its -wal
and -shm sizes, row counts of every table (read-only SQLite connection) and the delivery counts of
`GET /__sim/health`; written as CSV to bench/results/soak-<UTC time>/samples.csv. The summary
gives, over the samples after warm-up, the least-squares slope of each metric, its growth over the
measured window, min/max, and a verdict: FLAT when the slope is at most --flat-pct % of the mean per
10 minutes, else GROWING. After the load, a drain phase (`--drain` s, then `POST /__sim/prune`)
shows whether everything the chats left is pruned.

Loopback only; every loop is bounded in count and time; the server is stopped with SIGTERM (exit
code 0 expected). Reuses the end-to-end test clients (Tests/e2e/harness.py, Tests/e2e/chat.py).
"""
import argparse
import concurrent.futures
import csv
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The release binary unless AXPSIM_BIN says otherwise (read by Tests/e2e/harness.py at import).
os.environ.setdefault("AXPSIM_BIN", str(ROOT / ".build" / "release" / "axpsim"))
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))

import harness  # noqa: E402
from harness import RETAIL  # noqa: E402
from chat import Chat, Customer  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

SDK_TYPES = {"MESSAGE", "PARTICIPANT_ADDED", "PARTICIPANT_DISCONNECTED", "ENGAGEMENT_CREATED", "ENGAGEMENT_ERROR"}


class ChatError(Exception):
    """A chat went wrong: a non-2xx answer or a lost / duplicated / disordered event."""


def utc_now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the server's resources ---------------------------------------------------------------------

def proc_status(pid):
    """VmRSS, RssAnon, RssFile, VmHWM (KiB) and Threads from /proc/PID/status."""
    wanted = {"VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads"}
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in wanted:
            values[key] = int(rest.split()[0])
    return values


def proc_cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def file_size(path):
    try:
        return path.stat().st_size
    except OSError:
        return 0


def table_names(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
        return [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                        "ORDER BY name")]


def db_counts(db, tables):
    """Row counts of `tables`, page_count and freelist_count, in one short read transaction."""
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        out = {f"rows_{t}": c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        out["page_count"] = c.execute("PRAGMA page_count").fetchone()[0]
        out["freelist_count"] = c.execute("PRAGMA freelist_count").fetchone()[0]
        return out
    finally:
        c.close()


# -- the load -------------------------------------------------------------------------------------

class AccessTokens:
    """One OAuth access token, renewed once it is `refresh` seconds old (as a back end caches it)."""

    def __init__(self, server, refresh):
        self.server, self.refresh = server, refresh
        self.lock = threading.Lock()
        self.token, self.at = None, -1e9
        self.fetched = 0

    def get(self):
        with self.lock:
            if time.monotonic() - self.at >= self.refresh:
                self.token = self.server.access_token(RETAIL)  # asserts 200
                self.at = time.monotonic()
                self.fetched += 1
            return self.token


def expect(response, codes, what):
    if response.status_code not in codes:
        raise ChatError(f"{what} -> {response.status_code}: {response.text[:200]}")
    return response


def check_poll_events(events, cid, texts_in, texts_out):
    """The SDK-visible log of one chat: created, both joins, every message once, both disconnects."""
    ids = [int(e["eventId"]) for e in events]
    if ids != sorted(set(ids)):
        raise ChatError(f"{cid}: poll event ids not strictly increasing: {ids}")
    kinds = [e["eventType"] for e in events]
    if kinds.count("ENGAGEMENT_CREATED") != 1:
        raise ChatError(f"{cid}: ENGAGEMENT_CREATED x{kinds.count('ENGAGEMENT_CREATED')}")
    added = sorted(e["participant"]["participantType"] for e in events if e["eventType"] == "PARTICIPANT_ADDED")
    gone = sorted(e["participant"]["participantType"] for e in events if e["eventType"] == "PARTICIPANT_DISCONNECTED")
    if added != ["AGENT", "CUSTOMER"] or gone != ["AGENT", "CUSTOMER"]:
        raise ChatError(f"{cid}: participants added {added}, disconnected {gone}")
    messages = [(e["participant"]["participantType"], e["message"]["body"]["elementText"]["text"])
                for e in events if e["eventType"] == "MESSAGE"]
    wanted = sorted([("CUSTOMER", t) for t in texts_out] + [("AGENT", t) for t in texts_in])
    if sorted(messages) != wanted:
        raise ChatError(f"{cid}: messages {sorted(messages)} != {wanted}")
    if set(kinds) - SDK_TYPES:
        raise ChatError(f"{cid}: non-SDK event types on the long poll: {set(kinds) - SDK_TYPES}")


def read_socket(ws, cid, poll_events, limit=200, timeout=10):
    """Every frame of a session's socket until the server closes it (after SESSION_CLOSED):
    gap-free ids 1..N, the long poll's events among them unchanged, closed with 4410."""
    events, code = [], None
    for _ in range(limit):
        try:
            events.append(json.loads(ws.recv(timeout=timeout)))
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
            break
        except TimeoutError:
            raise ChatError(f"{cid}: socket silent for {timeout} s (got {[e.get('eventType') for e in events]})")
    else:
        raise ChatError(f"{cid}: socket sent more than {limit} frames")
    errors = [e for e in events if e.get("type") == "error"]
    events = [e for e in events if "eventId" in e]
    ids = [int(e["eventId"]) for e in events]
    if ids != list(range(1, len(ids) + 1)):
        raise ChatError(f"{cid}: socket event ids {ids} are not 1..N")
    if not events or events[-1]["eventType"] != "SESSION_CLOSED":
        raise ChatError(f"{cid}: socket's last event is not SESSION_CLOSED: {[e['eventType'] for e in events]}")
    if "ENGAGEMENT_TERMINATED" not in {e["eventType"] for e in events}:
        raise ChatError(f"{cid}: no ENGAGEMENT_TERMINATED on the socket")
    by_id = {e["eventId"]: e for e in events}
    for e in poll_events:
        if by_id.get(e["eventId"]) != e:
            raise ChatError(f"{cid}: poll event {e['eventId']} differs on the socket or is missing there")
    if code != 4410:
        raise ChatError(f"{cid}: socket closed with {code} (want 4410), error frames {errors}")
    return len(events)


def one_chat(server, tokens, run_id, index, args, with_socket):
    """One whole chat; returns a dict of what happened, raises ChatError/AssertionError/... on error."""
    cid = f"soak-{run_id}-{index}"
    r = expect(server.mint({"integrationId": RETAIL.integration_id, "customerId": cid, "ttlSeconds": args.ttl_seconds},
                           token=tokens.get()), (201,), "mint")
    customer = Customer(server, cid, jwt=r.json()["jwtToken"])
    session = customer.call("POST", "/sessions", {"displayName": cid, "clientType": "web", "sessionParameters": {}})
    customer.session_id = expect(session, (201,), "session").json()["sessionId"]
    ws = None
    socket_events = 0
    try:
        if with_socket:
            ws, ready = customer.socket(ping_interval=None, close_timeout=5)
            if ready.get("type") != "ready":
                raise ChatError(f"{cid}: socket answered {ready}")
        engagement = customer.call("POST", "/engagements", {"sessionId": customer.session_id, "engagementParameters": {}})
        chat = Chat(expect(engagement, (201,), "engagement").json())
        expect(server.post(f"/__sim/engagements/{chat.id}/agent/join", json={"displayName": "Soak Agent"}), (201,), "agent join")
        customer.poll(wait=0)
        texts_out, texts_in = [], []
        for k in range(args.messages):
            text = f"{cid} customer {k}"
            expect(customer.send(chat, text), (200, 201), "customer message")
            texts_out.append(text)
            text = f"{cid} agent {k}"
            expect(server.post(f"/__sim/engagements/{chat.id}/agent/message", json={"text": text}), (201,), "agent message")
            texts_in.append(text)
            customer.poll(wait=0)
        expect(server.post(f"/__sim/engagements/{chat.id}/end", json={}), (200, 201, 204), "end")
        # The end's events are stored before /end answers: the next poll has them. Bounded retries
        # (so a late event is visible as late, and a lost one as an error) with short holds.
        for attempt in range(10):
            customer.poll(wait=0 if attempt < 3 else 1)
            if sum(1 for e in customer.seen if e["eventType"] == "PARTICIPANT_DISCONNECTED") >= 2:
                break
            time.sleep(0.05)
        check_poll_events(customer.seen, cid, texts_in, texts_out)
        expect(customer.shutdown(), (200, 204), "session shutdown")
        if ws is not None:
            socket_events = read_socket(ws, cid, customer.seen)
    finally:
        if ws is not None:
            ws.close()
    return {"poll_events": len(customer.seen), "socket_events": socket_events}


class Load:
    """Chats started at a steady rate (absolute schedule) on a small thread pool."""

    def __init__(self, server, args, run_id, error_log):
        self.server, self.args, self.run_id = server, args, run_id
        self.tokens = AccessTokens(server, args.token_refresh)
        self.lock = threading.Lock()
        self.started = self.done = self.errors = self.skipped = self.sockets = 0
        self.error_kinds = {}
        self.durations = []
        self.max_lag = 0.0
        self.in_flight = 0
        self.error_log = error_log
        self.stop_event = threading.Event()

    def record_error(self, index, exc):
        kind = f"{type(exc).__name__}: {str(exc).split(':', 1)[0][:80]}"
        with self.lock:
            self.errors += 1
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1
            if self.errors <= 200:
                self.error_log.write(f"{utc_now()} chat {index}: {type(exc).__name__}: {exc}\n")
                self.error_log.write("".join(traceback.format_exception(exc)[-3:]) + "\n")
                self.error_log.flush()

    def run_chat(self, index, with_socket):
        t = time.monotonic()
        try:
            result = one_chat(self.server, self.tokens, self.run_id, index, self.args, with_socket)
        except Exception as exc:  # noqa: BLE001 -- every failure is counted, none stops the soak
            self.record_error(index, exc)
            result = None
        with self.lock:
            self.in_flight -= 1
            self.durations.append(time.monotonic() - t)
            if result is not None:
                self.done += 1
                self.sockets += 1 if with_socket else 0

    def run(self, t0, duration):
        """Submits chat i at t0 + i / rate for i < rate * duration; returns when all have finished."""
        total = int(self.args.rate * duration)
        every = max(1, round(1 / self.args.socket_share)) if self.args.socket_share > 0 else 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.args.workers, thread_name_prefix="chat") as pool:
            for i in range(total):
                if self.stop_event.is_set():
                    break
                due = t0 + i / self.args.rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                with self.lock:
                    self.max_lag = max(self.max_lag, time.monotonic() - due)
                    if self.in_flight >= self.args.max_in_flight:  # the server cannot keep up: say so
                        self.skipped += 1
                        self.errors += 1
                        self.error_kinds["skipped (too many chats in flight)"] = self.error_kinds.get("skipped (too many chats in flight)", 0) + 1
                        continue
                    self.in_flight += 1
                    self.started += 1
                pool.submit(self.run_chat, i, every > 0 and i % every == 0)
        # Leaving the with-block waits for every submitted chat (each bounded by its own timeouts).


# -- sampling -------------------------------------------------------------------------------------

class Sampler:
    def __init__(self, server, db, load, out_csv, period):
        self.server, self.db, self.load, self.period = server, db, load, period
        self.tables = table_names(db)
        self.rows = []
        self.fields = (["t_s", "utc", "phase", "chats_started", "chats_done", "errors", "rss_kib", "rss_anon_kib",
                        "rss_file_kib", "vmhwm_kib", "threads", "fds", "server_cpu_s", "db_bytes", "wal_bytes",
                        "shm_bytes", "db_total_bytes", "page_count", "freelist_count"]
                       + [f"rows_{t}" for t in self.tables]
                       + ["heldPolls", "heldJournalPolls", "socketSubscribers", "eventSockets", "wsConnections"])
        self.file = open(out_csv, "w", newline="")
        self.writer = csv.DictWriter(self.file, fieldnames=self.fields, extrasaction="ignore")
        self.writer.writeheader()
        self.phase = "warmup"
        self.stop_event = threading.Event()
        self.thread = None

    def sample(self, t0):
        pid = self.server.process.pid
        status = proc_status(pid)
        row = {"t_s": round(time.monotonic() - t0, 1), "utc": utc_now(), "phase": self.phase,
               "chats_started": self.load.started, "chats_done": self.load.done, "errors": self.load.errors,
               "rss_kib": status.get("VmRSS"), "rss_anon_kib": status.get("RssAnon"), "rss_file_kib": status.get("RssFile"),
               "vmhwm_kib": status.get("VmHWM"), "threads": status.get("Threads"), "fds": proc_fds(pid),
               "server_cpu_s": round(proc_cpu_seconds(pid), 2)}
        db = Path(self.db)
        row["db_bytes"] = file_size(db)
        row["wal_bytes"] = file_size(Path(f"{db}-wal"))
        row["shm_bytes"] = file_size(Path(f"{db}-shm"))
        row["db_total_bytes"] = row["db_bytes"] + row["wal_bytes"] + row["shm_bytes"]
        try:
            row.update(db_counts(db, self.tables))
        except sqlite3.Error as exc:
            print(f"  (row counts skipped: {exc})", flush=True)
        try:
            health = self.server.get("/__sim/health").json()
            row.update(health.get("delivery", {}))
            row["wsConnections"] = health.get("parts", {}).get("websocket", {}).get("connections")
        except Exception as exc:  # noqa: BLE001 -- a missed health read is noted, not fatal
            print(f"  (health skipped: {exc})", flush=True)
        self.rows.append(row)
        self.writer.writerow(row)
        self.file.flush()
        return row

    def loop(self, t0, until):
        n = 0
        while not self.stop_event.is_set() and time.monotonic() < until:
            row = self.sample(t0)
            if n % 4 == 0:
                print(f"  t={row['t_s']:7.1f}s {row['phase']:7} chats={row['chats_done']:6} errors={row['errors']} "
                      f"rss={row['rss_kib'] / 1024:.1f}MiB db={row['db_bytes'] / 1024:.0f}KiB wal={row['wal_bytes'] / 1024:.0f}KiB "
                      f"sessions={row.get('rows_chat_session')} events={row.get('rows_event')} "
                      f"held={row.get('heldPolls')} sockets={row.get('eventSockets')}", flush=True)
            n += 1
            next_at = t0 + n * self.period
            self.stop_event.wait(max(0.0, next_at - time.monotonic()))

    def start(self, t0, until):
        self.thread = threading.Thread(target=self.loop, args=(t0, until), name="sampler", daemon=True)
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        if self.thread:
            self.thread.join(timeout=60)

    def close(self):
        self.file.close()


# -- summary --------------------------------------------------------------------------------------

def slope(xs, ys):
    """Least-squares slope of ys over xs."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


def trend(rows, key, scale, flat_pct):
    """Slope per minute (in the unit after `scale`), mean, min/max, first/last, growth and verdict."""
    points = [(r["t_s"] / 60, r[key] / scale) for r in rows if r.get(key) is not None]
    if len(points) < 3:
        return None
    xs, ys = zip(*points)
    s = slope(xs, ys)
    mean = sum(ys) / len(ys)
    window_min = xs[-1] - xs[0]
    limit = flat_pct / 100 * abs(mean) / 10 if mean else 0.0  # flat_pct % of the mean per 10 min, per minute
    return {"slope_per_min": s, "mean": mean, "min": min(ys), "max": max(ys), "first": ys[0], "last": ys[-1],
            "window_min": window_min, "fitted_growth_pct": 100 * s * window_min / mean if mean else 0.0,
            "growth_pct": 100 * (ys[-1] - ys[0]) / ys[0] if ys[0] else 0.0, "limit_per_min": limit,
            "verdict": "FLAT" if s <= limit else "GROWING"}


def summarize(args, load, sampler, measure_from, report, stop_code, run_s):
    measured = [r for r in sampler.rows if r["phase"] == "measure" and r["t_s"] >= measure_from]
    warmup_end = measured[0] if measured else None
    lines = []
    durations = sorted(load.durations)

    def pct(p):
        return durations[min(len(durations) - 1, int(p / 100 * len(durations)))] * 1000 if durations else float("nan")

    lines.append(f"load: {load.done} chats completed of {load.started} started ({load.sockets} with an event socket) in "
                 f"{run_s:.0f} s = {load.done / run_s:.2f} chats/s (target {args.rate}); errors {load.errors}"
                 f"{' ' + json.dumps(load.error_kinds) if load.error_kinds else ''}; skipped {load.skipped}; "
                 f"access tokens fetched {load.tokens.fetched}")
    lines.append(f"chat duration p50 {pct(50):.0f} ms, p99 {pct(99):.0f} ms, max {durations[-1] * 1000 if durations else 0:.0f} ms; "
                 f"largest start lag {load.max_lag * 1000:.0f} ms")
    results = {}
    metrics = [("rss_kib", 1, "KiB", "RSS (VmRSS)"), ("rss_anon_kib", 1, "KiB", "RSS anonymous"),
               ("db_bytes", 1024, "KiB", "DB file"), ("wal_bytes", 1024, "KiB", "WAL file"),
               ("db_total_bytes", 1024, "KiB", "DB + WAL + SHM")]
    row_keys = [k for k in sampler.fields if k.startswith("rows_")]
    if warmup_end:
        last = measured[-1]
        lines.append(f"measured window: t={warmup_end['t_s']:.0f}..{last['t_s']:.0f} s ({len(measured)} samples, "
                     f"every {args.sample:g} s); FLAT = slope <= {args.flat_pct:g} % of the mean per 10 min")
        lines.append(f"{'metric':18} {'at warm-up end':>15} {'at end':>12} {'min':>12} {'max':>12} {'slope':>18} {'fitted growth':>14} verdict")
        for key, scale, unit, label in metrics:
            t = trend(measured, key, scale, args.flat_pct)
            if t is None:
                continue
            results[key] = t
            lines.append(f"{label:18} {t['first']:>11.0f} {unit} {t['last']:>8.0f} {unit} {t['min']:>8.0f} {unit} {t['max']:>8.0f} {unit} "
                         f"{t['slope_per_min']:>+10.2f} {unit}/min {t['fitted_growth_pct']:>+12.2f} %  "
                         f"{'PASS/FLAT' if t['verdict'] == 'FLAT' else 'GROWING'}")
        lines.append("rows (at warm-up end -> at end, min..max, slope rows/min):")
        for key in row_keys:
            t = trend(measured, key, 1, args.flat_pct)
            if t is None:
                continue
            results[key] = t
            grows = t["verdict"] == "GROWING" and t["slope_per_min"] * t["window_min"] >= 10
            lines.append(f"  {key[5:]:20} {t['first']:>8.0f} -> {t['last']:>8.0f}  ({t['min']:.0f}..{t['max']:.0f})  "
                         f"{t['slope_per_min']:+.2f}/min{'  GROWING' if grows else ''}")
        for key in ("heldPolls", "eventSockets", "socketSubscribers", "wsConnections", "threads", "fds"):
            values = [r[key] for r in measured if r.get(key) is not None]
            if values:
                lines.append(f"  {key}: {min(values)}..{max(values)} (last {values[-1]})")
    else:
        lines.append("no samples after warm-up: nothing to judge (run longer than --warmup)")
    drain = [r for r in sampler.rows if r["phase"] == "drain"]
    if drain and report is not None:
        final = drain[-1]
        left = {k[5:]: final[k] for k in row_keys if final.get(k)}
        lines.append(f"after the load and a {args.drain:g} s drain, POST /__sim/prune removed {json.dumps(report)}; rows left: "
                     f"{json.dumps(left)}; RSS {final['rss_kib'] / 1024:.1f} MiB, DB {final['db_bytes'] / 1024:.0f} KiB, "
                     f"WAL {final['wal_bytes'] / 1024:.0f} KiB")
    lines.append(f"server stop (SIGTERM): exit code {stop_code}")
    verdicts = [results[k]["verdict"] for k in ("rss_kib", "db_bytes", "db_total_bytes") if k in results]
    ok = load.errors == 0 and stop_code == 0 and verdicts and all(v == "FLAT" for v in verdicts)
    lines.append(f"overall: {'PASS' if ok else 'FAIL'} (errors {load.errors}, stop exit {stop_code}, "
                 f"RSS {results.get('rss_kib', {}).get('verdict')}, DB {results.get('db_bytes', {}).get('verdict')}, "
                 f"DB+WAL+SHM {results.get('db_total_bytes', {}).get('verdict')})")
    return lines, results, ok


# -- main -----------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rate", type=float, default=2.0, help="chats started per second (default 2)")
    p.add_argument("--duration", type=float, default=3600, help="seconds of load, warm-up included (default 3600)")
    p.add_argument("--warmup", type=float, default=600, help="seconds of load not judged (default 600)")
    p.add_argument("--sample", type=float, default=15, help="seconds between samples (default 15)")
    p.add_argument("--drain", type=float, default=200,
                   help="seconds sampled after the load before a forced prune (default 200: token TTL + retention + a pass)")
    p.add_argument("--messages", type=int, default=3, help="messages each way per chat (default 3)")
    p.add_argument("--socket-share", type=float, default=0.25, help="share of chats that also follow an event socket (default 0.25)")
    p.add_argument("--workers", type=int, default=8, help="chat threads (default 8)")
    p.add_argument("--max-in-flight", type=int, default=64, help="chats in flight beyond which a due chat is skipped (an error)")
    p.add_argument("--ttl-seconds", type=int, default=120, help="chat JWT lifetime (default 120)")
    p.add_argument("--token-refresh", type=float, default=60, help="seconds an access token is reused (default 60)")
    p.add_argument("--retention", type=int, default=60, help="server --retention (default 60)")
    p.add_argument("--access-token-ttl", type=int, default=120, help="server --access-token-ttl (default 120)")
    p.add_argument("--flat-pct", type=float, default=1.0, help="FLAT when the slope is at most this %% of the mean per 10 min")
    p.add_argument("--out", help="results folder (default bench/results/soak-<UTC time>)")
    p.add_argument("--keep-db", action="store_true", help="copy the final database into the results folder")
    args = p.parse_args()
    if not (0 < args.rate <= 50 and 0 < args.duration <= 6 * 3600 and 0 <= args.warmup < args.duration and args.sample >= 1):
        p.error("need 0 < rate <= 50, 0 < duration <= 21600, 0 <= warmup < duration, sample >= 1")
    if not os.access(harness.BIN, os.X_OK):
        sys.exit(f"no axpsim binary at {harness.BIN}: build it (swift build -c release --product axpsim) or set AXPSIM_BIN")

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"soak-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="axpsim-soak-", dir=os.environ.get("BENCH_TMPDIR")))
    db = workdir / "soak.sqlite"
    server = harness.Server("--retention", str(args.retention), "--access-token-ttl", str(args.access_token_ttl),
                           db=str(db))
    print(f"binary: {harness.BIN}\nresults: {out}\ndatabase: {db}", flush=True)
    server.start()
    time.sleep(0.5)  # past readiness before any signal (bench/README.md, "Known issues")
    print(f"server pid {server.process.pid} at {server.http} / {server.ws}; rate {args.rate}/s for {args.duration:g} s "
          f"(warm-up {args.warmup:g} s), {args.messages} messages each way, {args.socket_share:.0%} with a socket, "
          f"{args.workers} workers, JWT ttlSeconds {args.ttl_seconds}, access token reused {args.token_refresh:g} s, "
          f"--retention {args.retention} --access-token-ttl {args.access_token_ttl}", flush=True)
    (out / "params.json").write_text(json.dumps({**vars(args), "binary": harness.BIN, "started": utc_now(),
                                                 "server_args": server.args}, indent=2))

    error_log = open(out / "errors.log", "w")
    load = Load(server, args, stamp, error_log)
    sampler = Sampler(server, db, load, out / "samples.csv", args.sample)
    stop_code, report, ok = None, None, False
    interrupted = threading.Event()

    def on_signal(signum, _frame):  # Ctrl-C / SIGTERM: stop starting chats, summarize what we have
        interrupted.set()
        load.stop_event.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    t0 = time.monotonic()
    run_s = 0.0
    try:
        sampler.start(t0, t0 + args.duration + args.drain + 900)
        measure_timer = threading.Timer(args.warmup, lambda: setattr(sampler, "phase", "measure"))
        measure_timer.daemon = True
        measure_timer.start()
        load.run(t0, args.duration)
        run_s = time.monotonic() - t0
        measure_timer.cancel()
        sampler.phase = "drain"
        print(f"load done after {run_s:.0f} s; draining {args.drain:g} s", flush=True)
        drain_end = time.monotonic() + (0 if interrupted.is_set() else args.drain)
        while time.monotonic() < drain_end and not interrupted.is_set():
            time.sleep(min(1.0, max(0.0, drain_end - time.monotonic())))
        sampler.stop()
        r = server.post("/__sim/prune")
        report = r.json() if r.status_code == 200 else {"status": r.status_code}
        sampler.sample(t0)
    finally:
        sampler.stop()
        sampler.close()
        error_log.close()
        stop_code = server.stop(timeout=30)   # SIGKILL when there is no exit within 30 s of SIGTERM
        if stop_code == -9:
            stop_code = "killed: no exit within 30 s of SIGTERM"
        (out / "server.log").write_text(server.output)
        if args.keep_db:
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{db}{suffix}").exists():
                    shutil.copy(f"{db}{suffix}", out / f"soak.sqlite{suffix}")
        if not os.environ.get("BENCH_KEEP_DB"):
            shutil.rmtree(workdir, ignore_errors=True)

    lines, results, ok = summarize(args, load, sampler, args.warmup, report, stop_code, run_s)
    text = "\n".join(lines)
    print("\n" + text, flush=True)
    (out / "summary.txt").write_text(text + "\n")
    (out / "summary.json").write_text(json.dumps({"chats_done": load.done, "chats_started": load.started, "errors": load.errors,
                                                  "error_kinds": load.error_kinds, "stop_code": stop_code, "prune": report,
                                                  "trends": results, "pass": ok}, indent=2, default=str))
    print(f"samples: {out / 'samples.csv'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
