"""SPEC section 3: the Chat SDK protocol end to end, with real HTTP clients."""
import threading
import uuid

import requests

from harness import RETAIL
from chat import Customer, types


def test_whole_chat_with_an_agent(fresh):
    ann = Customer(fresh, "ann", name="Ann")
    session = ann.start_session("Ann")
    assert session["engagements"] == [] and session["displayName"] == "Ann"
    chat = ann.create_engagement(topic="refund")
    assert chat.engagement["dialogs"][0]["dialogStatus"] == "PENDING"
    uuid.UUID(chat.id)
    events = ann.poll()
    assert types(events) == ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED"]
    assert events[1]["participant"]["participantType"] == "CUSTOMER" and events[1]["engagementId"] == chat.id
    assert [int(e["eventId"]) for e in events] == [1, 2]

    agent = fresh.post(f"/__sim/engagements/{chat.id}/agent/join", json={"displayName": "Alice"})
    assert agent.status_code == 201 and agent.json()["participantType"] == "AGENT"
    said = fresh.post(f"/__sim/engagements/{chat.id}/agent/message", json={"text": "Hi, I'm Alice"})
    assert said.status_code == 201
    events = ann.poll()
    assert types(events) == ["PARTICIPANT_ADDED", "MESSAGE"]
    message = events[1]
    assert message["participant"] == {"participantId": agent.json()["participantId"], "participantType": "AGENT", "displayName": "Alice"}
    assert message["message"]["body"]["elementText"]["text"] == "Hi, I'm Alice" and message["message"]["messageIndex"] == 1
    assert message["dialogId"] == chat.dialog_id and message["eventDate"].endswith("Z")
    state = ann.call("GET", f"/engagements/{chat.id}").json()
    assert state["dialogs"][0]["dialogStatus"] == "ACTIVE"
    assert {p["participantType"] for p in state["dialogs"][0]["participants"]} == {"CUSTOMER", "AGENT"}

    sent = ann.send(chat, "I want a refund", parent=said.json()["messageId"])
    assert sent.status_code == 201, sent.text
    stored = sent.json()
    assert stored["participantType"] == "CUSTOMER" and stored["messageIndex"] == 2 and stored["parentMessageId"] == said.json()["messageId"]
    assert stored["senderParticipantId"] and stored["displayName"] == "Ann"
    echo = ann.poll()
    assert types(echo) == ["MESSAGE"] and echo[0]["message"]["messageId"] == stored["messageId"]

    agent_view = fresh.get(f"/__sim/engagements/{chat.id}/messages").json()["messages"]
    assert [m["body"]["elementText"]["text"] for m in agent_view] == ["Hi, I'm Alice", "I want a refund"]

    resumed = ann.call("GET", f"/sessions/{ann.session_id}").json()
    assert [e["engagementId"] for e in resumed["engagements"]] == [chat.id]

    assert ann.disconnect(chat).status_code == 200
    events = ann.poll()
    assert types(events) == ["PARTICIPANT_DISCONNECTED", "PARTICIPANT_DISCONNECTED"]
    assert events[-1]["participant"]["participantType"] == "CUSTOMER"
    late = ann.send(chat, "still there?")
    assert late.status_code == 409 and late.json()["code"] == "engagement_ended"
    assert ann.call("GET", f"/sessions/{ann.session_id}").json()["engagements"] == []
    assert ann.shutdown().status_code == 204
    gone = ann.call("GET", f"/sessions/{ann.session_id}/events")
    assert gone.status_code == 404 and gone.json()["detail"] == "Session not found"


def test_history_pages_as_the_sdk_iterator_expects(fresh):
    bob = Customer(fresh, "bob")
    bob.start_session()
    chat = bob.create_engagement()
    fresh.post(f"/__sim/engagements/{chat.id}/agent/join", json={})
    for i in range(5):
        fresh.client.agent_say(chat.id, f"m{i}")
    first = bob.history(chat, page_size=2).json()
    assert [m["body"]["elementText"]["text"] for m in first["messages"]] == ["m4", "m3"]
    assert first["pagination"]["pageNumber"] == 1
    texts = []
    page = first
    while True:
        texts += [m["body"]["elementText"]["text"] for m in page["messages"]]
        if page["links"]["next"] == "":
            break
        assert page["links"]["next"].startswith(fresh.http)
        page = requests.get(page["links"]["next"], headers=bob.headers(), timeout=10).json()
    assert texts == ["m4", "m3", "m2", "m1", "m0"]
    ascending = bob.history(chat, page_size=10, order="ASC").json()
    assert [m["messageIndex"] for m in ascending["messages"]] == [1, 2, 3, 4, 5] and ascending["links"]["next"] == ""
    bad = bob.history(chat, page_size=0, order="SIDEWAYS")
    assert bad.status_code == 400 and {v["field"] for v in bad.json()["violations"]} == {"pageSize", "orderBy"}


