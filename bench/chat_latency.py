#!/usr/bin/env python3
"""Customer message → MESSAGE event on the customer's second session: end-to-end latency.

For each of N customers: session A creates an engagement, session B (same customer, another
"device") joins it with `POST …/engagements/{eid}:join`. Both sessions follow their events, all at
once, over the chosen transport:
  poll  held long polls  `GET …/sessions/{sid}/events?lastEventId=N&waitSeconds=25`, re-issued as
        soon as one answers (as the SDK does);
  ws    one event socket per session (subprotocol axpsim.events.v1).
Session A posts `POST …/engagements/{eid}/messages` at a steady rate (one message every
`--interval` seconds per customer, phases spread at random); the text carries the client's
`time.monotonic_ns()` taken just before the POST, and latency = monotonic time at which B's
follower has parsed the MESSAGE event − that send time. A's own echo and the POST's answer time are
reported beside it. Every message is checked to reach B and A exactly once (lost / duplicated).

Usage: chat_latency.py --customers 100 --transport ws --interval 1 --duration 30 [--json out.json]
"""
import argparse
import asyncio
import gc
import json
import random
import sys
import time

from chatbench import (Client, wait_quiet, CPUMeter, LoopLag, Server, bounded_gather, mint_many, percentile, raise_fd_limit, use_uvloop,
                       write_json)

PREFIX = "lat:"


class Customer:
    def __init__(self, index, jwt):
        self.index = index
        self.jwt = jwt
        self.sid_a = self.sid_b = self.eid = self.did = None
        self.received = {"A": {}, "B": {}}  # seq -> receive time (ns)
        self.dups = {"A": 0, "B": 0}
        self.event_ids = {"A": [], "B": []}


class Run:
    def __init__(self, args, client):
        self.args = args
        self.client = client
        self.sent = {}  # (customer, seq) -> (send ns, answered ns, measured?)
        self.errors = []
        self.stop_followers = asyncio.Event()
        self.measuring = False
        self.socket_closes = []

    def on_events(self, customer, side, events):
        now = time.monotonic_ns()
        for event in events:
            customer.event_ids[side].append(int(event["eventId"]))
            if event.get("eventType") != "MESSAGE":
                continue
            text = event["message"]["body"]["elementText"]["text"]
            if not text.startswith(PREFIX):
                continue
            _, cust, seq, _sent = text.split(":")
            assert int(cust) == customer.index, (cust, customer.index)
            seq = int(seq)
            if seq in customer.received[side]:
                customer.dups[side] += 1
            else:
                customer.received[side][seq] = now

    async def follow_poll(self, customer, side):
        sid = customer.sid_a if side == "A" else customer.sid_b
        last = None
        while not self.stop_followers.is_set():
            try:
                poll = asyncio.ensure_future(self.client.poll(customer.jwt, sid, last, self.args.hold))
                stop = asyncio.ensure_future(self.stop_followers.wait())
                done, _ = await asyncio.wait({poll, stop}, return_when=asyncio.FIRST_COMPLETED)
                if poll not in done:
                    poll.cancel()
                    stop.cancel()
                    return
                stop.cancel()
                events = poll.result()
            except Exception as error:  # noqa: BLE001 - every failure is reported
                self.errors.append(f"poll {side} of customer {customer.index}: {error!r}")
                await asyncio.sleep(0.5)
                continue
            if events:
                last = events[-1]["eventId"]
                self.on_events(customer, side, events)

    async def follow_ws(self, customer, side, ws):
        try:
            async for frame in ws:
                event = json.loads(frame)
                if "eventId" in event:
                    self.on_events(customer, side, [event])
        except Exception as error:  # noqa: BLE001
            if not self.stop_followers.is_set():
                self.errors.append(f"socket {side} of customer {customer.index}: {error!r}")
        finally:
            if not self.stop_followers.is_set():
                self.socket_closes.append((customer.index, side, ws.close_code))

    async def sender(self, customer, start, end):
        interval = self.args.interval
        t = start + random.uniform(0, interval)
        seq = 0
        loop = asyncio.get_running_loop()
        while t < end:
            delay = t - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            seq += 1
            measured = loop.time() >= start + self.args.warmup
            sent = time.monotonic_ns()
            try:
                await self.client.send(customer.jwt, customer.sid_a, customer.eid, customer.did, f"{PREFIX}{customer.index}:{seq}:{sent}")
                self.sent[(customer.index, seq)] = (sent, time.monotonic_ns(), measured)
            except Exception as error:  # noqa: BLE001
                self.errors.append(f"send of customer {customer.index}: {error!r}")
            t += interval


