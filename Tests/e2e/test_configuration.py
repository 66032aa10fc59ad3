"""`axpsim serve` configured from AXPSIM_* variables (flags win, --print-config says where each value
came from, typos are reported) and `axpsim wait` for CI scripts."""
import os
import subprocess
import time

from harness import BIN, FIXTURES, Server


def run(*args, env=None, timeout=60):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AXPSIM_")}
    environment.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, env=environment)


def test_print_config_shows_each_value_and_its_source():
    r = run("serve", "--print-config", "--ws-port", "0", "--clock", "virtual",
            env={"AXPSIM_HTTP_PORT": "9999", "AXPSIM_CLOCK": "real", "AXPSIM_LONG_POLL_HOLD": "5", "AXPSIM_CLCOK": "x"})
    assert r.returncode == 0, r.stderr
    lines = {line.split()[0]: line for line in r.stdout.splitlines() if line.startswith("--")}
    assert "9999" in lines["--http-port"] and "[environment (AXPSIM_HTTP_PORT)]" in lines["--http-port"]
    assert "virtual" in lines["--clock"] and lines["--clock"].endswith("[flag]"), "flags win over the environment"
    assert "5" in lines["--long-poll-hold"] and "AXPSIM_LONG_POLL_HOLD" in lines["--long-poll-hold"]
    assert lines["--host"].endswith("[default]")
    assert "unknown environment variable AXPSIM_CLCOK" in r.stdout


def test_a_bad_environment_value_stops_the_server_with_its_name():
    r = run("serve", "--db", ":memory:", "--fixtures", str(FIXTURES), env={"AXPSIM_HTTP_THREADS": "lots"})
    assert r.returncode != 0
    assert "AXPSIM_HTTP_THREADS=lots" in r.stderr and "--http-threads" in r.stderr


def test_the_environment_configures_a_running_server_and_a_typo_is_logged(tmp_path):
    ready = tmp_path / "ready.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AXPSIM_")}
    environment.update({"AXPSIM_HTTP_PORT": "0", "AXPSIM_WS_PORT": "0", "AXPSIM_DB": ":memory:", "AXPSIM_FIXTURES": str(FIXTURES),
                        "AXPSIM_READY_FILE": str(ready), "AXPSIM_CONTROL_TOKEN": "s3cret", "AXPSIM_RETENTOIN": "60"})
    log = tmp_path / "log.txt"
    with open(log, "wb") as out:
        process = subprocess.Popen([BIN, "serve"], stdout=out, stderr=subprocess.STDOUT, env=environment)
    try:
        waited = run("wait", "--ready-file", str(ready), "--timeout", "30", env={"AXPSIM_CONTROL_TOKEN": "s3cret"})
        assert waited.returncode == 0, waited.stderr
        assert "is ready" in waited.stdout
        without = run("wait", "--ready-file", str(ready), "--timeout", "1")
        assert without.returncode == 1 and "401" in without.stderr, "the control token is needed, and the reason says so"
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert "unknown environment variable AXPSIM_RETENTOIN" in log.read_text()


def test_wait_fails_with_the_reason_when_nothing_answers(tmp_path):
    started = time.monotonic()
    r = run("wait", "--ready-file", str(tmp_path / "never.json"), "--timeout", "0.5")
    assert r.returncode == 1 and "does not exist yet" in r.stderr
    assert time.monotonic() - started < 20
    r = run("wait", "--url", "ftp://example.com")
    assert r.returncode != 0 and "--url must be an http or https URL" in r.stderr
    server = Server().start()
    try:
        r = run("wait", "--url", server.http, "--timeout", "10")
        assert r.returncode == 0, r.stderr
    finally:
        server.stop()
