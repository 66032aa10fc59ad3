"""SPEC section 2: OAuth client credentials, Generate JWT Token, JWKS — through the real binary."""
import base64
import json

import jwt
import pytest
import requests

from harness import BANK, BANK_MORTGAGES, RETAIL, RETAIL_SALES


def decode_segment_like_atob(segment):
    """What the vendor SDK does: the browser's atob, which accepts only the standard alphabet."""
    assert "-" not in segment and "_" not in segment, "atob would reject this payload"
    return json.loads(base64.b64decode(segment + "=" * (-len(segment) % 4), validate=True))


def verify(server, chat_jwt):
    assert chat_jwt.startswith("jwt."), "the platform returns 'jwt.' + compact JWS"
    compact = chat_jwt[len("jwt."):]
    jwks = server.get("/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(compact)["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    public_key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key))
    return jwt.decode(compact, public_key, algorithms=["RS256"], audience="chat-sdk",
                      options={"require": ["exp", "iat", "nbf", "jti", "sub", "iss"]})


# -- OAuth ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["realms", "gateway"])
def test_client_credentials_on_both_paths(fresh, path):
    prefix = "/auth/realms" if path == "realms" else "/api/auth/v1"
    r = fresh.post(f"{prefix}/DEMOAA/protocol/openid-connect/token", headers={"appkey": RETAIL.app_key},
                   data={"grant_type": "client_credentials", "client_id": RETAIL.client_id, "client_secret": RETAIL.client_secret})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_expires_in"] == 0
    assert body["access_token"] and isinstance(body["scope"], str)
    assert r.headers["Cache-Control"] == "no-store"


def test_client_credentials_with_http_basic(fresh):
    r = fresh.post("/auth/realms/DEMOAA/protocol/openid-connect/token", auth=(RETAIL.client_id, RETAIL.client_secret),
                   data={"grant_type": "client_credentials"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("form,status,error", [
    ({"grant_type": "client_credentials", "client_id": "retail-backend", "client_secret": "wrong"}, 401, "invalid_client"),
    ({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}, 401, "invalid_client"),
    ({"grant_type": "client_credentials", "client_id": "bank-backend", "client_secret": "bank-backend-secret"}, 401, "invalid_client"),
    ({"grant_type": "client_credentials"}, 401, "invalid_client"),
    ({"grant_type": "password", "client_id": "retail-backend", "client_secret": "retail-backend-secret"}, 400, "unsupported_grant_type"),
    ({"client_id": "retail-backend", "client_secret": "retail-backend-secret"}, 400, "invalid_request"),
])
def test_client_credentials_errors_in_oauth_shape(fresh, form, status, error):
    r = fresh.post("/auth/realms/DEMOAA/protocol/openid-connect/token", data=form)
    assert r.status_code == status
    assert r.json()["error"] == error
    assert r.json()["error_description"]


def test_oauth_unknown_realm_wrong_appkey_and_content_type(fresh):
    form = {"grant_type": "client_credentials", "client_id": "retail-backend", "client_secret": "retail-backend-secret"}
    assert fresh.post("/auth/realms/ZZZZZZ/protocol/openid-connect/token", data=form).status_code == 404
    assert fresh.post("/auth/realms/DEMOAA/protocol/openid-connect/token", data=form,
                      headers={"appkey": BANK.app_key}).json()["error"] == "invalid_appkey"
    gateway = fresh.post("/api/auth/v1/DEMOAA/protocol/openid-connect/token", data=form)
    assert gateway.status_code == 401 and gateway.json()["error"] == "invalid_appkey"
    r = fresh.post("/auth/realms/DEMOAA/protocol/openid-connect/token", json=form)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


# -- Generate JWT Token ---------------------------------------------------------------------------

def test_mint_verifies_against_jwks_with_every_claim(fresh):
    r = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "cust-42", "customerName": "Ann",
                    "verifiedCustomer": True, "customerIdentifiers": {"emailAddresses": ["ann@example.com"]}})
    assert r.status_code == 201, r.text
    body = r.json()
    claims = verify(fresh, body["jwtToken"])
    assert claims["iss"] == fresh.http
    assert claims["sub"] == claims["customerId"] == "cust-42"
    assert claims["aud"] == "chat-sdk"
    assert claims["accountId"] == "DEMOAA"
    assert claims["integrationId"] == RETAIL.integration_id
    assert claims["customerName"] == "Ann"
    assert claims["verifiedCustomer"] is True
    assert claims["customerIdentifiers"] == {"emailAddresses": ["ann@example.com"]}
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert claims["nbf"] == claims["iat"]
    assert body["expiresAt"].endswith("Z")
    # per-realm JWKS too
    realm = fresh.get("/auth/realms/DEMOAA/protocol/openid-connect/certs").json()
    assert {k["kid"] for k in realm["keys"]} == {k["kid"] for k in fresh.get("/.well-known/jwks.json").json()["keys"]}


