"""The vendor's unmodified web Omni SDK 0.2.0, in headless Chromium, against axpsim over TLS.

The SDK's licence keeps it out of this repository: point AXPSIM_OMNI_SDK_DIR at a local folder that
holds the two bundles `axp-client-sdk-core.js` and `axp-client-sdk-messaging.js` anywhere below it
(the unpacked npm tarballs `core/package/lib/…` and `messaging/package/lib/…`, or both side by side).
Without it, or without Chromium, chromedriver or the selenium package, the whole module is skipped (as
in CI). docs/omni-protocol.md describes what the SDK sends and reads.

How it runs (OMNI-SDK.md §7): the bundles are ES modules; the harness page maps the bare specifiers
`@avaya/axp-client-sdk-core` and `@avaya/axp-client-sdk-messaging` to them with an import map. The SDK
accepts only a dotted https host without a port, so axpsim runs with `--tls --public-host axp.test`
and Chromium resolves axp.test with `--host-resolver-rules="MAP axp.test 127.0.0.1:PORT"` (the port
is kept) and `--ignore-certificate-errors`. The page comes from a loopback http origin and talks to
https://axp.test cross-origin (CORS exercised). Every app event the SDK offers a listener for is
recorded in `window.__events` and asserted on; server state is checked through the control plane.
No step waits for a timer of the SDK or the server: waits are bounded waits for browser events.

Optional environment: AXPSIM_CHROME (browser binary), AXPSIM_CHROMEDRIVER (driver binary),
AXPSIM_SDK_HEADFUL=1 (show the browser).
"""
import json
import os
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browser import CHROME, CHROMEDRIVER, RecordingPage, page_origin, sdk_browsers  # noqa: E402

SDK_DIR = os.environ.get("AXPSIM_OMNI_SDK_DIR", "")
if not SDK_DIR:
    pytest.skip("AXPSIM_OMNI_SDK_DIR is not set (a folder holding the vendor's axp-client-sdk-core.js and "
                "axp-client-sdk-messaging.js 0.2.0, which the repository must not contain)", allow_module_level=True)


def _bundle(name):
    found = sorted(Path(SDK_DIR).rglob(name)) if os.path.isdir(SDK_DIR) else []
    if not found:
        pytest.skip(f"AXPSIM_OMNI_SDK_DIR={SDK_DIR} holds no {name}", allow_module_level=True)
    return found[0]


CORE_JS = _bundle("axp-client-sdk-core.js")
MESSAGING_JS = _bundle("axp-client-sdk-messaging.js")


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

HOST = "axp.test"
OMNI = f"/sdk/digital/chat/v1/messaging-integrations/{RETAIL.integration_id}"
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EVENT_WAIT = 30  # seconds; generous for a debug build, every wait is bounded by it
# Our own harness: loads the two bundles through an import map, records every app event and every
# fetch of the page, and wraps calls for execute_async_script.
HARNESS_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>axpsim Omni SDK harness</title>
<script>
window.__http = [];
(() => {
  const realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    const isRequest = typeof input === "object" && input !== null && "url" in input;
    const entry = { method: (init && init.method) || (isRequest ? input.method : "GET"),
                    url: isRequest ? input.url : String(input), start: Date.now() };
    window.__http.push(entry);
    return realFetch(input, init).then((response) => {
      entry.status = response.status;
      entry.end = Date.now();
      response.clone().text().then((text) => { entry.body = text.slice(0, 4000); }, () => {});
      return response;
    }, (error) => {
      entry.error = String(error);
      entry.end = Date.now();
      throw error;
    });
  };
})();
window.__events = [];
window.__errors = [];
window.addEventListener("error", (e) => window.__errors.push("error: " + e.message));
window.addEventListener("unhandledrejection", (e) => {
  const r = e.reason;
  window.__errors.push("unhandledrejection: " + (r && (r.stack || r.message) || String(r)));
});
window.__plain = (v) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
window.__record = (type) => (payload) => {
  window.__events.push({ type, at: Date.now(), payload: window.__plain(payload) });
};
window.__failure = (e) => ({ ok: false, message: String((e && e.message) || e), text: String(e) });
window.__call = (fn, done) => {
  try {
    Promise.resolve(fn()).then((v) => done({ ok: true, value: window.__plain(v) }),
                               (e) => done(window.__failure(e)));
  } catch (e) {
    done(window.__failure(e));
  }
};
</script>
<script type="importmap">
{"imports": {"@avaya/axp-client-sdk-core": "/sdk/axp-client-sdk-core.js",
             "@avaya/axp-client-sdk-messaging": "/sdk/axp-client-sdk-messaging.js"}}
</script>
<script type="module">
import * as core from "@avaya/axp-client-sdk-core";
import * as messaging from "@avaya/axp-client-sdk-messaging";
const { AxpClientSdk } = core;
const { AxpMessaging, AxpMessagingConversation } = messaging;
window.__core = core;
window.__messaging = messaging;
let sdkListeners = false;

