"""SPEC section 3 "Browser needs" and section 8: `serve --tls` with a local CA (HTTPS on the
libmicrohttpd port, WSS on the libwebsockets port), `axpsim cert`, `--tls-cert/--tls-key`, and CORS
preflights over HTTPS."""
import asyncio
import datetime
import ipaddress
import os
import socket
import ssl
import stat
import subprocess
from urllib.parse import urlparse

import pytest
import requests
import websockets
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from harness import BIN, FIXTURES, RETAIL, Server

SDK_HEADERS = "authorization,appkey,content-type"


def axpsim_cert(*args, env=None):
    """Runs `axpsim cert ARGS` and returns its standard output."""
    done = subprocess.run([BIN, "cert", *args], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def trust(tls_dir, into):
    """Writes the CA that `axpsim cert --tls-dir tls_dir` prints to the file `into`."""
    into.write_text(axpsim_cert("--tls-dir", str(tls_dir)))
    return str(into)


def with_host(url, host):
    parsed = urlparse(url)
    return parsed._replace(netloc=f"{host}:{parsed.port}").geturl()


def served_certificate(url):
    """The leaf certificate the server at `url` presents (not verified)."""
    parsed = urlparse(url)
    pem = ssl.get_server_certificate((parsed.hostname, parsed.port), timeout=30)
    return x509.load_pem_x509_certificate(pem.encode())


async def echo(url, context, text="hello over wss"):
    async with websockets.connect(url + "/__sim/echo", subprotocols=["axpsim.echo"], ssl=context, open_timeout=30) as ws:
        assert ws.subprotocol == "axpsim.echo"
        await ws.send(text)
        return await asyncio.wait_for(ws.recv(), 10)


@pytest.fixture(scope="module")
def tls_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("tls")


@pytest.fixture(scope="module")
def ca_file(tls_dir, tmp_path_factory):
    return trust(tls_dir, tmp_path_factory.mktemp("trust") / "ca.pem")


@pytest.fixture(scope="module")
def server(tls_dir, ca_file):
    s = Server("--tls", "--tls-dir", str(tls_dir), verify=ca_file).start()
    yield s
    assert s.stop() == 0


# -- axpsim cert ---------------------------------------------------------------------------------


def test_cert_generates_a_ca_once_and_prints_it(tmp_path):
    tls_dir = tmp_path / "tls"
    first = axpsim_cert("--tls-dir", str(tls_dir))
    assert first.startswith("-----BEGIN CERTIFICATE-----") and first.rstrip().endswith("-----END CERTIFICATE-----")
    ca = x509.load_pem_x509_certificate(first.encode())
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    assert ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert ca.issuer == ca.subject
    assert (tls_dir / "ca.pem").read_text() == first
    key_file = tls_dir / "ca-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, "the CA key is private"
    assert key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert axpsim_cert("--tls-dir", str(tls_dir)) == first, "the CA is generated once"
    assert axpsim_cert("--tls-dir", str(tls_dir), "--path").strip() == str(tls_dir / "ca.pem")


def test_cert_folder_from_env_and_beside_the_database(tmp_path):
    env = dict(os.environ, AXPSIM_TLS_DIR=str(tmp_path / "from-env"))
    pem = axpsim_cert(env=env)
    assert (tmp_path / "from-env" / "ca.pem").read_text() == pem
    env.pop("AXPSIM_TLS_DIR")
    beside = axpsim_cert("--db", str(tmp_path / "data" / "state.sqlite"), env=env)
    assert (tmp_path / "data" / "tls" / "ca.pem").read_text() == beside
    assert beside != pem, "each folder has its own CA"


# -- serve --tls ---------------------------------------------------------------------------------


def test_ready_file_announces_https_and_wss(server):
    assert server.http.startswith("https://127.0.0.1:")
    assert server.ws.startswith("wss://127.0.0.1:")


def test_https_verifies_against_the_local_ca_by_ip_and_by_localhost(server, ca_file):
    for host in ("127.0.0.1", "localhost"):
        r = requests.get(with_host(server.http, host) + "/__sim/health", verify=ca_file, timeout=30)
        assert r.status_code == 200, r.text
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(server.url("/__sim/health"), timeout=30)  # not in the system's trust store
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.http.replace("https://", "http://") + "/__sim/health", timeout=10)


