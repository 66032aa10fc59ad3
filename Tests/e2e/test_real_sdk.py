"""The vendor's unmodified web Chat SDK, in headless Chromium, against axpsim over TLS.

The SDK's licence keeps it out of this repository: point AXPSIM_SDK_JS at a local copy of
`avaya-ccaas-chat-sdk.js` (from the vendor's public chat-sdk-js repository) to run these tests. Without
it, or without Chromium, chromedriver or the selenium package, the whole module is skipped (as in CI).

The page is served from a loopback http origin (the SDK needs sessionStorage, which data: pages lack);
the SDK talks to axpsim's https URL cross-origin, so CORS and TLS are exercised as in a real site.
Chromium trusts axpsim's self-signed certificate through --ignore-certificate-errors. Every SDK app
event is recorded in `window.__events` and asserted on. docs/sdk-protocol.md describes the protocol.

Optional environment: AXPSIM_CHROME (browser binary), AXPSIM_CHROMEDRIVER (driver binary),
AXPSIM_SDK_HEADFUL=1 (show the browser), AXPSIM_SDK_OWN_CERT=1 (start axpsim with a throwaway
certificate through --tls-cert/--tls-key instead of --tls).
"""
import base64
import json
import os
import re
import socket
import time
import uuid
from pathlib import Path

import pytest

from browser import CHROME, CHROMEDRIVER, RecordingPage, page_origin, sdk_browsers  # noqa: E402

SDK_JS = os.environ.get("AXPSIM_SDK_JS", "")
if not SDK_JS:
    pytest.skip("AXPSIM_SDK_JS is not set (path to the vendor's avaya-ccaas-chat-sdk.js, which the "
                "repository must not contain)", allow_module_level=True)
if not os.path.isfile(SDK_JS):
    pytest.skip(f"AXPSIM_SDK_JS={SDK_JS} is not a file", allow_module_level=True)


if not CHROME:
    pytest.skip("no Chromium/Chrome binary (Debian package 'chromium', or set AXPSIM_CHROME)", allow_module_level=True)
if not CHROMEDRIVER:
    pytest.skip("no chromedriver (Debian package 'chromium-driver', or set AXPSIM_CHROMEDRIVER)", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver", reason="python package 'selenium' is not installed")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import urllib3  # noqa: E402

from harness import RETAIL, Server, UnverifiedClient  # noqa: E402

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SDK_EVENTS = [
    "INITIALIZED", "SHUTDOWN", "ENGAGEMENT_ACTIVE", "ENGAGEMENT_ERROR", "ENGAGEMENT_TERMINATED",
    "MESSAGE_DELIVERED", "MESSAGE_ARRIVED", "PARTICIPANT_ADDED", "PARTICIPANT_DISCONNECTED",
    "EVENT_STREAM_CONNECTING", "EVENT_STREAM_CONNECTED", "EVENT_STREAM_FAILED", "EVENT_STREAM_CLOSED",
    "TOKEN_EXPIRY_REMINDER", "TOKEN_EXPIRED", "IDLE_TIMEOUT_EXPIRED",
]
# All three timeouts must be given when a config is given; idle 300 s keeps the SDK's idle shutdown
# (90 s by default) out of the way of a slow run.
SDK_CONFIG = {"reconnectionTimeout": 120, "idleTimeout": 300, "idleShutdownGraceTimeout": 30, "logLevel": "DEBUG"}
EVENT_WAIT = 30  # seconds; generous for a debug build, every wait is bounded by it

# Our own harness: records every app event of the SDK and wraps calls for execute_async_script.
HARNESS_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>axpsim SDK harness</title>
<script>
// Record every fetch of the page (the SDK's requests) for assertions and diagnostics.
window.__http = [];
(() => {
  const realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    const entry = { method: (init && init.method) || (input && input.method) || "GET",
                    url: typeof input === "string" ? input : input.url, start: Date.now() };
    window.__http.push(entry);
    return realFetch(input, init).then((response) => {
      entry.status = response.status;
      entry.end = Date.now();
      response.clone().text().then((text) => { entry.body = text.slice(0, 2000); }, () => {});
      return response;
    }, (error) => {
      entry.error = String(error);
      entry.end = Date.now();
      throw error;
    });
  };
})();
</script>
<script src="/sdk.js"></script>
<script>
window.__events = [];
window.__errors = [];
window.addEventListener("error", (e) => window.__errors.push("error: " + e.message));
window.addEventListener("unhandledrejection", (e) => {
  const r = e.reason;
  window.__errors.push("unhandledrejection: " + (r && (r.stack || r.message) || String(r)));
});
window.__plain = (v) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
window.__record = (names) => {
  for (const name of names) {
    AvayaCCaaSChatSDK.on(name, (payload) => {
      window.__events.push({ type: name, at: Date.now(), payload: window.__plain(payload) });
    });
  }
};
window.__failure = (e) => ({ ok: false, code: (e && e.code) || null, message: String((e && e.message) || e),
                             text: String(e) });