// init as an app does it: listeners on the SDK, init with a jwtProvider, then the conversation's
// and the event stream's listeners (they need an initialised SDK).
window.__init = async (params) => {
  if (!sdkListeners) {  // these two survive a shutdown; the SDK refuses them while initialised
    AxpClientSdk.addSdkInitializedListener(__record("INITIALIZED"));
    AxpClientSdk.addSdkShutdownListener(__record("SHUTDOWN"));
    sdkListeners = true;
  }
  const jwtProvider = { onExpireWarning: (ms) => __record("JWT_EXPIRE_WARNING")({ ms }),
                        onExpire: () => __record("JWT_EXPIRED")({}) };
  const user = await AxpClientSdk.init({ ...params, jwtProvider }, AxpMessagingConversation());
  const conversation = user.conversations[0];
  window.__conversation = conversation;
  conversation.addParticipantAddedListener(__record("PARTICIPANT_ADDED"));
  conversation.addParticipantDisconnectedListener(__record("PARTICIPANT_DISCONNECTED"));
  conversation.addMessageArrivedListener(__record("MESSAGE_ARRIVED"));
  conversation.addMessageDeliveredListener(__record("MESSAGE_DELIVERED"));
  AxpMessaging.addEventStreamConnectingListener(__record("EVENT_STREAM_CONNECTING"));
  AxpMessaging.addEventStreamConnectedListener(__record("EVENT_STREAM_CONNECTED"));
  AxpMessaging.addEventStreamFailedListener(__record("EVENT_STREAM_FAILED"));
  AxpMessaging.addEventStreamClosedListener(__record("EVENT_STREAM_CLOSED"));
  AxpClientSdk.addIdleTimeOutInvokedListener(__record("IDLE_TIMEOUT"));
  return { displayName: user.displayName, participantId: user.participantId,
           sessionParameters: user.sessionParameters,
           conversationIds: user.conversations.map((c) => c.conversationId) };
};

// One message of each kind the SDK's customers send, built with the SDK's own classes.
window.__message = (kind, args) => {
  switch (kind) {
    case "text": return new messaging.TextMessage(...args);
    case "postback": return new messaging.PostbackMessage(...args);
    case "reply": return new messaging.ReplyMessage(...args);
    case "location": return new messaging.LocationMessage(...args);
    case "file": {  // args: [name, MIME type, content, caption?, parentMessageId?]
      const [name, type, content, ...rest] = args;
      return new messaging.AttachmentMessage(new File([content], name, { type }), ...rest);
    }
  }
  throw new Error("unknown message kind " + kind);
};
window.__ready = true;
</script></head>
<body><p>axpsim Omni SDK harness</p></body></html>
"""


# -- the page's origin: a loopback http server for the harness page and the two bundles -------------

@pytest.fixture(scope="module")
def page_url():
    with page_origin({
        "/": ("text/html; charset=utf-8", lambda: HARNESS_HTML.encode()),
        "/index.html": ("text/html; charset=utf-8", lambda: HARNESS_HTML.encode()),
        "/sdk/axp-client-sdk-core.js": ("text/javascript; charset=utf-8", CORE_JS.read_bytes),
        "/sdk/axp-client-sdk-messaging.js": ("text/javascript; charset=utf-8", MESSAGING_JS.read_bytes),
    }) as url:
        yield url


# -- the browser ------------------------------------------------------------------------------------

class OmniPage(RecordingPage):
    """One browser (its own profile) with the harness page loaded: one device of a customer."""

    body_width = 300
    console_width = 600

    def __init__(self, driver, url, sim):
        self.driver = driver
        self.url = url
        self.sim = sim

    def open(self):
        self.driver.get(self.url)
        try:
            WebDriverWait(self.driver, 15, poll_frequency=0.05).until(lambda d: d.execute_script("return window.__ready === true"))
        except TimeoutException:
            raise AssertionError(f"the SDK bundles did not load\n{self.diagnostics()}") from None
        return self

    def init(self, token, display_name="Ann Example", session_parameters=None):
        params = {"host": HOST, "integrationId": RETAIL.integration_id, "appKey": RETAIL.app_key, "token": token,
                  "displayName": display_name, "logLevel": "DEBUG"}
        if session_parameters is not None:
            params["sessionParameters"] = session_parameters
        return self.ok("return await __init(args[0]);", params)

    def send(self, kind, *args, timeout=EVENT_WAIT):
        """conversation.sendMessage(new <kind>Message(...args)): the Message the SDK resolves with."""
        return self.ok("return await __conversation.sendMessage(__message(args[0], args[1]));", kind, list(args),
                       timeout=timeout)

    def shutdown(self, reason):
        return self.ok("return await __core.AxpClientSdk.shutdown(args[0] || undefined);", reason)

    def session_id(self):
        """The session the SDK created (its POST …/sessions answer)."""
        created = [r for r in self.http("/sessions") if r["method"] == "POST" and r.get("status") == 201]
        assert created, self.diagnostics()
        return json.loads(created[-1]["body"])["sessionId"]

    def summary(self):
        keep = ("reason", "messageId", "participantType")
        out = []
        for e in self.events():
            p = dict(e["payload"] or {})
            p.update((p.get("participant") or {}) if isinstance(p.get("participant"), dict) else {})
            out.append((e["type"], {k: v for k, v in p.items() if k in keep}))
        return out

    def assert_clean(self, expected_errors=()):
        """No stream failure, no page error, and no SDK error in the console but those whose message
        contains one of `expected_errors`."""
        assert not self.events("EVENT_STREAM_FAILED"), self.diagnostics()
        assert not self.page_errors(), self.diagnostics()
        errors = [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"
                  and "AxpClientSdk" in entry["message"]
                  and not any(json.dumps(e)[1:-1] in entry["message"] for e in expected_errors)]
        assert not errors, "\n".join(errors) + "\n" + self.diagnostics()


@pytest.fixture()
def browsers(page_url, sim):
    """A factory of fresh browsers (one per device), all closed afterwards; each maps axp.test to
    axpsim's port (the SDK takes only a dotted host without a port)."""
    yield from sdk_browsers(lambda driver: OmniPage(driver, page_url, sim).open(),
                            extra_arguments=(f"--host-resolver-rules=MAP {HOST} 127.0.0.1:{sim.port}",),
                            prefix="axpsim-omni-chrome-")


