"""SPEC section 6: fault injection on the platform APIs and on socket delivery, seeded and repeatable."""
import json
import socket
import time
from urllib.parse import urlparse

import pytest
import requests
from websockets.exceptions import ConnectionClosed

from harness import RETAIL
from chat import Customer, receive


def test_status_drop_and_delay_rules(fresh):
    try:
        ann = Customer(fresh, "faulty")
        ann.start_session()
        rules = {"rules": [
            {"match": {"method": "POST", "path": "/sdk/*/engagements"}, "action": {"status": 503}, "count": 1},
            {"match": {"path": "/sdk/*/sessions/*"}, "action": {"delayMs": 300}},
        ]}
        r = fresh.session_put("/__sim/faults", rules)
        assert r.status_code == 200 and [x["id"] for x in r.json()["rules"]] == [1, 2]
        first = ann.call("POST", "/engagements", {"sessionId": ann.session_id})
        assert first.status_code == 503 and first.json()["code"] == "fault_injected"
        assert ann.call("POST", "/engagements", {"sessionId": ann.session_id}).status_code == 201  # count: 1
        started = time.monotonic()
        assert ann.call("GET", f"/sessions/{ann.session_id}").status_code == 200
        assert time.monotonic() - started >= 0.3
        assert [x["hits"] for x in fresh.get("/__sim/faults").json()["rules"]] == [1, 1]
        # The control plane is never faulted.
        assert fresh.session_put("/__sim/faults", {"rules": [{"match": {"path": "*"}, "action": {"drop": True}}]}).status_code == 200
        assert fresh.get("/__sim/health").status_code == 200
        with pytest.raises(requests.exceptions.ConnectionError):
            ann.call("GET", f"/sessions/{ann.session_id}")
    finally:
        assert fresh.delete("/__sim/faults").status_code == 204


def test_probability_is_seeded_and_repeatable(fresh):
    def pattern():
        fresh.session_put("/__sim/faults", {"rules": [{"match": {"path": "/.well-known/*"}, "action": {"status": 500}, "probability": 0.5, "seed": 42}]})
        return [fresh.get("/.well-known/jwks.json").status_code for _ in range(20)]
    try:
        first, second = pattern(), pattern()
        assert first == second and 500 in first and 200 in first
    finally:
        fresh.delete("/__sim/faults")


def test_event_rules_close_sockets_and_resume_loses_nothing(fresh):
    try:
        ann = Customer(fresh, "faulty-ws")
        ann.start_session()
        chat = ann.create_engagement()
        ws, _ = ann.socket()
        seen = receive(ws, 2)
        fresh.post("/__sim/faults", json={"match": {"event": "MESSAGE"}, "action": {"closeSocket": True}, "count": 1})
        fresh.post(f"/__sim/engagements/{chat.id}/agent/join", json={})
        fresh.post(f"/__sim/engagements/{chat.id}/agent/message", json={"text": "lost in transit?"})
        with pytest.raises(ConnectionClosed):
            while True:
                seen.append(json.loads(ws.recv(timeout=10)))
        back, _ = ann.socket(last_event_id=seen[-1]["eventId"])
        rest = receive(back, 4 - len(seen))
        assert [int(e["eventId"]) for e in seen + rest] == [1, 2, 3, 4]
        assert rest[-1]["message"]["body"]["elementText"]["text"] == "lost in transit?"
    finally:
        fresh.delete("/__sim/faults")


def test_bad_rules_are_violations(fresh):
    r = fresh.session_put("/__sim/faults", {"rules": [
        {"match": {"event": "NOPE"}, "action": {"status": 500, "drop": True}, "probability": 2},
        {"action": {"closeSocket": True}},
    ]})
    assert r.status_code == 400
    fields = {v["field"] for v in r.json()["violations"]}
    assert {"rules[0].match.event", "rules[0].action", "rules[0].probability", "rules[1].action.closeSocket"} <= fields
    assert fresh.get("/__sim/faults").json()["rules"] == []