window.__call = (fn, done) => {
  try {
    Promise.resolve(fn()).then((v) => done({ ok: true, value: window.__plain(v) }),
                               (e) => done(window.__failure(e)));
  } catch (e) {
    done(window.__failure(e));
  }
};
</script></head>
<body><p>axpsim Chat SDK harness</p></body></html>
"""


# -- the page's origin: a loopback http server for the harness page and the SDK file ---------------

@pytest.fixture(scope="module")
def page_url():
    with page_origin({
        "/": ("text/html; charset=utf-8", lambda: HARNESS_HTML.encode()),
        "/index.html": ("text/html; charset=utf-8", lambda: HARNESS_HTML.encode()),
        "/sdk.js": ("application/javascript; charset=utf-8", lambda: Path(SDK_JS).read_bytes()),
    }) as url:
        yield url


# -- the browser ------------------------------------------------------------------------------------

class SdkPage(RecordingPage):
    """One browser (own profile, so its own sessionStorage) with the harness page loaded."""

    def __init__(self, driver, url):
        self.driver = driver
        self.url = url

    def open(self):
        self.driver.get(self.url)
        WebDriverWait(self.driver, 15, poll_frequency=0.05).until(
            lambda d: d.execute_script("return typeof AvayaCCaaSChatSDK === 'object' && typeof __record === 'function'"))
        self.driver.execute_script("__record(arguments[0])", SDK_EVENTS)
        return self

    def reload(self):
        """Reload the tab: sessionStorage (the SDK's stored session id) survives, the SDK's memory does not."""
        return self.open()

    def fails(self, body, *args, timeout=EVENT_WAIT):
        result = self.call(body, *args, timeout=timeout)
        assert not result["ok"], f"SDK call unexpectedly succeeded: {result}"
        return result

    def wait_http(self, where, timeout=EVENT_WAIT, what="request"):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
                lambda _: next((r for r in self.http() if where(r)), False))
        except TimeoutException:
            raise AssertionError(f"no such {what} within {timeout}s\n{self.diagnostics()}") from None

    def session_id(self):
        return self.driver.execute_script("return window.sessionStorage.getItem('ccaasClientSessionId')")

    def summary(self):
        return [(e["type"], {k: v for k, v in (e["payload"] or {}).items() if k in ("engagementId", "reason", "messageId")})
                for e in self.events()]

    def assert_clean(self):
        failed = self.events("EVENT_STREAM_FAILED")
        assert not failed, f"event stream failed: {failed}\n{self.diagnostics()}"
        assert not self.events("ENGAGEMENT_ERROR"), self.diagnostics()
        assert not self.page_errors(), self.diagnostics()


@pytest.fixture()
def browsers(page_url):
    """A factory of fresh browsers (each its own profile and sessionStorage), all closed afterwards."""
    yield from sdk_browsers(lambda driver: SdkPage(driver, page_url).open())


# -- axpsim over TLS and its control plane -----------------------------------------------------------

def _self_signed_files(folder):
    """A throwaway certificate for 127.0.0.1 (only for AXPSIM_SDK_OWN_CERT=1; normally --tls makes its own)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                               x509.DNSName("localhost")]), critical=False)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    tls = ["--tls"]
    if os.environ.get("AXPSIM_SDK_OWN_CERT") == "1":
        cert, key = _self_signed_files(tmp_path_factory.mktemp("tls"))
        tls = ["--tls-cert", cert, "--tls-key", key]
    server = Server(*tls).start()
    assert server.http.startswith("https://"), f"--tls must serve https, got {server.http}"
    yield server
    assert server.stop() == 0


