#!/usr/bin/env python3
"""How many event sockets, or held long polls, one server carries at once, and its memory.

One fresh server per mode. Levels are cumulative (default 1000, 2000, 5000, 10000): for each level
the script adds customers up to the level — each one JWT, one session, one engagement with one
agent joined (the agent is joined before the session is followed, so its event is replayed, not
counted) — then opens one follower per new session and keeps every earlier one open:
  ws    an event socket (auth frame → ready);
  poll  a held long poll `GET …/sessions/{sid}/events?lastEventId=<last>&waitSeconds=120`,
        re-issued at once whenever it answers (so the count held stays at the level).
At each level it waits until the server holds that many connections (its /proc/PID/fd count),
settles 3 s, reads the server's VmRSS, then checks every follower is live end to end: one agent
message per engagement through the control plane (`POST /__sim/engagements/{eid}/agent/message`,
8 posters), and every follower must get its MESSAGE event within 60 s. The script stops at the
first level that fails (a connection refused or timed out, a follower not served, the server gone)
or after the last level.

Usage: capacity.py --mode ws|poll [--levels 1000,2000,5000,10000] [--json out.json]
"""
import argparse
import asyncio
import json
import sys
import time

from chatbench import Client, wait_quiet, Server, bounded_gather, mint_many, percentile, raise_fd_limit, use_uvloop, write_json


class Follower:
    def __init__(self, index, jwt, sid, eid):
        self.index = index
        self.jwt = jwt
        self.sid = sid
        self.eid = eid
        self.last = None
        self.got = {}  # message text -> monotonic receive time
        self.event_ids = []
        self.error = None
        self.task = None
        self.ws = None


class Capacity:
    def __init__(self, args, server, client):
        self.args = args
        self.server = server
        self.client = client
        self.followers = []
        self.stopping = asyncio.Event()
        self.polls_in_flight = 0
        self.errors = []

    def on_events(self, f, events):
        now = time.monotonic()
        for event in events:
            f.event_ids.append(int(event["eventId"]))
            if event.get("eventType") == "MESSAGE":
                f.got[event["message"]["body"]["elementText"]["text"]] = now
        if events:
            f.last = events[-1]["eventId"]

    async def add_customers(self, count):
        start = len(self.followers)
        jwts = await mint_many(self.client, f"cap-{self.args.mode}-{start}", count)

        async def one(i):
            jwt = jwts[i]
            sid = await self.client.start_session(jwt)
            eid, _ = await self.client.create_engagement(jwt, sid)
            await self.client.agent_join(eid)
            return Follower(start + i, jwt, sid, eid)

        self.followers += await bounded_gather(count, 32, one)

    async def run_poll(self, f):
        while not self.stopping.is_set():
            self.polls_in_flight += 1
            try:
                events = await self.client.poll(f.jwt, f.sid, f.last, self.args.hold, timeout=self.args.hold + 60)
                self.on_events(f, events)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001
                f.error = repr(error)
                self.errors.append(f"poll {f.index}: {error!r}")
                return
            finally:
                self.polls_in_flight -= 1

    async def open_ws(self, f):
        try:
            f.ws, ready = await self.client.open_socket(f.jwt, f.sid, open_timeout=60)
        except Exception as error:  # noqa: BLE001
            f.error = repr(error)
            self.errors.append(f"socket {f.index}: {error!r}")
            return False
        f.task = asyncio.ensure_future(self.read_ws(f))
        return True

    async def read_ws(self, f):
        try:
            async for frame in f.ws:
                event = json.loads(frame)
                if "eventId" in event:
                    self.on_events(f, [event])
        except Exception as error:  # noqa: BLE001
            if not self.stopping.is_set():
                f.error = repr(error)
        if not self.stopping.is_set():
            f.error = f.error or f"socket closed by the server, code {f.ws.close_code}"
            self.errors.append(f"socket {f.index}: {f.error}")

    async def connect(self, new):
        if self.args.mode == "poll":
            for f in new:
                f.task = asyncio.ensure_future(self.run_poll(f))
            return len(new)
        results = await bounded_gather(len(new), 100, lambda i: self.open_ws(new[i]))
        return sum(results)

    async def verify(self, level, tag):
        """One agent message per engagement; every follower must see it within the timeout."""
        live = self.followers[:level]
        text = f"check-{tag}"
        t0 = time.monotonic()
        failures = []

        async def post(i):
            try:
                await self.client.agent_message(live[i].eid, text)
            except Exception as error:  # noqa: BLE001
                failures.append(f"agent message {i}: {error!r}")

        await bounded_gather(len(live), 8, post)
        posted = time.monotonic() - t0
        deadline = time.monotonic() + self.args.check_timeout
        while time.monotonic() < deadline:
            if all(text in f.got for f in live):
                break
            await asyncio.sleep(0.1)
        received = [f.got[text] - t0 for f in live if text in f.got]
        return {"followers": len(live), "received": len(received), "post_seconds": posted,
                "last_receipt_s": max(received) if received else None, "post_failures": failures[:5]}

    def server_connections(self):
        return self.server.fds()


