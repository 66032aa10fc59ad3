"""Schemathesis hooks for fuzzing axpsim (loaded with SCHEMATHESIS_HOOKS=schemathesis_hooks).

They give every generated case the credentials its operation needs, read from the JSON file named
by AXPSIM_FUZZ_TARGET (written by fuzz_api.py): the control token on /__sim and the dashboard, an
OAuth access token and the app key on Generate JWT Token, a chat JWT minted for the fuzz account's
integration and the app key on the Chat SDK routes. Credentials are re-minted when an answer is
401 (the fuzzer moves the fuzz account's clock, which expires them), so the run keeps reaching
the handlers behind authentication. They also keep long polls short, and feed the fuzz
integration and the fixture client into some bodies so that the happy paths are reached too.
"""
import json
import os
import random

import requests
import schemathesis

import fuzz_api

TARGET = json.loads(open(os.environ["AXPSIM_FUZZ_TARGET"]).read())
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
    if not path_parameters or (operation.method.upper(), operation.path) in PROTECTED or random.random() < 0.1:
        return path_parameters
    if "accountId" in path_parameters:
        path_parameters["accountId"] = TARGET["accountId"]
    if "integrationId" in path_parameters and operation.path.startswith("/sdk/"):
        path_parameters["integrationId"] = TARGET["integrationId"]
    if operation.method.upper() in ("DELETE", "PATCH"):
        for name, value in CREDENTIALS.items():
            if path_parameters.get(name) == value:
                path_parameters[name] = f"not-{value}"
    return path_parameters


# Long polls answer at once with what they have or hold for up to `waitSeconds`/`wait`: keep the
# hold to at most one second so a run's time goes to cases, not to idle polls.
@schemathesis.hook
def map_query(context, query):
    if query:
        for name in ("waitSeconds", "wait"):
            value = query.get(name)
            if isinstance(value, int) and value > 1:
                query[name] = 1
    return query


@schemathesis.hook
def map_body(context, body):
    """Half of the bodies of Generate JWT Token and of the token endpoints name the fuzz
    integration / the fuzz client, so their success answers are fuzzed too, not only 4xx."""
    path = context.operation.path
    if not isinstance(body, dict) or random.random() < 0.5:
        return body
    if path.endswith("/tokens"):
        body["integrationId"] = TARGET["integrationId"]
    elif path.endswith("/openid-connect/token"):
        body.update({"grant_type": "client_credentials", "client_id": TARGET["clientId"], "client_secret": TARGET["clientSecret"]})
    return body
