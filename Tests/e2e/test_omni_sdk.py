"""The Omni SDK's API over HTTP (SPEC §3.2, docs/omni-protocol.md): sessions with conversations, the
open-chat limit and the join it leads to, rich messages both ways, conversation history with
root-relative links, isolation, and the shapes the SDK reads."""
import re

import pytest
import urllib3  # noqa: F401 (the warning class named in a filter)

from harness import BANK, RETAIL
from chat import Customer
from omni import OmniCustomer, location, postback, text

CLIENT_INTERNAL = {"CONVERSATION_SYNC", "PARTICIPANT_SYNC", "PARTICIPANT_LIST_UPDATE", "SESSION_ERROR", "IDLE_TIMEOUT",
                   "JWT_STATE_CHANGED"}


def test_a_session_carries_the_customers_conversation_and_participant_id(fresh):
    ann = OmniCustomer(fresh, "omni-ann")
    session = ann.init()
    assert re.fullmatch(r"[0-9a-f-]{36}", session["participantId"])
    assert len(session["conversations"]) == 1 and session["engagements"] == []
    again = OmniCustomer(fresh, "omni-ann")
    assert again.init()["conversations"] == session["conversations"], "one durable conversation per customer and integration"
    other = OmniCustomer(fresh, "omni-bob")
    assert other.init()["conversations"] != session["conversations"]
    read = ann.call("GET", f"/sessions/{ann.session_id}")
    assert read.status_code == 200 and read.json()["conversations"] == session["conversations"]


def test_a_second_chat_is_refused_and_the_other_device_joins_the_open_one(fresh):
    phone = OmniCustomer(fresh, "omni-cy")
    phone.init()
    chat = phone.start_chat()
    assert chat["conversationId"] == phone.conversation_id
    laptop = OmniCustomer(fresh, "omni-cy")
    session = laptop.init()
    assert [e["engagementId"] for e in session["engagements"]] == [chat["engagementId"]]
    assert session["engagements"][0]["conversationId"] == phone.conversation_id
    refused = laptop.call("POST", "/engagements", {"sessionId": laptop.session_id, "engagementParameters": {}})
    assert refused.status_code == 400
    assert refused.json()["violations"] == [{"field": "engagementId", "code": 20001,
                                             "message": "Maximum number of engagements allowed for an user has exceeded"}]
    laptop.join(session["engagements"][0])
    events = laptop.poll()
    assert [e["eventType"] for e in events] == ["PARTICIPANT_ADDED"]
    assert events[0]["participant"]["participantType"] == "CUSTOMER" and events[0]["conversationId"] == phone.conversation_id
    # Once the chat ended, the next send may start a new chat in the same conversation.
    assert fresh.post(f"/__sim/engagements/{chat['engagementId']}/end", json={}).status_code == 200
    second = laptop.start_chat()
    assert second["conversationId"] == phone.conversation_id and second["engagementId"] != chat["engagementId"]


def test_the_chat_sdk_path_keeps_several_chats_unless_the_integration_limits_them(fresh):
    web = Customer(fresh, "chat-dee")
    web.start_session()
    web.create_engagement()
    web.create_engagement()
    r = fresh.patch(f"/__sim/accounts/{RETAIL.account_id}/integrations/{RETAIL.integration_id}", {"maxOpenEngagements": 2})
    assert r.status_code == 200 and r.json()["maxOpenEngagements"] == 2
    refused = web.call("POST", "/engagements", {"sessionId": web.session_id, "engagementParameters": {}})
    assert refused.status_code == 400 and refused.json()["violations"][0]["field"] == "engagementId"
    bad = fresh.patch(f"/__sim/accounts/{RETAIL.account_id}/integrations/{RETAIL.integration_id}", {"maxOpenEngagements": 0})
    assert bad.status_code == 400 and bad.json()["violations"][0]["field"] == "maxOpenEngagements"


def test_events_name_the_conversation_and_never_carry_client_internal_types(fresh):
    ann = OmniCustomer(fresh, "omni-eve")
    ann.init()
    chat = ann.start_chat()
    fresh.client.agent_join(chat["engagementId"], "Alice")
    fresh.client.agent_say(chat['engagementId'], "Hello")
    events = ann.poll()
    assert [e["eventType"] for e in events] == ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED", "PARTICIPANT_ADDED", "MESSAGE"]
    assert all(e["conversationId"] == ann.conversation_id for e in events)
    assert not CLIENT_INTERNAL & {e["eventType"] for e in events}
    message = events[-1]["message"]
    assert message["body"]["elementType"] == "text" and message["messageIndex"] == 1
    assert events[-1]["participant"]["participantType"] == "AGENT"


