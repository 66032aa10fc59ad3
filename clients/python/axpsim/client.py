"""Clients of a running axpsim: the back-end API, the control plane (/__sim) and the Chat SDK API."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Union
from urllib.parse import quote

import requests

if TYPE_CHECKING:
    from .server import RunningAxpsim

JSON = Dict[str, Any]


@dataclass(frozen=True)
class Tenant:
    """An account as a token back end sees it: ids, credentials and the integration its chats use."""

    account_id: str
    client_id: str
    client_secret: str
    app_key: str
    integration_id: str

    def with_integration(self, integration_id: str) -> "Tenant":
        return replace(self, integration_id=integration_id)


#: The bundled fixture accounts (fixtures/accounts.yaml), with their first integration.
RETAIL = Tenant("DEMOAA", "retail-backend", "retail-backend-secret", "retail-appkey-0001",
                "6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01")
BANK = Tenant("DEMOBB", "bank-backend", "bank-backend-secret", "bank-appkey-0001",
              "9b7e4d10-3c5f-4e8a-8d21-7a3b5c6d7e01")


class AxpsimError(Exception):
    """An answer with an unexpected status; `status` and `body` (parsed JSON or text) tell which."""

    def __init__(self, method: str, path: str, status: int, body: Any):
        super().__init__(f"{method} {path} answered {status}: {body}")
        self.method, self.path, self.status, self.body = method, path, status, body


class AxpsimClient:
    """Client of one running axpsim (`http_url`, e.g. `http://127.0.0.1:8080`)."""

    def __init__(self, http_url: str, control_token: Optional[str] = None, timeout: float = 70,
                 verify: Union[bool, str, None] = None):
        self.http_url = http_url.rstrip("/")
        self.control_token = control_token
        self.timeout = timeout
        #: For an axpsim serving `--tls`: a CA file to trust, or False to skip verification. Given with
        #: every request (a session-level `verify` loses to `$REQUESTS_CA_BUNDLE`).
        self.verify = verify
        self.http = requests.Session()
        #: The process, when the client came from the pytest plugin's `axpsim` fixture.
        self.server: Optional["RunningAxpsim"] = None

    def request(self, method: str, path: str, json: Any = None, form: Optional[Mapping[str, str]] = None,
                headers: Optional[Mapping[str, str]] = None, query: Optional[Mapping[str, Any]] = None,
                expect: Optional[int] = None) -> Any:
        """One HTTP call; raises AxpsimError unless the status is `expect` (any 2xx when None).
        Returns the parsed JSON body (text if not JSON, None if empty)."""
        sent = dict(headers or {})
        if path.startswith("/__sim/") and self.control_token:
            sent["Authorization"] = f"Bearer {self.control_token}"
        params = {k: v for k, v in (query or {}).items() if v is not None}
        tls = {} if self.verify is None else {"verify": self.verify}
        r = self.http.request(method, self.http_url + path, json=json, data=form, headers=sent, params=params,
                              timeout=self.timeout, **tls)
        try:
            body = r.json() if r.content else None
        except ValueError:
            body = r.text
        ok = 200 <= r.status_code < 300 if expect is None else r.status_code == expect
        if not ok:
            raise AxpsimError(method, path, r.status_code, body)
        return body

    # -- back end ------------------------------------------------------------------------------

    def access_token(self, tenant: Tenant) -> str:
        """An OAuth access token (client credentials)."""
        answer = self.request("POST", f"/auth/realms/{tenant.account_id}/protocol/openid-connect/token",
                              headers={"appkey": tenant.app_key},
                              form={"grant_type": "client_credentials", "client_id": tenant.client_id,
                                    "client_secret": tenant.client_secret})
        return answer["access_token"]

    def mint_chat_jwt(self, tenant: Tenant, customer_id: str, customer_name: Optional[str] = None,
                      ttl_seconds: Optional[int] = None, integration_id: Optional[str] = None,
                      access_token: Optional[str] = None, **fields: Any) -> JSON:
        """A chat JWT for a customer (Generate JWT Token): `{"jwtToken", "expiresAt"}`. More body
        fields go as given, e.g. `ttl=60` (minutes), `verifiedCustomer=True`, `customerIdentifiers={…}`."""
        token = access_token or self.access_token(tenant)
        body: JSON = {"integrationId": integration_id or tenant.integration_id, "customerId": customer_id, **fields}
        if customer_name is not None:
            body["customerName"] = customer_name
        if ttl_seconds is not None:
            body["ttlSeconds"] = ttl_seconds
        return self.request("POST", f"/api/digital/chat/v1/accounts/{tenant.account_id}/tokens",
                            headers={"Authorization": f"Bearer {token}", "appkey": tenant.app_key}, json=body,
                            expect=201)

    # -- provisioning ----------------------------------------------------------------------------

    def provision_tenant(self, name: str = "test", integration: Optional[Mapping[str, Any]] = None) -> Tenant:
        """A new isolated account with one OAuth client, one app key and one integration (`support`
        unless `integration["name"]` says otherwise)."""
        account = self.request("POST", "/__sim/accounts", json={"name": name}, expect=201)["accountId"]
        client = self.request("POST", f"/__sim/accounts/{account}/clients", json={}, expect=201)
        key = self.request("POST", f"/__sim/accounts/{account}/appkeys", json={}, expect=201)["appKey"]
        created = self.request("POST", f"/__sim/accounts/{account}/integrations",
                               json={"name": "support", **(integration or {})}, expect=201)
        return Tenant(account, client["clientId"], client["clientSecret"], key, created["integrationId"])

    def update_integration(self, tenant: Tenant, **fields: Any) -> JSON:
        """PATCH the tenant's integration, e.g. `scenario="happy-path"`."""
        return self.request("PATCH", f"/__sim/accounts/{tenant.account_id}/integrations/{tenant.integration_id}",
                            json=fields)

    def delete_account(self, account_id: str) -> None:
        self.request("DELETE", f"/__sim/accounts/{account_id}")

    def reset(self) -> JSON:
        """Everything back to the loaded fixtures (provisioned accounts go)."""
        return self.request("POST", "/__sim/reset")

    def reset_account(self, account_id: str) -> JSON:
        """One account back to its fixture state (or emptied), leaving the others alone."""
        return self.request("POST", f"/__sim/accounts/{account_id}/reset")

    def health(self) -> JSON:
        return self.request("GET", "/__sim/health")

    # -- agents ----------------------------------------------------------------------------------

    def agent_join(self, engagement_id: str, display_name: str = "Agent",
                   participant_type: Optional[str] = None) -> JSON:
        """An agent (or BOT / SUPERVISOR) joins the chat; returns the participant."""
        body: JSON = {"displayName": display_name}
        if participant_type:
            body["participantType"] = participant_type
        return self.request("POST", f"/__sim/engagements/{engagement_id}/agent/join", json=body, expect=201)

    def agent_say(self, engagement_id: str, text: str, participant_id: Optional[str] = None) -> JSON:
        """The agent (the latest joined, or `participant_id`) sends text; returns the message."""
        return self.request("POST", f"/__sim/engagements/{engagement_id}/agent/message",
                            json=_drop_none({"text": text, "participantId": participant_id}), expect=201)

    def agent_typing(self, engagement_id: str, participant_id: Optional[str] = None) -> JSON:
        return self.request("POST", f"/__sim/engagements/{engagement_id}/agent/typing",
                            json=_drop_none({"participantId": participant_id}))

    def agent_leave(self, engagement_id: str, participant_id: Optional[str] = None) -> JSON:
        return self.request("POST", f"/__sim/engagements/{engagement_id}/agent/leave",
                            json=_drop_none({"participantId": participant_id}))

    def end_chat(self, engagement_id: str, reason: Optional[str] = None) -> JSON:
        """The contact center ends the chat."""
        return self.request("POST", f"/__sim/engagements/{engagement_id}/end", json=_drop_none({"reason": reason}))

    def engagement(self, engagement_id: str) -> JSON:
        return self.request("GET", f"/__sim/engagements/{engagement_id}")

    def engagements(self, account_id: str, customer_id: Optional[str] = None) -> JSON:
        """The account's chats (`{"engagements": [...]}`), or one customer's."""
        return self.request("GET", f"/__sim/accounts/{account_id}/engagements", query={"customerId": customer_id})

    def messages(self, engagement_id: str) -> List[JSON]:
        """The chat's messages as the agent side stores them, oldest first."""
        return self.request("GET", f"/__sim/engagements/{engagement_id}/messages")["messages"]

    # -- routing (SPEC section 10) ---------------------------------------------------------------

    def queues(self, account_id: str) -> List[JSON]:
        """The account's routing queues with their agents."""
        return self.request("GET", f"/__sim/accounts/{account_id}/queues")["queues"]

    def create_queue(self, account_id: str, queue: Mapping[str, Any]) -> JSON:
        """A new queue (`{"queueId"?, "agents"?: [...], "answerDelaySeconds"?, "greeting"?, "maxWaitSeconds"?}`)."""
        return self.request("POST", f"/__sim/accounts/{account_id}/queues", json=dict(queue), expect=201)

    def queue(self, account_id: str, queue_id: str) -> JSON:
        """The queue with its waiting chats (`waiting`: position, waited time) and its agents' load."""
        return self.request("GET", f"/__sim/accounts/{account_id}/queues/{quote(queue_id, safe='')}")

    def set_agent_state(self, account_id: str, queue_id: str, agent_id: str, state: str) -> JSON:
        """Makes a queue's agent `available` (it takes waiting chats at once) or `away`."""
        return self.request("POST", f"/__sim/accounts/{account_id}/queues/{quote(queue_id, safe='')}/agents/"
                                    f"{quote(agent_id, safe='')}/state", json={"state": state})

    def routing(self, engagement_id: str) -> Optional[JSON]:
        """Where routing sent a chat: `{"rule","queue","routingAttributes","scenario"}` (None before routing)."""
        return self.engagement(engagement_id)["routing"]

    # -- clock -----------------------------------------------------------------------------------

    def freeze_clock(self, account_id: str, now: Optional[str] = None) -> JSON:
        """The account's clock becomes virtual, frozen at `now` (ISO 8601) or the current instant."""
        return self.request("PUT", f"/__sim/accounts/{account_id}/clock",
                            json=_drop_none({"mode": "virtual", "now": now}))

    def real_clock(self, account_id: str) -> JSON:
        return self.request("PUT", f"/__sim/accounts/{account_id}/clock", json={"mode": "real"})

    def clock(self, account_id: str) -> JSON:
        return self.request("GET", f"/__sim/accounts/{account_id}/clock")

    def advance_clock(self, account_id: str, seconds: float) -> JSON:
        """Moves a virtual clock forward; returns `{"mode","now","fired"}` once every timer that fell
        due has fired and what it caused is stored."""
        return self.request("POST", f"/__sim/accounts/{account_id}/clock/advance", json={"seconds": seconds})

    # -- scenarios -------------------------------------------------------------------------------

    def run_scenario(self, name: str, engagement_id: Optional[str] = None,
                     integration_id: Optional[str] = None) -> JSON:
        """Runs a loaded scenario on a live chat (`engagement_id`) or headless; returns the run."""
        return self.request("POST", f"/__sim/scenarios/{quote(name, safe='')}/run",
                            json=_drop_none({"engagementId": engagement_id, "integrationId": integration_id}),
                            expect=201)

    def scenario_run(self, run_id: str) -> JSON:
        return self.request("GET", f"/__sim/scenario-runs/{run_id}")

    def wait_for_run(self, run_id: str, status: Optional[str] = None, timeout: float = 10,
                     interval: float = 0.025) -> JSON:
        """Waits (bounded) until the run is no longer `running` (or has `status`); returns it. On a
        virtual clock advance the clock first: a run waiting on time never finishes by itself."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.scenario_run(run_id)
            if (run["status"] == status) if status else run["status"] != "running":
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"scenario run {run_id} is {run['status']}, not {status or 'finished'}, "
                                   f"after {timeout} s")
            time.sleep(interval)

    # -- faults ----------------------------------------------------------------------------------

    def set_faults(self, rules: List[JSON]) -> JSON:
        """Replaces every fault rule: `{"match":{method?,path?,event?}, "action":{delayMs?|status?|drop?|closeSocket?},
        "probability"?, "seed"?}`."""
        return self.request("PUT", "/__sim/faults", json={"rules": rules})

    def clear_faults(self) -> None:
        self.request("DELETE", "/__sim/faults")

    def faults(self) -> JSON:
        return self.request("GET", "/__sim/faults")

    # -- journal ---------------------------------------------------------------------------------

    def events(self, account_id: Optional[str] = None, since_id: int = 0, wait: int = 0) -> JSON:
        """Journal entries after `since_id`, long-polling up to `wait` whole seconds: `{"events","lastId"}`."""
        return self.request("GET", "/__sim/events",
                            query={"accountId": account_id, "sinceId": since_id, "wait": wait})

    def wait_for_event(self, predicate: Callable[[JSON], bool], account_id: Optional[str] = None,
                       since_id: int = 0, timeout: float = 10) -> JSON:
        """The first journal entry after `since_id` (default: the whole journal) that `predicate`
        accepts, waiting for it with the journal's long poll; TimeoutError after `timeout` seconds (the
        last poll may hold up to a second longer: the long poll counts whole seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            answer = self.events(account_id, since_id, wait=max(0, min(5, math.ceil(left))))
            for entry in answer["events"]:
                if predicate(entry):
                    return entry
            since_id = max(since_id, answer.get("lastId") or since_id)
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no journal event matched within {timeout} s (after id {since_id})")

    # -- customers -------------------------------------------------------------------------------

    def customer(self, tenant: Tenant, customer_id: str, customer_name: Optional[str] = None,
                 ttl_seconds: Optional[int] = None) -> "ChatCustomer":
        """A chat customer (one SDK instance) speaking the Chat SDK protocol: what the page under test does."""
        jwt = self.mint_chat_jwt(tenant, customer_id, customer_name, ttl_seconds)["jwtToken"]
        return ChatCustomer(self, tenant, jwt)


