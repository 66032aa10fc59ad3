"""SPEC sections 3-5: the token lifecycle and idle timeouts on the virtual clock, every isolation
rule, and chats surviving kill -9."""
import json
import uuid

from harness import BANK, RETAIL, RETAIL_SALES, Server
from chat import Customer, receive, types


def test_fifteen_minute_token_lifecycle_on_the_virtual_clock(fresh):
    fresh.client.freeze_clock("DEMOAA", "2030-01-01T09:00:00Z")
    ann = Customer(fresh, "clock-ann")  # default ttl: 15 minutes
    ann.start_session()
    ws, _ = ann.socket()
    assert fresh.client.advance_clock("DEMOAA", 11 * 60)["fired"] == 0
    reminded = fresh.client.advance_clock("DEMOAA", 60)
    assert reminded["fired"] == 1 and reminded["now"] == "2030-01-01T09:12:00.000Z"
    reminder = json.loads(ws.recv(timeout=10))
    assert reminder["eventType"] == "TOKEN_EXPIRY_REMINDER" and reminder["secondsRemaining"] == 180
    assert reminder["eventDate"] == "2030-01-01T09:12:00.000Z" and reminder["expiresAt"] == "2030-01-01T09:15:00.000Z"
    assert ann.call("GET", f"/sessions/{ann.session_id}").status_code == 200
    assert fresh.client.advance_clock("DEMOAA", 3 * 60)["fired"] == 1
    expired = json.loads(ws.recv(timeout=10))
    assert expired["eventType"] == "TOKEN_EXPIRED" and expired["eventDate"] == "2030-01-01T09:15:00.000Z"
    refused = ann.call("GET", f"/sessions/{ann.session_id}")
    assert refused.status_code == 401 and refused.json()["code"] == "token_expired"
    assert ann.poll.__self__.call("GET", f"/sessions/{ann.session_id}/events").status_code == 401
    # The page fetches a new token (setJwtToken): the same session carries on, with a new reminder.
    fresh_token = Customer(fresh, "clock-ann").jwt
    assert ann.call("GET", f"/sessions/{ann.session_id}", jwt=fresh_token).status_code == 200
    ann.jwt = fresh_token
    assert fresh.client.advance_clock("DEMOAA", 12 * 60)["fired"] == 1
    assert json.loads(ws.recv(timeout=10))["eventType"] == "TOKEN_EXPIRY_REMINDER"
    # The long poll never carries axpsim's own types.
    assert [e for e in ann.poll() if e["eventType"].startswith("TOKEN")] == []
    assert fresh.session_put("/__sim/accounts/DEMOAA/clock", {"mode": "real"}).status_code == 200
    assert fresh.post("/__sim/accounts/DEMOAA/clock/advance", json={"seconds": 1}).status_code == 409


def test_idle_customer_is_disconnected_on_the_virtual_clock(fresh):
    fresh.client.freeze_clock("DEMOAA", "2030-01-01T09:00:00Z")
    ann = Customer(fresh, "idle-ann", tenant=RETAIL_SALES, ttl=60)  # sales: idleTimeoutSeconds 600
    ann.start_session()
    chat = ann.create_engagement()
    fresh.post(f"/__sim/engagements/{chat.id}/agent/join", json={})
    fresh.client.advance_clock("DEMOAA", 500)
    assert ann.send(chat, "still here").status_code == 201  # activity re-arms the timer
    assert fresh.client.advance_clock("DEMOAA", 500)["fired"] == 0
    assert fresh.client.advance_clock("DEMOAA", 100)["fired"] == 1
    ended = [e for e in ann.poll() if e["eventType"] == "PARTICIPANT_DISCONNECTED"]
    assert ended[-1]["participant"]["participantType"] == "CUSTOMER" and ended[-1]["reason"] == "USER_INACTIVE"
    detail = fresh.get(f"/__sim/engagements/{chat.id}").json()
    assert detail["status"] == "TERMINATED" and detail["endReason"] == "USER_INACTIVE"


