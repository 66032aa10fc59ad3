"""Issue 7, correctness under concurrency, restarts and time, and resource bounds: each test names
the defect it guards against."""
import json
import socket
import sqlite3
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests
from websockets.sync.client import connect

from harness import BANK, RETAIL, RETAIL_SALES, Server
from chat import Customer, receive, types


def until(condition, timeout=20):
    """Re-checks a server-side condition until it holds (state settles on other threads)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.02)


def test_virtual_clock_timers_never_starve_real_clock_timers(fresh):
    # 520 timers on a frozen virtual clock in the past, earlier than any real-clock timer...
    fresh.client.freeze_clock("DEMOBB", "2020-01-01T00:00:00Z")
    jwt = fresh.mint({"integrationId": BANK.integration_id, "customerId": "frozen"}, tenant=BANK).json()["jwtToken"]
    for _ in range(260):
        Customer(fresh, "frozen", tenant=BANK, jwt=jwt).start_session()
    # ... must not hold back the real-clock account's token expiry (2 s of real time).
    ann = Customer(fresh, "real-ann", ttlSeconds=2)
    ann.start_session()
    expired = fresh.client.wait_for_event(lambda e: e["eventType"] == "TOKEN_EXPIRED", "DEMOAA", timeout=30)
    assert expired["sessionId"] == ann.session_id


def test_concurrent_closes_store_one_session_closed(fresh):
    for attempt in range(15):
        ann = Customer(fresh, f"double-close-{attempt}")
        ann.start_session()
        barrier = threading.Barrier(3)
        results = []

        def close_by_sdk():
            barrier.wait()
            results.append(ann.shutdown().status_code)

        def close_by_control():
            barrier.wait()
            results.append(fresh.post(f"/__sim/sessions/{ann.session_id}/close").status_code)

        def close_by_control_again():
            barrier.wait()
            results.append(fresh.post(f"/__sim/sessions/{ann.session_id}/close").status_code)

        threads = [threading.Thread(target=f) for f in (close_by_sdk, close_by_control, close_by_control_again)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert all(code < 500 for code in results), results
        events = fresh.get("/__sim/events", params={"accountId": "DEMOAA", "sinceId": 0}).json()["events"]
        closed = [e for e in events if e["eventType"] == "SESSION_CLOSED" and e["sessionId"] == ann.session_id]
        assert len(closed) == 1, (attempt, results, closed)


def test_a_token_of_another_integration_cannot_repoint_a_session(fresh):
    ann = Customer(fresh, "repoint-ann")
    ann.start_session()
    before = {s["sessionId"]: s for s in fresh.get("/__sim/accounts/DEMOAA/sessions").json()["sessions"]}[ann.session_id]
    # The same customer, a later-expiring token, but of the sales integration.
    other = fresh.mint({"integrationId": RETAIL_SALES.integration_id, "customerId": "repoint-ann", "ttl": 60}).json()["jwtToken"]
    sales = Customer(fresh, "repoint-ann", tenant=RETAIL_SALES, jwt=other)
    sales.session_id = ann.session_id
    r = sales.call("GET", f"/sessions/{ann.session_id}")
    assert r.status_code == 404
    after = {s["sessionId"]: s for s in fresh.get("/__sim/accounts/DEMOAA/sessions").json()["sessions"]}[ann.session_id]
    assert after["tokenJti"] == before["tokenJti"], "the session still follows its own token"
    assert ann.call("GET", f"/sessions/{ann.session_id}").status_code == 200


def test_a_socket_closed_while_authenticating_leaves_nothing_behind(fresh):
    ann = Customer(fresh, "sock-ann")
    ann.start_session()
    url = f"{fresh.ws}{ann.base}/sessions/{ann.session_id}/events"
    for _ in range(25):
        ws = connect(url, subprotocols=["axpsim.events.v1"], open_timeout=10)
        ws.send(json.dumps({"type": "auth", "jwt": ann.jwt, "appkey": RETAIL.app_key}))
        ws.close()
    until(lambda: fresh.get("/__sim/health").json()["delivery"]["eventSockets"] == 0)
    assert fresh.get("/__sim/health").json()["delivery"]["socketSubscribers"] == 0


def test_sockets_per_session_are_limited_with_4429():
    server = Server("--max-sockets-per-session", "2").start()
    try:
        ann = Customer(server, "many-sockets")
        ann.start_session()
        first, ready1 = ann.socket()
        second, ready2 = ann.socket()
        assert ready1["type"] == ready2["type"] == "ready"
        third, refused = ann.socket()
        assert refused["type"] == "error" and refused["code"] == "too_many_followers"
        with pytest.raises(Exception) as closed:
            third.recv(timeout=10)
        assert getattr(closed.value, "rcvd", None) is not None and closed.value.rcvd.code == 4429
        first.close()
        until(lambda: server.get("/__sim/health").json()["delivery"]["socketSubscribers"] == 1)
        fourth, ready4 = ann.socket()
        assert ready4["type"] == "ready", "a freed place can be taken again"
        second.close()
        fourth.close()
    finally:
        assert server.stop() == 0


def test_long_polls_per_session_are_limited_with_429_and_answered_polls_deregister():
    server = Server("--max-polls-per-session", "2").start()
    try:
        ann = Customer(server, "many-polls")
        ann.start_session()
        ann.poll()  # consume PARTICIPANT-free start: nothing yet, returns at once with wait=0
        held = []
        def hold():
            held.append(ann.call("GET", f"/sessions/{ann.session_id}/events", params={"waitSeconds": 30}))
        threads = [threading.Thread(target=hold) for _ in range(2)]
        [t.start() for t in threads]
        until(lambda: server.get("/__sim/health").json()["delivery"]["heldPolls"] == 2)
        third = ann.call("GET", f"/sessions/{ann.session_id}/events", params={"waitSeconds": 30})
        assert third.status_code == 429 and third.json()["code"] == "too_many_followers"
        # An event answers both held polls at once, and they are deregistered right away.
        chat = ann.create_engagement()
        [t.join(timeout=30) for t in threads]
        assert [r.status_code for r in held] == [200, 200]
        assert server.get("/__sim/health").json()["delivery"]["heldPolls"] == 0
        assert chat.id
    finally:
        assert server.stop() == 0


def test_a_held_journal_poll_honours_its_limit(fresh):
    last = fresh.get("/__sim/events", params={"accountId": "DEMOAA", "sinceId": 0}).json()["lastId"]
    answer = []
    poller = threading.Thread(target=lambda: answer.append(
        fresh.get("/__sim/events", params={"accountId": "DEMOAA", "sinceId": last, "wait": 20, "limit": 1})))
    poller.start()
    until(lambda: fresh.get("/__sim/health").json()["delivery"]["heldJournalPolls"] == 1)
    ann = Customer(fresh, "limit-ann")
    ann.start_session()
    ann.create_engagement()  # several events in one go
    poller.join(timeout=30)
    assert answer[0].status_code == 200
    assert len(answer[0].json()["events"]) == 1


def test_stopping_a_recording_does_not_overwrite_a_scenario(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "precious.yaml").write_text("name: precious\nsteps:\n  - agent.join: { name: A }\n")
    server = Server("--scenarios", str(scenarios)).start()
    try:
        ann = Customer(server, "rec-ann")
        ann.start_session()
        chat = ann.create_engagement()
        rec = server.post("/__sim/recordings", json={"engagementId": chat.id, "name": "precious"}).json()
        r = server.post(f"/__sim/recordings/{rec['recordingId']}/stop")
        assert r.status_code == 409 and r.json()["code"] == "scenario_exists"
        assert (scenarios / "precious.yaml").read_text().startswith("name: precious\nsteps:\n  - agent.join")
        r = server.post(f"/__sim/recordings/{rec['recordingId']}/stop", json={"overwrite": True})
        assert r.status_code == 200 and r.json()["file"].endswith("precious.yaml")
        assert "timeline" in (scenarios / "precious.yaml").read_text() or "customer" in (scenarios / "precious.yaml").read_text()
        assert server.post(f"/__sim/recordings/{rec['recordingId']}/stop", json={"overwrite": "yes"}).status_code == 400
    finally:
        assert server.stop() == 0


def test_store_failures_are_500_not_misleading_4xx(tmp_path):
    db = tmp_path / "state.sqlite"
    server = Server(db=str(db)).start()
    try:
        ann = Customer(server, "broken-ann")
        ann.start_session()
        # The store is broken from outside: the OAuth grant reads app_key; the SDK call's
        # authentication rows (like the account clocks) are kept in memory by the server, whose
        # database only it changes, so its handler's own read (the session's conversation) fails.
        connection = sqlite3.connect(db)
        connection.execute("DROP TABLE app_key")
        connection.execute("DROP TABLE conversation")
        connection.commit()
        connection.close()
        r = server.post("/api/auth/v1/DEMOAA/protocol/openid-connect/token", headers={"appkey": RETAIL.app_key},
                        data={"grant_type": "client_credentials", "client_id": RETAIL.client_id, "client_secret": RETAIL.client_secret})
        assert r.status_code == 500 and r.json()["error"] == "server_error", r.text
        r = ann.call("GET", f"/sessions/{ann.session_id}")
        assert r.status_code == 500 and r.json()["code"] == "internal_error", r.text
        assert r.headers["Content-Type"].startswith("application/problem+json")
        assert "no such table: app_key" in server.output, "the failure is logged"
    finally:
        server.stop()


# -- item 12: retention on the account clock, bounded snapshots -------------------------------------------


def test_retention_prunes_ended_state_on_the_account_clock_and_nothing_live():
    server = Server("--retention", "600", "--access-token-ttl", "300").start()
    try:
        server.client.freeze_clock("DEMOAA", "2030-01-01T09:00:00Z")
        gone = Customer(server, "retention-gone")
        gone.start_session()
        chat = gone.create_engagement()
        server.client.agent_join(chat.id, "A")
        assert gone.send(chat, "hello").status_code == 201
        assert server.post(f"/__sim/engagements/{chat.id}/end", json={}).status_code == 200
        assert gone.shutdown().status_code == 204
        kept = Customer(server, "retention-kept")  # an active session with an open chat
        kept.start_session()
        kept_chat = kept.create_engagement()
        kept_events = kept.poll()
        # Not yet: ended 599 s ago.
        server.client.advance_clock("DEMOAA", 599)
        report = server.post("/__sim/prune").json()
        assert report["sessions"] == 0 and report["engagements"] == 0
        server.client.advance_clock("DEMOAA", 2)
        report = server.post("/__sim/prune").json()
        assert report["sessions"] == 1 and report["engagements"] == 1 and report["messages"] >= 1 and report["events"] >= 3
        assert report["accessTokens"] == 0, "the OAuth grants expired 300 s after they were made: not 600 s ago yet"
        assert server.get(f"/__sim/engagements/{chat.id}").status_code == 404
        assert gone.call("GET", f"/sessions/{gone.session_id}").status_code in (401, 404)
        # The live session and chat are untouched, their log complete.
        assert server.get(f"/__sim/engagements/{kept_chat.id}").status_code == 200
        replay = kept.call("GET", f"/sessions/{kept.session_id}/events", params={"lastEventId": 0, "waitSeconds": 0})
        assert types(replay.json()) == types(kept_events) and kept_events
        server.client.advance_clock("DEMOAA", 300)
        assert server.post("/__sim/prune").json()["accessTokens"] >= 2, "the two grants behind the mints"
        # Other accounts' clocks decide for them: the bank account (real clock) kept its state.
        assert server.post("/__sim/prune").json()["sessions"] == 0
    finally:
        assert server.stop() == 0


def test_in_memory_snapshots_are_bounded_with_a_clear_error(fresh):
    names = [f"snap-{i}" for i in range(32)]
    try:
        for name in names:
            assert fresh.post("/__sim/snapshots", json={"name": name}).status_code in (200, 201)
        r = fresh.post("/__sim/snapshots", json={"name": "one-too-many"})
        assert r.status_code == 409 and r.json()["code"] == "too_many_snapshots"
        assert fresh.post("/__sim/snapshots", json={"name": names[0]}).status_code in (200, 201), "replacing one is fine"
    finally:
        for name in names:
            fresh.delete(f"/__sim/snapshots/{name}")


def test_a_long_clock_advance_holds_no_http_worker(tmp_path):
    """Issue 8: settling an advance runs off the HTTP workers, so one worker still answers."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    steps = "\n".join("  - after: 1s" for _ in range(4000))
    (scenarios / "slow.yaml").write_text(f"name: slow\nsteps:\n  - agent.join: {{ name: Slow }}\n{steps}\n  - agent.say: done\n")
    server = Server("--scenarios", str(scenarios), "--http-threads", "1").start()
    try:
        server.client.freeze_clock("DEMOAA", "2030-01-01T09:00:00Z")
        ann = Customer(server, "slow-ann")
        ann.start_session()
        chat = ann.create_engagement()
        assert server.post("/__sim/scenarios/slow/run", json={"engagementId": chat.id}).status_code == 201
        finished = []
        advance_thread = threading.Thread(target=lambda: finished.append(
            ("advance", server.post("/__sim/accounts/DEMOAA/clock/advance", json={"seconds": 5000}))))
        advance_thread.start()
        until(lambda: server.get("/__sim/accounts/DEMOAA/clock").json()["now"] != "2030-01-01T09:00:00.000Z")
        health = server.get("/__sim/health")
        finished.append(("health", health))
        advance_thread.join(timeout=120)
        assert [name for name, _ in finished] == ["health", "advance"], "the one worker answered while the advance settled"
        answer = dict(finished)["advance"]
        assert answer.status_code == 200 and answer.json()["fired"] >= 4000, answer.text
        runs = server.get("/__sim/scenario-runs").json()["runs"]
        assert runs[0]["status"] == "passed"
    finally:
        assert server.stop() == 0


def status_with_headers(server, header_bytes, lines=10):
    """The status line of a health check sent with about `header_bytes` of extra headers."""
    url = urlsplit(server.http)
    per = header_bytes // lines
    extra = "".join(f"X-Pad-{i}: {'x' * per}\r\n" for i in range(lines))
    with socket.create_connection((url.hostname, url.port), timeout=30) as s:
        s.sendall(f"GET /__sim/health HTTP/1.1\r\nHost: {url.netloc}\r\n{extra}Connection: close\r\n\r\n".encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n")[0].decode()


def test_request_headers_fit_max_header_size_and_larger_ones_are_431():
    """libmicrohttpd's pool per connection is --max-header-size (12 KiB by default, so a held poll
    stays small): 9 KB of headers (a JWT, browser headers and a large cookie) fit; 14 KB get 431
    and leave the server serving; a larger setting takes them."""
    for args, fits, refused in (((), 9000, 14000), (("--max-header-size", "32768"), 14000, 40000)):
        server = Server(*args).start()
        try:
            assert status_with_headers(server, fits).startswith("HTTP/1.1 200")
            assert status_with_headers(server, refused).startswith("HTTP/1.1 431")
            assert server.get("/__sim/health").status_code == 200
        finally:
            assert server.stop() == 0