@dataclass(frozen=True)
class Chat:
    engagement_id: str
    dialog_id: str
    engagement: JSON


class ChatCustomer:
    """One customer device on the Chat SDK API: its JWT, session and event cursor."""

    def __init__(self, client: AxpsimClient, tenant: Tenant, jwt: str):
        self.client, self.tenant, self.jwt = client, tenant, jwt
        self.session_id: Optional[str] = None
        self.last_event_id: Optional[str] = None

    def call(self, method: str, path: str, json: Any = None, query: Optional[Mapping[str, Any]] = None) -> Any:
        return self.client.request(method, f"/sdk/digital/chat/v1/integrations/{self.tenant.integration_id}{path}",
                                   json=json, query=query,
                                   headers={"Authorization": f"Bearer {self.jwt}", "appkey": self.tenant.app_key})

    def start_session(self, display_name: Optional[str] = None) -> JSON:
        session = self.call("POST", "/sessions", {"displayName": display_name, "clientType": "web",
                                                  "sessionParameters": {}})
        self.session_id = session["sessionId"]
        return session

    def start_chat(self, **parameters: str) -> Chat:
        engagement = self.call("POST", "/engagements", {"sessionId": self.session_id,
                                                        "engagementParameters": parameters})
        return Chat(engagement["engagementId"], engagement["dialogs"][0]["dialogId"], engagement)

    def say(self, chat: Chat, text: str) -> JSON:
        return self.call("POST", f"/engagements/{chat.engagement_id}/messages", {
            "dialogId": chat.dialog_id, "sessionId": self.session_id,
            "body": {"elementType": "TEXT", "elementText": {"text": text, "textFormat": "PLAINTEXT"}}})

    def disconnect(self, chat: Chat) -> Any:
        return self.call("POST", f"/engagements/{chat.engagement_id}:disconnect",
                         {"dialogId": chat.dialog_id, "sessionId": self.session_id})

    def poll(self, wait: int = 0) -> List[JSON]:
        """One long poll of the session's events after the last one seen."""
        events = self.call("GET", f"/sessions/{self.session_id}/events",
                           query={"waitSeconds": wait, "lastEventId": self.last_event_id})
        if events:
            self.last_event_id = events[-1]["eventId"]
        return events

    def shutdown(self) -> Any:
        return self.call("DELETE", f"/sessions/{self.session_id}")


def _drop_none(body: JSON) -> JSON:
    return {k: v for k, v in body.items() if v is not None}