class Sim(UnverifiedClient):
    """Back end and control plane of the SDK's chats, through the kit."""

    def chat_token(self, customer_id, name="Ann Example"):
        """What a customer back end does: OAuth client credentials, then Generate JWT Token."""
        token = self.mint_chat_jwt(RETAIL, customer_id, customer_name=name, verifiedCustomer=True,
                                   customerIdentifiers={"emailAddresses": [f"{customer_id}@example.com"]})["jwtToken"]
        assert token.startswith("jwt.") and not re.search(r"[-_]", token.split(".")[2]), \
            "the SDK reads the payload with atob: it needs the jwt. prefix and no base64url-only characters"
        return token

    def agent_view(self, engagement_id):
        """The texts of the chat as the control plane (the agent side) lists them, oldest first."""
        return [_text_of(item) for item in sorted(self.messages(engagement_id), key=lambda m: m["messageIndex"])]


def _text_of(message):
    body = message.get("body") or {}
    return (body.get("elementText") or {}).get("text", message.get("text"))


@pytest.fixture()
def sim(tls_server):
    client = Sim(tls_server)
    client.request("POST", "/__sim/reset", expect=200)
    return client


def _init(page, sim, token, display_name="Ann Example"):
    return page.ok("return await AvayaCCaaSChatSDK.init(args[0], args[1]);",
                   {"hostURL": sim.base, "integrationId": RETAIL.integration_id, "token": token,
                    "appkey": RETAIL.app_key, "displayName": display_name,
                    "sessionParameters": {"locale": "en-GB", "device": "headless-chromium"}},
                   SDK_CONFIG)


def _create_active_engagement(page):
    created = page.ok("return await AvayaCCaaSChatSDK.createEngagement(args[0]);", {"topic": "refund"})
    engagement_id = created["engagementId"]
    assert UUID_RE.match(engagement_id), f"getEngagementById needs a UUID engagementId, got {engagement_id!r}"
    assert created["dialogId"], created
    assert created["engagementStatus"] == "PENDING", created
    page.wait_event("ENGAGEMENT_ACTIVE", lambda p: p.get("engagementId") == engagement_id)
    status = page.ok("return AvayaCCaaSChatSDK.getEngagementById(args[0]).engagementStatus;", engagement_id)
    assert status == "ACTIVE"
    return created


# parentMessageId must be a UUID or undefined (null is refused).
SEND = "return await AvayaCCaaSChatSDK.getEngagementById(args[0]).sendMessage(args[1], args[2] || undefined);"


# -- tests: the browser side alone (no axpsim needed) -----------------------------------------------

def _fake_token(exp, filler=""):
    def part(obj):
        return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")
    return "jwt." + part({"alg": "RS256", "typ": "JWT"}) + "." + part({"exp": exp, "f": filler}) + ".c2lnbmF0dXJl"


