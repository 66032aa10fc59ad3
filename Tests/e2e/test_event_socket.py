"""SPEC section 4: the session event log over WebSocket (libwebsockets port)."""
import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from harness import BANK, RETAIL
from chat import Customer, receive, types


def closed_code(ws, timeout=10):
    with pytest.raises(ConnectionClosed) as info:
        while True:
            ws.recv(timeout=timeout)
    return info.value.rcvd.code if info.value.rcvd else None


def test_auth_ready_replay_then_live_in_the_long_poll_ids(fresh):
    ann = Customer(fresh, "ws-ann")
    ann.start_session()
    chat = ann.create_engagement()
    ws, ready = ann.socket()
    assert ready == {"type": "ready", "sessionId": ann.session_id, "lastEventId": "0", "latestEventId": "2"}
    replay = receive(ws, 2)
    assert types(replay) == ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED"]
    fresh.post(f"/__sim/engagements/{chat.id}/agent/join", json={})
    fresh.post(f"/__sim/engagements/{chat.id}/agent/typing", json={})
    fresh.post(f"/__sim/engagements/{chat.id}/queue-position", json={"position": 3, "estimatedWaitSeconds": 60})
    fresh.client.agent_say(chat.id, "hello")
    live = receive(ws, 4)
    assert types(live) == ["PARTICIPANT_ADDED", "TYPING", "QUEUE_POSITION", "MESSAGE"]
    assert live[2]["position"] == 3 and live[2]["estimatedWaitSeconds"] == 60
    # Same events, same ids, on the long poll (which leaves out axpsim's own types).
    polled = ann.poll()
    assert [e["eventId"] for e in polled] == [e["eventId"] for e in replay + live if e["eventType"] in ("ENGAGEMENT_CREATED", "PARTICIPANT_ADDED", "MESSAGE")]
    assert [e for e in polled] == [e for e in replay + live if e["eventType"] not in ("TYPING", "QUEUE_POSITION")]
    # A second socket resuming after the first two events gets exactly the rest.
    ws2, ready2 = ann.socket(last_event_id=replay[-1]["eventId"])
    assert ready2["lastEventId"] == "2"
    assert receive(ws2, 4) == live
    fresh.client.agent_say(chat.id, "both")
    assert receive(ws, 1) == receive(ws2, 1)
    ws.send(json.dumps({"type": "ping"}))
    assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}
    ws.close()
    ws2.close()


def test_close_codes(fresh):
    ann = Customer(fresh, "ws-codes")
    ann.start_session()
    _, ready = ann.socket()
    assert ready["type"] == "ready"
    bad, frame = ann.socket(jwt="jwt.bad.token.here")
    assert frame["type"] == "error" and frame["code"] == "token_malformed"
    assert closed_code(bad) == 4401
    unknown, frame = ann.socket(session_id="00000000-0000-0000-0000-000000000000")
    assert frame["code"] == "session_not_found" and closed_code(unknown) == 4404
    other = Customer(fresh, "someone-else")
    stranger, frame = other.socket(session_id=ann.session_id)
    assert frame["code"] == "forbidden" and closed_code(stranger) == 4403
    bank = Customer(fresh, "ws-codes", tenant=BANK)
    cross, frame = bank.socket(session_id=ann.session_id)
    assert closed_code(cross) in (4403, 4404)
    garbage = connect(f"{fresh.ws}{ann.base}/sessions/{ann.session_id}/events", subprotocols=["axpsim.events.v1"])
    garbage.send("not json")
    assert json.loads(garbage.recv(timeout=10))["code"] == "bad_auth_frame" and closed_code(garbage) == 4400
    nowhere = connect(f"{fresh.ws}/nowhere", subprotocols=["axpsim.events.v1"])
    assert closed_code(nowhere) == 4404

    live, _ = ann.socket()
    assert fresh.post(f"/__sim/sessions/{ann.session_id}/close").json()["closed"] is True
    last = json.loads(live.recv(timeout=10))
    assert last["eventType"] == "SESSION_CLOSED" and last["reason"] == "SYSTEM_CLOSED"
    assert closed_code(live) == 4410
    after, frame = ann.socket()
    assert frame["code"] == "session_closed" and closed_code(after) == 4410


