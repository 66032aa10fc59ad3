"""SPEC section 7: scenarios — validate, replay headless, attach to an integration, run on a live
emulator, record a live chat and replay the recording."""
import json
import subprocess
import xml.etree.ElementTree as ET

import pytest
from websockets.exceptions import ConnectionClosed

from harness import BIN, FIXTURES, RETAIL, ROOT, Server
from chat import Customer, types

SCENARIOS = ROOT / "scenarios"
REFERENCE = sorted(p.name for p in SCENARIOS.glob("*.yaml"))


def axpsim(*args, **kw):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=300, **kw)


def test_reference_scenarios_validate_and_cover_every_situation():
    assert len(REFERENCE) >= 8
    for name in ["happy-path", "long-queue", "agent-transfer", "customer-idle-timeout", "token-expiry-refresh",
                 "socket-drop-resume", "two-devices", "bot-handoff"]:
        assert f"{name}.yaml" in REFERENCE
    r = axpsim("validate", SCENARIOS, FIXTURES)
    assert r.returncode == 0, r.stderr
    assert f"{len(REFERENCE)} scenario(s)" in r.stdout


@pytest.mark.parametrize("name", REFERENCE)
def test_each_reference_scenario_replays(name):
    r = axpsim("run", SCENARIOS / name, "--fixtures", FIXTURES)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("PASS ")
    assert "message" in r.stdout  # the transcript is printed


def test_replay_all_with_junit(tmp_path):
    report = tmp_path / "junit.xml"
    r = axpsim("replay", SCENARIOS, "--fixtures", FIXTURES, "--junit", report)
    assert r.returncode == 0, r.stdout
    assert f"{len(REFERENCE)} passed, 0 failed" in r.stdout
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite.get("tests") == str(len(REFERENCE)) and suite.get("failures") == "0"


def test_a_failing_expectation_fails_the_run_with_the_line(tmp_path):
    bad = tmp_path / "impatient.yaml"
    bad.write_text("""name: impatient
integration: support
steps:
  - agent.join: { name: Zed }
  - expect.customer: { matches: "(?i)refund", within: 30s }
  - chat.end: {}
customer:
  - chat.start: {}
  - after: 1m
  - say: "I want a refund"
""")
    report = tmp_path / "junit.xml"
    r = axpsim("run", bad, "--fixtures", FIXTURES, "--junit", report)
    assert r.returncode == 1
    assert "FAIL impatient" in r.stdout and "line 5: expect" in r.stdout
    failure = ET.parse(report).getroot().find("testsuite/testcase/failure")
    assert failure is not None and "line 5" in failure.get("message")


def test_validate_reports_mistakes_with_line_and_hint(tmp_path):
    bad = tmp_path / "typo.yaml"
    bad.write_text("name: typo\nsteps:\n  - agent.jion: { name: A }\n  - after: soon\n")
    r = axpsim("validate", bad)
    assert r.returncode == 1
    assert f"{bad}:3:" in r.stderr and "agent.join" in r.stderr
    assert f"{bad}:4:" in r.stderr


def test_scenario_attached_to_an_integration_runs_for_every_new_chat():
    s = Server("--scenarios", str(SCENARIOS), "--clock", "virtual").start()
    try:
        r = s.patch(f"/__sim/accounts/DEMOAA/integrations/{RETAIL.integration_id}", {"scenario": "happy-path"})
        assert r.status_code == 200, r.text
        ann = Customer(s, "attached", ttl=60)
        ann.start_session()
        chat = ann.create_engagement()
        runs = s.get("/__sim/scenario-runs").json()["runs"]
        run = next(x for x in runs if x["engagementId"] == chat.id)
        assert run["scenario"] == "happy-path" and run["status"] == "running"
        s.client.advance_clock("DEMOAA", 15)
        events = ann.poll()
        texts = [e["message"]["body"]["elementText"]["text"] for e in events if e["eventType"] == "MESSAGE"]
        assert texts == ["Hi, I'm Alice. How can I help?"]
        assert ann.send(chat, "I'd like a refund please").status_code == 201
        s.client.advance_clock("DEMOAA", 3)
        assert ann.send(chat, "thanks a lot").status_code == 201
        s.client.advance_clock("DEMOAA", 5)
        detail = s.get(f"/__sim/scenario-runs/{run['runId']}").json()
        assert detail["status"] == "passed", detail
        assert [step["status"] for step in detail["steps"] if step["kind"] == "expect"] == ["matched", "matched"]
        assert s.get(f"/__sim/engagements/{chat.id}").json()["status"] == "TERMINATED"
        assert s.post("/__sim/scenarios/nope/run", json={}).status_code == 404
    finally:
        assert s.stop() == 0


def test_headless_run_on_a_live_emulator():
    s = Server("--scenarios", str(SCENARIOS), "--clock", "virtual").start()
    try:
        run = s.post("/__sim/scenarios/two-devices/run", json={}).json()
        for _ in range(50):
            state = s.get(f"/__sim/scenario-runs/{run['runId']}").json()
            child = s.get(f"/__sim/scenario-runs/{state['childRunId']}").json()
            if state["status"] != "running" and child["status"] != "running":
                break
            s.client.advance_clock("DEMOAA", 10)
        assert state["status"] == "passed", state
        assert child["status"] == "passed", child
        listed = s.get("/__sim/scenarios").json()
        assert {x["name"] for x in listed["scenarios"]} >= {"happy-path", "two-devices"} and listed["problems"] == []
    finally:
        assert s.stop() == 0


