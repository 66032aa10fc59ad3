"""SPEC section 10 against the real binary: context data an SDK client sends chooses the queue, queue
positions arrive in order, a freed agent answers the next chat, a wait survives kill -9, and the
control plane validates queues and routing rules."""
import json
import subprocess

from chat import Chat, Customer
from harness import BANK, BIN, RETAIL_TRIAGE, Server
from omni import OmniCustomer

START = "2030-01-01T09:00:00Z"


def virtual(server, account="DEMOAA"):
    r = server.session_put(f"/__sim/accounts/{account}/clock", {"mode": "virtual", "now": START})
    assert r.status_code == 200, r.text


def advance(server, seconds, account="DEMOAA"):
    r = server.post(f"/__sim/accounts/{account}/clock/advance", json={"seconds": seconds})
    assert r.status_code == 200, r.text
    return r.json()


def start_chat(server, customer_id, engagement_parameters=None, session_parameters=None, **mint):
    """A customer of the triage integration opens a session and a chat over the Chat SDK routes."""
    customer = Customer(server, customer_id, tenant=RETAIL_TRIAGE, **mint)
    r = customer.call("POST", "/sessions", {"displayName": customer_id, "clientType": "web", "sessionParameters": session_parameters or {}})
    assert r.status_code == 201, r.text
    customer.session_id = r.json()["sessionId"]
    r = customer.call("POST", "/engagements", {"sessionId": customer.session_id, "engagementParameters": engagement_parameters or {}})
    assert r.status_code == 201, r.text
    return customer, Chat(r.json())


def journal(server, chat, event_type):
    events = server.get("/__sim/events", params={"accountId": "DEMOAA", "limit": 1000}).json()["events"]
    return [e["event"] for e in events if e["engagementId"] == chat.id and e["eventType"] == event_type]


def agents(customer, chat):
    """The agents the customer's long poll has seen join, in order."""
    customer.poll()
    return [e["participant"]["displayName"] for e in customer.seen
            if e["eventType"] == "PARTICIPANT_ADDED" and e["engagementId"] == chat.id and e["participant"]["participantType"] == "AGENT"]


def test_context_data_sent_by_an_sdk_client_chooses_the_queue(fresh):
    virtual(fresh)
    ann, french = start_chat(fresh, "ann-fr", {"language": "fr"}, {"page": "/aide"})
    gold_customer, gold = start_chat(fresh, "gold-1", verifiedCustomer=True, customerIdentifiers={"tier": ["gold"]})
    _, plain = start_chat(fresh, "plain-1", {"language": "en"})
    routes = {c.id: fresh.get(f"/__sim/engagements/{c.id}").json()["routing"] for c in (french, gold, plain)}
    assert routes[french.id] == {"rule": "french-speakers", "queue": "french", "routingAttributes": {"language": "fr"},
                                 "scenario": None, "overflowQueue": "general"}
    assert routes[gold.id]["rule"] == "gold-customers" and routes[gold.id]["queue"] == "priority"
    assert routes[plain.id] == {"rule": None, "queue": "general", "routingAttributes": {"language": "en"}, "scenario": None}
    routed = journal(fresh, french, "ROUTED")
    assert len(routed) == 1 and routed[0]["routing"]["queue"] == "french" and "eventId" not in routed[0]
    entry = [e for e in fresh.get("/__sim/events", params={"accountId": "DEMOAA"}).json()["events"] if e["eventType"] == "ROUTED"][0]
    assert entry["sessionId"] is None and entry["eventId"] is None, "the journal's only: no session log carries it"
    # The SDK's long poll carries the chat as before: no ROUTED, gap-free ids.
    events = ann.poll()
    assert [e["eventType"] for e in events] == ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED"]
    assert [e["eventId"] for e in events] == ["1", "2"]
    advance(fresh, 30)
    assert agents(ann, french) == ["Amélie"] and agents(gold_customer, gold) == ["Grace"]
    greeting = [e for e in ann.seen if e["eventType"] == "MESSAGE"][0]
    assert greeting["message"]["body"]["elementText"]["text"] == "Bonjour, je suis Amélie. Comment puis-je vous aider ?"
    assert fresh.get(f"/__sim/engagements/{french.id}").json()["status"] == "ACTIVE"


