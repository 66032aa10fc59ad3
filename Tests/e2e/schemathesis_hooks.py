"""Schemathesis hooks for fuzzing axpsim (loaded with SCHEMATHESIS_HOOKS=schemathesis_hooks).

They give every generated case the credentials its operation needs, read from the JSON file named
by AXPSIM_FUZZ_TARGET (written by fuzz_api.py): the control token on /__sim and the dashboard, an
OAuth access token and the app key on Generate JWT Token, a chat JWT minted for the fuzz account's
integration and the app key on the Chat SDK routes. Credentials are re-minted when an answer is
401 (the fuzzer moves the fuzz account's clock, which expires them), so the run keeps reaching
the handlers behind authentication. They also keep long polls short, feed the fuzz integration
and client into some bodies, and aim half of the cases on sessions and engagements at live ones
(recorded from earlier answers), so that the happy paths of a chat are fuzzed too, not only 404s.
"""
import atexit
import collections
import json
import os
import random
import re
import threading

import requests
import schemathesis

import fuzz_api

TARGET = json.loads(open(os.environ["AXPSIM_FUZZ_TARGET"]).read())
# The hooks' own choices are seeded too (with the run's --seed), so a run can be repeated.
CHOICE = random.Random(os.environ.get("AXPSIM_FUZZ_SEED") or None)
URL = TARGET["url"]
CONTROL = {"Authorization": f"Bearer {TARGET['controlToken']}"}


def _mint():
    """An access token and a chat JWT on the fuzz account's clock, as a back end gets them.

    The fuzzer may delete or change what the fuzz account is made of (it follows links from
    listings to DELETE and PATCH calls), so the account is provisioned again first (idempotent).
    """
    fuzz_api.provision(URL, TARGET["controlToken"])
    account = TARGET["accountId"]
    grant = requests.post(
        f"{URL}/auth/realms/{account}/protocol/openid-connect/token",
        headers={"appkey": TARGET["appKey"]},
        data={"grant_type": "client_credentials", "client_id": TARGET["clientId"], "client_secret": TARGET["clientSecret"]},
        timeout=30,
    )
    grant.raise_for_status()
    access = grant.json()["access_token"]
    minted = requests.post(
        f"{URL}/api/digital/chat/v1/accounts/{account}/tokens",
        headers={"Authorization": f"Bearer {access}", "appkey": TARGET["appKey"]},
        json={"integrationId": TARGET["integrationId"], "customerId": TARGET["customerId"], "customerName": "Fuzz"},
        timeout=30,
    )
    minted.raise_for_status()
    return {"access": access, "jwt": minted.json()["jwtToken"]}


@schemathesis.auth(refresh_interval=5, retry_on=[401])
class AXPSimAuth:
    def get(self, case, context):
        return _mint()

    def set(self, case, data, context):
        path = context.operation.path
        headers = dict(case.headers or {})
        if path.startswith("/__sim") or path == "/":
            headers.update(CONTROL)
        elif path.startswith("/sdk/"):
            headers.update({"Authorization": f"Bearer {data['jwt']}", "appkey": TARGET["appKey"]})
        elif path.startswith("/api/digital/"):
            headers.update({"Authorization": f"Bearer {data['access']}", "appkey": TARGET["appKey"]})
        else:  # the OAuth token endpoints: the app key header; the client is in the form
            headers["appkey"] = TARGET["appKey"]
        case.headers = headers