# -- axpsim over TLS, its control plane, and the customer's back end --------------------------------

@pytest.fixture(scope="module")
def tls_server():
    server = Server("--tls", "--public-host", HOST).start()
    assert server.http.startswith("https://"), f"--tls must serve https, got {server.http}"
    yield server
    assert server.stop() == 0


class Sim(UnverifiedClient):
    """Back end and control plane of the SDK's chats, through the kit."""

    def __init__(self, server):
        super().__init__(server)
        self.port = urlsplit(server.http).port

    def chat_token(self, customer_id, name="Ann Example"):
        """What a customer back end does: OAuth client credentials, then Generate JWT Token."""
        token = self.mint_chat_jwt(RETAIL, customer_id, customer_name=name, verifiedCustomer=True)["jwtToken"]
        assert token.startswith("jwt.") and not re.search(r"[-_]", token.split(".")[2]), \
            "the SDK reads exp with atob: the payload must be standard base64"
        return token

    def engagements(self, customer_id):
        return super().engagements(RETAIL.account_id, customer_id)["engagements"]

    def agent_send(self, engagement_id, body, **extra):
        return self.request("POST", f"/__sim/engagements/{engagement_id}/agent/message", expect=201,
                            json={"body": body, **extra})

    def session(self, customer_id, session_id):
        sessions = self.request("GET", f"/__sim/accounts/{RETAIL.account_id}/sessions", expect=200,
                                query={"customerId": customer_id})["sessions"]
        return next(s for s in sessions if s["sessionId"] == session_id)

    def journal(self, path_part, method=None):
        """The server's record of the requests (most recent 1000) whose path contains `path_part`."""
        entries = self.request("GET", "/__sim/requests", expect=200, query={"limit": 1000})["requests"]
        return [e for e in entries if path_part in e["path"] and (method is None or e["method"] == method)]

    def omni(self, method, path, token, **kw):
        return self.raw(method, OMNI + path, headers={"Authorization": f"Bearer {token}", "appkey": RETAIL.app_key},
                        **kw)


@pytest.fixture()
def sim(tls_server):
    client = Sim(tls_server)
    client.request("POST", "/__sim/reset", expect=200)
    return client


def _kind(message):
    return message["body"]["elementType"].lower()


def _text(message):
    return message["body"]["elementText"]["text"]


def _customer():
    return f"omni-{uuid.uuid4().hex[:12]}"


def _plain_text(text):
    return {"elementType": "text", "elementText": {"text": text, "textFormat": "PLAINTEXT"}}


# -- tests --------------------------------------------------------------------------------------------

def test_bundles_load_and_report_their_versions(browsers):
    page = browsers()
    versions = page.ok("return [__core.AxpClientSdk.version(), __messaging.AxpMessaging.version()];")
    assert versions == ["axp-client-sdk-core-0.2.0", "axp-client-sdk-messaging-0.2.0"], versions