def test_unverified_customer_identifiers_are_dropped_and_not_stored(fresh):
    r = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "guest-1",
                    "customerIdentifiers": {"phoneNumbers": ["+15551234"]}})
    assert r.status_code == 201
    claims = verify(fresh, r.json()["jwtToken"])
    assert claims["verifiedCustomer"] is False
    assert "customerIdentifiers" not in claims
    customers = fresh.get("/__sim/accounts/DEMOAA/customers").json()["customers"]
    guest = next(c for c in customers if c["customerId"] == "guest-1")
    assert guest["verified"] is False and "customerIdentifiers" not in guest


@pytest.mark.parametrize("name", ["~~~???>>>", "a?b~c>d" * 10, "Ünïcødé 名前 🎉", "\u007f\u0000x", "x" * 70])
def test_payload_segment_is_atob_safe_for_any_name(fresh, name):
    ids = {"k~?>": ["v?~>" * 20, "é" * 100]}
    r = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": name[:60] + "?>~", "customerName": name,
                    "verifiedCustomer": True, "customerIdentifiers": ids})
    assert r.status_code == 201, r.text
    token = r.json()["jwtToken"]
    prefix, header, payload, signature = token.split(".")
    assert prefix == "jwt"
    claims = decode_segment_like_atob(payload)
    assert claims["customerName"] == name
    assert claims["customerIdentifiers"] == ids
    assert verify(fresh, token)["customerName"] == name


@pytest.mark.parametrize("body,expected", [
    ({"ttl": 30}, 30 * 60),
    ({"ttl": 60}, 60 * 60),
    ({"ttlSeconds": 5}, 5),
    ({"ttlSeconds": 3600, "ttl": 20}, 3600),
    ({}, 15 * 60),
])
def test_lifetime(fresh, body, expected):
    r = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "c", **body})
    assert r.status_code == 201, r.text
    claims = verify(fresh, r.json()["jwtToken"])
    assert claims["exp"] - claims["iat"] == expected


def test_lifetime_uses_the_integrations_own_range(fresh):
    sales = fresh.mint({"integrationId": RETAIL_SALES.integration_id, "customerId": "c"})
    assert verify(fresh, sales.json()["jwtToken"])["exp"] - verify(fresh, sales.json()["jwtToken"])["iat"] == 30 * 60
    short = fresh.mint({"integrationId": BANK_MORTGAGES.integration_id, "customerId": "c", "ttl": 5}, tenant=BANK)
    assert short.status_code == 201
    assert fresh.mint({"integrationId": BANK_MORTGAGES.integration_id, "customerId": "c", "ttl": 121}, tenant=BANK).status_code == 400