def test_record_a_live_chat_then_replay_it(tmp_path):
    out = tmp_path / "recorded"
    s = Server("--scenarios", str(out), "--clock", "virtual").start()
    try:
        ann = Customer(s, "recorded", ttl=60)
        ann.start_session()
        chat = ann.create_engagement()
        rec = s.post("/__sim/recordings", json={"engagementId": chat.id, "name": "refund-chat"}).json()
        s.post(f"/__sim/engagements/{chat.id}/queue-position", json={"position": 2, "estimatedWaitSeconds": 30})
        s.client.advance_clock("DEMOAA", 20)
        s.client.agent_join(chat.id, "Alice")
        s.client.agent_say(chat.id, "Hi, how can I help?")
        s.client.advance_clock("DEMOAA", 7)
        ann.send(chat, "My parcel is late")
        s.client.advance_clock("DEMOAA", 2)
        s.post(f"/__sim/engagements/{chat.id}/agent/typing", json={})
        s.client.advance_clock("DEMOAA", 4)
        s.client.agent_say(chat.id, "It arrives tomorrow.")
        s.client.advance_clock("DEMOAA", 10)
        s.client.end_chat(chat.id, "AGENT_CLOSED")
        stopped = s.post(f"/__sim/recordings/{rec['recordingId']}/stop").json()
        assert stopped["file"] == str(out / "refund-chat.yaml")
    finally:
        assert s.stop() == 0
    recorded = out / "refund-chat.yaml"
    text = recorded.read_text()
    assert "expect.customer" in text and "timeline:" in text and "My parcel is late" in text
    assert axpsim("validate", recorded).returncode == 0
    r = axpsim("replay", recorded, "--fixtures", FIXTURES, "--verbose")
    assert r.returncode == 0, r.stdout
    assert "agent:Alice" in r.stdout and "It arrives tomorrow." in r.stdout
    # A departure from the recording fails with a readable diff.
    tampered = tmp_path / "tampered.yaml"
    tampered.write_text(text.replace('"It arrives tomorrow."', '"It arrives next week."', 1))
    r = axpsim("replay", tampered, "--fixtures", FIXTURES)
    assert r.returncode == 1
    assert "expected (-) vs actual (+)" in r.stdout
    assert any(line.strip().startswith("-") and "It arrives tomorrow." in line for line in r.stdout.splitlines())
    assert any(line.strip().startswith("+") and "It arrives next week." in line for line in r.stdout.splitlines())


def test_token_and_socket_steps_act_on_live_clients(tmp_path):
    (tmp_path / "disrupt.yaml").write_text("""name: disrupt
integration: support
steps:
  - agent.join: { name: Rex }
  - socket.drop: {}
  - after: 10s
  - token.expire: {}
  - after: 10s
  - token.revoke: {}
  - after: 10s
  - session.close: {}
""")
    s = Server("--scenarios", str(tmp_path), "--clock", "virtual").start()
    try:
        ann = Customer(s, "disrupted", ttl=60)
        ann.start_session()
        chat = ann.create_engagement()
        ws, _ = ann.socket()
        run = s.post("/__sim/scenarios/disrupt/run", json={"engagementId": chat.id}).json()
        with pytest.raises(ConnectionClosed) as dropped:  # socket.drop: no close frame
            while True:
                ws.recv(timeout=10)
        assert dropped.value.rcvd is None
        ws, _ = ann.socket(last_event_id="2")
        s.client.advance_clock("DEMOAA", 10)  # token.expire
        assert json.loads(ws.recv(timeout=10))["eventType"] == "PARTICIPANT_ADDED"
        assert json.loads(ws.recv(timeout=10))["eventType"] == "TOKEN_EXPIRED"
        expired = ann.call("GET", f"/sessions/{ann.session_id}")
        assert expired.status_code == 401 and expired.json()["code"] == "token_expired", (expired.status_code, expired.text, s.get("/__sim/accounts/DEMOAA/clock").text, s.get("/__sim/accounts/DEMOAA/sessions").text)
        ann.jwt = Customer(s, "disrupted", ttl=60).jwt  # the page fetches a new token
        assert ann.call("GET", f"/sessions/{ann.session_id}").status_code == 200
        ws2, _ = ann.socket(last_event_id="4")
        s.client.advance_clock("DEMOAA", 10)  # token.revoke: the new token is the session's current one
        with pytest.raises(ConnectionClosed) as revoked:
            while True:
                ws2.recv(timeout=10)
        assert revoked.value.rcvd.code == 4401
        assert ann.call("GET", f"/sessions/{ann.session_id}").json()["code"] == "token_revoked"
        s.client.advance_clock("DEMOAA", 10)  # session.close
        closed = s.get("/__sim/accounts/DEMOAA/sessions", params={"customerId": "disrupted"}).json()["sessions"][0]
        assert closed["state"] == "closed" and closed["closeReason"] == "SYSTEM_CLOSED"
        assert s.get(f"/__sim/scenario-runs/{run['runId']}").json()["status"] == "passed"
    finally:
        assert s.stop() == 0
