"""SPEC section 8 and the reliability bar: restart, kill -9, SIGTERM, CLI, transport edge cases."""
import asyncio
import http.client
import json
import os
import random
import subprocess
from urllib.parse import urlparse

import jwt
import pytest
import requests
import websockets

from harness import BIN, FIXTURES, RETAIL, ROOT, Server


def test_state_survives_kill_9_and_restart(tmp_path):
    db = str(tmp_path / "state.sqlite")
    first = Server(db=db).start()
    kid = first.get("/.well-known/jwks.json").json()["keys"][0]["kid"]
    assert first.post("/__sim/accounts", json={"accountId": "KEEPME", "name": "kept"}).status_code == 201
    token = first.access_token()
    minted = first.mint({"integrationId": RETAIL.integration_id, "customerId": "durable"}, token=token)
    assert minted.status_code == 201
    assert first.post("/__sim/accounts/DEMOAA/clock", json={}).status_code == 405
    first.session_put("/__sim/accounts/DEMOBB/clock", {"mode": "virtual", "now": "2031-05-05T05:05:05Z"})
    assert first.kill9() == -9

    second = Server(db=db).start()
    try:
        assert second.get("/.well-known/jwks.json").json()["keys"][0]["kid"] == kid, "the signing key persists"
        assert second.get("/__sim/accounts/KEEPME").json()["name"] == "kept"
        assert [a["accountId"] for a in second.get("/__sim/accounts").json()["accounts"]] == ["DEMOAA", "DEMOBB", "KEEPME"]
        assert len(second.get("/__sim/accounts/DEMOAA/integrations").json()["integrations"]) == 3, "fixtures load idempotently"
        assert len(second.get("/__sim/accounts/DEMOAA/queues").json()["queues"]) == 5
        assert [c["customerId"] for c in second.get("/__sim/accounts/DEMOAA/customers").json()["customers"]] == ["durable"]
        assert second.get("/__sim/accounts/DEMOBB/clock").json() == {"mode": "virtual", "now": "2031-05-05T05:05:05.000Z"}
        # the access token granted before the crash still works
        assert second.mint({"integrationId": RETAIL.integration_id, "customerId": "again"}, token=token).status_code == 201
        jwks = second.get("/.well-known/jwks.json").json()
        compact = minted.json()["jwtToken"][4:]
        key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwks["keys"][0]))
        assert jwt.decode(compact, key, algorithms=["RS256"], audience="chat-sdk")["customerId"] == "durable"
    finally:
        assert second.stop() == 0


def test_sigterm_checkpoints_and_exits_0(tmp_path):
    s = Server(db=str(tmp_path / "s.sqlite")).start()
    session = requests.Session()
    assert session.get(s.url("/__sim/health")).status_code == 200
    assert s.post("/__sim/accounts", json={"accountId": "WALWAL"}).status_code == 201
    assert s.stop() == 0
    wal = tmp_path / "s.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0, "a graceful stop checkpoints the WAL"
    with pytest.raises(requests.ConnectionError):
        requests.get(s.url("/__sim/health"), timeout=5)


def test_keep_alive_serves_many_requests_on_one_connection(server):
    parsed = urlparse(server.http)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    for _ in range(20):
        connection.request("GET", "/__sim/health")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert response.getheader("Connection", "").lower() != "close"
    body = json.dumps({"integrationId": RETAIL.integration_id, "customerId": "k"})
    token = server.access_token()
    for _ in range(5):
        connection.request("POST", "/api/digital/chat/v1/accounts/DEMOAA/tokens", body=body,
                           headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}", "appkey": RETAIL.app_key})
        response = connection.getresponse()
        response.read()
        assert response.status == 201
    connection.close()


def test_chunked_body_is_reassembled(server):
    token = server.access_token()
    payload = json.dumps({"integrationId": RETAIL.integration_id, "customerId": "chunky", "customerName": "C" * 60}).encode()

    def chunks():
        for i in range(0, len(payload), 7):
            yield payload[i:i + 7]

    r = requests.post(server.url("/api/digital/chat/v1/accounts/DEMOAA/tokens"), data=chunks(), timeout=10,
                      headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}", "appkey": RETAIL.app_key})
    assert r.status_code == 201, r.text