def test_a_whole_chat_rich_messages_history_and_shutdown(browsers, sim):
    page = browsers()
    customer = _customer()
    user = page.init(sim.chat_token(customer), session_parameters={"locale": "en-GB", "device": "headless-chromium"})
    assert user["displayName"] == "Ann Example"
    assert user["sessionParameters"] == {"locale": "en-GB", "device": "headless-chromium"}
    assert UUID_RE.match(user["participantId"] or ""), user
    assert len(user["conversationIds"]) == 1, user
    conversation_id = user["conversationIds"][0]
    initialized = page.wait_event("INITIALIZED")
    assert initialized["participantId"] == user["participantId"]
    assert [c["conversationId"] for c in initialized["conversations"]] == [conversation_id]
    session_id = page.session_id()
    assert sim.engagements(customer) == [], "init alone starts no chat"
    assert not page.http("/events"), "no engagement held: no long poll yet"

    # The first send creates the chat, waits for the CUSTOMER's PARTICIPANT_ADDED on the poll, then posts.
    first = "Hello, my parcel has not arrived"
    hello = page.send("text", first)
    assert hello["body"] == _plain_text(first)
    assert hello["conversationId"] == conversation_id and UUID_RE.match(hello["messageId"])
    assert hello["senderParticipant"]["participantType"] == "CUSTOMER"
    assert hello["senderParticipant"]["displayName"] == "Ann Example"
    assert hello["messageIndex"] == 1
    created = [r for r in page.http(f"{OMNI}/engagements") if r["method"] == "POST"]
    assert [r["status"] for r in created] == [201, 200], "create, then the message"
    assert created[0]["url"] == f"https://{HOST}{OMNI}/engagements"
    first_poll = page.http(f"/sessions/{session_id}/events")[0]
    assert first_poll["start"] >= created[0]["end"] and first_poll["start"] <= created[1]["start"]
    chats = sim.engagements(customer)
    assert len(chats) == 1, chats
    eid = chats[0]["engagementId"]
    me = page.wait_event("PARTICIPANT_ADDED", lambda p: p["participant"]["participantType"] == "CUSTOMER")
    assert me["conversationId"] == conversation_id and me["channel"] == "messaging"
    echo = page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == hello["messageId"])
    assert echo["body"] == hello["body"] and echo["conversationId"] == conversation_id
    assert echo["senderParticipant"]["participantType"] == "CUSTOMER"
    assert page.index_of("PARTICIPANT_ADDED") < page.index_of("MESSAGE_DELIVERED")
    page.wait_event("EVENT_STREAM_CONNECTED")

    # The agent joins and writes: text, postback and reply choices, a carousel, a location request.
    sim.agent_join(eid, "Alice")
    alice = page.wait_event("PARTICIPANT_ADDED", lambda p: p["participant"]["participantType"] == "AGENT")
    assert alice["participant"]["displayName"] == "Alice" and alice["conversationId"] == conversation_id
    participants = page.ok("return __conversation.participants;")
    assert {p["participantType"] for p in participants} == {"CUSTOMER", "AGENT"}, participants

    sim.agent_say(eid, "Hi Ann, I'm Alice. Let me check.")
    greeting = page.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == "Hi Ann, I'm Alice. Let me check.")
    assert greeting["body"] == _plain_text("Hi Ann, I'm Alice. Let me check.")
    assert greeting["senderParticipant"]["participantType"] == "AGENT"
    assert greeting["senderParticipant"]["displayName"] == "Alice"
    assert greeting["messageIndex"] == 2 and greeting["conversationId"] == conversation_id

    offer = {"elementType": "postback", "elementText": {"text": "Shall I send a new one?", "textFormat": "PLAINTEXT"},
             "richMediaPayload": {"actions": [{"type": "postback", "text": "Yes please", "payload": "resend-yes"},
                                              {"type": "postback", "text": "Refund instead", "payload": "resend-no"}]}}
    sim.agent_send(eid, offer)
    offered = page.wait_event("MESSAGE_ARRIVED", lambda p: _kind(p) == "postback")
    assert offered["body"] == offer

    rating = {"elementType": "reply", "elementText": {"text": "How was the delivery so far?", "textFormat": "MARKDOWN"},
              "richMediaPayload": {"actions": [
                  {"type": "reply", "text": "Good", "payload": "rate-good", "iconUrl": "https://cdn.example.com/good.png"},
                  {"type": "reply", "text": "Bad", "payload": "rate-bad"}]}}
    sim.agent_send(eid, rating)
    rated = page.wait_event("MESSAGE_ARRIVED", lambda p: _kind(p) == "reply")
    assert rated["body"] == rating

    carousel = {"elementType": "carousel", "elementText": {"text": "Or pick a replacement:", "textFormat": "PLAINTEXT"},
                "richMediaPayload": {"items": [
                    {"title": "Blue mug", "description": "350 ml", "mediaUrl": "https://cdn.example.com/blue.jpg",
                     "actions": [{"type": "postback", "text": "Blue", "payload": "pick-blue"},
                                 {"type": "link", "text": "Details", "uri": "https://shop.example.com/blue"}]},
                    {"title": "Red mug", "actions": [{"type": "postback", "text": "Red", "payload": "pick-red"}]}]}}
    sim.agent_send(eid, carousel)
    shown = page.wait_event("MESSAGE_ARRIVED", lambda p: _kind(p) == "carousel")
    assert shown["body"] == carousel

    where = {"elementType": "text", "elementText": {"text": "Where should the courier go?", "textFormat": "PLAINTEXT"},
             "richMediaPayload": {"actions": [{"type": "locationRequest", "text": "Share location"}]}}
    sim.agent_send(eid, where)
    asked = page.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == "Where should the courier go?")
    assert asked["body"] == where, "locationRequest keeps its camel case"

    # The customer answers with a postback (the chosen action), a quick reply and a location.
    chose = page.send("postback", "resend-yes", "Yes please", offered["messageId"])
    assert chose["body"] == {"elementType": "postback", "elementText": {"text": "", "textFormat": "PLAINTEXT"},
                             "richMediaPayload": {"selectedAction": {"type": "postback", "text": "Yes please",
                                                                     "payload": "resend-yes"}}}
    assert chose["parentMessageId"] == offered["messageId"]
    page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == chose["messageId"])
    replied = page.send("reply", "rate-good", "Good", "https://cdn.example.com/good.png", rated["messageId"])
    assert replied["body"]["richMediaPayload"]["selectedAction"] == {
        "type": "reply", "text": "Good", "payload": "rate-good", "iconUrl": "https://cdn.example.com/good.png"}
    page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == replied["messageId"])
    here = page.send("location", 52.3791, 4.9003, "Stationsplein, Amsterdam", "Central Station", asked["messageId"])
    assert here["body"] == {"elementType": "location", "elementText": {"text": "", "textFormat": "PLAINTEXT"},
                            "richMediaPayload": {"coordinates": {"lat": 52.3791, "long": 4.9003},
                                                 "location": {"address": "Stationsplein, Amsterdam",
                                                              "name": "Central Station"}}}
    delivered_here = page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == here["messageId"])
    assert delivered_here["body"] == here["body"] and delivered_here["parentMessageId"] == asked["messageId"]

    # The agent side stores every message with its kind, sender and answers.
    stored = sim.messages(eid)
    assert [(m["participantType"], _kind(m)) for m in stored] == [
        ("CUSTOMER", "text"), ("AGENT", "text"), ("AGENT", "postback"), ("AGENT", "reply"), ("AGENT", "carousel"),
        ("AGENT", "text"), ("CUSTOMER", "postback"), ("CUSTOMER", "reply"), ("CUSTOMER", "location")]
    by_id = {m["messageId"]: m for m in stored}
    assert by_id[chose["messageId"]]["body"]["richMediaPayload"]["selectedAction"]["payload"] == "resend-yes"
    assert by_id[chose["messageId"]]["parentMessageId"] == offered["messageId"]
    assert by_id[here["messageId"]]["body"]["richMediaPayload"]["coordinates"] == {"lat": 52.3791, "long": 4.9003}
    assert by_id[asked["messageId"]]["body"]["richMediaPayload"]["actions"][0]["type"] == "locationRequest"

    # History over several server pages: the SDK always asks for pages of 50 and follows links.next,
    # which it appends to its host. 95 more agent messages make 104 in all: three server pages.
    bulk = [f"tracking update {n:03d}" for n in range(95)]
    for text in bulk:
        sim.agent_say(eid, text)
    page.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == bulk[-1])
    arrived = [e["payload"]["messageId"] for e in page.events("MESSAGE_ARRIVED")]
    assert len(arrived) == len(set(arrived)) == 5 + len(bulk), "each message arrives exactly once"

    walk = page.ok("""
        const it = await __conversation.getMessages(args[0]);
        const pages = [it.items];
        let back = 0;
        for (; it.hasPrevious() && back < 40; back++) pages.push(await it.previous());
        const oldestReached = !it.hasPrevious();
        let forward = 0;
        for (; it.hasNext() && forward < 40; forward++) await it.next();
        return { pages, back, oldestReached, forward, newestAgain: it.items[0].messageId, pageSize: it.getPageSize() };
    """, 8, timeout=60)
    assert walk["pageSize"] == 8 and walk["oldestReached"]
    assert walk["back"] == walk["forward"] == 12, walk["back"]
    history = [m for items in walk["pages"] for m in items]
    assert all(len(items) == 8 for items in walk["pages"]), [len(items) for items in walk["pages"]]
    assert [m["messageIndex"] for m in history] == list(range(104, 0, -1)), "newest first, each once"
    stored = sim.messages(eid)
    assert [m["messageId"] for m in reversed(history)] == [m["messageId"] for m in stored]
    assert walk["newestAgain"] == history[0]["messageId"]
    by_id = {m["messageId"]: m for m in history}
    assert by_id[hello["messageId"]]["senderParticipant"]["participantType"] == "CUSTOMER"
    assert by_id[greeting["messageId"]]["senderParticipant"]["displayName"] == "Alice"
    assert by_id[shown["messageId"]]["body"] == carousel
    assert by_id[here["messageId"]]["body"] == here["body"]
    assert by_id[chose["messageId"]]["parentMessageId"] == offered["messageId"]
    assert all(m["conversationId"] == conversation_id for m in history)
    fetched = page.http(f"/conversations/{conversation_id}/messages")
    assert [(r["status"], parse_qs(urlsplit(r["url"]).query)["pageNumber"]) for r in fetched] == [
        (200, ["1"]), (200, ["2"]), (200, ["3"])], [r["url"] for r in fetched]
    for r in fetched:  # page 1 is the SDK's own URL; pages 2 and 3 are links.next appended to its host
        parts = urlsplit(r["url"])
        assert (parts.scheme, parts.netloc, parts.path) == ("https", HOST, f"{OMNI}/conversations/{conversation_id}/messages")
        query = parse_qs(parts.query)
        assert {k: v for k, v in query.items() if k != "pageNumber"} == {
            "sessionId": [session_id], "pageSize": ["50"], "orderby": ["desc"]}, r["url"]

    # Shutdown: DELETE …?reason=USER_CLOSED, SHUTDOWN for the app; the chat itself stays open.
    assert page.shutdown("USER_CLOSED") is None
    shutdown = page.wait_event("SHUTDOWN")
    assert shutdown["reason"] == "USER_CLOSED" and shutdown["sessionId"] == session_id
    assert shutdown["conversationId"] == conversation_id
    page.wait_event("EVENT_STREAM_CLOSED")
    sent = [r for r in page.http(f"/sessions/{session_id}") if r["method"] == "DELETE"]
    assert [(r["url"], r["status"]) for r in sent] == [(f"https://{HOST}{OMNI}/sessions/{session_id}?reason=USER_CLOSED", 204)]
    assert [e["status"] for e in sim.journal(f"{OMNI}/sessions/{session_id}", method="DELETE")] == [204]
    assert sim.session(customer, session_id)["closeReason"] == "USER_CLOSED"
    assert sim.engagements(customer)[0]["endedAt"] is None, "Omni shutdown ends the session, not the chat"
    after = sim.omni("GET", f"/sessions/{session_id}/events", sim.chat_token(customer))
    assert after.status_code == 404 and after.json()["detail"] == "Session not found", after.text
    page.assert_clean()


