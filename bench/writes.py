#!/usr/bin/env python3
"""Customer messages accepted per second, many chats and many posters, and its floor.

`--chats` customers (default 64), each with a chat JWT, one session and one engagement (no agent,
so one follower per message). `--posters` concurrent posters (default 32) call
`POST …/engagements/{eid}/messages` back to back for `--duration` seconds (chats round-robin);
every 201 counts as accepted. Then every session's events are read back with `waitSeconds=0`
polls: each accepted message must be there exactly once (lost / duplicated are reported and fail
the run).

The floor ("the same SQLite inserts, batched, on the same disk"): after the server stopped, the
`message` and `event` rows the run wrote are copied, in their original order, into an empty
database with the server's own schema (read from the run's database), in the same folder, with the
server's pragmas (WAL, `synchronous = NORMAL`), `--batch` messages (with their events) per
transaction. Reported: messages per second of that loop.

Usage: writes.py [--chats 64] [--posters 32] [--duration 10] [--batch 100] [--json out.json]
"""
import argparse
import asyncio
import itertools
import sqlite3
import sys
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
        accepted = {c[1]: set() for c in chats}
        errors = []
        order = itertools.count()
        deadline = time.monotonic() + args.duration

        async def poster(p):
            while time.monotonic() < deadline:
                n = next(order)
                jwt, sid, eid, did = chats[n % len(chats)]
                text = f"w:{n}"
                try:
                    await client.send(jwt, sid, eid, did, text)
                    accepted[sid].add(text)
                except Exception as error:  # noqa: BLE001 - every failure is reported
                    errors.append(repr(error))
        t0 = time.monotonic()
        await asyncio.gather(*(poster(p) for p in range(args.posters)))
        wall = time.monotonic() - t0
        total = sum(len(s) for s in accepted.values())
        # Read every session's events back: each accepted message exactly once.
        lost = dups = 0
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
            lost += len(accepted[sid] - set(seen))
        result.update({"accepted": total, "wall_s": wall, "messages_per_s": total / wall, "errors": len(errors),
                       "error_samples": errors[:5], "lost": lost, "dups": dups})
    finally:
        await client.close()
        result["server_exit"] = server.stop()
    try:
        result["floor"] = sqlite_floor(str(server.db), str(server.workdir / "floor.sqlite"), args.batch)
    finally:
        server.cleanup()
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=64)
    parser.add_argument("--posters", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--batch", type=int, default=100, help="messages per transaction in the floor loop")
    parser.add_argument("--json")
    args = parser.parse_args()
    r = asyncio.run(main(args))
    write_json(args.json, r)
    f = r.get("floor", {})
    print(f"writes: {r.get('messages_per_s', 0):,.0f} customer msgs/s accepted ({r.get('accepted')} in {r.get('wall_s', 0):.1f} s, "
          f"{args.chats} chats, {args.posters} posters) | lost {r.get('lost')} dups {r.get('dups')} errors {r.get('errors')} | "
          f"floor: {f.get('messages_per_s') or 0:,.0f} msgs/s ({f.get('messages')} messages + {f.get('events')} events, "
          f"{f.get('batch')} per transaction)")
    sys.exit(1 if r.get("lost", 1) or r.get("dups", 1) or r.get("errors", 1) else 0)