def test_back_end_api_over_https(server):
    token = server.access_token()
    minted = server.mint({"integrationId": RETAIL.integration_id, "customerId": "tls-user"}, token=token)
    assert minted.status_code == 201, minted.text
    assert minted.json()["jwtToken"].startswith("jwt.")


def test_served_leaf_is_what_a_browser_accepts(server, tls_dir):
    ca = x509.load_pem_x509_certificate((tls_dir / "ca.pem").read_bytes())
    for url in (server.http, server.ws.replace("wss://", "https://")):
        leaf = served_certificate(url)
        assert leaf.issuer == ca.subject
        ca.public_key().verify(leaf.signature, leaf.tbs_certificate_bytes, ec.ECDSA(leaf.signature_hash_algorithm))
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert names.get_values_for_type(x509.DNSName) == ["localhost"]
        assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
        assert ExtendedKeyUsageOID.SERVER_AUTH in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
        assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert leaf.not_valid_after_utc - leaf.not_valid_before_utc <= datetime.timedelta(days=397)
    assert stat.S_IMODE((tls_dir / "server-key.pem").stat().st_mode) == 0o600


def test_wss_echo_with_a_context_that_trusts_the_ca(server, ca_file):
    context = ssl.create_default_context(cafile=ca_file)
    assert asyncio.run(echo(server.ws, context)) == "hello over wss"
    assert asyncio.run(echo(with_host(server.ws, "localhost"), context, "by name")) == "by name"


def test_wss_refuses_a_client_that_does_not_trust_the_ca(server):
    with pytest.raises(ssl.SSLCertVerificationError):
        asyncio.run(echo(server.ws, ssl.create_default_context()))