def test_a_second_device_joins_the_open_chat_and_session_not_found_shuts_it_down(browsers, sim):
    customer = _customer()
    phone, laptop = browsers(), browsers()
    phone.init(sim.chat_token(customer))
    hello = phone.send("text", "Started on my phone")
    phone.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == hello["messageId"])
    eid = sim.engagements(customer)[0]["engagementId"]

    # The laptop's session answer lists the open chat: the SDK joins it at once (no send needed).
    user = laptop.init(sim.chat_token(customer), display_name="Ann on laptop")
    laptop_session = laptop.session_id()
    assert laptop_session != phone.session_id()
    session = json.loads([r for r in laptop.http("/sessions") if r["method"] == "POST"][0]["body"])
    assert [e["engagementId"] for e in session["engagements"]] == [eid]
    assert session["engagements"][0]["conversationId"] == user["conversationIds"][0]
    joined = laptop.wait_event("PARTICIPANT_ADDED", lambda p: p["participant"]["participantType"] == "CUSTOMER")
    assert joined["conversationId"] == user["conversationIds"][0]
    joins = laptop.http(f"/engagements/{eid}:join")
    assert [r["status"] for r in joins] == [200], joins
    assert not [r for r in laptop.http(f"{OMNI}/engagements") if r["url"].endswith("/engagements")], \
        "nothing is created when the session lists the open chat"
    # A chat found in the init answer is joined without a history replay (only a chat joined later,
    # through the 400 or the session poller, is replayed): the app reads the history itself.
    assert not [e for e in laptop.events() if e["type"].startswith("MESSAGE_")], laptop.summary()
    earlier = laptop.ok("return (await __conversation.getMessages(5)).items;")
    assert [m["messageId"] for m in earlier] == [hello["messageId"]]

    # Both devices get the agent's messages; a message sent from the laptop reaches the phone too.
    sim.agent_join(eid, "Bob")
    said = "Hello on every device"
    sim.agent_say(eid, said)
    for page in (phone, laptop):
        page.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == said)
    typed = laptop.send("text", "Now on my laptop")
    for page in (laptop, phone):
        page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == typed["messageId"])
    assert len(phone.events("PARTICIPANT_ADDED")) == 2, \
        f"the laptop's CUSTOMER join must not reach the phone (the SDK takes any CUSTOMER as itself): {phone.summary()}"

    # The phone shuts down; the chat goes on for the laptop.
    assert phone.shutdown("USER_CLOSED") is None
    assert phone.wait_event("SHUTDOWN")["reason"] == "USER_CLOSED"
    later = "Still with me on the laptop?"
    sim.agent_say(eid, later)
    laptop.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == later)

    # The platform forgets the laptop's session: its poll gets 404 "Session not found", and the SDK
    # shuts itself down with reason UNKNOWN.
    sim.request("POST", f"/__sim/sessions/{laptop_session}/close", expect=200)
    gone = laptop.wait_event("SHUTDOWN")
    assert gone["reason"] == "UNKNOWN" and gone["sessionId"] == laptop_session
    laptop.wait_event("EVENT_STREAM_CLOSED")
    polls = sim.journal(f"{OMNI}/sessions/{laptop_session}/events")
    assert polls and polls[-1]["status"] == 404, polls[-3:]
    # The journal shows the SDK's DELETE after the 404 (the session is already closed, so the server
    # answers it 404 too, which the SDK only logs); the page saw its reason.
    deleted = sim.journal(f"{OMNI}/sessions/{laptop_session}", method="DELETE")
    assert len(deleted) == 1 and deleted[0]["id"] > polls[-1]["id"], deleted
    sent = [r for r in laptop.http(f"/sessions/{laptop_session}") if r["method"] == "DELETE"]
    assert [r["url"] for r in sent] == [f"https://{HOST}{OMNI}/sessions/{laptop_session}?reason=UNKNOWN"], sent
    assert not laptop.events("EVENT_STREAM_FAILED"), "a Session-not-found on the normal poll is no stream failure"
    # The SDK logs any 404 of its poll as an error before it reads "Session not found". The phone, whose
    # poll was held while it shut down, logged nothing: its own DELETE left that poll to run out.
    laptop.assert_clean(expected_errors=['"context":"processNormalResponse()","message":"Unexpected response from server"'])
    phone.assert_clean()
    assert not [r for r in phone.http(f"/sessions/{phone.session_id()}/events") if r.get("status") == 404]