def _base64url_only_token(exp):
    """A token whose payload segment uses base64url's '-' or '_' (which atob rejects)."""
    for n in range(1000):
        raw = json.dumps({"exp": exp, "f": "?" * n + ">~"}, separators=(",", ":")).encode()
        segment = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        if "-" in segment or "_" in segment:
            return "jwt.eyJhbGciOiJSUzI1NiJ9." + segment + ".c2ln"
    raise AssertionError("could not build a base64url-only payload")


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sdk_loads_and_checks_init_parameters_in_the_browser(browsers):
    page = browsers()
    assert re.match(r"^\d+\.\d+\.\d+$", page.ok("return AvayaCCaaSChatSDK.version();"))
    live = _fake_token(int(time.time()) + 900)
    good = {"hostURL": "https://127.0.0.1:9", "integrationId": RETAIL.integration_id, "token": live,
            "appkey": RETAIL.app_key}
    init = "return await AvayaCCaaSChatSDK.init(args[0], args[1] || undefined);"

    # Parameter validation happens before any request, and is thrown (ACS-302), not rejected.
    for broken in ({"hostURL": "http://127.0.0.1:9"}, {"integrationId": "not-a-uuid"},
                   {"token": "abc.def.ghi"}, {"token": live[len("jwt."):]}, {"displayName": "x" * 71},
                   {"appkey": None}):
        params = {k: v for k, v in (good | broken).items() if v is not None}
        assert page.fails(init, params, None)["code"] == "ACS-302", broken
    # Expired token: a constraint violation; base64url-only payload: atob fails, "JWT token is invalid".
    expired = page.fails(init, good | {"token": _fake_token(int(time.time()) - 5)}, None)
    assert expired["code"] == "ACS-322" and "live" in expired["message"], expired
    assert page.fails(init, good | {"token": _base64url_only_token(int(time.time()) + 900)}, None)["code"] == "ACS-305"
    # A config must carry all three timeouts within range.
    assert page.fails(init, good, {"reconnectionTimeout": 120})["code"] == "ACS-303"
    assert page.fails(init, good, SDK_CONFIG | {"idleTimeout": 10})["code"] == "ACS-303"
    assert page.fails(init, good, SDK_CONFIG | {"logLevel": "SILENT"})["code"] == "ACS-303"

    # Valid parameters, nobody listening: the session request fails as "Server is unreachable".
    unreachable = page.fails(init, good | {"hostURL": f"https://127.0.0.1:{_closed_port()}"}, SDK_CONFIG)
    assert unreachable["code"] == "ACS-306", unreachable
    assert page.session_id() is None
    # Still not initialised: session calls refuse.
    assert page.fails("return await AvayaCCaaSChatSDK.createEngagement();")["code"] == "ACS-310"
    assert page.fails("return await AvayaCCaaSChatSDK.shutdown();")["code"] == "ACS-310"
    assert page.events() == [], page.summary()


# -- tests: the SDK against axpsim -------------------------------------------------------------------