# Operations that would delete or reset the fuzz account itself: they get ids from the stateful
# phase's links instead (accounts the fuzzer created), or random ones.
PROTECTED = {("DELETE", "/__sim/accounts/{accountId}"), ("POST", "/__sim/accounts/{accountId}/reset")}
# Ids of the fuzz account's credentials, kept away from DELETE and PATCH calls.
CREDENTIALS = {"clientId": TARGET["clientId"], "appKey": TARGET["appKey"], "integrationId": TARGET["integrationId"]}


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    """Most cases act on the fuzz account and, on the Chat SDK routes, its integration, so that
    they pass the id checks and reach the handlers' logic; the rest keep generated ids."""
    operation = context.operation
    if not path_parameters or (operation.method.upper(), operation.path) in PROTECTED or CHOICE.random() < 0.1:
        return path_parameters
    if "accountId" in path_parameters:
        path_parameters["accountId"] = TARGET["accountId"]
    if "integrationId" in path_parameters and operation.path.startswith("/sdk/"):
        path_parameters["integrationId"] = TARGET["integrationId"]
    for name in ("queueId", "agentId"):
        if name in path_parameters and name in TARGET:
            path_parameters[name] = TARGET[name]
    if operation.method.upper() in ("DELETE", "PATCH"):
        for name, value in CREDENTIALS.items():
            if path_parameters.get(name) == value:
                path_parameters[name] = f"not-{value}"
    return path_parameters


# Long polls answer at once with what they have or hold for up to `waitSeconds`/`wait`: keep the
# hold to at most one second so a run's time goes to cases, not to idle polls.
def _short_holds(query):
    if query:
        for name in ("waitSeconds", "wait"):
            value = query.get(name)
            if isinstance(value, int) and value > 1:
                query[name] = 1
            elif isinstance(value, str) and value.strip().lstrip("+").isdigit() and int(value) > 1:
                query[name] = "1"
    return query


@schemathesis.hook
def map_query(context, query):
    return _short_holds(query)


@schemathesis.hook
def map_body(context, body):
    """Half of the bodies of Generate JWT Token and of the token endpoints name the fuzz
    integration / the fuzz client, so their success answers are fuzzed too, not only 4xx."""
    path = context.operation.path
    if not isinstance(body, dict) or CHOICE.random() < 0.5:
        return body
    if path.endswith("/tokens"):
        body["integrationId"] = TARGET["integrationId"]
    elif path.endswith("/openid-connect/token"):
        body.update({"grant_type": "client_credentials", "client_id": TARGET["clientId"], "client_secret": TARGET["clientSecret"]})
    return body


# What the run reached: answers per operation and status, written at exit to AXPSIM_FUZZ_STATS
# (the e2e test checks that the stateful phase got real chats through, not only 4xx).
ANSWERS = collections.Counter()
ANSWERS_LOCK = threading.Lock()


# Live chats of the fuzz customer, from the answers the fuzzer got: any phase may then aim a case
# at a real session or engagement (with its dialog and session), not only the stateful phase.
LIVE_SESSIONS = collections.deque(maxlen=64)
LIVE_ENGAGEMENTS = collections.deque(maxlen=64)


@schemathesis.hook
def after_call(context, case, response):
    method, path = case.operation.method.upper(), case.operation.path
    with ANSWERS_LOCK:
        ANSWERS[f"{method} {path} {response.status_code}"] += 1
        if (method, path) in PROTECTED and (case.path_parameters or {}).get("accountId") == TARGET["accountId"]:
            ANSWERS[f"{method} {path} on the fuzz account {response.status_code}"] += 1
    if method != "POST" or response.status_code != 201 or not path.startswith("/sdk/"):
        return
    body = response.json()
    if path.endswith("/sessions"):
        LIVE_SESSIONS.append(body["sessionId"])
    elif path.endswith("/engagements") and isinstance(case.body, dict):
        LIVE_ENGAGEMENTS.append((body["engagementId"], body["dialogs"][0]["dialogId"], case.body["sessionId"]))