async def setup(client, n, args):
    jwts = await mint_many(client, f"lat-{args.transport}-{n}", n)
    customers = [Customer(i, jwt) for i, jwt in enumerate(jwts)]

    async def one(i):
        c = customers[i]
        c.sid_a = await client.start_session(c.jwt, f"A{i}")
        c.eid, c.did = await client.create_engagement(c.jwt, c.sid_a)
        c.sid_b = await client.start_session(c.jwt, f"B{i}")
        await client.join(c.jwt, c.sid_b, c.eid, c.did)

    await bounded_gather(n, 32, one)
    return customers


def stats(values_ns):
    ms = [v / 1e6 for v in values_ns]
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p90_ms": percentile(ms, 90), "p99_ms": percentile(ms, 99),
            "max_ms": max(ms) if ms else float("nan")}


async def main(args):
    loop_kind = use_uvloop()
    fd_limit = raise_fd_limit()
    quiet = wait_quiet()
    server = Server().start()
    result = {"customers": args.customers, "transport": args.transport, "interval_s": args.interval,
              "rate_msgs_per_s": args.customers / args.interval, "duration_s": args.duration, "warmup_s": args.warmup,
              "client_loop": loop_kind, "client_fd_limit": fd_limit, "quiet_before": quiet}
    client = Client(server.http, server.ws)
    try:
        t0 = time.monotonic()
        customers = await setup(client, args.customers, args)
        result["setup_s"] = time.monotonic() - t0
        run = Run(args, client)
        followers = []
        sockets = []
        if args.transport == "poll":
            for c in customers:
                followers.append(asyncio.ensure_future(run.follow_poll(c, "A")))
                followers.append(asyncio.ensure_future(run.follow_poll(c, "B")))
        else:
            async def open_both(i):
                c = customers[i]
                ws_a, _ = await client.open_socket(c.jwt, c.sid_a)
                ws_b, _ = await client.open_socket(c.jwt, c.sid_b)
                return c, ws_a, ws_b
            for c, ws_a, ws_b in await bounded_gather(len(customers), 64, open_both):
                sockets += [ws_a, ws_b]
                followers.append(asyncio.ensure_future(run.follow_ws(c, "A", ws_a)))
                followers.append(asyncio.ensure_future(run.follow_ws(c, "B", ws_b)))
        # Let every follower settle on the replayed set-up events (and every poll be held).
        await asyncio.sleep(2)
        result["server_rss_kib_before"] = server.rss_kib()
        # No cyclic-GC pauses in the client while measuring (a gen-2 pass over the set-up's
        # objects stalled the loop for ~150 ms): collect now, freeze, and switch it off.
        gc.collect()
        gc.freeze()
        gc.disable()
        lag = LoopLag()
        cpu = CPUMeter(server)
        lag.start()
        cpu.start()
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.1
        end = start + args.warmup + args.duration
        await asyncio.gather(*(run.sender(c, start, end) for c in customers))
        result["load"] = cpu.stop()
        gc.enable()
        result["client_loop_lag"] = await lag.stop()
        result["server_rss_kib_after"] = server.rss_kib()
        # Drain: wait (bounded) until every sent message reached A and B.
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline:
            missing = sum(1 for (ci, seq) in run.sent if seq not in customers[ci].received["B"] or seq not in customers[ci].received["A"])
            if missing == 0:
                break
            await asyncio.sleep(0.1)
        run.stop_followers.set()
        for ws in sockets:
            await ws.close()
        await asyncio.wait(followers, timeout=10)
        for f in followers:
            f.cancel()

        lat_b, lat_a, post, lost_b, lost_a = [], [], [], 0, 0
        raw = []
        for (ci, seq), (sent, answered, measured) in run.sent.items():
            c = customers[ci]
            rb, ra = c.received["B"].get(seq), c.received["A"].get(seq)
            lost_b += rb is None
            lost_a += ra is None
            if not measured:
                continue
            post.append(answered - sent)
            raw.append((sent, (rb - sent) / 1e6 if rb else None, (ra - sent) / 1e6 if ra else None, (answered - sent) / 1e6))
            if rb is not None:
                lat_b.append(rb - sent)
            if ra is not None:
                lat_a.append(ra - sent)
        if args.raw:
            t_first = min(r[0] for r in raw) if raw else 0
            with open(args.raw, "w") as out:
                out.write("send_s,latency_B_ms,echo_A_ms,post_ms\n")
                for sent, b, a, p in sorted(raw):
                    out.write(f"{(sent - t_first) / 1e9:.4f},{b},{a},{p:.3f}\n")
        measured_count = sum(1 for v in run.sent.values() if v[2])
        unsent_seen = sum(1 for c in customers for side in "AB" for seq in c.received[side] if (c.index, seq) not in run.sent)
        id_problems = 0
        for c in customers:
            for side in "AB":
                ids = c.event_ids[side]
                if len(ids) != len(set(ids)) or ids != sorted(ids):
                    id_problems += 1
        result.update({
            "messages_sent": len(run.sent), "messages_measured": measured_count,
            "achieved_rate_msgs_per_s": measured_count / args.duration,
            "latency_B": stats(lat_b), "echo_latency_A": stats(lat_a), "post_answer": stats(post),
            "lost_B": lost_b, "lost_A": lost_a, "dup_B": sum(c.dups["B"] for c in customers),
            "dup_A": sum(c.dups["A"] for c in customers), "received_but_not_sent_ok": unsent_seen,
            "sessions_with_unordered_or_repeated_event_ids": id_problems,
            "errors": len(run.errors), "error_samples": run.errors[:10], "unexpected_socket_closes": run.socket_closes[:10],
            "http_status_counts": client.status_counts, "server_threads": server.threads(),
        })
    finally:
        await client.close()
        result["server_exit"] = server.stop()
        result["server_log_tail"] = server.log_tail(10)
    return result