def test_a_device_that_started_first_joins_the_chat_through_the_open_chat_limit(browsers, sim):
    """A tablet initialised before the chat existed: its first send is refused (400 'Maximum number of
    engagements…'), the SDK reads its session, joins the open chat and replays its history."""
    customer = _customer()
    tablet, phone = browsers(), browsers()
    tablet.init(sim.chat_token(customer), display_name="Ann on tablet")
    phone.init(sim.chat_token(customer))
    hello = phone.send("text", "Hi from the phone")
    eid = sim.engagements(customer)[0]["engagementId"]
    sim.agent_join(eid, "Carol")
    sim.agent_say(eid, "Hi, Carol here")
    phone.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == "Hi, Carol here")

    sent = tablet.send("text", "And now from the tablet")
    create = [r for r in tablet.http(f"{OMNI}/engagements") if r["url"].endswith("/engagements")]
    assert [r["status"] for r in create] == [400], create
    assert json.loads(create[0]["body"])["violations"][0] == {
        "field": "engagementId", "code": 20001, "message": "Maximum number of engagements allowed for an user has exceeded"}
    assert [r["status"] for r in tablet.http(f"/sessions/{tablet.session_id()}") if r["method"] == "GET"
            and "/events" not in r["url"]] == [200]
    assert [r["status"] for r in tablet.http(f"/engagements/{eid}:join")] == [200]
    assert sent["body"] == _plain_text("And now from the tablet") and sent["messageIndex"] == 3

    # The history replay: what was said before the tablet joined, as app events, each once.
    replayed = tablet.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == hello["messageId"])
    assert replayed["body"] == hello["body"]
    tablet.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == "Hi, Carol here")
    tablet.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == sent["messageId"])
    phone.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == sent["messageId"])
    sim.agent_say(eid, "Welcome, tablet")
    tablet.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == "Welcome, tablet")
    seen = [e["payload"]["messageId"] for e in tablet.events() if e["type"].startswith("MESSAGE_")]
    others = [m for m in seen if m != sent["messageId"]]
    assert len(others) == len(set(others)) == 3, [(e["type"], _text(e["payload"])) for e in tablet.events()
                                                  if e["type"].startswith("MESSAGE_")]
    # The SDK fetches the history on its CUSTOMER PARTICIPANT_ADDED while its own send goes out: when
    # the server stores the message before it answers the history page, the replay holds the new
    # message too and the app sees it twice (an SDK race, docs/omni-protocol.md).
    assert 1 <= seen.count(sent["messageId"]) <= 2, seen
    assert len(sim.engagements(customer)) == 1
    # The SDK logs the refused create as an error before it recovers; nothing else may be logged so.
    tablet.assert_clean(expected_errors=['"context":"createEngagement()","message":"Failed to create engagement"'])
    phone.assert_clean()