def test_dropped_socket_resumes_without_loss_or_duplicates(fresh):
    ann = Customer(fresh, "ws-drop")
    ann.start_session()
    chat = ann.create_engagement()
    fresh.post(f"/__sim/engagements/{chat.id}/agent/join", json={})
    ws, _ = ann.socket()
    seen = receive(ws, 3)
    assert fresh.post(f"/__sim/sessions/{ann.session_id}/drop-sockets").json()["dropped"] == 1
    with pytest.raises(ConnectionClosed) as info:
        while True:
            seen.append(json.loads(ws.recv(timeout=10)))
    assert info.value.rcvd is None  # abrupt: no close frame
    for i in range(3):
        fresh.client.agent_say(chat.id, f"while away {i}")
    back, ready = ann.socket(last_event_id=seen[-1]["eventId"])
    rest = receive(back, 3)
    ids = [int(e["eventId"]) for e in seen + rest]
    assert ids == list(range(1, 7))


def test_revoked_token_closes_sockets_and_refuses_calls(fresh):
    ann = Customer(fresh, "ws-revoke")
    ann.start_session()
    ws, _ = ann.socket()
    jti = fresh.get("/__sim/accounts/DEMOAA/sessions", params={"customerId": "ws-revoke"}).json()["sessions"][0]["tokenJti"]
    assert fresh.post(f"/__sim/tokens/{jti}/revoke").status_code == 200
    assert closed_code(ws) == 4401
    refused = ann.call("GET", f"/sessions/{ann.session_id}")
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"
    assert fresh.post("/__sim/tokens/nope/revoke").status_code == 404


def test_journal_long_polls_every_event(fresh):
    first = fresh.get("/__sim/events", params={"accountId": "DEMOAA"}).json()
    ann = Customer(fresh, "journal")
    ann.start_session()
    ann.create_engagement()
    page = fresh.get("/__sim/events", params={"accountId": "DEMOAA", "sinceId": first["lastId"], "wait": 5}).json()
    # ROUTED (SPEC section 10) is the journal's only: no session, no event id.
    assert [e["eventType"] for e in page["events"]] == ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED", "ROUTED"]
    assert page["events"][0]["sessionId"] == ann.session_id and page["lastId"] == page["events"][-1]["id"]
    assert page["events"][2]["sessionId"] is None and page["events"][2]["event"]["routing"]["queue"] == "support"
    assert fresh.get("/__sim/events", params={"accountId": "DEMOBB", "sinceId": first["lastId"]}).json()["events"] == []
    assert fresh.get("/__sim/events", params={"accountId": "NOPENO"}).status_code == 404


def test_slow_consumer_is_closed_and_resumes_without_loss():
    from harness import Server
    s = Server("--ws-queue-frames", "4").start()
    try:
        ann = Customer(s, "slow")
        ann.start_session()
        chat = ann.create_engagement()
        s.post(f"/__sim/engagements/{chat.id}/agent/join", json={})
        for i in range(300):
            s.client.agent_say(chat.id, f"m{i}")
        total = 303  # created, customer added, agent added, 300 messages
        received, slow_closes, last = [], 0, None
        for _ in range(total):
            ws, ready = ann.socket(last_event_id=last)
            assert ready["type"] == "ready"
            try:
                while len(received) < total:
                    received.append(json.loads(ws.recv(timeout=10)))
                    last = received[-1]["eventId"]
                ws.close()
                break
            except ConnectionClosed as closed:
                assert closed.rcvd.code == 4408
                slow_closes += 1
        assert [int(e["eventId"]) for e in received] == list(range(1, total + 1))
        assert slow_closes >= 1
    finally:
        assert s.stop() == 0


def test_frames_read_by_socket_client_frame(fresh):
    """The frame rules SocketClientFrame holds (and the socket fuzz target exercises), end to end."""
    ann = Customer(fresh, "ws-frames")
    ann.start_session()
    for bad in ["-1", "abc", -1, 1.5, True]:
        ws, frame = ann.socket(last_event_id=bad)
        assert frame["code"] == "bad_last_event_id" and closed_code(ws) == 4400, bad
    ws, frame = ann.socket(last_event_id=0)
    assert frame["type"] == "ready" and frame["lastEventId"] == "0"
    ws.send(json.dumps({"type": "auth", "jwt": ann.jwt}))
    assert json.loads(ws.recv(timeout=10))["code"] == "unknown_frame"
    ws.send("not json")
    assert json.loads(ws.recv(timeout=10))["code"] == "unknown_frame"
    ws.send(json.dumps({"type": "ping", "extra": 1}))
    assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}
    ws.close()
    no_jwt = connect(f"{fresh.ws}{ann.base}/sessions/{ann.session_id}/events", subprotocols=["axpsim.events.v1"])
    no_jwt.send(json.dumps({"type": "auth", "jwt": 5, "lastEventId": "x"}))
    assert json.loads(no_jwt.recv(timeout=10))["code"] == "bad_auth_frame" and closed_code(no_jwt) == 4400