def test_an_omni_sdk_chat_is_routed_by_the_same_rules(fresh):
    virtual(fresh)
    ann = OmniCustomer(fresh, "omni-fr", tenant=RETAIL_TRIAGE)
    ann.init()
    r = ann.call("POST", "/engagements", {"sessionId": ann.session_id, "engagementParameters": {"language": "fr"}})
    assert r.status_code == 201, r.text
    chat = r.json()
    assert fresh.get(f"/__sim/engagements/{chat['engagementId']}").json()["routing"]["rule"] == "french-speakers"
    advance(fresh, 30)
    events = ann.poll()
    joined = [e["participant"]["displayName"] for e in events if e["eventType"] == "PARTICIPANT_ADDED" and e["participant"]["participantType"] == "AGENT"]
    assert joined == ["Amélie"] and all(e.get("conversationId") == ann.conversation_id for e in events if e.get("engagementId"))


def test_queue_positions_arrive_in_order_and_a_freed_agent_answers_the_next_chat(fresh):
    virtual(fresh)
    chats = [start_chat(fresh, f"q{n}") for n in range(4)]
    third, fourth = chats[2], chats[3]
    ws, _ = fourth[0].socket()
    # q0 and q1 are taken by Alice and Bob at once; q2 and q3 wait and are told where they stand.
    assert [e["position"] for e in journal(fresh, third[1], "QUEUE_POSITION")] == [1]
    assert [(e["position"], e["estimatedWaitSeconds"]) for e in journal(fresh, fourth[1], "QUEUE_POSITION")] == [(2, 260)]
    queue = fresh.get("/__sim/accounts/DEMOAA/queues/general").json()
    assert [w["engagementId"] for w in queue["waiting"]] == [third[1].id, fourth[1].id]
    assert [w["position"] for w in queue["waiting"]] == [1, 2]
    assert [(a["agentId"], a["load"]) for a in queue["agents"]] == [("alice", 1), ("bob", 1)]
    advance(fresh, 20)
    assert agents(*chats[0]) == ["Alice"] and agents(*chats[1]) == ["Bob"]
    # q0's customer leaves: Alice takes q2, and q3 moves up (pushed on its socket, in order).
    assert chats[0][0].disconnect(chats[0][1]).status_code == 200
    pushed = []
    while not pushed or pushed[-1]["eventType"] != "QUEUE_POSITION" or pushed[-1]["position"] != 1:
        pushed.append(json.loads(ws.recv(timeout=10)))
    assert [e["position"] for e in pushed if e["eventType"] == "QUEUE_POSITION"] == [2, 1]
    assert fresh.get(f"/__sim/engagements/{third[1].id}").json()["queue"]["state"] == "assigned"
    advance(fresh, 20)
    assert agents(*third) == ["Alice"] and agents(*fourth) == []
    # Bob goes away; Alice's chat ends: q3 is hers.
    r = fresh.post("/__sim/accounts/DEMOAA/queues/general/agents/bob/state", json={"state": "away"})
    assert r.status_code == 200 and r.json()["state"] == "away"
    assert fresh.post(f"/__sim/engagements/{third[1].id}/end", json={}).status_code == 200
    advance(fresh, 20)
    assert agents(*fourth) == ["Alice"]
    ws.close()