def test_isolation_between_customers_accounts_and_integrations(fresh):
    ann = Customer(fresh, "iso-ann")
    ann.start_session()
    chat = ann.create_engagement()
    ben = Customer(fresh, "iso-ben")
    ben.start_session()
    # Another customer's JWT on Ann's session and chat: 403, and nothing leaks.
    for method, path, body in [
        ("GET", f"/sessions/{ann.session_id}", None),
        ("GET", f"/sessions/{ann.session_id}/events", None),
        ("DELETE", f"/sessions/{ann.session_id}", None),
        ("GET", f"/engagements/{chat.id}", None),
        ("POST", f"/engagements/{chat.id}/messages", {"sessionId": ben.session_id, "body": {"elementType": "TEXT", "elementText": {"text": "x"}}}),
        ("POST", f"/engagements/{chat.id}:join", {"sessionId": ben.session_id, "dialogId": chat.dialog_id}),
        ("POST", f"/engagements/{chat.id}:disconnect", {"sessionId": ben.session_id, "dialogId": chat.dialog_id}),
        ("GET", f"/engagements/{chat.id}/messages", None),
    ]:
        r = ben.call(method, path, body)
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert ann.session_id not in r.text or path.startswith(f"/sessions/{ann.session_id}")
    # Ben's session with Ann's chat id, using Ben's own token.
    assert ben.call("POST", "/engagements", {"sessionId": ann.session_id}).status_code == 403
    # Another account: its ids are unknown (404), its token is refused on this integration (403).
    bank = Customer(fresh, "iso-ann", tenant=BANK)
    bank.start_session()
    r = bank.call("GET", f"/sessions/{ann.session_id}")
    assert r.status_code == 404 and r.json()["detail"] == "Session not found"
    assert bank.call("GET", f"/engagements/{chat.id}").status_code == 404
    cross = Customer(fresh, "iso-ann", jwt=bank.jwt, integration=RETAIL.integration_id)
    assert cross.call("GET", f"/sessions/{ann.session_id}").status_code in (401, 403)
    # Another integration of the same account: the token names one integration.
    other = Customer(fresh, "iso-ann", jwt=ann.jwt, integration=RETAIL_SALES.integration_id)
    assert other.call("POST", "/sessions", {}).status_code == 403
    # Wrong credentials.
    assert ann.call("GET", f"/sessions/{ann.session_id}", jwt="jwt.a.b.c").status_code == 401
    assert ann.call("GET", f"/sessions/{ann.session_id}", appkey="bank-appkey-0001").json()["code"] == "invalid_appkey"
    unsigned = "jwt." + ann.jwt.split(".")[1] + "." + ann.jwt.split(".")[2] + "."
    assert ann.call("GET", f"/sessions/{ann.session_id}", jwt=unsigned).status_code == 401
    # The control plane's per-account views never mix accounts.
    assert [s["customerId"] for s in fresh.get("/__sim/accounts/DEMOBB/sessions").json()["sessions"]] == ["iso-ann"]
    assert all(e["accountId"] == "DEMOAA" for e in fresh.get("/__sim/accounts/DEMOAA/engagements").json()["engagements"])


def test_chats_and_event_logs_survive_kill_9(tmp_path):
    db = str(tmp_path / "state.sqlite")
    first = Server(db=db).start()
    first.client.freeze_clock("DEMOAA", "2030-06-01T12:00:00Z")
    ann = Customer(first, "durable-ann")
    ann.start_session()
    chat = ann.create_engagement()
    first.client.agent_join(chat.id, "Alice")
    assert ann.send(chat, "before the crash").status_code == 201
    seen = ann.poll()
    ws, _ = ann.socket()
    assert len(receive(ws, len(seen))) == len(seen)
    first.client.agent_say(chat.id, "unseen by the poller")
    assert first.kill9() == -9

    second = Server(db=db).start()
    try:
        ann.server = second
        clock = second.get("/__sim/accounts/DEMOAA/clock").json()
        assert clock == {"mode": "virtual", "now": "2030-06-01T12:00:00.000Z"}
        missed = ann.poll()
        assert types(missed) == ["MESSAGE"] and int(missed[0]["eventId"]) == int(seen[-1]["eventId"]) + 1
        assert ann.send(chat, "after the restart").json()["messageIndex"] == 3
        history = [m["body"]["elementText"]["text"] for m in ann.history(chat, order="ASC").json()["messages"]]
        assert history == ["before the crash", "unseen by the poller", "after the restart"]
        # The token reminder timer survived too.
        assert second.client.advance_clock("DEMOAA", 12 * 60)["fired"] == 1
    finally:
        assert second.stop() == 0
