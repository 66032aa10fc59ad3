"""SPEC section 6 (this layer): health, provisioning, reset, control token, OpenAPI, journal."""
import re

import pytest
import requests

from harness import BANK, RETAIL, Server, Tenant


def test_health_reports_every_part(server):
    r = server.get("/__sim/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert {name: part["status"] for name, part in body["parts"].items()} == {"http": "ok", "websocket": "ok", "store": "ok"}
    assert body["parts"]["websocket"]["url"] == server.ws


def test_provision_an_account_end_to_end_and_mint_with_it(fresh):
    account = fresh.post("/__sim/accounts", json={"name": "Acme"})
    assert account.status_code == 201
    account_id = account.json()["accountId"]
    assert re.fullmatch(r"[A-Z]{6}", account_id) and account.json()["name"] == "Acme"
    client = fresh.post(f"/__sim/accounts/{account_id}/clients", json={}).json()
    assert client["clientId"] and client["clientSecret"]
    appkey = fresh.post(f"/__sim/accounts/{account_id}/appkeys", json={}).json()["appKey"]
    integration = fresh.post(f"/__sim/accounts/{account_id}/integrations", json={"name": "support", "maxTtlMinutes": 90})
    assert integration.status_code == 201
    body = integration.json()
    assert re.fullmatch(r"[0-9a-f-]{36}", body["integrationId"])
    assert (body["defaultTtlMinutes"], body["minTtlMinutes"], body["maxTtlMinutes"], body["reminderLeadSeconds"]) == (15, 15, 90, 180)
    tenant = Tenant(account_id, client["clientId"], client["clientSecret"], appkey, body["integrationId"])
    r = fresh.mint({"integrationId": body["integrationId"], "customerId": "c", "ttl": 90}, tenant=tenant)
    assert r.status_code == 201, r.text
    view = fresh.get(f"/__sim/accounts/{account_id}").json()
    assert view["appKeys"] == [appkey] and view["integrations"][0]["integrationId"] == body["integrationId"]


def test_provisioning_crud_and_errors(fresh):
    assert fresh.post("/__sim/accounts", json={"accountId": "ABCDEF", "name": "x"}).status_code == 201
    dup = fresh.post("/__sim/accounts", json={"accountId": "ABCDEF"})
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_account"
    bad = fresh.post("/__sim/accounts", json={"accountId": "AB12EF"})
    assert bad.status_code == 400 and bad.json()["violations"][0]["code"] == 20006
    assert fresh.patch("/__sim/accounts/ABCDEF", {"name": "Renamed"}).json()["name"] == "Renamed"
    assert fresh.get("/__sim/accounts/ABCDEF").json()["name"] == "Renamed"

    created = fresh.post("/__sim/accounts/ABCDEF/integrations", json={"name": "a", "integrationId": RETAIL.integration_id})
    assert created.status_code == 409 and created.json()["code"] == "duplicate_integration"
    invalid = fresh.post("/__sim/accounts/ABCDEF/integrations", json={"minTtlMinutes": 30, "maxTtlMinutes": 20, "queue": 5})
    assert invalid.status_code == 400
    fields = {v["field"] for v in invalid.json()["violations"]}
    assert {"name", "queue"} <= fields
    crossed = fresh.post("/__sim/accounts/ABCDEF/integrations", json={"name": "a", "minTtlMinutes": 30, "maxTtlMinutes": 20})
    assert crossed.status_code == 400 and crossed.json()["violations"][0]["field"] == "minTtlMinutes"

    integration = fresh.post("/__sim/accounts/ABCDEF/integrations", json={"name": "a", "routingAttributes": {"lang": "fr"}}).json()
    path = f"/__sim/accounts/ABCDEF/integrations/{integration['integrationId']}"
    assert fresh.patch(path, {"queue": "vip"}).json()["violations"][0]["field"] == "routing.defaultQueue", "queues are declared first"
    assert fresh.post("/__sim/accounts/ABCDEF/queues", json={"queueId": "vip"}).status_code == 201
    patched = fresh.patch(path, {"queue": "vip", "idleTimeoutSeconds": 120})
    assert patched.status_code == 200 and patched.json()["queue"] == "vip" and patched.json()["routingAttributes"] == {"lang": "fr"}
    assert fresh.get(path).json()["idleTimeoutSeconds"] == 120
    # another account's integration is invisible through this account
    assert fresh.get(f"/__sim/accounts/ABCDEF/integrations/{RETAIL.integration_id}").status_code == 404
    assert fresh.delete(path).status_code == 204
    assert fresh.get(path).status_code == 404

    client = fresh.post("/__sim/accounts/ABCDEF/clients", json={"clientId": "c1", "clientSecret": "s1"}).json()
    assert client == {"accountId": "ABCDEF", "clientId": "c1", "clientSecret": "s1"}
    assert fresh.post("/__sim/accounts/ABCDEF/clients", json={"clientId": "c1"}).status_code == 409
    assert fresh.delete("/__sim/accounts/ABCDEF/clients/c1").status_code == 204
    assert fresh.delete("/__sim/accounts/ABCDEF/clients/c1").status_code == 404
    assert fresh.post("/__sim/accounts/ABCDEF/appkeys", json={"appKey": "k1"}).status_code == 201
    assert fresh.delete("/__sim/accounts/ABCDEF/appkeys/k1").status_code == 204

    assert fresh.delete("/__sim/accounts/ABCDEF").status_code == 204
    assert fresh.get("/__sim/accounts/ABCDEF").status_code == 404
    assert fresh.post("/__sim/accounts/ZZZZZZ/clients", json={}).status_code == 404


def test_account_reset_leaves_other_accounts_untouched(fresh):
    fresh.mint({"integrationId": RETAIL.integration_id, "customerId": "retail-cust"})
    fresh.mint({"integrationId": BANK.integration_id, "customerId": "bank-cust"}, tenant=BANK)
    bank_token = fresh.access_token(BANK)
    extra = fresh.post("/__sim/accounts/DEMOAA/integrations", json={"name": "extra"}).json()["integrationId"]
    assert fresh.post("/__sim/accounts/DEMOAA/reset").status_code == 200
    # retail is back to its fixture: no customers, no extra integration
    assert fresh.get("/__sim/accounts/DEMOAA/customers").json()["customers"] == []
    assert fresh.get(f"/__sim/accounts/DEMOAA/integrations/{extra}").status_code == 404
    # the bank keeps its customer and its access token
    assert [c["customerId"] for c in fresh.get("/__sim/accounts/DEMOBB/customers").json()["customers"]] == ["bank-cust"]
    assert fresh.mint({"integrationId": BANK.integration_id, "customerId": "x"}, tenant=BANK, token=bank_token).status_code == 201


def test_reset_of_a_non_fixture_account_keeps_its_provisioning(fresh):
    fresh.post("/__sim/accounts", json={"accountId": "TESTAA"})
    fresh.post("/__sim/accounts/TESTAA/clients", json={"clientId": "c", "clientSecret": "s"})
    fresh.post("/__sim/accounts/TESTAA/appkeys", json={"appKey": "ka"})
    integration = fresh.post("/__sim/accounts/TESTAA/integrations", json={"name": "i"}).json()["integrationId"]
    tenant = Tenant("TESTAA", "c", "s", "ka", integration)
    token = fresh.access_token(tenant)
    assert fresh.mint({"integrationId": integration, "customerId": "c1"}, tenant=tenant, token=token).status_code == 201
    assert fresh.post("/__sim/accounts/TESTAA/reset").json() == {"reset": "TESTAA", "fixture": False}
    assert fresh.get("/__sim/accounts/TESTAA/customers").json()["customers"] == []
    old = fresh.mint({"integrationId": integration, "customerId": "c1"}, tenant=tenant, token=token)
    assert old.status_code == 401, "access tokens are runtime data and are gone"
    assert fresh.mint({"integrationId": integration, "customerId": "c1"}, tenant=tenant).status_code == 201


def test_global_reset_returns_to_fixtures(fresh):
    fresh.post("/__sim/accounts", json={"accountId": "GONEAA"})
    r = fresh.post("/__sim/reset")
    assert r.status_code == 200 and sorted(r.json()["accounts"]) == ["DEMOAA", "DEMOBB"]
    assert [a["accountId"] for a in fresh.get("/__sim/accounts").json()["accounts"]] == ["DEMOAA", "DEMOBB"]


def test_clock_control(fresh):
    assert fresh.get("/__sim/accounts/DEMOAA/clock").json()["mode"] == "real"
    conflict = fresh.post("/__sim/accounts/DEMOAA/clock/advance", json={"seconds": 10})
    assert conflict.status_code == 409 and conflict.json()["code"] == "clock_not_virtual"
    r = fresh.session_put("/__sim/accounts/DEMOAA/clock", {"mode": "virtual", "now": "2030-01-01T00:00:00Z"})
    assert r.json() == {"mode": "virtual", "now": "2030-01-01T00:00:00.000Z"}
    advanced = fresh.post("/__sim/accounts/DEMOAA/clock/advance", json={"seconds": 90}).json()
    assert advanced["now"] == "2030-01-01T00:01:30.000Z" and advanced["fired"] == 0
    assert fresh.get("/__sim/accounts/DEMOBB/clock").json()["mode"] == "real", "clocks are per account"
    bad = fresh.session_put("/__sim/accounts/DEMOAA/clock", {"mode": "sideways", "now": "yesterday"})
    assert bad.status_code == 400 and {v["field"] for v in bad.json()["violations"]} == {"mode", "now"}
    assert fresh.session_put("/__sim/accounts/DEMOAA/clock", {"mode": "real"}).json()["mode"] == "real"


def test_openapi_lists_every_route(server):
    doc = server.get("/__sim/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    paths = doc["paths"]
    assert "post" in paths["/api/digital/chat/v1/accounts/{accountId}/tokens"]
    assert "post" in paths["/auth/realms/{accountId}/protocol/openid-connect/token"]
    assert {"get", "post"} <= set(paths["/__sim/accounts"])
    assert {"get", "patch", "delete"} <= set(paths["/__sim/accounts/{accountId}/integrations/{integrationId}"])


def test_request_journal_is_bounded_and_records_errors(server):
    server.get("/__sim/health")
    server.get("/definitely/missing")
    entries = server.get("/__sim/requests?limit=5").json()["requests"]
    assert len(entries) <= 5
    missing = [e for e in entries if e["path"] == "/definitely/missing"]
    assert missing and missing[-1]["status"] == 404 and missing[-1]["code"] == "route_not_found"
    assert server.get("/__sim/requests?limit=0").status_code == 400


def test_cors_preflight_and_headers(server):
    r = requests.options(server.url("/sdk/digital/chat/v1/integrations/x/sessions"), headers={
        "Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,appkey,content-type"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "appkey" in r.headers["Access-Control-Allow-Headers"].lower()
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    r = server.get("/.well-known/jwks.json", headers={"Origin": "https://shop.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://shop.example"


def test_control_token_guards_the_control_plane():
    s = Server("--control-token", "s3cret", "--cors-origins", "https://allowed.example").start()
    try:
        assert s.get("/__sim/health").status_code == 401
        assert s.get("/__sim/health", headers={"Authorization": "Bearer wrong"}).json()["code"] == "control_plane_denied"
        assert s.get("/__sim/health", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        # the platform APIs do not need it
        assert s.get("/.well-known/jwks.json").status_code == 200
        # configured CORS origins only
        assert "Access-Control-Allow-Origin" not in s.get("/.well-known/jwks.json", headers={"Origin": "https://evil.example"}).headers
        assert s.get("/.well-known/jwks.json", headers={"Origin": "https://allowed.example"}).headers["Access-Control-Allow-Origin"]
    finally:
        assert s.stop() == 0


def test_dashboard_is_served_and_guarded(server):
    r = server.get("/")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "/__sim/events" in r.text and "<title>axpsim</title>" in r.text
    guarded = Server("--control-token", "t0k").start()
    try:
        login = guarded.get("/")
        assert login.status_code == 200 and 'data-testid="login-token"' in login.text and "/__sim/events" not in login.text
        console = guarded.get("/", headers={"Authorization": "Bearer t0k"})
        assert console.status_code == 200 and "/__sim/events" in console.text
    finally:
        assert guarded.stop() == 0
