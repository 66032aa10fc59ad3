#!/usr/bin/env python3
"""Customer messages accepted per second, many chats and many posters, and its floor.

`--chats` customers (default 64), each with a chat JWT, one session and one engagement (no agent,
so one follower per message). `--posters` concurrent posters (default 32) call
`POST …/engagements/{eid}/messages` back to back for `--duration` seconds (chats round-robin);
every 2xx counts as accepted. The posters are wrk connections (`--load wrk`, the default:
`bench/writes.lua`, 2 threads, keep-alive; the script records the text of every acknowledged
message from its answer), or Python coroutines (`--load python`: one process, which tops out near
2,500 posts/s on this box, well below the server). Then every session's events are read back
with `waitSeconds=0` polls: each acknowledged message must be there exactly once (lost /
duplicated are reported and fail the run); with wrk, a message whose answer wrk did not read
before it stopped may also be stored (`unacknowledged_stored`, at most one per connection).

The floor ("the same SQLite inserts, batched, on the same disk"): after the server stopped, the
`message` and `event` rows the run wrote are copied, in their original order, into an empty
database with the server's own schema (read from the run's database), in the same folder, with the
server's pragmas (WAL, `synchronous = NORMAL`), `--batch` messages (with their events) per
transaction. Reported: messages per second of that loop.

Usage: writes.py [--chats 64] [--posters 32] [--duration 10] [--batch 100] [--load wrk|python] [--json out.json]
"""
import argparse
import asyncio
import itertools
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from chatbench import Client, Server, bounded_gather, mint_many, raise_fd_limit, use_uvloop, wait_quiet, write_json