def test_oversize_bodies_get_413(server):
    big = b"{" + b" " * (2 << 20) + b"}"
    r = requests.post(server.url("/__sim/accounts"), data=big, headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"

    def chunks():
        for _ in range(40):
            yield b" " * 65536

    r = requests.post(server.url("/__sim/accounts"), data=chunks(), headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413
    assert server.get("/__sim/health").status_code == 200


ROUTES = [
    ("POST", "/api/digital/chat/v1/accounts/DEMOAA/tokens"),
    ("POST", "/auth/realms/DEMOAA/protocol/openid-connect/token"),
    ("POST", "/api/auth/v1/DEMOAA/protocol/openid-connect/token"),
    ("POST", "/__sim/accounts"),
    ("PATCH", "/__sim/accounts/DEMOAA"),
    ("POST", "/__sim/accounts/DEMOAA/clients"),
    ("POST", "/__sim/accounts/DEMOAA/appkeys"),
    ("POST", "/__sim/accounts/DEMOAA/integrations"),
    ("PATCH", f"/__sim/accounts/DEMOAA/integrations/{RETAIL.integration_id}"),
    ("PUT", "/__sim/accounts/DEMOAA/clock"),
    ("POST", "/__sim/accounts/DEMOAA/clock/advance"),
    ("GET", "/__sim/requests?limit=abc"),
]


def test_malformed_input_never_gets_a_5xx(server):
    rng = random.Random(1234)
    token = server.access_token()
    bodies = [b"", b"null", b"[]", b"\"s\"", b"{", b"{\"a\":", b"\xff\xfe\x00", b"{\"name\": {\"x\": [1, 2, {}]}}",
              b"{\"integrationId\": null, \"customerId\": null}", b"{\"accountId\": 123456}", b"{\"seconds\": -1}",
              b"{\"seconds\": 1e309}", b"{\"mode\": null}", b"{\"name\": \"\\ud800\"}", b"grant_type=%ZZ&client_id=%",
              b"{\"customerIdentifiers\": {\"a\": [[]]}}", b"{\"ttl\": 99999999999999999999}"]
    bodies += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))) for _ in range(30)]
    content_types = ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "application/json; charset=utf-8"]
    for method, path in ROUTES:
        for body in bodies:
            headers = {"Content-Type": rng.choice(content_types), "Authorization": f"Bearer {token}", "appkey": RETAIL.app_key}
            r = requests.request(method, server.url(path), data=body, headers=headers, timeout=10)
            assert r.status_code < 500, (method, path, body, r.status_code, r.text)
    # weird paths and methods
    for method, path in [("GET", "/%00"), ("DELETE", "/"), ("PUT", "/api/digital/chat/v1/accounts//tokens"), ("GET", "/" + "a/" * 200),
                         ("BREW", "/__sim/health"), ("GET", "/__sim/accounts/" + "x" * 5000)]:
        r = requests.request(method, server.url(path), timeout=10)
        assert r.status_code < 500, (method, path, r.status_code)
    assert server.get("/__sim/health").status_code == 200


def test_websocket_echo_and_unknown_path():
    s = Server().start()

    async def scenario():
        async with websockets.connect(s.ws + "/__sim/echo", subprotocols=["axpsim.echo"]) as ws:
            assert ws.subprotocol == "axpsim.echo"
            for text in ["hello", "é" * 3000, json.dumps({"n": list(range(2000))})]:
                await ws.send(text)
                assert await ws.recv() == text
        async with websockets.connect(s.ws + "/nowhere") as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd.code == 4404
        ws = await websockets.connect(s.ws + "/__sim/echo")
        await ws.send("still here")
        assert await ws.recv() == "still here"
        return ws

    loop = asyncio.new_event_loop()
    try:
        ws = loop.run_until_complete(scenario())
        assert s.get("/__sim/health").json()["parts"]["websocket"]["connections"] == 1
        assert s.stop() == 0

        async def closed_with_1001():
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            return closed.value.rcvd.code

        assert loop.run_until_complete(closed_with_1001()) == 1001
    finally:
        loop.close()
        s.stop()


def run_cli(*args, cwd=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_cli_version_and_help():
    r = run_cli("version")
    assert r.returncode == 0 and r.stdout.startswith("axpsim ")
    assert "serve" in run_cli("--help").stdout


def test_cli_token_mints_offline_with_the_servers_key(tmp_path):
    db = str(tmp_path / "s.sqlite")
    r = run_cli("token", "--account", "DEMOAA", "--integration", RETAIL.integration_id, "--customer", "offline",
                "--ttl-seconds", "600", "--db", db, "--fixtures", str(FIXTURES))
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert token.startswith("jwt.")
    s = Server(db=db).start()
    try:
        jwks = s.get("/.well-known/jwks.json").json()
        key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwks["keys"][0]))
        claims = jwt.decode(token[4:], key, algorithms=["RS256"], audience="chat-sdk")
        assert claims["customerId"] == "offline" and claims["exp"] - claims["iat"] == 600
    finally:
        s.stop()
    bad = run_cli("token", "--account", "DEMOAA", "--integration", "nope", "--customer", "c", "--db", db, "--fixtures", str(FIXTURES))
    assert bad.returncode == 1 and "integrationId" in bad.stderr


def test_cli_validate_reports_file_line_and_hint(tmp_path):
    ok = run_cli("validate", str(FIXTURES))
    assert ok.returncode == 0 and "2 account(s)" in ok.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "accounts:\n"
        "  - accountId: AB12\n"
        "  - accountId: GOODAA\n"
        "    integratons: []\n"
        "    integrations:\n"
        "      - integrationId: not-a-uuid\n"
        "        name: x\n"
        "      - integrationId: 6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a99\n"
        "        name: y\n"
        "        minTtlMinutes: 30\n"
        "        maxTtlMinutes: 20\n"
        "        defaultTtlMinutes: soon\n")
    r = run_cli("validate", str(broken))
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert any(l.startswith(f"{broken}:2:") and "6 ASCII letters" in l for l in lines), r.stderr
    assert any(l.startswith(f"{broken}:4:") and "did you mean 'integrations'" in l for l in lines), r.stderr
    assert any(l.startswith(f"{broken}:6:") and "UUID" in l for l in lines), r.stderr
    assert any(l.startswith(f"{broken}:12:") and "integer" in l for l in lines), r.stderr
    assert any("minTtlMinutes" in l for l in lines), r.stderr
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("accounts:\n  - accountId: [unclosed\n")
    r = run_cli("validate", str(syntax))
    assert r.returncode == 1 and f"{syntax}:" in r.stderr and "syntax" in r.stderr


def test_serve_refuses_invalid_fixtures_with_diagnostics(tmp_path):
    (tmp_path / "bad.yaml").write_text("accounts:\n  - accountId: X\n")
    r = subprocess.run([BIN, "serve", "--http-port", "0", "--ws-port", "0", "--db", ":memory:", "--fixtures", str(tmp_path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "bad.yaml:2:" in r.stderr