def test_a_wait_in_a_queue_survives_kill_9(tmp_path):
    db = str(tmp_path / "state.sqlite")
    first = Server(db=db).start()
    virtual(first)
    waiting = [start_chat(first, f"k{n}") for n in range(3)]
    advance(first, 10)
    assert first.kill9() == -9
    second = Server(db=db).start()
    try:
        advance(second, 10)
        names = {c.id: [e["participant"]["displayName"] for e in journal(second, c, "PARTICIPANT_ADDED")
                        if e["participant"]["participantType"] == "AGENT"] for _, c in waiting}
        assert names[waiting[0][1].id] == ["Alice"] and names[waiting[1][1].id] == ["Bob"] and names[waiting[2][1].id] == []
        assert second.get("/__sim/accounts/DEMOAA/queues/general").json()["waiting"][0]["engagementId"] == waiting[2][1].id
        assert second.post(f"/__sim/engagements/{waiting[1][1].id}/end", json={}).status_code == 200
        advance(second, 20)
        assert [e["participant"]["displayName"] for e in journal(second, waiting[2][1], "PARTICIPANT_ADDED")
                if e["participant"]["participantType"] == "AGENT"] == ["Bob"]
    finally:
        assert second.stop() == 0


def test_queues_and_routing_rules_on_the_control_plane(fresh):
    base = "/__sim/accounts/DEMOBB"
    r = fresh.post(f"{base}/queues", json={
        "queueId": "help", "answerDelaySeconds": 0, "greeting": "{agent} here.",
        "agents": [{"agentId": "zoe", "displayName": "Zoe", "capacity": 2}]})
    assert r.status_code == 201, r.text
    assert r.json()["agents"][0] == {"agentId": "zoe", "displayName": "Zoe", "capacity": 2, "routingAttributes": {}, "state": "available"}
    assert fresh.post(f"{base}/queues", json={"queueId": "help"}).status_code == 409
    bad = fresh.post(f"{base}/queues", json={"queueId": "x", "agents": [{"agentId": "a"}], "answerDelaySeconds": -1, "colour": "red"})
    assert bad.status_code == 400
    assert {v["field"] for v in bad.json()["violations"]} >= {"agents[0].displayName", "answerDelaySeconds", "colour"}
    assert fresh.post(f"{base}/queues/help/agents/nobody/state", json={"state": "away"}).status_code == 404
    assert fresh.post(f"{base}/queues/help/agents/zoe/state", json={"state": "asleep"}).status_code == 400
    rules = {"name": "help-desk", "routing": {"defaultQueue": "help", "rules": [
        {"name": "any", "match": {"sessionParameters.device": {"exists": True}}, "queue": "nope"},
        {"name": "broken", "match": {"engagementParameters.t": {"regex": "("}}},
        {"name": "later", "match": {"sessionParameters.device": "phone"}, "queue": "help"},
        {"name": "odd", "match": {"customer.shoeSize": 42}}]}}
    refused = fresh.post(f"{base}/integrations", json=rules)
    assert refused.status_code == 400
    assert {v["field"] for v in refused.json()["violations"]} == {"routing.rules[1].match.engagementParameters.t"}
    del rules["routing"]["rules"][1]
    refused = fresh.post(f"{base}/integrations", json=rules)
    fields = {v["field"]: v["message"] for v in refused.json()["violations"]}
    assert set(fields) == {"routing.rules[0].queue", "routing.rules[1].match", "routing.rules[2].match.customer.shoeSize"}, fields
    assert "unknown queue 'nope'" in fields["routing.rules[0].queue"] and "can never match" in fields["routing.rules[1].match"]
    rules["routing"]["rules"] = [{"name": "phones", "match": {"sessionParameters.device": "phone"}, "routingAttributes": {"channel": "mobile"}}]
    created = fresh.post(f"{base}/integrations", json=rules)
    assert created.status_code == 201, created.text
    integration = created.json()
    assert integration["queue"] == "help" and integration["routing"]["rules"][0]["match"] == {"sessionParameters.device": "phone"}
    assert fresh.delete(f"{base}/queues/help").status_code == 409, "an integration routes to it"
    # A chat of the new integration waits: Zoe does not serve its routing attributes (channel: mobile).
    customer = Customer(fresh, "phone-1", tenant=BANK.with_integration(integration["integrationId"]))
    r = customer.call("POST", "/sessions", {"clientType": "web", "sessionParameters": {"device": "phone"}})
    customer.session_id = r.json()["sessionId"]
    chat = customer.create_engagement()
    assert fresh.get(f"/__sim/engagements/{chat.id}").json()["routing"]["rule"] == "phones"
    waiting = fresh.get(f"{base}/queues/help").json()["waiting"]
    assert [(w["engagementId"], w["position"], w.get("estimatedWaitSeconds")) for w in waiting] == [(chat.id, 1, None)]
    # Once she does, she answers at once (no answer delay) with the greeting.
    patched = fresh.patch(f"{base}/queues/help", {"agents": [{"agentId": "zoe", "displayName": "Zoe", "capacity": 2,
                                                               "routingAttributes": {"channel": "mobile"}}]})
    assert patched.status_code == 200, patched.text
    events = customer.poll()
    assert [e["eventType"] for e in events][-2:] == ["PARTICIPANT_ADDED", "MESSAGE"] and events[-1]["message"]["body"]["elementText"]["text"] == "Zoe here."
    view = fresh.get(f"{base}/queues/help").json()
    assert view["engaged"][0]["engagementId"] == chat.id and view["agents"][0]["load"] == 1
    assert [q["queueId"] for q in fresh.get(f"{base}").json()["queues"]] == ["cards", "help", "mortgages"]
    # The reset restores the fixtures' queues.
    assert fresh.post(f"{base}/reset").status_code == 200
    assert [q["queueId"] for q in fresh.get(f"{base}/queues").json()["queues"]] == ["cards", "mortgages"]