async def main(args):
    use_uvloop()
    fd_limit = raise_fd_limit()
    quiet = wait_quiet()
    server = Server().start()
    client = Client(server.http, server.ws)
    cap = Capacity(args, server, client)
    base_fds = server.fds()
    result = {"mode": args.mode, "client_fd_limit": fd_limit, "server_rss_kib_start": server.rss_kib(),
              "server_fds_start": base_fds, "levels": [], "quiet_before": quiet}
    reached = 0
    try:
        for level in args.levels:
            row = {"level": level}
            result["levels"].append(row)
            t0 = time.monotonic()
            await cap.add_customers(level - len(cap.followers))
            row["setup_s"] = time.monotonic() - t0
            await asyncio.sleep(1)
            row["rss_kib_before_new_followers"] = server.rss_kib()
            new = [f for f in cap.followers if f.task is None and f.ws is None]
            t0 = time.monotonic()
            opened = await cap.connect(new)
            # Wait (bounded) for the server to hold one connection per follower.
            deadline = time.monotonic() + 120
            port = "ws" if args.mode == "ws" else "http"
            while time.monotonic() < deadline and server.alive():
                if server.established(port) >= level:
                    break
                await asyncio.sleep(0.2)
            row["connect_s"] = time.monotonic() - t0
            await asyncio.sleep(3)
            if not server.alive():
                row["failure"] = "server exited"
                break
            row.update({"opened": opened if args.mode == "ws" else None, "server_fds": server.fds(),
                        "server_connections": server.established(port), "rss_kib": server.rss_kib(),
                        "server_threads": server.threads(), "polls_in_flight": cap.polls_in_flight if args.mode == "poll" else None,
                        "client_errors": len(cap.errors), "client_error_samples": cap.errors[:5]})
            row["check"] = await cap.verify(level, level)
            row["rss_kib_after_check"] = server.rss_kib()
            ok = (not cap.errors and row["check"]["received"] == level and server.alive()
                  and (args.mode == "ws" or cap.polls_in_flight == level))
            row["ok"] = ok
            print(f"{args.mode} level {level}: ok={ok} server conns={row['server_connections']} rss={row['rss_kib'] / 1024:.1f} MiB "
                  f"(before the new followers {row['rss_kib_before_new_followers'] / 1024:.1f} MiB) check {row['check']['received']}/{level} "
                  f"last at {row['check']['last_receipt_s'] or 0:.2f} s threads={row['server_threads']} errors={len(cap.errors)}", flush=True)
            if not ok:
                row["failure"] = "see check / client errors"
                break
            reached = level
    finally:
        result["reached"] = reached
        result["http_status_counts"] = client.status_counts
        cap.stopping.set()
        t0 = time.monotonic()
        for f in cap.followers:
            if f.task is not None:
                f.task.cancel()
        if args.mode == "ws":
            await bounded_gather(len(cap.followers), 200, lambda i: cap.followers[i].ws.close() if cap.followers[i].ws else asyncio.sleep(0))
        await client.close()
        result["teardown_s"] = time.monotonic() - t0
        result["server_exit"] = server.stop()
        result["server_log_tail"] = server.log_tail(10)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["ws", "poll"], required=True)
    parser.add_argument("--levels", default="1000,2000,5000,10000", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--hold", type=int, default=120, help="long-poll waitSeconds (the server's maximum is 120)")
    parser.add_argument("--check-timeout", type=float, default=60)
    parser.add_argument("--json")
    args = parser.parse_args()
    result = asyncio.run(main(args))
    write_json(args.json, result)
    print(f"{args.mode}: reached {result['reached']} concurrent followers; server exit {result['server_exit']}")
    sys.exit(0 if result["reached"] == args.levels[-1] else 1)