def _seed_chat():
    """A session and an engagement of the fuzz customer, when too few live ones are known (the
    fuzzer reaches the operations on sessions and engagements before the ones that create them)."""
    credentials = _mint()
    headers = {"Authorization": f"Bearer {credentials['jwt']}", "appkey": TARGET["appKey"]}
    base = f"{URL}/sdk/digital/chat/v1/integrations/{TARGET['integrationId']}"
    session = requests.post(f"{base}/sessions", headers=headers, json={"displayName": "Fuzz"}, timeout=30)
    session.raise_for_status()
    session_id = session.json()["sessionId"]
    LIVE_SESSIONS.append(session_id)
    engagement = requests.post(f"{base}/engagements", headers=headers, json={"sessionId": session_id}, timeout=30)
    engagement.raise_for_status()
    body = engagement.json()
    LIVE_ENGAGEMENTS.append((body["engagementId"], body["dialogs"][0]["dialogId"], session_id))


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _generated(value):
    """True for an id the fuzzer made up; ids axpsim issued (UUIDs, from links) are kept, so the
    stateful checks (use after free, …) see the ids they chose."""
    return not (isinstance(value, str) and UUID.fullmatch(value))


@schemathesis.hook
def map_case(context, case):
    """Half of the cases on a session or an engagement with a made-up id use a live one of the
    fuzz customer instead."""
    _short_holds(case.query)  # the coverage phase's cases do not go through map_query
    parameters = case.path_parameters or {}
    if (case.operation.method.upper(), case.operation.path) in PROTECTED and parameters.get("accountId") == TARGET["accountId"]:
        parameters["accountId"] = "NOTFUZ"  # links inferred from listings lead here too
    if case.operation.method.upper() in ("DELETE", "PATCH"):
        for name, value in CREDENTIALS.items():
            if parameters.get(name) == value:
                parameters[name] = f"not-{value}"
    if "integrationId" in parameters and case.operation.path.startswith("/sdk/") and CHOICE.random() < 0.9:
        # Not every phase runs map_path_parameters on every case: the coverage phase's do not.
        parameters["integrationId"] = TARGET["integrationId"]
    if CHOICE.random() < 0.5:
        return case
    if case.operation.path.endswith("/messages") and isinstance(case.body, dict) and "parentMessageId" in case.body:
        case.body["parentMessageId"] = None  # a made-up parent is refused (400), which hides the rest
    fresh = case.operation.method.upper() == "POST" and case.operation.path.endswith("/messages") and CHOICE.random() < 0.3
    if fresh or (len(LIVE_ENGAGEMENTS) < 8 and ("engagementId" in parameters or "sessionId" in parameters)):
        _seed_chat()  # the fuzzer ends chats fast; a message needs an open one
        if fresh:
            parameters["engagementId"] = LIVE_ENGAGEMENTS[-1][0]
    if "engagementId" in parameters and LIVE_ENGAGEMENTS:
        known = {engagement: (engagement, dialog, session) for engagement, dialog, session in LIVE_ENGAGEMENTS}
        if _generated(parameters["engagementId"]):
            engagement, dialog, session = CHOICE.choice(LIVE_ENGAGEMENTS)
            parameters["engagementId"] = engagement
        elif parameters["engagementId"] in known:
            # An id from a link: keep it, and give the body the dialog and session that go with it.
            engagement, dialog, session = known[parameters["engagementId"]]
        else:
            return case
        for container in (case.body, case.query):
            if isinstance(container, dict):
                if "sessionId" in container:
                    container["sessionId"] = session
                if "dialogId" in container:
                    container["dialogId"] = dialog
    elif "sessionId" in parameters and _generated(parameters["sessionId"]) and LIVE_SESSIONS:
        parameters["sessionId"] = CHOICE.choice(LIVE_SESSIONS)
    elif case.operation.path.endswith("/engagements") and isinstance(case.body, dict) and _generated(case.body.get("sessionId")) \
            and LIVE_SESSIONS:
        case.body["sessionId"] = CHOICE.choice(LIVE_SESSIONS)
    return case


@atexit.register
def _write_answers():
    path = os.environ.get("AXPSIM_FUZZ_STATS")
    if path:
        with ANSWERS_LOCK, open(path, "w") as out:
            json.dump(dict(ANSWERS), out, indent=1, sort_keys=True)