@pytest.mark.parametrize("body,field,code", [
    ({"customerId": "c"}, "integrationId", 20002),
    ({"integrationId": "not-a-uuid", "customerId": "c"}, "integrationId", 20006),
    ({"integrationId": RETAIL.integration_id}, "customerId", 20002),
    ({"integrationId": RETAIL.integration_id, "customerId": ""}, "customerId", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "x" * 257}, "customerId", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": 12}, "customerId", 20005),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerName": "n" * 71}, "customerName", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "verifiedCustomer": "yes"}, "verifiedCustomer", 20005),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {}}, "customerIdentifiers", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {f"k{i}": ["v"] for i in range(11)}},
     "customerIdentifiers", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {"k" * 51: ["v"]}}, "customerIdentifiers." + "k" * 51, 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {"k": []}}, "customerIdentifiers.k", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {"k": ["v"] * 6}}, "customerIdentifiers.k", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {"k": ["v" * 257]}}, "customerIdentifiers.k[0]", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {"k": [""]}}, "customerIdentifiers.k[0]", 20003),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {"k": "v"}}, "customerIdentifiers.k", 20005),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerIdentifiers": {"k": [1]}}, "customerIdentifiers.k[0]", 20005),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "ttl": 14}, "ttl", 20004),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "ttl": 61}, "ttl", 20004),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "ttl": 15.5}, "ttl", 20005),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "ttlSeconds": 0}, "ttlSeconds", 20004),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "ttlSeconds": 3601}, "ttlSeconds", 20004),
    ({"integrationId": RETAIL.integration_id, "customerId": "c", "customerID": "typo"}, "customerID", 20001),
])
def test_each_constraint_is_a_violation(fresh, body, field, code):
    r = fresh.mint(body)
    assert r.status_code == 400, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == 400 and problem["title"] == "Constraint Violation"
    assert problem["type"].endswith("#constraint-violation")
    assert problem["code"] == "constraint_violation"
    assert {"field": field, "code": code} in [{"field": v["field"], "code": v["code"]} for v in problem["violations"]]


def test_every_violation_is_reported_at_once(fresh):
    r = fresh.mint({"integrationId": "x", "customerId": "", "customerName": "n" * 80, "ttl": "fifteen"})
    assert sorted(v["field"] for v in r.json()["violations"]) == ["customerId", "customerName", "integrationId", "ttl"]


def test_ttl_as_a_numeric_string_is_accepted_as_the_reference_back_end_sends_it(fresh):
    r = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "ref", "ttl": "30"})
    assert r.status_code == 201, r.text
    claims = jwt.decode(r.json()["jwtToken"][4:], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 30 * 60


def test_request_errors(fresh):
    token = fresh.access_token()
    url = fresh.url("/api/digital/chat/v1/accounts/DEMOAA/tokens")
    auth = {"Authorization": f"Bearer {token}", "appkey": RETAIL.app_key}

    def problem(r, status, code):
        assert r.status_code == status, r.text
        assert r.headers["Content-Type"].startswith("application/problem+json")
        assert r.json()["code"] == code and r.json()["status"] == status and r.json()["detail"]

    problem(requests.post(url, headers={**auth, "Content-Type": "application/json"}, data="{not json"), 400, "malformed_json")
    problem(requests.post(url, headers={**auth, "Content-Type": "application/json"}, data="[1,2]"), 400, "malformed_json")
    problem(requests.post(url, headers={**auth, "Content-Type": "application/json"}, data=""), 400, "malformed_json")
    problem(requests.post(url, headers={**auth, "Content-Type": "text/plain"}, data="{}"), 415, "unsupported_media_type")
    problem(requests.post(url, headers={"appkey": RETAIL.app_key}, json={}), 401, "missing_credentials")
    problem(requests.post(url, headers={"appkey": RETAIL.app_key, "Authorization": "Bearer nope"}, json={}), 401, "invalid_credentials")
    problem(requests.post(url, headers={"Authorization": f"Bearer {token}"}, json={}), 401, "missing_appkey")
    problem(requests.post(url, headers={"Authorization": f"Bearer {token}", "appkey": "zzz"}, json={}), 401, "invalid_appkey")
    problem(fresh.mint({"integrationId": "00000000-0000-4000-8000-000000000000", "customerId": "c"}), 404, "integration_not_found")
    problem(requests.post(fresh.url("/api/digital/chat/v1/accounts/ZZZZZZ/tokens"), headers=auth, json={}), 404, "account_not_found")
    problem(requests.get(url, headers=auth), 405, "method_not_allowed")
    problem(requests.get(fresh.url("/no/such/route")), 404, "route_not_found")


def test_expired_access_token_on_the_account_clock(fresh):
    token = fresh.access_token()
    assert fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "c"}, token=token).status_code == 201
    assert fresh.session_put("/__sim/accounts/DEMOAA/clock", {"mode": "virtual"}).status_code == 200
    advanced = fresh.post("/__sim/accounts/DEMOAA/clock/advance", json={"seconds": 3600})
    assert advanced.status_code == 200 and advanced.json()["mode"] == "virtual"
    r = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "c"}, token=token)
    assert r.status_code == 401 and r.json()["code"] == "expired_credentials"
    # a fresh access token works, and the JWT's iat is the account's virtual now
    r = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "c"})
    assert r.status_code == 201
    claims = jwt.decode(r.json()["jwtToken"][4:], options={"verify_signature": False})
    now = fresh.get("/__sim/accounts/DEMOAA/clock").json()["now"]
    assert r.json()["expiresAt"] > now


