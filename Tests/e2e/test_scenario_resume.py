"""Scenario runs are state: a run survives `kill -9` of `axpsim serve` and goes on, after a start on
the same database file, exactly where it was — nothing repeated, nothing skipped."""
from harness import RETAIL, Server
from chat import Customer

WAITING = """name: resumable
integration: support
steps:
  - agent.join: { name: Alice }
  - agent.say: "One moment, please."
  - after: 20s
  - agent.say: "Thanks for waiting."
  - expect.customer: { matches: "(?i)refund", within: 5m }
  - agent.say: "Refunded."
  - chat.end: {}
"""

HEADLESS = """name: away
integration: support
steps:
  - agent.join: { name: Alice }
  - expect.customer: { equals: "back again", within: 5m }
  - agent.say: "welcome back"
customer:
  - chat.start: {}
  - after: 2m
  - say: "back again"
  - expect.agent: { equals: "welcome back", within: 1m }
  - disconnect: {}
"""


def start(tmp_path, db):
    return Server("--scenarios", str(tmp_path / "scenarios"), "--clock", "virtual", db=db).start()


def transcript(server, engagement_id):
    return [f"{m['participantType']}: {m['body']['elementText']['text']}" for m in server.client.messages(engagement_id)]


def progress(run):
    return [f"{step['kind']}:{step['status']}" for step in run["steps"]]


def test_an_agent_run_resumes_after_kill_9_waiting_on_after_then_on_a_customer_message(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "resumable.yaml").write_text(WAITING)
    db = str(tmp_path / "state.sqlite")

    first = start(tmp_path, db)
    ann = Customer(first, "resumed-ann", ttl=60)
    ann.start_session()
    chat = ann.create_engagement()
    run = first.post("/__sim/scenarios/resumable/run", json={"engagementId": chat.id})
    assert run.status_code == 201, run.text
    run_id = run.json()["runId"]
    waiting = first.get(f"/__sim/scenario-runs/{run_id}").json()
    assert waiting["status"] == "running"
    assert progress(waiting) == ["agent.join:done", "agent.say:done", "after:waiting"]
    assert first.kill9() == -9

    # Crash 1: the run was waiting on `after: 20s`.
    second = start(tmp_path, db)
    ann.server = second
    assert second.get(f"/__sim/scenario-runs/{run_id}").json() == waiting, "the run is back as it was"
    assert transcript(second, chat.id) == ["AGENT: One moment, please."], "nothing was repeated on start"
    second.client.advance_clock("DEMOAA", 19)
    assert second.get(f"/__sim/scenario-runs/{run_id}").json()["status"] == "running"
    second.client.advance_clock("DEMOAA", 1)
    listening = second.get(f"/__sim/scenario-runs/{run_id}").json()
    assert progress(listening) == ["agent.join:done", "agent.say:done", "after:waiting", "agent.say:done"]
    assert transcript(second, chat.id) == ["AGENT: One moment, please.", "AGENT: Thanks for waiting."]
    assert second.kill9() == -9

    # Crash 2: the run was waiting on `expect.customer` (its deadline timer survives too).
    third = start(tmp_path, db)
    ann.server = third
    assert third.get(f"/__sim/scenario-runs/{run_id}").json() == listening
    assert ann.send(chat, "I would like a refund").status_code == 201
    finished = third.get(f"/__sim/scenario-runs/{run_id}").json()
    assert finished["status"] == "passed", finished
    assert finished["runId"] == run_id
    assert finished["steps"][:len(listening["steps"])] == listening["steps"], "the earlier progress is kept"
    assert progress(finished)[len(listening["steps"]):] == ["expect:matched", "agent.say:done", "chat.end:done"]
    assert transcript(third, chat.id) == [
        "AGENT: One moment, please.", "AGENT: Thanks for waiting.", "CUSTOMER: I would like a refund", "AGENT: Refunded."]
    assert third.get(f"/__sim/engagements/{chat.id}").json()["status"] == "TERMINATED"
    assert third.kill9() == -9

    # A finished run stays inspectable after a crash.
    fourth = start(tmp_path, db)
    try:
        assert fourth.get(f"/__sim/scenario-runs/{run_id}").json() == finished
        assert [r["runId"] for r in fourth.get("/__sim/scenario-runs").json()["runs"]] == [run_id]
        fourth.client.advance_clock("DEMOAA", 600)
        assert transcript(fourth, chat.id)[-1] == "AGENT: Refunded.", "no deadline fired into the finished run"
    finally:
        assert fourth.stop() == 0


def test_a_headless_run_resumes_after_kill_9_with_its_customer_devices(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "away.yaml").write_text(HEADLESS)
    db = str(tmp_path / "state.sqlite")

    first = start(tmp_path, db)
    run = first.post("/__sim/scenarios/away/run", json={"integrationId": RETAIL.integration_id})
    assert run.status_code == 201, run.text
    run_id = run.json()["runId"]
    customer = first.get(f"/__sim/scenario-runs/{run_id}").json()
    child_id = customer["childRunId"]
    assert progress(customer) == ["chat.start:done", "after:waiting"]
    assert first.kill9() == -9

    second = start(tmp_path, db)
    try:
        assert sorted(r["runId"] for r in second.get("/__sim/scenario-runs").json()["runs"]) == sorted([run_id, child_id])
        second.client.advance_clock("DEMOAA", 120)
        customer = second.get(f"/__sim/scenario-runs/{run_id}").json()
        agent = second.get(f"/__sim/scenario-runs/{child_id}").json()
        assert customer["status"] == "passed", customer
        assert agent["status"] == "passed", agent
        assert transcript(second, customer["engagementId"]) == ["CUSTOMER: back again", "AGENT: welcome back"]
        assert second.get(f"/__sim/engagements/{customer['engagementId']}").json()["endReason"] == "USER_CLOSED"
    finally:
        assert second.stop() == 0