def test_validate_reports_routing_mistakes_with_file_line_and_column(tmp_path):
    broken = tmp_path / "routing.yaml"
    broken.write_text(
        "accounts:\n"
        "  - accountId: ROUTED\n"
        "    queues:\n"
        "      - queueId: general\n"
        "    integrations:\n"
        "      - integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a77\n"
        "        name: web\n"
        "        routing:\n"
        "          defaultQueue: genral\n"
        "          rules:\n"
        "            - name: all\n"
        "              match: {}\n"
        "            - name: fr\n"
        "              match: { engagementParameters.language: { regex: '[' } }\n")
    r = subprocess.run([BIN, "validate", str(broken)], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert f"{broken}:9:25" in out and "unknown queue 'genral'" in out and "known: general" in out
    assert f"{broken}:14:" in out and "not a valid regular expression" in out
    assert f"{broken}:13:" in out or "can never match" in out


def test_a_recorded_routed_chat_replays_headless(tmp_path):
    out = tmp_path / "recorded"
    s = Server("--scenarios", str(out)).start()
    try:
        virtual(s)
        ann, chat = start_chat(s, "rec-fr", {"language": "fr"}, {"page": "/aide"})
        rec = s.post("/__sim/recordings", json={"engagementId": chat.id, "name": "routed-french"}).json()
        advance(s, 30)  # Amélie answers with the French queue's greeting
        assert ann.send(chat, "Merci !").status_code == 201
        advance(s, 5)
        assert s.post(f"/__sim/engagements/{chat.id}/agent/message", json={"text": "De rien."}).status_code == 201
        advance(s, 5)
        assert s.post(f"/__sim/engagements/{chat.id}/end", json={}).status_code == 200
        yaml = s.post(f"/__sim/recordings/{rec['recordingId']}/stop").json()["yaml"]
    finally:
        assert s.stop() == 0
    assert "expect.routed: {queue: french, rule: french-speakers}" in yaml, yaml
    assert "language: \"fr\"" in yaml and "page: \"/aide\"" in yaml, yaml
    assert "agent.join" not in yaml and "Bonjour" not in yaml.split("timeline:")[0], "the queue's agent and greeting come from the simulation"
    replay = subprocess.run([BIN, "replay", str(out / "routed-french.yaml")], capture_output=True, text=True, timeout=60)
    assert replay.returncode == 0, replay.stdout + replay.stderr