def test_rich_messages_from_the_customer_are_stored_echoed_and_validated(fresh):
    ann = OmniCustomer(fresh, "omni-fay")
    ann.init()
    chat = ann.start_chat()
    sent = []
    for body in (text("Hi"), postback("Yes", "confirm-yes"), location(52.37, 4.89, "Amsterdam")):
        r = ann.send(body)
        assert r.status_code == 200, r.text
        flat = r.json()
        assert flat["conversationId"] == ann.conversation_id and flat["engagementId"] == chat["engagementId"]
        assert flat["participantType"] == "CUSTOMER" and flat["body"]["elementType"] == body["elementType"]
        sent.append(flat)
    assert [m["messageIndex"] for m in sent] == [1, 2, 3]
    echoed = [e for e in ann.poll() if e["eventType"] == "MESSAGE"]
    assert [e["message"]["body"]["elementType"] for e in echoed] == ["text", "postback", "location"]
    assert echoed[1]["message"]["body"]["richMediaPayload"]["selectedAction"]["payload"] == "confirm-yes"
    for bad, field in ((text(""), "body.elementText.text"), (location(91, 0), "body.richMediaPayload.coordinates.lat"),
                       (postback("x" * 51, "p"), "body.richMediaPayload.selectedAction.text"),
                       ({"elementType": "carousel", "elementText": {"text": ""}}, "body.elementType")):
        r = ann.send(bad)
        assert r.status_code == 400, (bad, r.text)
        assert field in [v["field"] for v in r.json()["violations"]], r.text


def test_history_pages_across_chats_with_root_relative_links(fresh):
    ann = OmniCustomer(fresh, "omni-gus")
    ann.init()
    first = ann.start_chat()
    for i in range(3):
        assert ann.send(text(f"first {i}")).status_code == 200
    fresh.client.end_chat(first['engagementId'])
    ann.start_chat()
    for i in range(3):
        assert ann.send(text(f"second {i}")).status_code == 200
    seen, pages = [], 0
    r = ann.history(page_size=4)
    while True:
        assert r.status_code == 200, r.text
        page = r.json()
        pages += 1
        seen += [m["body"]["elementText"]["text"] for m in page["messages"]]
        nxt = page["links"]["next"]
        if nxt == "":
            break
        assert nxt.startswith("/sdk/digital/chat/v1/messaging-integrations/"), nxt
        assert "orderby=desc" in nxt and "sessionId=" in nxt
        r = ann.call("GET", nxt)
    assert pages == 2
    assert seen == ["second 2", "second 1", "second 0", "first 2", "first 1", "first 0"], "newest first, across chats"
    indexes = [m["messageIndex"] for m in ann.history(page_size=50, order="asc").json()["messages"]]
    assert indexes == [1, 2, 3, 4, 5, 6], "numbered across the conversation"


def test_isolation_of_conversations_sessions_and_accounts(fresh):
    ann = OmniCustomer(fresh, "omni-hal")
    ann.init()
    bob = OmniCustomer(fresh, "omni-ida")
    bob.init()
    r = bob.call("GET", f"/conversations/{ann.conversation_id}/messages?pageSize=10&pageNumber=1&orderby=desc")
    assert r.status_code == 404
    r = bob.call("GET", f"/sessions/{ann.session_id}")
    assert r.status_code == 403
    banker = OmniCustomer(fresh, "omni-ann", tenant=BANK)
    banker.init()
    r = banker.call("GET", f"/conversations/{ann.conversation_id}/messages")
    assert r.status_code == 404
    r = ann.call("GET", f"/conversations/{ann.conversation_id}/messages?orderby=sideways")
    assert r.status_code == 400 and r.json()["violations"][0]["field"] == "orderby"


def test_shutdown_reasons_and_the_sdks_session_not_found(fresh):
    ann = OmniCustomer(fresh, "omni-jo")
    ann.init()
    assert ann.shutdown("SOMETHING").status_code == 400
    assert ann.shutdown("UNKNOWN").status_code == 204
    r = ann.call("GET", f"/sessions/{ann.session_id}/events")
    assert r.status_code == 404 and r.json()["detail"] == "Session not found", "the SDK shuts down on exactly this"


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_public_host_is_checked_covered_by_the_certificate_and_used_in_written_urls(tmp_path):
    import socket
    import ssl
    import subprocess

    from harness import BIN, FIXTURES, Server
    from chat import Customer

    for bad in ("localhost", "127.0.0.1", "axp.test:8443", "AXP.test", "https://axp.test", "axp.123"):
        r = subprocess.run([BIN, "serve", "--db", ":memory:", "--fixtures", str(FIXTURES), "--public-host", bad],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode != 0 and "--public-host" in r.stderr, (bad, r.stderr)
    server = Server("--tls", "--tls-dir", str(tmp_path / "tls"), "--public-host", "axp.test", verify=False).start()
    try:
        host, port = server.http.split("//")[1].split(":")
        context = ssl.create_default_context(cafile=str(tmp_path / "tls" / "ca.pem"))
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname="axp.test") as tls:
                names = [value for kind, value in tls.getpeercert()["subjectAltName"] if kind == "DNS"]
        assert "axp.test" in names
        web = Customer(server, "pub-ann")
        web.start_session()
        chat = web.create_engagement()
        server.client.agent_join(chat.id, "A")
        for i in range(3):
            server.client.agent_say(chat.id, f"m{i}")
        page = web.call("GET", f"/engagements/{chat.id}/messages?pageSize=1&pageNumber=1").json()
        assert page["links"]["next"].startswith("https://axp.test/sdk/digital/chat/v1/integrations/"), page["links"]
    finally:
        server.stop()