def test_one_account_never_gets_a_token_of_another(fresh):
    retail_token = fresh.access_token(RETAIL)
    # retail's client asking for the bank account: 403, no token
    r = fresh.mint({"integrationId": BANK.integration_id, "customerId": "c"}, token=retail_token, appkey=BANK.app_key, account="DEMOBB")
    assert r.status_code == 403 and "jwtToken" not in r.text
    # retail asking for a bank integration within its own account: 404
    r = fresh.mint({"integrationId": BANK.integration_id, "customerId": "c"}, token=retail_token)
    assert r.status_code == 404 and r.json()["code"] == "integration_not_found"
    # a bank app key on the retail account: 401
    r = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "c"}, token=retail_token, appkey=BANK.app_key)
    assert r.status_code == 401 and r.json()["code"] == "invalid_appkey"
    # the bank's own token works for the bank
    assert fresh.mint({"integrationId": BANK.integration_id, "customerId": "c"}, tenant=BANK).status_code == 201


def test_rotated_keys_keep_old_tokens_verifiable(fresh):
    old = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "c"}).json()["jwtToken"]
    r = fresh.post("/__sim/keys/rotate")
    assert r.status_code == 201
    new = fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "c"}).json()["jwtToken"]
    assert jwt.get_unverified_header(new[4:])["kid"] == r.json()["kid"] != jwt.get_unverified_header(old[4:])["kid"]
    assert verify(fresh, old) and verify(fresh, new)


def test_revoked_credentials_are_refused_by_the_very_next_mint(fresh):
    """Back-end authentication rows are cached between calls; a deleted client or app key is not."""
    body = {"integrationId": RETAIL.integration_id, "customerId": "c"}
    token = fresh.access_token()
    for _ in range(2):  # the second call is answered from the cache
        assert fresh.mint(body, token=token).status_code == 201
    assert fresh.delete(f"/__sim/accounts/DEMOAA/appkeys/{RETAIL.app_key}").status_code == 204
    r = fresh.mint(body, token=token)
    assert r.status_code == 401 and r.json()["code"] == "invalid_appkey"
    assert fresh.post("/__sim/accounts/DEMOAA/appkeys", json={"appKey": RETAIL.app_key}).status_code == 201
    assert fresh.mint(body, token=token).status_code == 201
    # deleting the client revokes its access tokens
    assert fresh.delete(f"/__sim/accounts/DEMOAA/clients/{RETAIL.client_id}").status_code == 204
    r = fresh.mint(body, token=token)
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
