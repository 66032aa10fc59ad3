#!/usr/bin/env python3
"""Events delivered per second to many event sockets.

`--sessions` sessions (default 1000), each with an event socket (axpsim.events.v1), follow
`--sessions / --per-engagement` engagements: each engagement belongs to one customer whose first
session created it and whose other `--per-engagement - 1` sessions joined it
(`POST …/engagements/{eid}:join`); one agent is joined to every engagement through the control
plane. Then `--posters` concurrent posters call `POST /__sim/engagements/{eid}/agent/message`
back to back (engagements round-robin) for `--duration` seconds; every accepted message is one
MESSAGE event on each of the engagement's sessions. The sockets are read by `--workers` client
processes (so the reading is spread over processes); each counts MESSAGE frames per second of the
system-wide monotonic clock. Reported: events received per second over the posting window across
all sockets, agent messages accepted per second, post → receive lag, and after a bounded drain,
lost and duplicated events (each socket must get every message of its engagement exactly once, and
its eventIds must be gap-free and increasing).

Usage: fanout.py [--sessions 1000] [--per-engagement 1] [--posters 4] [--duration 10] [--workers 2] [--json out.json]
"""
import argparse
import asyncio
import gc
import json
import multiprocessing
import sys
import time

from chatbench import Client, wait_quiet, LoopLag, machine_busy_seconds, Server, bounded_gather, mint_many, percentile, raise_fd_limit, use_uvloop, write_json


# -- socket-reading worker process -------------------------------------------------------------

def worker(conn, http, ws_url, items):
    use_uvloop()
    raise_fd_limit()
    asyncio.run(worker_main(conn, http, ws_url, items))


async def worker_main(conn, http, ws_url, items):
    loop = asyncio.get_running_loop()
    client = Client(http, ws_url)
    per_socket = [dict(messages=0, ids=[], close=None, texts=set(), dups=0) for _ in items]
    buckets = {}
    lags = []
    stopping = False

    async def reader(k, ws):
        nonlocal stopping
        s = per_socket[k]
        try:
            async for frame in ws:
                now = time.monotonic_ns()
                event = json.loads(frame)
                if "eventId" not in event:
                    continue
                s["ids"].append(int(event["eventId"]))
                if event.get("eventType") != "MESSAGE":
                    continue
                text = event["message"]["body"]["elementText"]["text"]
                if not text.startswith("fan:"):
                    continue
                if text in s["texts"]:
                    s["dups"] += 1
                    continue
                s["texts"].add(text)
                s["messages"] += 1
                second = now // 1_000_000_000
                buckets[second] = buckets.get(second, 0) + 1
                lags.append(now - int(text.split(":")[2]))
        except Exception as error:  # noqa: BLE001
            s["close"] = repr(error)
        if not stopping:
            s["close"] = s["close"] or f"closed by server: {ws.close_code}"

    async def open_one(k):
        jwt, sid = items[k][0], items[k][1]
        ws, _ = await client.open_socket(jwt, sid, open_timeout=60)
        return ws

    sockets = await bounded_gather(len(items), 100, open_one)
    tasks = [asyncio.ensure_future(reader(k, ws)) for k, ws in enumerate(sockets)]
    gc.collect()
    gc.freeze()
    gc.disable()  # no cyclic-GC pauses while counting (bounded run; reference counting frees the rest)
    conn.send(("ready", len(sockets)))
    cpu0 = time.process_time()
    t0 = time.monotonic()
    lag = LoopLag()
    lag.start()
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command == "counts":
            conn.send(("counts", sum(s["messages"] for s in per_socket)))
        elif command == "cpu":
            conn.send(("cpu", (time.process_time() - cpu0) / (time.monotonic() - t0) * 100, await lag.stop()))
            lag.start()
        elif command == "finish":
            stopping = True
            for ws in sockets:
                await ws.close()
            for t in tasks:
                t.cancel()
            problems = 0
            for s in per_socket:
                ids = s["ids"]
                if ids != list(range(ids[0], ids[0] + len(ids))) if ids else False:
                    problems += 1
            lag_ms = sorted(v / 1e6 for v in lags)
            conn.send(("result", {
                "buckets": buckets, "messages": [s["messages"] for s in per_socket], "dups": sum(s["dups"] for s in per_socket),
                "closes": [s["close"] for s in per_socket if s["close"]][:5], "closed_count": sum(1 for s in per_socket if s["close"]),
                "id_problems": problems, "lag_p50_ms": percentile(lag_ms, 50), "lag_p99_ms": percentile(lag_ms, 99),
                "lag_max_ms": lag_ms[-1] if lag_ms else None}))
            await client.close()
            return