def test_chat_from_init_to_shutdown(browsers, sim):
    page = browsers()
    customer = f"sdk-{uuid.uuid4().hex[:12]}"
    token = sim.chat_token(customer)

    context = _init(page, sim, token)
    assert context["engagements"] == [], context
    assert context["displayName"] == "Ann Example"
    initialized = page.wait_event("INITIALIZED")
    assert initialized["engagements"] == []
    session_id = page.session_id()
    assert session_id, "the SDK keeps the session id in sessionStorage"

    created = _create_active_engagement(page)
    eid, dialog_id = created["engagementId"], created["dialogId"]
    page.wait_event("EVENT_STREAM_CONNECTED")
    customer_added = page.wait_event("PARTICIPANT_ADDED", lambda p: p["participant"]["participantType"] == "CUSTOMER")
    assert customer_added["engagementId"] == eid and customer_added["dialogId"] == dialog_id

    # The agent joins and greets (control plane); the SDK reports both.
    agent = sim.agent_join(eid, "Alice")
    agent_added = page.wait_event("PARTICIPANT_ADDED", lambda p: p["participant"]["participantType"] == "AGENT")
    assert agent_added["engagementId"] == eid
    assert agent_added["participant"]["displayName"] == "Alice"
    if agent.get("participantId"):
        assert agent_added["participant"]["participantId"] == agent["participantId"]
    participants = page.ok("return AvayaCCaaSChatSDK.getEngagementById(args[0]).participants;", eid)
    assert {p["participantType"] for p in participants} >= {"CUSTOMER", "AGENT"}, participants

    greeting = "Hi, I'm Alice. How can I help?"
    sim.agent_say(eid, greeting)
    arrived = page.wait_event("MESSAGE_ARRIVED", lambda p: p["body"]["elementText"]["text"] == greeting)
    assert arrived["engagementId"] == eid and arrived["dialogId"] == dialog_id
    assert arrived["senderParticipant"]["participantType"] == "AGENT"
    assert arrived["senderParticipant"]["displayName"] == "Alice"
    assert arrived["body"]["elementType"] == "TEXT"
    assert UUID_RE.match(arrived["messageId"]), "replies need UUID messageIds (the SDK checks parentMessageId)"
    assert isinstance(arrived["messageIndex"], int)
    assert arrived["eventDate"] and arrived["receivedAt"]

    # The customer writes, then replies to the greeting; each comes back as MESSAGE_DELIVERED.
    question = "I want a refund"
    sent = page.ok(SEND, eid, question, None)
    assert sent["body"]["elementText"] == {"text": question, "textFormat": "PLAINTEXT"}
    assert sent["engagementId"] == eid and sent["dialogId"] == dialog_id
    assert sent["senderParticipant"]["participantType"] == "CUSTOMER", \
        "the send answer is read flat: senderParticipantId, participantType, displayName"
    delivered = page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == sent["messageId"])
    assert delivered["senderParticipant"]["participantType"] == "CUSTOMER"
    assert delivered["body"]["elementText"]["text"] == question
    assert delivered["messageIndex"] > arrived["messageIndex"]

    reply = "Order 1234, thanks"
    replied = page.ok(SEND, eid, reply, arrived["messageId"])
    assert replied["parentMessageId"] == arrived["messageId"]
    delivered_reply = page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == replied["messageId"])
    assert delivered_reply["parentMessageId"] == arrived["messageId"]

    # The agent side sees the whole conversation in order.
    assert sim.agent_view(eid)[-3:] == [greeting, question, reply]

    # Enough agent messages for a second page of history (the SDK always fetches pages of 50).
    bulk = [f"note {n:02d}" for n in range(55)]
    for text in bulk:
        sim.agent_say(eid, text)
    page.wait_event("MESSAGE_ARRIVED", lambda p: p["body"]["elementText"]["text"] == bulk[-1])
    arrived_texts = [e["payload"]["body"]["elementText"]["text"] for e in page.events("MESSAGE_ARRIVED")]
    arrived_ids = [e["payload"]["messageId"] for e in page.events("MESSAGE_ARRIVED")]
    assert len(arrived_ids) == len(set(arrived_ids)), "each event is dispatched exactly once"
    assert [t for t in arrived_texts if t in bulk or t == greeting] == [greeting, *bulk], "in order"

    walk = page.ok("""
        const engagement = AvayaCCaaSChatSDK.getEngagementById(args[0]);
        const pages = [];
        const it = await engagement.getMessages(args[1]);
        pages.push(it.items);
        for (let guard = 0; it.hasPrevious() && guard < 20; guard++) {
          await it.previous();
          pages.push(it.items);
        }
        const oldestReached = !it.hasPrevious();
        for (let guard = 0; it.hasNext() && guard < 20; guard++) await it.next();
        return { pages, oldestReached, newestAgain: it.items[0].messageId, pageSize: it.getPageSize() };
    """, eid, 20)
    assert walk["oldestReached"] and walk["pageSize"] == 20
    history = [m for items in walk["pages"] for m in items]
    assert all(len(items) <= 20 for items in walk["pages"])
    indexes = [m["messageIndex"] for m in history]
    assert indexes == sorted(indexes, reverse=True) and len(set(indexes)) == len(indexes), "newest first, no repeats"
    texts = [m["body"]["elementText"]["text"] for m in reversed(history)]
    expected = [greeting, question, reply, *bulk]
    assert [t for t in texts if t in expected] == expected, texts
    assert len(history) >= len(expected) > 50, "a second page must have been fetched through links.next"
    assert walk["newestAgain"] == history[0]["messageId"]
    by_text = {m["body"]["elementText"]["text"]: m for m in history}
    assert by_text[greeting]["senderParticipant"]["participantType"] == "AGENT"
    assert by_text[greeting]["senderParticipant"]["displayName"] == "Alice"
    assert by_text[question]["senderParticipant"]["participantType"] == "CUSTOMER"
    assert by_text[reply]["parentMessageId"] == arrived["messageId"]
    assert all(m["engagementId"] == eid and m["dialogId"] == dialog_id for m in history)
    assert len(history) == len(sim.agent_view(eid)), "the SDK's history and the agent view agree"

    # The customer leaves: the server confirms with the CUSTOMER's PARTICIPANT_DISCONNECTED.
    assert page.ok("return await AvayaCCaaSChatSDK.getEngagementById(args[0]).disconnect('USER_CLOSED');", eid) is None
    gone = page.wait_event("PARTICIPANT_DISCONNECTED", lambda p: p["participant"]["participantType"] == "CUSTOMER")
    assert gone["engagementId"] == eid
    page.wait_event("ENGAGEMENT_TERMINATED", lambda p: p["engagementId"] == eid)
    page.wait_event("EVENT_STREAM_CLOSED")  # no active engagement left: polling stops
    assert page.ok("return AvayaCCaaSChatSDK.getEngagementById(args[0]) === undefined;", eid)

    assert page.ok("return await AvayaCCaaSChatSDK.shutdown('USER_CLOSED');") is None
    assert page.wait_event("SHUTDOWN")["reason"] == "USER_CLOSED"
    assert page.session_id() is None

    order = [page.index_of("INITIALIZED"),
             page.index_of("ENGAGEMENT_ACTIVE"),
             page.index_of("PARTICIPANT_ADDED", lambda p: p["participant"]["participantType"] == "AGENT"),
             page.index_of("MESSAGE_ARRIVED", lambda p: p["messageId"] == arrived["messageId"]),
             page.index_of("MESSAGE_DELIVERED", lambda p: p["messageId"] == sent["messageId"]),
             page.index_of("ENGAGEMENT_TERMINATED"),
             page.index_of("SHUTDOWN")]
    assert order == sorted(order), page.summary()
    assert len(page.events("ENGAGEMENT_ACTIVE")) == 1, page.summary()
    assert len(page.events("MESSAGE_DELIVERED")) == 2, page.summary()
    page.assert_clean()
    # The session is closed on the server: a poll for it gets the answer that makes the SDK stop.
    after = sim.raw("GET", f"/sdk/digital/chat/v1/integrations/{RETAIL.integration_id}/sessions/{session_id}/events",
                    headers={"Authorization": f"Bearer {token}", "appkey": RETAIL.app_key})
    assert after.status_code == 404 and after.json().get("detail") == "Session not found", after.text