def test_two_devices_of_one_customer(fresh):
    laptop = Customer(fresh, "carol")
    phone = Customer(fresh, "carol")
    laptop.start_session()
    phone.start_session()
    assert laptop.session_id != phone.session_id
    chat = laptop.create_engagement()
    fresh.client.agent_join(chat.id, "Alice")
    listed = phone.call("GET", f"/sessions/{phone.session_id}").json()["engagements"]
    assert [e["engagementId"] for e in listed] == [chat.id]
    not_joined = phone.send(chat, "hello from the phone")
    assert not_joined.status_code == 409 and not_joined.json()["code"] == "engagement_not_joined"
    assert phone.join(chat).status_code == 200
    joined = phone.poll()
    # The phone sees its own CUSTOMER participant (the SDK activates on it), not the laptop's.
    assert types(joined) == ["PARTICIPANT_ADDED"] and joined[0]["participant"]["participantType"] == "CUSTOMER"
    laptop.poll()

    assert phone.send(chat, "from the phone").status_code == 201
    fresh.client.agent_say(chat.id, "got it")
    for device in (laptop, phone):
        texts = [e["message"]["body"]["elementText"]["text"] for e in device.poll() if e["eventType"] == "MESSAGE"]
        assert texts == ["from the phone", "got it"]

    assert laptop.shutdown().status_code == 204
    assert phone.send(chat, "still here").status_code == 201
    assert [e["eventType"] for e in phone.poll()] == ["MESSAGE"]
    fresh.client.end_chat(chat.id, "AGENT_CLOSED")
    ended = phone.poll()
    assert types(ended) == ["PARTICIPANT_DISCONNECTED", "PARTICIPANT_DISCONNECTED"]
    assert ended[-1]["participant"]["participantType"] == "CUSTOMER"


def test_long_poll_holds_until_an_event_and_keeps_a_cursor(fresh):
    dan = Customer(fresh, "dan")
    dan.start_session()
    chat = dan.create_engagement()
    assert len(dan.poll()) == 2
    # An empty answer after the hold time.
    assert dan.poll(wait=0) == []
    # Held, then woken by an agent message from another thread.
    got = {}
    poller = threading.Thread(target=lambda: got.setdefault("events", dan.poll(wait=20)))
    poller.start()
    fresh.post(f"/__sim/engagements/{chat.id}/agent/join", json={})
    poller.join(30)
    assert not poller.is_alive() and types(got["events"]) == ["PARTICIPANT_ADDED"]
    # The SDK polls without lastEventId after an empty answer: the server's cursor continues.
    fresh.client.agent_say(chat.id, "one")
    assert types(dan.poll(last_event_id=None)) == ["PARTICIPANT_ADDED", "MESSAGE"]  # cursor is at 2: the last id sent
    assert dan.poll(last_event_id=dan.last_event_id) == []
    assert dan.poll(last_event_id=None) == []  # acknowledged: nothing is replayed
    # An unknown lastEventId is treated as absent.
    assert dan.poll(last_event_id="999999") == []
    assert dan.poll(last_event_id="not-an-id") == []


def test_sdk_inputs_are_validated_with_violations(fresh):
    eve = Customer(fresh, "eve")
    eve.start_session()
    chat = eve.create_engagement()
    r = eve.call("POST", f"/engagements/{chat.id}/messages", {"sessionId": eve.session_id, "body": {"elementType": "IMAGE", "elementText": {"text": ""}}})
    assert r.status_code == 400 and r.headers["Content-Type"] == "application/problem+json"
    assert {v["field"] for v in r.json()["violations"]} == {"body.elementType", "body.elementText.text"}
    too_long = eve.send(chat, "x" * 4097)
    assert too_long.status_code == 400 and too_long.json()["violations"][0]["code"] == 20003
    assert eve.send(chat, "é" * 4096).status_code == 201
    wrong_dialog = eve.call("POST", f"/engagements/{chat.id}/messages", {"sessionId": eve.session_id, "dialogId": "nope", "body": {"elementType": "TEXT", "elementText": {"text": "x"}}})
    # The engagement exists: a dialogId that is not its dialog is a field violation, not a 404
    # (schemathesis' ensure_resource_availability found the 404 right after the engagement's creation).
    assert wrong_dialog.status_code == 400, wrong_dialog.text
    assert wrong_dialog.json()["violations"] == [{"field": "dialogId", "message": "is not the dialog of this engagement", "code": 20001}]
    for action in (":join", ":disconnect"):
        r = eve.call("POST", f"/engagements/{chat.id}{action}", {"sessionId": eve.session_id, "dialogId": "nope"})
        assert r.status_code == 400 and r.json()["violations"][0]["field"] == "dialogId", r.text
    history = eve.call("GET", f"/engagements/{chat.id}/messages?sessionId={eve.session_id}&dialogId=nope")
    assert history.status_code == 400 and history.json()["violations"][0]["field"] == "dialogId", history.text
    parent = eve.send(chat, "reply", parent=str(uuid.uuid4()))
    assert parent.status_code == 400 and parent.json()["violations"][0]["field"] == "parentMessageId"
    assert eve.call("POST", "/engagements", {"engagementParameters": {}}).json()["violations"][0]["field"] == "sessionId"
    raw = requests.post(fresh.url(eve.base + "/engagements"), data="{not json", headers={**eve.headers(), "Content-Type": "application/json"}, timeout=10)
    assert raw.status_code == 400 and raw.json()["code"] == "malformed_json"
    form = requests.post(fresh.url(eve.base + "/engagements"), data="a=b", headers={**eve.headers(), "Content-Type": "text/plain"}, timeout=10)
    assert form.status_code == 415
    unknown = eve.call("GET", f"/engagements/{uuid.uuid4()}")
    assert unknown.status_code == 404
    assert eve.call("GET", f"/sessions/{uuid.uuid4()}").json()["detail"] == "Session not found"
    assert eve.call("POST", "/sessions", {"displayName": "x" * 71}).status_code == 400
    assert eve.call("GET", "/sessions/x/events", appkey="wrong").json()["code"] == "invalid_appkey"