# -- main process: set-up and posters ---------------------------------------------------------

async def setup(client, args):
    n_eng = args.sessions // args.per_engagement
    jwts = await mint_many(client, f"fan-{args.sessions}-{args.per_engagement}", n_eng)

    async def one(i):
        jwt = jwts[i]
        first = await client.start_session(jwt)
        eid, did = await client.create_engagement(jwt, first)
        sessions = [first]
        for _ in range(args.per_engagement - 1):
            sid = await client.start_session(jwt)
            await client.join(jwt, sid, eid, did)
            sessions.append(sid)
        await client.agent_join(eid)
        return [(jwt, sid, eid) for sid in sessions]

    groups = await bounded_gather(n_eng, 32, one)
    return [item for group in groups for item in group], [g[0][2] for g in groups]


async def post_loop(client, engagements, offset, stride, end, accepted, errors):
    loop = asyncio.get_running_loop()
    k = offset
    seq = 0
    while loop.time() < end:
        eid = engagements[k % len(engagements)]
        seq += 1
        try:
            await client.agent_message(eid, f"fan:{offset}-{seq}:{time.monotonic_ns()}")
            accepted[eid] = accepted.get(eid, 0) + 1
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        k += stride


async def main(args):
    use_uvloop()
    raise_fd_limit()
    quiet = wait_quiet()
    server = Server().start()
    client = Client(server.http, server.ws)
    result = {"sessions": args.sessions, "per_engagement": args.per_engagement, "posters": args.posters,
              "duration_s": args.duration, "workers": args.workers, "quiet_before": quiet}
    procs = []
    try:
        t0 = time.monotonic()
        items, engagements = await setup(client, args)
        result["engagements"] = len(engagements)
        result["setup_s"] = time.monotonic() - t0
        ctx = multiprocessing.get_context("spawn")
        pipes = []
        for w in range(args.workers):
            mine = items[w::args.workers]
            parent, child = ctx.Pipe()
            p = ctx.Process(target=worker, args=(child, server.http, server.ws, mine), daemon=True)
            p.start()
            procs.append(p)
            pipes.append((parent, mine))
        for parent, _ in pipes:
            if not parent.poll(120):
                raise TimeoutError("a worker did not open its sockets in 120 s")
            tag, count = parent.recv()
            assert tag == "ready", tag
        result["sockets_open"] = server.established("ws")
        await asyncio.sleep(2)  # replayed set-up events drain
        for parent, _ in pipes:
            parent.send("cpu")
            parent.recv()
        result["server_rss_kib_before"] = server.rss_kib()
        accepted, errors = {}, []
        loop = asyncio.get_running_loop()
        cpu0, scpu0, w0, m0 = time.process_time(), server.cpu_seconds(), time.monotonic(), machine_busy_seconds()
        start_ns = time.monotonic_ns()
        end = loop.time() + args.duration
        await asyncio.gather(*(post_loop(client, engagements, p, args.posters, end, accepted, errors) for p in range(args.posters)))
        end_ns = time.monotonic_ns()
        wall = time.monotonic() - w0
        result["poster_cpu_pct"] = 100 * (time.process_time() - cpu0) / wall
        result["server_cpu_pct"] = 100 * (server.cpu_seconds() - scpu0) / wall
        result["machine_cpu_pct"] = 100 * (machine_busy_seconds() - m0) / wall
        result["worker_cpu"] = []
        for parent, _ in pipes:
            parent.send("cpu")
            _, pct, lag = parent.recv()
            result["worker_cpu"].append({"cpu_pct": pct, "loop_lag": lag})
        result["server_rss_kib_after"] = server.rss_kib()
        posted = sum(accepted.values())
        expected = sum(accepted.get(eid, 0) for _, _, eid in items)
        # Drain (bounded): until every socket has every message of its engagement.
        deadline = time.monotonic() + args.drain
        got = 0
        while time.monotonic() < deadline:
            got = 0
            for parent, _ in pipes:
                parent.send("counts")
                got += parent.recv()[1]
            if got >= expected:
                break
            await asyncio.sleep(0.2)
        result["drain_s"] = time.monotonic() - (w0 + wall)
        worker_results = []
        for parent, _ in pipes:
            parent.send("finish")
            worker_results.append(parent.recv()[1])
        buckets = {}
        lost = dups = id_problems = closed = 0
        for (parent, mine), wr in zip(pipes, worker_results):
            for second, count in wr["buckets"].items():
                buckets[second] = buckets.get(second, 0) + count
            for (jwt, sid, eid), count in zip(mine, wr["messages"]):
                lost += max(0, accepted.get(eid, 0) - count)
            dups += wr["dups"]
            id_problems += wr["id_problems"]
            closed += wr["closed_count"]
        # Events received inside the posting window (whole seconds strictly inside it).
        first_s, last_s = start_ns // 1_000_000_000 + 1, end_ns // 1_000_000_000 - 1
        inside = [buckets.get(s, 0) for s in range(first_s, last_s + 1)]
        result.update({
            "agent_messages_accepted": posted, "agent_messages_per_s": posted / wall, "post_errors": len(errors),
            "post_error_samples": errors[:5], "events_expected": expected, "events_received": got,
            "events_per_s_window": sum(inside) / len(inside) if inside else None, "events_per_s_by_second": inside,
            "events_per_s_overall": got / (wall + result["drain_s"]),
            "lost": lost, "dups": dups, "sockets_with_id_gaps_or_repeats": id_problems, "sockets_closed_early": closed,
            "close_samples": [c for wr in worker_results for c in wr["closes"]][:5],
            "lag_p50_ms_worker0": worker_results[0]["lag_p50_ms"], "lag_p99_ms_worker0": worker_results[0]["lag_p99_ms"],
            "lag_p99_ms_max": max(wr["lag_p99_ms"] for wr in worker_results),
            "http_status_counts": client.status_counts,
        })
    finally:
        await client.close()
        for p in procs:
            p.join(timeout=15)
            if p.is_alive():
                p.kill()
        result["server_exit"] = server.stop()
        result["server_log_tail"] = server.log_tail(10)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--per-engagement", type=int, default=1, help="sessions following each engagement")
    parser.add_argument("--posters", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2, help="client processes reading the sockets")
    parser.add_argument("--drain", type=float, default=60)
    parser.add_argument("--json")
    args = parser.parse_args()
    assert args.sessions % args.per_engagement == 0, "--sessions must be a multiple of --per-engagement"
    r = asyncio.run(main(args))
    write_json(args.json, r)
    wc = " + ".join(f"{w['cpu_pct']:.0f}%" for w in r.get("worker_cpu", []))
    print(f"sessions={r['sessions']} per-engagement={r['per_engagement']} engagements={r.get('engagements')} posters={r['posters']}: "
          f"{r.get('events_per_s_window') or 0:,.0f} events/s (window; by second {r.get('events_per_s_by_second')}), "
          f"{r.get('agent_messages_per_s', 0):,.0f} agent msgs/s accepted, lag p50 {r.get('lag_p50_ms_worker0', 0):.1f} ms "
          f"p99 {r.get('lag_p99_ms_max', 0):.1f} ms | lost {r.get('lost')} dups {r.get('dups')} id problems "
          f"{r.get('sockets_with_id_gaps_or_repeats')} closed early {r.get('sockets_closed_early')} post errors {r.get('post_errors')} | "
          f"server cpu {r.get('server_cpu_pct', 0):.0f}% machine {r.get('machine_cpu_pct', 0):.0f}%/200% posters {r.get('poster_cpu_pct', 0):.0f}% readers {wc} | drain {r.get('drain_s', 0):.1f} s")
    bad = r.get("lost", 1) or r.get("dups", 1) or r.get("sockets_with_id_gaps_or_repeats", 1) or r.get("post_errors", 1)
    sys.exit(1 if bad else 0)