def test_cors_preflight_over_https(server):
    origin = "https://shop.example"
    path = f"/api/digital/chat/v1/accounts/{RETAIL.account_id}/tokens"
    r = server.options(path, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": SDK_HEADERS})
    assert r.status_code in (200, 204), r.text
    assert r.headers["Access-Control-Allow-Origin"] == origin
    allowed = {h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "appkey", "content-type"} <= allowed
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    actual = server.get("/.well-known/jwks.json", headers={"Origin": origin})
    assert actual.status_code == 200
    assert actual.headers["Access-Control-Allow-Origin"] == origin


# -- persistence ---------------------------------------------------------------------------------


def test_restart_on_the_same_folder_reuses_the_ca_and_the_leaf(tmp_path):
    tls_dir = tmp_path / "tls"
    first = Server("--tls", "--tls-dir", str(tls_dir)).start()
    try:
        ca_pem = trust(tls_dir, tmp_path / "trusted.pem")
        first.verify = ca_pem
        assert first.get("/__sim/health").status_code == 200
        first_leaf = served_certificate(first.http)
    finally:
        assert first.stop() == 0
    second = Server("--tls", "--tls-dir", str(tls_dir), verify=ca_pem).start()
    try:
        assert axpsim_cert("--tls-dir", str(tls_dir)) == (tmp_path / "trusted.pem").read_text(), "same CA PEM"
        assert second.get("/__sim/health").status_code == 200, "the CA trusted before the restart still verifies"
        assert served_certificate(second.http).serial_number == first_leaf.serial_number, "a valid leaf is reused"
        context = ssl.create_default_context(cafile=ca_pem)
        assert asyncio.run(echo(second.ws, context)) == "hello over wss"
    finally:
        assert second.stop() == 0


def test_tls_dir_from_the_environment(tmp_path, monkeypatch):
    tls_dir = tmp_path / "env-tls"
    monkeypatch.setenv("AXPSIM_TLS_DIR", str(tls_dir))
    s = Server("--tls").start()
    try:
        s.verify = trust(tls_dir, tmp_path / "ca.pem")
        assert s.get("/__sim/health").status_code == 200
        assert (tls_dir / "server.pem").exists()
    finally:
        assert s.stop() == 0


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
def test_https_and_wss_on_ipv6_loopback(tmp_path):
    tls_dir = tmp_path / "tls"
    s = Server("--tls", "--tls-dir", str(tls_dir), "--host", "::1").start()
    try:
        assert s.http.startswith("https://[::1]:") and s.ws.startswith("wss://[::1]:")
        s.verify = trust(tls_dir, tmp_path / "ca.pem")
        assert s.get("/__sim/health").status_code == 200
        assert asyncio.run(echo(s.ws, ssl.create_default_context(cafile=s.verify))) == "hello over wss"
    finally:
        assert s.stop() == 0


def test_another_host_is_added_to_the_leaf_under_the_same_ca(tmp_path):
    tls_dir = tmp_path / "tls"
    ca_file = trust(tls_dir, tmp_path / "ca.pem")
    # 127.0.0.2 is loopback on Linux too, but not among the default names: the leaf is reissued for it.
    s = Server("--tls", "--tls-dir", str(tls_dir), "--host", "127.0.0.2", verify=ca_file).start()
    try:
        assert s.http.startswith("https://127.0.0.2:")
        assert s.get("/__sim/health").status_code == 200
        names = served_certificate(s.http).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert ipaddress.ip_address("127.0.0.2") in names.get_values_for_type(x509.IPAddress)
        assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    finally:
        assert s.stop() == 0
    assert axpsim_cert("--tls-dir", str(tls_dir)) == (tmp_path / "ca.pem").read_text(), "the CA stays"


# -- one's own certificate -----------------------------------------------------------------------


def make_own_certificate(folder, key_kind):
    """A CA and a leaf for 127.0.0.1/localhost made here with `cryptography`; returns
    (ca file, leaf file, key file)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-own-ca")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if key_kind == "rsa" else ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "own-leaf")])).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_file, leaf_file, key_file = folder / "own-ca.pem", folder / "own-leaf.pem", folder / "own-key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    leaf_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(ca_file), str(leaf_file), str(key_file), leaf


@pytest.mark.parametrize("key_kind", ["ec", "rsa"])
def test_own_certificate_and_key_are_served(tmp_path, key_kind):
    ca_file, leaf_file, key_file, leaf = make_own_certificate(tmp_path, key_kind)
    tls_dir = tmp_path / "unused-tls"
    s = Server("--tls-cert", leaf_file, "--tls-key", key_file, "--tls-dir", str(tls_dir), verify=ca_file).start()
    try:
        assert s.http.startswith("https://") and s.ws.startswith("wss://")
        assert s.get("/__sim/health").status_code == 200
        assert served_certificate(s.http).serial_number == leaf.serial_number
        assert served_certificate(s.ws.replace("wss://", "https://")).serial_number == leaf.serial_number
        assert asyncio.run(echo(s.ws, ssl.create_default_context(cafile=ca_file))) == "hello over wss"
        assert not tls_dir.exists(), "one's own certificate needs no local CA"
    finally:
        assert s.stop() == 0


def test_own_certificate_with_the_wrong_key_fails_to_start(tmp_path):
    _, leaf_file, _, _ = make_own_certificate(tmp_path, "ec")
    other = tmp_path / "other-key.pem"
    other.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    done = subprocess.run([BIN, "serve", "--http-port", "0", "--ws-port", "0", "--db", ":memory:", "--fixtures", str(FIXTURES),
                           "--tls-cert", leaf_file, "--tls-key", str(other)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "other-key.pem" in done.stderr


def test_tls_cert_without_key_is_a_usage_error(tmp_path):
    done = subprocess.run([BIN, "serve", "--tls-cert", str(tmp_path / "x.pem")], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "--tls-key" in done.stderr


def test_wait_checks_an_https_server_against_the_trusted_cas(server, ca_file):
    """`axpsim wait` over https: refused with the reason while axpsim's CA is not trusted, ready once it is."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AXPSIM_") and k != "SSL_CERT_FILE"}
    untrusted = subprocess.run([BIN, "wait", "--url", server.http, "--timeout", "1"], capture_output=True, text=True,
                               timeout=60, env=environment)
    assert untrusted.returncode == 1 and "TLS" in untrusted.stderr and "axpsim cert" in untrusted.stderr, untrusted.stderr
    trusted = subprocess.run([BIN, "wait", "--url", server.http, "--timeout", "10"], capture_output=True, text=True,
                             timeout=60, env=dict(environment, SSL_CERT_FILE=str(ca_file)))
    assert trusted.returncode == 0 and "is ready" in trusted.stdout, trusted.stderr
