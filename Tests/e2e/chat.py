"""A Python client of the Chat SDK API and the event socket, speaking the protocol the vendor SDK
speaks (docs/sdk-protocol.md), for end-to-end tests."""
import json

import requests
from websockets.sync.client import connect

from harness import RETAIL

SDK_PATH = "/sdk/digital/chat/v1/integrations/{integration}"


def text_body(text):
    return {"elementType": "TEXT", "elementText": {"text": text, "textFormat": "PLAINTEXT"}}


class Customer:
    """One device (SDK instance) of one customer: its JWT, its session and its event cursor."""

    def __init__(self, server, customer_id, tenant=RETAIL, integration=None, jwt=None, name=None, **mint):
        """`integration`: an integration id other than the tenant's; `mint`: more Generate JWT Token
        fields (e.g. `ttl=60`, in minutes)."""
        self.server = server
        self.tenant = tenant
        self.integration = integration or tenant.integration_id
        self.customer_id = customer_id
        if jwt is None:
            jwt = server.client.mint_chat_jwt(tenant, customer_id, customer_name=name,
                                              integration_id=self.integration, **mint)["jwtToken"]
        self.jwt = jwt
        self.session_id = None
        self.last_event_id = None
        self.seen = []

    # -- HTTP ----------------------------------------------------------------------------------

    @property
    def base(self):
        return SDK_PATH.format(integration=self.integration)

    def headers(self, jwt=None, appkey=None):
        return {"Authorization": f"Bearer {jwt or self.jwt}", "appkey": appkey or self.tenant.app_key}

    def call(self, method, path, body=None, jwt=None, appkey=None, **kw):
        return requests.request(method, self.server.url(self.base + path), json=body, headers=self.headers(jwt, appkey),
                                timeout=30, verify=self.server.verify if self.server.verify is not None else True, **kw)

    def start_session(self, display_name=None):
        r = self.call("POST", "/sessions", {"displayName": display_name, "clientType": "web", "sessionParameters": {}})
        assert r.status_code == 201, r.text
        self.session_id = r.json()["sessionId"]
        return r.json()

    def create_engagement(self, **parameters):
        r = self.call("POST", "/engagements", {"sessionId": self.session_id, "engagementParameters": parameters})
        assert r.status_code == 201, r.text
        return Chat(r.json())

    def join(self, chat):
        return self.call("POST", f"/engagements/{chat.id}:join", {"dialogId": chat.dialog_id, "sessionId": self.session_id})

    def send(self, chat, text, parent=None):
        body = {"dialogId": chat.dialog_id, "sessionId": self.session_id, "body": text_body(text)}
        if parent:
            body["parentMessageId"] = parent
        return self.call("POST", f"/engagements/{chat.id}/messages", body)

    def disconnect(self, chat, reason=None):
        body = {"dialogId": chat.dialog_id, "sessionId": self.session_id}
        if reason:
            body["reason"] = reason
        return self.call("POST", f"/engagements/{chat.id}:disconnect", body)

    def history(self, chat, page_size=50, page_number=1, order="DSC"):
        return self.call("GET", f"/engagements/{chat.id}/messages", params={
            "sessionId": self.session_id, "dialogId": chat.dialog_id, "pageSize": page_size, "pageNumber": page_number,
            "orderBy": order})

    def poll(self, wait=0, last_event_id="keep"):
        """One long poll. `last_event_id="keep"` sends the last id seen (as the SDK does), None sends none."""
        params = {"waitSeconds": wait}
        lid = self.last_event_id if last_event_id == "keep" else last_event_id
        if lid is not None:
            params["lastEventId"] = lid
        r = self.call("GET", f"/sessions/{self.session_id}/events", params=params)
        assert r.status_code == 200, r.text
        events = r.json()
        if events:
            self.last_event_id = events[-1]["eventId"]
            self.seen.extend(events)
        return events

    def shutdown(self):
        return self.call("DELETE", f"/sessions/{self.session_id}")

    # -- socket --------------------------------------------------------------------------------

    def socket(self, last_event_id=None, jwt=None, session_id=None, **kw):
        """An authenticated event socket; returns (websocket, ready frame)."""
        url = f"{self.server.ws}{self.base}/sessions/{session_id or self.session_id}/events"
        ws = connect(url, subprotocols=["axpsim.events.v1"], open_timeout=10, **kw)
        frame = {"type": "auth", "jwt": jwt or self.jwt, "appkey": self.tenant.app_key}
        if last_event_id is not None:
            frame["lastEventId"] = last_event_id
        ws.send(json.dumps(frame))
        return ws, json.loads(ws.recv(timeout=10))


def receive(ws, count, timeout=10):
    """The next `count` events on a socket."""
    return [json.loads(ws.recv(timeout=timeout)) for _ in range(count)]


class Chat:
    def __init__(self, engagement):
        self.engagement = engagement
        self.id = engagement["engagementId"]
        self.dialog_id = engagement["dialogs"][0]["dialogId"]


def types(events):
    return [e["eventType"] for e in events]