def summary(r):
    b, a, p = r["latency_B"], r["echo_latency_A"], r["post_answer"]
    return (f"{r['transport']:4} customers={r['customers']:5} rate={r['achieved_rate_msgs_per_s']:.1f} msg/s "
            f"B p50={b['p50_ms']:.2f} p99={b['p99_ms']:.2f} max={b['max_ms']:.1f} ms (n={b['n']}) | "
            f"A echo p50={a['p50_ms']:.2f} p99={a['p99_ms']:.2f} | POST p50={p['p50_ms']:.2f} p99={p['p99_ms']:.2f} | "
            f"lost B/A={r['lost_B']}/{r['lost_A']} dup B/A={r['dup_B']}/{r['dup_A']} errors={r['errors']} | "
            f"client cpu={r['load']['client_cpu_pct']:.0f}% server cpu={r['load']['server_cpu_pct']:.0f}% "
            f"machine={r['load']['machine_cpu_pct']:.0f}%/200% (other processes "
            f"{r['load']['machine_cpu_pct'] - r['load']['server_cpu_pct'] - r['load']['client_cpu_pct']:.0f}%) loop lag p99={r['client_loop_lag']['p99_ms']:.1f} ms | rss {r['server_rss_kib_after'] / 1024:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--transport", choices=["poll", "ws"], default="ws")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between two messages of one customer")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of sending before measuring")
    parser.add_argument("--drain", type=float, default=15.0, help="most seconds to wait for the last events")
    parser.add_argument("--hold", type=int, default=25, help="long-poll waitSeconds")
    parser.add_argument("--json", help="write the full result here")
    parser.add_argument("--raw", help="write every measured message (send time, latencies) to this CSV")
    args = parser.parse_args()
    random.seed(1)
    result = asyncio.run(main(args))
    write_json(args.json, result)
    print(summary(result))
    problems = result["lost_B"] + result["lost_A"] + result["dup_B"] + result["dup_A"] + result["errors"]
    sys.exit(1 if problems else 0)