def test_an_empty_poll_answer_does_not_replay_events(browsers, sim):
    """After a poll answered `[]` the SDK forgets its lastEventId and polls without it: the server
    must continue from the last id the client acknowledged, not from the session's first event."""
    page = browsers()
    _init(page, sim, sim.chat_token(f"sdk-{uuid.uuid4().hex[:12]}"))
    eid = _create_active_engagement(page)["engagementId"]
    # Nothing happens now, so the pending poll ends empty after the server's hold (25 s by default;
    # the SDK gives up at 40 s).
    empty = page.wait_http(lambda r: "/events" in r["url"] and (r.get("body") or "").strip() == "[]",
                           timeout=45, what="empty poll answer")
    assert "lastEventId=" in empty["url"], "the SDK acknowledged the engagement's first events"
    follow_up = page.wait_http(lambda r: "/events" in r["url"] and r["start"] >= empty["end"], what="poll after []")
    assert "lastEventId" not in follow_up["url"], "the SDK drops lastEventId after an empty answer"

    sim.agent_join(eid, "Dana")
    said = "Sorry for the wait"
    sim.agent_say(eid, said)
    page.wait_event("MESSAGE_ARRIVED", lambda p: p["body"]["elementText"]["text"] == said)
    assert len(page.events("ENGAGEMENT_ACTIVE")) == 1, page.summary()
    assert len(page.events("PARTICIPANT_ADDED")) == 2, page.summary()  # the customer once, then Dana
    assert len(page.events("MESSAGE_ARRIVED")) == 1, page.summary()
    page.assert_clean()
    assert page.ok("return await AvayaCCaaSChatSDK.shutdown();") is None