def test_a_scenario_sends_rich_bodies_to_an_omni_customer(tmp_path):
    from harness import Server

    (tmp_path / "rich.yaml").write_text("""
name: rich
steps:
  - agent.join: Alice
  - agent.say:
      body:
        elementType: postback
        elementText: {text: "Shall I go on?"}
        richMediaPayload: {actions: [{type: postback, text: "Yes", payload: "yes"}, {type: postback, text: "No", payload: "no"}]}
  - expect.customer: {matches: ".*", within: 1m}
  - agent.say: {body: {elementType: carousel, richMediaPayload: {items: [{title: Red, actions: [{type: link, text: Open, uri: "https://example.com/red"}]}]}}}
""")
    server = Server("--scenarios", str(tmp_path)).start()
    try:
        ann = OmniCustomer(server, "omni-rich")
        ann.init()
        chat = ann.start_chat()
        r = server.post("/__sim/scenarios/rich/run", json={"engagementId": chat["engagementId"]})
        assert r.status_code == 201, r.text
        run = r.json()["runId"]
        messages = [e for e in ann.poll() if e["eventType"] == "MESSAGE"]
        assert [m["message"]["body"]["elementType"] for m in messages] == ["postback"]
        assert [a["payload"] for a in messages[0]["message"]["body"]["richMediaPayload"]["actions"]] == ["yes", "no"]
        assert ann.send(postback("Yes", "yes")).status_code == 200
        messages = [e for e in ann.poll() if e["eventType"] == "MESSAGE"]
        assert [m["message"]["body"]["elementType"] for m in messages] == ["postback", "carousel"]
        assert messages[1]["message"]["body"]["richMediaPayload"]["items"][0]["actions"][0]["uri"] == "https://example.com/red"
        assert server.get(f"/__sim/scenario-runs/{run}").json()["status"] == "passed"
    finally:
        server.stop()


def test_an_account_reset_forgets_its_conversations(fresh):
    ann = OmniCustomer(fresh, "omni-reset")
    ann.init()
    before = ann.conversation_id
    assert fresh.post(f"/__sim/accounts/{RETAIL.account_id}/reset").status_code == 200
    again = OmniCustomer(fresh, "omni-reset")
    again.init()
    assert again.conversation_id != before, "the conversation went with the account's other runtime data"
    r = again.call("GET", f"/conversations/{before}/messages")
    assert r.status_code == 404


def _held_poll(customer, server, wait=30):
    """Starts a long poll of `customer`'s session in a thread; returns (thread, answers) once it is held."""
    import threading
    import time

    answers = []
    thread = threading.Thread(target=lambda: answers.append(customer.call(
        "GET", f"/sessions/{customer.session_id}/events?lastEventId={customer.last_event_id}&waitSeconds={wait}")))
    thread.start()
    deadline = time.monotonic() + 20
    while server.get("/__sim/health").json()["delivery"]["heldPolls"] < 1:
        assert time.monotonic() < deadline, "the poll was never held"
        time.sleep(0.02)
    return thread, answers


def test_the_sdks_own_shutdown_leaves_its_held_poll_to_run_out_and_a_platform_close_ends_it_with_404(fresh):
    """The Omni SDK keeps its long poll held while it sends DELETE …/sessions/{id}, and stops polling
    only once that is answered. A 404 'Session not found' reaching it before then (for the held poll,
    or for the poll after an early []) makes it log an error and start a second shutdown (UNKNOWN)
    inside the first. So its own shutdown leaves the held poll to end with [] when its hold does; a
    close by the platform still ends it at once with 404, which is how an SDK learns it lost its
    session."""
    ann = OmniCustomer(fresh, "omni-kim")
    ann.init()
    ann.start_chat()
    ann.poll()
    thread, answers = _held_poll(ann, fresh, wait=5)
    assert ann.shutdown("USER_CLOSED").status_code == 204
    assert not answers and fresh.get("/__sim/health").json()["delivery"]["heldPolls"] == 1, "still held"
    thread.join(timeout=30)
    assert answers[0].status_code == 200 and answers[0].json() == [], answers[0].text
    after = ann.call("GET", f"/sessions/{ann.session_id}/events?waitSeconds=0")
    assert after.status_code == 404 and after.json()["detail"] == "Session not found"

    bob = OmniCustomer(fresh, "omni-lou")
    bob.init()
    bob.start_chat()
    bob.poll()
    thread, answers = _held_poll(bob, fresh)
    assert fresh.post(f"/__sim/sessions/{bob.session_id}/close").status_code == 200
    thread.join(timeout=30)
    assert answers[0].status_code == 404 and answers[0].json()["detail"] == "Session not found", answers[0].text
