"""SPEC 6.1: who may use the control plane. Every path spelling, browser origin and host that must
not reach it is tried against the real binary over raw HTTP (http.client sends the path exactly as
written; `requests` would normalise some spellings away)."""
import http.client
import json
import subprocess
import urllib.parse

import pytest
import requests

from harness import BIN, FIXTURES, RETAIL, Server

TOKEN = "s3cret-control-token"


@pytest.fixture(scope="module")
def guarded():
    s = Server("--control-token", TOKEN).start()
    yield s
    assert s.stop() == 0


def raw(server, method, path, headers=None, body=None):
    """Sends `path` byte for byte; returns (status, headers, parsed body or text)."""
    parsed = urllib.parse.urlsplit(server.http)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    connection.putrequest(method, path, skip_host=bool(headers and "Host" in headers), skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    data = body.encode() if isinstance(body, str) else body
    if data is not None:
        connection.putheader("Content-Length", str(len(data)))
    connection.endheaders(data)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    try:
        parsed_body = json.loads(text)
    except ValueError:
        parsed_body = text
    return response.status, {k.lower(): v for k, v in response.getheaders()}, parsed_body


SPELLINGS = [
    "//__sim/accounts/DEMOAA",
    "///__sim/accounts/DEMOAA",
    "/%2F__sim/accounts/DEMOAA",
    "/%2f__sim/accounts/DEMOAA",
    "/__sim//accounts/DEMOAA",
    "/__sim/accounts/DEMOAA/",
    "/x/../__sim/accounts/DEMOAA",
    "/./__sim/accounts/DEMOAA",
    "/%2E/__sim/accounts/DEMOAA",
    "/%2e%2e/__sim/accounts/DEMOAA",
    "/%5F_sim/accounts/DEMOAA",
    "/_%5Fsim/accounts/DEMOAA",
    "/__sim/accounts/DEMO%41A",
    "/__sim%2Faccounts/DEMOAA",
    "/__sim%5Caccounts/DEMOAA",
    "/__sim\\accounts/DEMOAA",
    "/__sim/accounts/DEMOAA%",
    "/__sim/accounts/DEMOAA%zz",
    "/__sim/accounts/DEMOAA%00",
]


@pytest.mark.parametrize("path", SPELLINGS)
def test_no_path_spelling_bypasses_the_control_token(guarded, path):
    status, _, body = raw(guarded, "GET", path)
    assert status == 400, (path, status, body)
    assert body["code"] == "non_canonical_path"
    assert "retail-backend-secret" not in json.dumps(body)


@pytest.mark.parametrize("path", ["//__sim/reset", "///__sim/reset", "/%2F__sim/reset", "/__sim//reset"])
def test_no_path_spelling_resets_without_the_token(guarded, path):
    before = guarded.post("/__sim/accounts", json={"name": "kept"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert before.status_code == 201
    status, _, _ = raw(guarded, "POST", path)
    assert status == 400
    kept = guarded.get(f"/__sim/accounts/{before.json()['accountId']}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert kept.status_code == 200


def test_canonical_control_paths_need_the_token(guarded):
    assert raw(guarded, "GET", "/__sim/accounts/DEMOAA")[0] == 401
    assert raw(guarded, "GET", "/__sim/no-such-route")[0] == 401, "unknown control paths are guarded too"
    status, _, body = raw(guarded, "GET", "/__sim/accounts/DEMOAA", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and body["accountId"] == "DEMOAA"


@pytest.mark.parametrize("credential", ["Bearer ", "Bearer  ", "Bearer \t", "Bearer", "bearer x" + TOKEN, f"Bearer {TOKEN}x",
                                        f"Basic {TOKEN}"])
def test_whitespace_or_near_miss_tokens_are_refused(guarded, credential):
    status, _, body = raw(guarded, "GET", "/__sim/accounts/DEMOAA", {"Authorization": credential})
    assert status == 401, (credential, body)


def test_platform_paths_with_odd_spellings_are_refused_too(guarded):
    status, _, body = raw(guarded, "GET", "//.well-known/jwks.json")
    assert status == 400 and body["code"] == "non_canonical_path"
    status, _, _ = raw(guarded, "GET", "/.well-known/jwks.json")
    assert status == 200


def test_query_values_are_still_decoded(server):
    status, _, body = raw(server, "GET", "/__sim/requests?limit=%32")
    assert status == 200 and len(body["requests"]) <= 2


@pytest.mark.parametrize("empty", ["", " ", "\t"])
def test_an_empty_control_token_is_a_start_up_error(tmp_path, empty):
    flag = subprocess.run([BIN, "serve", "--db", ":memory:", "--fixtures", str(FIXTURES), "--http-port", "0", "--ws-port", "0",
                           "--control-token", empty], capture_output=True, text=True, timeout=60)
    assert flag.returncode != 0 and "control token must not be empty" in flag.stderr
    env = {"AXPSIM_CONTROL_TOKEN": empty, "PATH": "/usr/bin:/bin"}
    variable = subprocess.run([BIN, "serve", "--db", ":memory:", "--fixtures", str(FIXTURES), "--http-port", "0", "--ws-port", "0"],
                              capture_output=True, text=True, timeout=60, env=env)
    assert variable.returncode != 0 and "control token must not be empty" in variable.stderr


def test_an_out_of_range_port_is_a_usage_error():
    result = subprocess.run([BIN, "serve", "--db", ":memory:", "--ws-port", "70000"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 64, result
    assert "ws-port" in result.stderr


# -- browsers: CORS, origins, forms, DNS rebinding ------------------------------------------------------

EVIL = "http://evil.example"


def test_control_plane_sends_no_cors_and_refuses_other_origins(server):
    r = server.get("/__sim/accounts/DEMOAA", headers={"Origin": EVIL})
    assert r.status_code == 403 and r.json()["code"] == "cross_origin_denied"
    assert "access-control-allow-origin" not in {k.lower() for k in r.headers}
    pre = server.options("/__sim/reset", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403
    assert "access-control-allow-origin" not in {k.lower() for k in pre.headers}
    # The server's own origin is fine (the console's own fetches).
    own = server.get("/__sim/accounts/DEMOAA", headers={"Origin": server.http})
    assert own.status_code == 200 and "access-control-allow-origin" not in {k.lower() for k in own.headers}


def test_cross_site_form_posts_cannot_reset_or_rotate(server):
    created = server.post("/__sim/accounts", json={"name": "survivor"})
    assert created.status_code == 201
    for path in ["/__sim/reset", "/__sim/keys/rotate", "/__sim/accounts/DEMOAA/reset"]:
        for headers in [{"Origin": EVIL, "Content-Type": "application/x-www-form-urlencoded"},
                        {"Origin": "null", "Content-Type": "text/plain"},
                        {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}]:
            r = server.post(path, headers=headers, data="a=b")
            assert r.status_code == 403, (path, headers, r.text)
    assert server.get(f"/__sim/accounts/{created.json()['accountId']}").status_code == 200
    keys = server.get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1, "no key was rotated"


def test_dns_rebinding_host_is_refused_without_a_token(server):
    status, _, body = raw(server, "GET", "/__sim/accounts/DEMOAA", {"Host": "evil.example:80"})
    assert status == 403 and body["code"] == "cross_origin_denied"
    status, _, _ = raw(server, "GET", "/", {"Host": "rebind.evil.example"})
    assert status == 403
    for host in ["localhost", f"localhost:{urllib.parse.urlsplit(server.http).port}", "127.0.0.1", "127.0.0.2:1", "[::1]:8080",
                 "app.localhost"]:
        assert raw(server, "GET", "/__sim/health", {"Host": host})[0] == 200, host


def test_sdk_apis_keep_their_cors(server):
    pre = server.options(f"/sdk/digital/chat/v1/integrations/{RETAIL.integration_id}/sessions",
                         headers={"Origin": EVIL, "Access-Control-Request-Method": "POST",
                                  "Access-Control-Request-Headers": "authorization, appkey, content-type"})
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == EVIL
    jwks = server.get("/.well-known/jwks.json", headers={"Origin": EVIL})
    assert jwks.headers["Access-Control-Allow-Origin"] == EVIL


def test_a_top_level_navigation_from_another_site_may_open_the_console(server):
    r = server.get("/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert r.status_code == 200 and "<html" in r.text


# -- the console's login (token mode) ----------------------------------------------------------------


def test_console_login_sets_a_strict_http_only_cookie(guarded):
    page = guarded.get("/")
    assert page.status_code == 200 and 'data-testid="login-token"' in page.text and 'data-testid="login-submit"' in page.text
    assert "axpsim console" in page.text and "Live events" not in page.text
    wrong = guarded.post("/__sim/login", data={"token": "nope"}, allow_redirects=False)
    assert wrong.status_code == 401 and "not the control token" in wrong.text and "set-cookie" not in {k.lower() for k in wrong.headers}
    browser = requests.Session()
    ok = browser.post(guarded.url("/__sim/login"), data={"token": TOKEN}, allow_redirects=False)
    assert ok.status_code == 303 and ok.headers["Location"] == "/"
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert browser.get(guarded.url("/__sim/accounts/DEMOAA")).status_code == 200
    console = browser.get(guarded.url("/"))
    assert console.status_code == 200 and "Live events" in console.text
    # The cookie does not help a page of another origin.
    assert browser.post(guarded.url("/__sim/reset"), headers={"Origin": EVIL}).status_code == 403
    # Logout ends it.
    assert browser.post(guarded.url("/__sim/logout"), allow_redirects=False).status_code == 303
    assert browser.get(guarded.url("/__sim/accounts/DEMOAA")).status_code == 401


def test_login_from_another_origin_is_refused(guarded):
    r = guarded.post("/__sim/login", data={"token": TOKEN}, headers={"Origin": EVIL}, allow_redirects=False)
    assert r.status_code == 403 and "set-cookie" not in {k.lower() for k in r.headers}


def test_a_forged_cookie_is_refused(guarded):
    r = guarded.get("/__sim/accounts/DEMOAA", cookies={"axpsim_console": "0" * 64})
    assert r.status_code == 401


# -- item 5: the chat JWT's literal prefix --------------------------------------------------------------


def test_a_chat_jwt_without_its_jwt_prefix_is_refused(fresh):
    from chat import Customer
    ann = Customer(fresh, "prefix-ann")
    ann.start_session()
    bare = ann.jwt[len("jwt."):]
    r = ann.call("GET", f"/sessions/{ann.session_id}", jwt=bare)
    assert r.status_code == 401 and r.json()["code"] == "token_missing_prefix"
    assert ann.call("GET", f"/sessions/{ann.session_id}").status_code == 200


def test_control_answers_are_never_cached_or_sniffed(server):
    r = server.get("/__sim/accounts/DEMOAA")
    assert r.headers["Cache-Control"] == "no-store" and r.headers["X-Content-Type-Options"] == "nosniff"
    assert server.get("/").headers["Cache-Control"] == "no-store"
    assert server.get("/.well-known/jwks.json").headers["X-Content-Type-Options"] == "nosniff"