def test_attachments_an_agent_image_and_a_customer_file(browsers, sim):
    """The customer's file through :generateUploadUrl and the presigned multipart upload (202
    mediaId); the agent's image uploaded through the control plane; both fetched back by their URLs."""
    customer = _customer()
    page = browsers()
    token = sim.chat_token(customer)
    page.init(token)
    hello = page.send("text", "I'll send you the receipt")
    page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == hello["messageId"])
    eid = sim.engagements(customer)[0]["engagementId"]
    probe = sim.omni("POST", f"/engagements/{eid}:generateUploadUrl", token,
                     json={"attachmentName": "probe.txt", "attachmentType": "text/plain", "attachmentSize": 1})
    assert probe.status_code == 200, probe.text

    # The customer's file: :generateUploadUrl, the multipart POST to the presigned URL (202 mediaId),
    # then the message with the media id; the answer and the echo carry attachments[].
    receipt = page.send("file", "receipt.pdf", "application/pdf", "%PDF-1.4 receipt", "My receipt")
    assert receipt["body"]["elementType"] == "file" and receipt["body"]["elementText"]["text"] == "My receipt"
    media_ids = receipt["body"]["richMediaPayload"]["attachmentIds"]
    assert len(media_ids) == 1
    upload = [r for r in page.http() if r["method"] == "POST" and r.get("status") == 202]
    assert len(upload) == 1 and json.loads(upload[0]["body"])["mediaId"] == media_ids[0]
    echoed = page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == receipt["messageId"])
    attachment = (echoed.get("attachments") or [None])[0]
    assert attachment and attachment["attachmentName"] == "receipt.pdf" and attachment["attachmentSize"] == 16
    assert attachment["contentType"] == "application/pdf" and attachment["attachmentUrl"].startswith(f"https://{HOST}/")
    assert page.ok("const r = await fetch(args[0]); return [r.status, await r.text()];",
                   attachment["attachmentUrl"]) == [200, "%PDF-1.4 receipt"]
    assert _kind(sim.messages(eid)[-1]) == "file"

    # The agent's image: uploaded through the control plane, then sent in an image body naming it.
    sim.agent_join(eid, "Dana")
    png = bytes.fromhex("89504e470d0a1a0a")
    photo = sim.raw("POST", f"/__sim/engagements/{eid}/attachments", files={"mediaFile": ("damage.png", png, "image/png")})
    assert photo.status_code == 201, photo.text
    photo = photo.json()
    sim.agent_send(eid, {"elementType": "image", "elementText": {"text": "Is this the damage?", "textFormat": "PLAINTEXT"},
                         "richMediaPayload": {"attachmentIds": [photo["attachmentId"]]}})
    image = page.wait_event("MESSAGE_ARRIVED", lambda p: _kind(p) == "image")
    assert image["body"]["elementText"]["text"] == "Is this the damage?"
    assert image["attachments"][0]["attachmentName"] == "damage.png"
    assert page.ok("const r = await fetch(args[0]); return [r.status, (await r.arrayBuffer()).byteLength];",
                   image["attachments"][0]["attachmentUrl"]) == [200, len(png)]
    page.assert_clean()