def sqlite_floor(source, target, batch):
    """Re-inserts the run's message and event rows into an empty copy of the schema; messages/s."""
    src = sqlite3.connect(source)
    schema = [sql for (sql,) in src.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
    messages = src.execute("SELECT * FROM message ORDER BY rowid").fetchall()
    events = src.execute("SELECT * FROM event WHERE event_type = 'MESSAGE' ORDER BY journal_id").fetchall()
    src.close()
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode = WAL")
    dst.execute("PRAGMA synchronous = NORMAL")
    for sql in schema:
        dst.execute(sql)
    # Foreign keys off: the copy has no account rows (the server's checks are not what is measured).
    dst.execute("PRAGMA foreign_keys = OFF")
    m_sql = f"INSERT INTO message VALUES ({','.join('?' * len(messages[0]))})" if messages else None
    e_sql = f"INSERT INTO event VALUES ({','.join('?' * len(events[0]))})" if events else None
    per = max(1, len(events) // max(1, len(messages)))
    t0 = time.perf_counter()
    for start in range(0, len(messages), batch):
        dst.execute("BEGIN")
        dst.executemany(m_sql, messages[start:start + batch])
        dst.executemany(e_sql, events[start * per:(start + batch) * per])
        dst.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    dst.close()
    return {"messages": len(messages), "events": len(events), "batch": batch, "seconds": elapsed,
            "messages_per_s": len(messages) / elapsed if elapsed > 0 else None}


async def main(args):
    use_uvloop()
    raise_fd_limit()
    quiet = wait_quiet()
    server = Server().start()
    client = Client(server.http, server.ws)
    result = {"chats": args.chats, "posters": args.posters, "duration": args.duration, "quiet_before": quiet}
    try:
        jwts = await mint_many(client, "writes", args.chats)

        async def setup(i):
            sid = await client.start_session(jwts[i])
            eid, did = await client.create_engagement(jwts[i], sid)
            return jwts[i], sid, eid, did
        chats = await bounded_gather(args.chats, 16, setup)
        cpu_before = server.cpu_seconds()
        if args.load == "wrk":
            texts, errors, wall, wrk_report = post_with_wrk(client, chats, args)
            result["wrk"] = wrk_report
        else:
            texts, errors, wall = await post_with_python(client, chats, args)
        server_cpu = server.cpu_seconds() - cpu_before
        total = len(texts)
        acknowledged = set(texts)
        if len(acknowledged) != total:
            errors.append(f"{total - len(acknowledged)} texts acknowledged twice")
        # Read every session's events back: each accepted message exactly once.
        dups = 0
        stored = set()
        for jwt, sid, eid, did in chats:
            seen, last = [], None
            for _ in range(100000):
                events = await client.poll(jwt, sid, last, 0)
                batch = events if isinstance(events, list) else events.get("events", [])
                if not batch:
                    break
                for event in batch:
                    last = event["eventId"]
                    if event.get("eventType") == "MESSAGE":
                        text = event["message"]["body"]["elementText"]["text"]
                        if text.startswith("w:"):
                            seen.append(text)
            dups += len(seen) - len(set(seen))
            stored.update(seen)
        lost = len(acknowledged - stored)
        extra = len(stored - acknowledged)
        if extra > args.posters:
            errors.append(f"{extra} stored messages were never acknowledged (more than one per poster)")
        result.update({"accepted": total, "wall_s": wall, "messages_per_s": total / wall, "errors": len(errors),
                       "error_samples": errors[:5], "lost": lost, "dups": dups, "unacknowledged_stored": extra,
                       "server_cpu_s": server_cpu, "server_cpu_us_per_message": server_cpu / max(total, 1) * 1e6})
    finally:
        await client.close()
        result["server_exit"] = server.stop()
    try:
        result["floor"] = sqlite_floor(str(server.db), str(server.workdir / "floor.sqlite"), args.batch)
    finally:
        server.cleanup()
    return result


async def post_with_python(client, chats, args):
    """Python posters: (acknowledged texts, errors, wall seconds)."""
    texts, errors = [], []
    order = itertools.count()
    deadline = time.monotonic() + args.duration

    async def poster(p):
        while time.monotonic() < deadline:
            n = next(order)
            jwt, sid, eid, did = chats[n % len(chats)]
            text = f"w:{n}"
            try:
                await client.send(jwt, sid, eid, did, text)
                texts.append(text)
            except Exception as error:  # noqa: BLE001 - every failure is reported
                errors.append(repr(error))
    t0 = time.monotonic()
    await asyncio.gather(*(poster(p) for p in range(args.posters)))
    return texts, errors, time.monotonic() - t0


def post_with_wrk(client, chats, args):
    """wrk posters (bench/writes.lua): (acknowledged texts, errors, wall seconds, wrk's figures)."""
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install -y wrk), or --load python")
    work = tempfile.mkdtemp(prefix="axpsim-writes-")
    try:
        chats_file = os.path.join(work, "chats.txt")
        with open(chats_file, "w") as f:
            for jwt, sid, eid, did in chats:
                f.write(f"{jwt} {sid} {eid} {did}\n")
        accepted_prefix = os.path.join(work, "accepted")
        env = dict(os.environ, WRITES_CHATS=chats_file, WRITES_ACCEPTED=accepted_prefix,
                   WRITES_APPKEY=client.tenant.app_key)
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "writes.lua")
        command = ["wrk", "-t2", f"-c{args.posters}", f"-d{args.duration:g}s", "--latency", "-s", script,
                   client.http + client.base]
        t0 = time.monotonic()
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.duration + 60)
        wall_outer = time.monotonic() - t0
        errors = []
        if run.returncode != 0:
            errors.append(f"wrk exited {run.returncode}: {run.stderr.strip()[:300]}")
        counts = re.search(r"lua: 2xx=(\d+) non-2xx=(\d+)", run.stdout)
        ok, other = (int(counts.group(1)), int(counts.group(2))) if counts else (0, 0)
        if other:
            errors.append(f"{other} non-2xx answers")
        texts = []
        for name in sorted(os.listdir(work)):
            if name.startswith("accepted."):
                with open(os.path.join(work, name)) as f:
                    texts.extend(line.strip() for line in f if line.strip())
        if len(texts) != ok or "?" in texts:
            errors.append(f"wrk counted {ok} 2xx answers but recorded {len(texts)} texts")
        socket_errors = re.search(r"Socket errors: (.*)", run.stdout)
        if socket_errors:
            errors.append("wrk socket errors: " + socket_errors.group(1))
        duration = re.search(r"requests in ([\d.]+)(ms|s|m)", run.stdout)
        wall = wall_outer
        if duration:
            wall = float(duration.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[duration.group(2)]
        latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", run.stdout, re.M))
        return texts, errors, wall, {"p50": latency.get("50"), "p99": latency.get("99"), "stdout": run.stdout[-2000:]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=64)
    parser.add_argument("--posters", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--batch", type=int, default=100, help="messages per transaction in the floor loop")
    parser.add_argument("--load", choices=("wrk", "python"), default="wrk", help="who posts: wrk connections or Python coroutines")
    parser.add_argument("--json")
    args = parser.parse_args()
    r = asyncio.run(main(args))
    write_json(args.json, r)
    f = r.get("floor", {})
    print(f"writes: {r.get('messages_per_s', 0):,.0f} customer msgs/s accepted ({r.get('accepted')} in {r.get('wall_s', 0):.1f} s, "
          f"{args.chats} chats, {args.posters} {args.load} posters; server CPU {r.get('server_cpu_us_per_message', 0):,.0f} µs/msg) | lost {r.get('lost')} dups {r.get('dups')} errors {r.get('errors')} | "
          f"floor: {f.get('messages_per_s') or 0:,.0f} msgs/s ({f.get('messages')} messages + {f.get('events')} events, "
          f"{f.get('batch')} per transaction)")
    sys.exit(1 if r.get("lost", 1) or r.get("dups", 1) or r.get("errors", 1) else 0)