def test_reload_resumes_the_session_and_an_agent_ends_the_chat(browsers, sim):
    page = browsers()
    token = sim.chat_token(f"sdk-{uuid.uuid4().hex[:12]}")
    _init(page, sim, token)
    eid = _create_active_engagement(page)["engagementId"]
    session_id = page.session_id()

    page.reload()  # sessionStorage keeps the session id and the active engagement
    context = _init(page, sim, token)
    assert page.session_id() == session_id, "init resumes with GET sessions/{id}, not a new session"
    resumed = {e["engagementId"]: e for e in context["engagements"]}
    assert eid in resumed, context
    assert resumed[eid]["engagementStatus"] == "ACTIVE"

    sent = page.ok(SEND, eid, "still there?", None)
    page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == sent["messageId"])
    sim.agent_join(eid, "Bob")
    page.wait_event("PARTICIPANT_ADDED", lambda p: p["participant"]["participantType"] == "AGENT")

    sim.end_chat(eid, "agent")
    page.wait_event("ENGAGEMENT_TERMINATED", lambda p: p["engagementId"] == eid)
    page.wait_event("EVENT_STREAM_CLOSED")  # its only engagement ended: polling stops
    assert page.ok("return AvayaCCaaSChatSDK.getEngagementById(args[0]) === undefined;", eid)

    assert page.ok("return await AvayaCCaaSChatSDK.shutdown();") is None
    page.wait_event("SHUTDOWN")
    page.assert_clean()


def test_second_device_joins_the_same_chat(browsers, sim):
    customer = f"sdk-{uuid.uuid4().hex[:12]}"
    phone, laptop = browsers(), browsers()
    _init(phone, sim, sim.chat_token(customer))
    eid = _create_active_engagement(phone)["engagementId"]

    context = _init(laptop, sim, sim.chat_token(customer))
    assert laptop.session_id() != phone.session_id(), "another device gets another session"
    listed = {e["engagementId"]: e for e in context["engagements"]}
    assert eid in listed, "the session lists the customer's live chats, from any device"
    assert listed[eid]["engagementStatus"] == "PENDING"
    joined = laptop.ok("return await AvayaCCaaSChatSDK.getEngagementById(args[0]).join();", eid)
    assert joined["engagementId"] == eid
    laptop.wait_event("ENGAGEMENT_ACTIVE", lambda p: p["engagementId"] == eid)

    # A message from the laptop is delivered on both devices; an agent's arrives on both.
    sent = laptop.ok(SEND, eid, "typing on my laptop now", None)
    for page in (laptop, phone):
        page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == sent["messageId"])
    sim.agent_join(eid, "Carol")
    said = "Hello on every device"
    sim.agent_say(eid, said)
    for page in (laptop, phone):
        page.wait_event("MESSAGE_ARRIVED", lambda p: p["body"]["elementText"]["text"] == said)

    # The laptop shuts its session down; the chat goes on for the phone.
    assert laptop.ok("return await AvayaCCaaSChatSDK.shutdown('USER_CLOSED');") is None
    laptop.wait_event("SHUTDOWN")
    later = "Are you still there?"
    sim.agent_say(eid, later)
    phone.wait_event("MESSAGE_ARRIVED", lambda p: p["body"]["elementText"]["text"] == later)
    assert not phone.events("ENGAGEMENT_TERMINATED"), phone.summary()

    # The SDK treats any CUSTOMER participant event as its own: the laptop's joining or leaving must not
    # reach the phone as PARTICIPANT_ADDED/DISCONNECTED (a second ENGAGEMENT_ACTIVE would also keep the
    # phone polling after the chat ends).
    assert len(phone.events("ENGAGEMENT_ACTIVE")) == 1, phone.summary()

    assert phone.ok("return await AvayaCCaaSChatSDK.getEngagementById(args[0]).disconnect();", eid) is None
    phone.wait_event("ENGAGEMENT_TERMINATED", lambda p: p["engagementId"] == eid)
    phone.wait_event("EVENT_STREAM_CLOSED")
    assert phone.ok("return await AvayaCCaaSChatSDK.shutdown();") is None
    phone.wait_event("SHUTDOWN")
    for page in (phone, laptop):
        page.assert_clean()