def test_an_agent_ends_the_chat_and_the_next_send_starts_another_in_the_same_conversation(browsers, sim):
    customer = _customer()
    page = browsers()
    user = page.init(sim.chat_token(customer))
    conversation_id = user["conversationIds"][0]
    first = page.send("text", "First question")
    eid = sim.engagements(customer)[0]["engagementId"]
    sim.agent_join(eid, "Erin")
    sim.agent_say(eid, "Answered, bye!")
    page.wait_event("MESSAGE_ARRIVED", lambda p: _text(p) == "Answered, bye!")

    sim.request("POST", f"/__sim/engagements/{eid}/end", expect=200, json={"reason": "agent"})
    left = page.wait_event("PARTICIPANT_DISCONNECTED", lambda p: p["participant"]["participantType"] == "CUSTOMER")
    assert left["conversationId"] == conversation_id
    page.wait_event("EVENT_STREAM_CLOSED")

    second = page.send("text", "One more thing")
    chats = sim.engagements(customer)
    assert len(chats) == 2 and {c["engagementId"] for c in chats if c["endedAt"] is None} != {eid}, chats
    page.wait_event("MESSAGE_DELIVERED", lambda p: p["messageId"] == second["messageId"])
    assert second["conversationId"] == conversation_id and second["messageIndex"] == first["messageIndex"] + 2
    assert len(page.events("EVENT_STREAM_CONNECTED")) == 2, page.summary()
    history = page.ok("const it = await __conversation.getMessages(10); return it.items;")
    assert [_text(m) for m in history] == ["One more thing", "Answered, bye!", "First question"], "across both chats"
    page.assert_clean()
