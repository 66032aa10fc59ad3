"""A Python client of the Omni SDK's API (docs/omni-protocol.md), speaking what the vendor's Omni SDK
0.2.0 sends: a new session per init, the customer's durable conversation, the chat created by the
first send, lowercase rich message bodies, root-relative history links."""
import requests

from harness import RETAIL

OMNI_PATH = "/sdk/digital/chat/v1/messaging-integrations/{integration}"


def text(text):
    return {"elementType": "text", "elementText": {"text": text, "textFormat": "PLAINTEXT"}}


def postback(text, payload):
    return {"elementType": "postback", "elementText": {"text": "", "textFormat": "PLAINTEXT"},
            "richMediaPayload": {"selectedAction": {"type": "postback", "text": text, "payload": payload}}}


def location(lat, long, name=None):
    payload = {"coordinates": {"lat": lat, "long": long}}
    if name:
        payload["location"] = {"name": name}
    return {"elementType": "location", "elementText": {"text": "", "textFormat": "PLAINTEXT"}, "richMediaPayload": payload}


def file_body(attachment_id, caption="", kind="file"):
    """A file (or image) message naming one uploaded attachment, as the SDK sends it."""
    return {"elementType": kind, "elementText": {"text": caption, "textFormat": "PLAINTEXT"},
            "richMediaPayload": {"attachmentIds": [attachment_id]}}


class OmniCustomer:
    """One Omni SDK instance (one init) of one customer."""

    def __init__(self, server, customer_id, tenant=RETAIL, integration=None, jwt=None):
        self.server = server
        self.tenant = tenant
        self.integration = integration or tenant.integration_id
        self.customer_id = customer_id
        if jwt is None:
            jwt = server.client.mint_chat_jwt(tenant, customer_id, integration_id=self.integration)["jwtToken"]
        self.jwt = jwt
        self.session = None
        self.engagement = None
        self.last_event_id = None

    @property
    def base(self):
        return OMNI_PATH.format(integration=self.integration)

    @property
    def session_id(self):
        return self.session["sessionId"]

    @property
    def conversation_id(self):
        return self.session["conversations"][0]["conversationId"]

    def headers(self, jwt=None):
        return {"Authorization": f"Bearer {jwt or self.jwt}", "appkey": self.tenant.app_key}

    def call(self, method, path, body=None, jwt=None, **kw):
        url = path if path.startswith("/sdk/") else self.base + path
        return requests.request(method, self.server.url(url), json=body, headers=self.headers(jwt), timeout=30,
                                verify=self.server.verify if self.server.verify is not None else True, **kw)

    def init(self, display_name="Omni Customer"):
        r = self.call("POST", "/sessions", {"displayName": display_name, "sessionParameters": {}, "clientType": "web"})
        assert r.status_code == 201, r.text
        self.session = r.json()
        return self.session

    def start_chat(self):
        r = self.call("POST", "/engagements", {"sessionId": self.session_id, "engagementParameters": {}})
        assert r.status_code == 201, r.text
        self.engagement = r.json()
        return self.engagement

    def join(self, engagement):
        r = self.call("POST", f"/engagements/{engagement['engagementId']}:join",
                      {"dialogId": engagement["dialogs"][0]["dialogId"], "sessionId": self.session_id})
        assert r.status_code == 200, r.text
        self.engagement = engagement
        return r.json()

    def send(self, body, parent=None):
        payload = {"dialogId": self.engagement["dialogs"][0]["dialogId"], "sessionId": self.session_id, "body": body}
        if parent:
            payload["parentMessageId"] = parent
        return self.call("POST", f"/engagements/{self.engagement['engagementId']}/messages", payload)

    def poll(self):
        query = f"?lastEventId={self.last_event_id}&waitSeconds=0" if self.last_event_id else "?waitSeconds=0"
        r = self.call("GET", f"/sessions/{self.session_id}/events{query}")
        assert r.status_code == 200, r.text
        events = r.json()
        if events:
            self.last_event_id = events[-1]["eventId"]
        return events

    def history(self, page_size=50, page_number=1, order="desc"):
        return self.call("GET", f"/conversations/{self.conversation_id}/messages?sessionId={self.session_id}"
                                f"&pageSize={page_size}&pageNumber={page_number}&orderby={order}")

    def shutdown(self, reason="USER_CLOSED"):
        return self.call("DELETE", f"/sessions/{self.session_id}?reason={reason}")

    def generate_upload_url(self, name, size, content_type="application/octet-stream", engagement=None):
        """`:generateUploadUrl` for a file of the current (or given) engagement."""
        engagement_id = (engagement or self.engagement)["engagementId"]
        body = {"attachmentName": name, "attachmentSize": size}
        if content_type is not None:
            body["attachmentType"] = content_type
        return self.call("POST", f"/engagements/{engagement_id}:generateUploadUrl", body)

    def upload(self, presigned_url, name, data, content_type, origin=None, part="mediaFile"):
        """POST the file to its presigned URL as the SDK does: multipart, one part, no credentials."""
        headers = {"Origin": origin} if origin else {}
        return requests.post(presigned_url, files={part: (name, data, content_type)}, headers=headers, timeout=60,
                             verify=self.server.verify if self.server.verify is not None else True)

    def send_file(self, name, data, content_type, kind="file", caption=""):
        """generate → upload → send; returns the send's answer."""
        r = self.generate_upload_url(name, len(data), content_type)
        assert r.status_code == 200, r.text
        up = self.upload(r.json()["presignedUrl"], name, data, content_type)
        assert up.status_code == 202, up.text
        return self.send(file_body(up.json()["mediaId"], caption, kind))
