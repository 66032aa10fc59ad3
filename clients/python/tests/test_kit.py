"""The kit against the real binary: the session's server (`axpsim` fixture), an account per test."""
import os
import re
from pathlib import Path

import pytest

from axpsim import RETAIL, AxpsimClient, AxpsimError, start_axpsim

ROOT = Path(__file__).resolve().parents[3]


def test_server_on_free_loopback_ports(axpsim):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", axpsim.http_url)
    assert re.fullmatch(r"ws://127\.0\.0\.1:\d+", axpsim.server.ws_url)
    assert axpsim.health()["status"] == "ok"


def test_back_end_access_token_and_chat_jwt_of_a_fixture_account(axpsim):
    token = axpsim.access_token(RETAIL)
    minted = axpsim.mint_chat_jwt(RETAIL, "c1", customer_name="C One", ttl_seconds=1800, access_token=token)
    assert minted["jwtToken"].startswith("jwt.")
    assert minted["expiresAt"]


def test_more_generate_jwt_token_fields_go_as_given(axpsim):
    verified = axpsim.mint_chat_jwt(RETAIL, "c2", ttl=30, verifiedCustomer=True,
                                    customerIdentifiers={"emailAddresses": ["c2@example.com"]})
    assert verified["jwtToken"].startswith("jwt.")
    with pytest.raises(AxpsimError) as refused:
        axpsim.mint_chat_jwt(RETAIL, "c2", ttl=100000)   # minutes: beyond the integration's range
    assert refused.value.status == 400


def test_accounts_are_isolated(axpsim, axpsim_account):
    other = axpsim.provision_tenant(name="other", integration={"name": "sales", "defaultTtlMinutes": 30})
    assert other.account_id != axpsim_account.account_id
    mixed = other.__class__(other.account_id, axpsim_account.client_id, axpsim_account.client_secret,
                            other.app_key, other.integration_id)
    with pytest.raises(AxpsimError) as refused:
        axpsim.access_token(mixed)
    assert refused.value.status >= 400
    axpsim.mint_chat_jwt(other, "x")


def test_agents_join_type_say_leave_end(axpsim, axpsim_account):
    ann = axpsim.customer(axpsim_account, "ann")
    ann.start_session("Ann")
    chat = ann.start_chat()
    alice = axpsim.agent_join(chat.engagement_id, "Alice")
    assert alice["participantType"] == "AGENT"
    axpsim.agent_typing(chat.engagement_id)
    axpsim.agent_say(chat.engagement_id, "Hello", participant_id=alice["participantId"])
    axpsim.agent_leave(chat.engagement_id)
    axpsim.agent_join(chat.engagement_id, "Bob", participant_type="SUPERVISOR")
    axpsim.end_chat(chat.engagement_id, reason="AGENT_CLOSED")

    types = [e["eventType"] for e in ann.poll()]
    assert "MESSAGE" in types and "PARTICIPANT_DISCONNECTED" in types
    typing = axpsim.wait_for_event(lambda e: e["eventType"] == "TYPING", account_id=axpsim_account.account_id,
                                   timeout=2)
    assert typing["event"]["participant"]["displayName"] == "Alice"
    assert axpsim.engagement(chat.engagement_id)["dialogs"][0]["dialogStatus"] == "TERMINATED"
    assert [m["body"]["elementText"]["text"] for m in axpsim.messages(chat.engagement_id)] == ["Hello"]
    assert [e["engagementId"] for e in axpsim.engagements(axpsim_account.account_id, customer_id="ann")
            ["engagements"]] == [chat.engagement_id]
    assert axpsim.engagements(axpsim_account.account_id, customer_id="nobody")["engagements"] == []


def test_wait_for_event_long_polls_for_a_later_event(axpsim, axpsim_account):
    import threading

    ann = axpsim.customer(axpsim_account, "ann")
    ann.start_session()
    chat = ann.start_chat()
    since = axpsim.events(axpsim_account.account_id)["lastId"]
    found = {}

    def wait():
        found["entry"] = axpsim.wait_for_event(
            lambda e: e["eventType"] == "MESSAGE" and e["event"]["message"]["body"]["elementText"]["text"] == "later",
            account_id=axpsim_account.account_id, since_id=since)

    waiter = threading.Thread(target=wait)
    waiter.start()
    other = AxpsimClient(axpsim.http_url)   # requests sessions are not shared across threads
    other.agent_join(chat.engagement_id)
    other.agent_say(chat.engagement_id, "later")
    waiter.join(timeout=15)
    assert found["entry"]["engagementId"] == chat.engagement_id and found["entry"]["id"] > since


def test_wait_for_event_gives_up(axpsim, axpsim_account):
    with pytest.raises(TimeoutError):
        axpsim.wait_for_event(lambda e: True, account_id=axpsim_account.account_id, timeout=1.2)


def test_clock_moves_only_on_advance(axpsim, axpsim_account):
    a = axpsim_account.account_id
    assert axpsim.freeze_clock(a, now="2030-01-01T09:00:00.000Z") == {"mode": "virtual",
                                                                      "now": "2030-01-01T09:00:00.000Z"}
    assert axpsim.advance_clock(a, 90)["now"] == "2030-01-01T09:01:30.000Z"
    assert axpsim.clock(a)["now"] == "2030-01-01T09:01:30.000Z"
    assert axpsim.real_clock(a)["mode"] == "real"
    with pytest.raises(AxpsimError) as refused:
        axpsim.advance_clock(a, 1)
    assert refused.value.status == 409


def test_headless_scenario_on_a_virtual_clock(axpsim, axpsim_account):
    axpsim.freeze_clock(axpsim_account.account_id)
    run = axpsim.run_scenario("happy-path", integration_id=axpsim_account.integration_id)
    assert run["status"] == "running"
    axpsim.advance_clock(axpsim_account.account_id, 10 * 60)
    assert axpsim.wait_for_run(run["runId"], timeout=5)["status"] == "passed"
    assert axpsim.wait_for_run(run["childRunId"], status="passed", timeout=5)["scenario"] == "happy-path"


def test_faults_until_cleared(axpsim, axpsim_account):
    token = axpsim.access_token(axpsim_account)
    axpsim.set_faults([{"match": {"path": f"/api/digital/chat/v1/accounts/{axpsim_account.account_id}/tokens"},
                        "action": {"status": 503}, "probability": 1}])
    try:
        assert len(axpsim.faults()["rules"]) == 1
        with pytest.raises(AxpsimError) as failed:
            axpsim.mint_chat_jwt(axpsim_account, "f", access_token=token)
        assert failed.value.status == 503
    finally:
        axpsim.clear_faults()
    axpsim.mint_chat_jwt(axpsim_account, "f", access_token=token)


def test_errors_carry_status_and_problem(axpsim):
    with pytest.raises(AxpsimError) as missing:
        axpsim.engagement("00000000-0000-0000-0000-000000000000")
    assert missing.value.status == 404 and isinstance(missing.value.body, dict)


def test_start_and_stop_a_second_server():
    with start_axpsim(fixtures=str(ROOT / "fixtures")) as other:
        assert AxpsimClient(other.http_url).health()["status"] == "ok"
    assert other.stop() == 0
    assert not os.path.exists(f"/proc/{other.pid}") or open(f"/proc/{other.pid}/stat").read().split()[2] == "Z"
    assert not other.workdir.exists()


def test_the_output_outlives_stop():
    server = start_axpsim(fixtures=str(ROOT / "fixtures"), log_level="info")
    assert server.stop() == 0
    assert "ready" in server.output and "stopped" in server.output, server.output


def test_control_token_is_sent_and_required():
    with start_axpsim(fixtures=str(ROOT / "fixtures"), args=["--control-token", "kit-secret"]) as guarded:
        assert len(guarded.client(control_token="kit-secret").provision_tenant().account_id) == 6
        with pytest.raises(AxpsimError) as refused:
            guarded.client().provision_tenant()
        assert refused.value.status == 401
    assert guarded.stop() == 0


@pytest.mark.filterwarnings("ignore:Unverified HTTPS request")
def test_a_server_with_its_own_certificate(tmp_path):
    import requests

    with start_axpsim(fixtures=str(ROOT / "fixtures"), args=["--tls", "--tls-dir", str(tmp_path)]) as tls:
        assert tls.http_url.startswith("https://")
        with pytest.raises(requests.exceptions.SSLError):
            tls.client(verify=True).health()
        assert tls.client(verify=False).health()["status"] == "ok"
        assert AxpsimClient(tls.http_url, verify=False).access_token(RETAIL)
    assert tls.stop() == 0


def test_a_ready_file_of_another_process_is_refused(tmp_path):
    fake = tmp_path / "axpsim"
    fake.write_text('#!/bin/sh\nwhile [ "$1" != --ready-file ]; do shift; done\n'
                    'echo \'{"pid": 1, "httpUrl": "http://127.0.0.1:1", "wsUrl": "ws://127.0.0.1:1"}\' > "$2"\n'
                    'exec sleep 30\n')
    fake.chmod(0o755)
    with pytest.raises(RuntimeError, match="pid 1"):
        start_axpsim(bin=str(fake), timeout=10)


def test_a_binary_that_fails_is_reported():
    with pytest.raises(RuntimeError, match="exited"):
        start_axpsim(args=["--no-such-option"], timeout=10)
    with pytest.raises(OSError):
        start_axpsim(bin="/nonexistent/axpsim", timeout=2)


def test_a_forgotten_stop_leaves_no_server_behind():
    import subprocess
    import sys
    import time

    script = ("import sys; sys.path.insert(0, sys.argv[1]); from axpsim import start_axpsim; "
              "print(start_axpsim().pid)")
    kit = str(Path(__file__).resolve().parents[1])
    pid = int(subprocess.run([sys.executable, "-c", script, kit], capture_output=True, text=True, timeout=30,
                             check=True).stdout.strip())

    def alive():
        try:
            return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 5   # bounded wait for the kernel to finish the kill
    while alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive()


def test_routing_queues_and_agents(axpsim, axpsim_account):
    account = axpsim_account.account_id
    axpsim.create_queue(account, {"queueId": "help", "answerDelaySeconds": 10, "greeting": "{agent} here.",
                                  "agents": [{"agentId": "zoe", "displayName": "Zoe", "state": "away"}]})
    axpsim.request("PATCH", f"/__sim/accounts/{account}/integrations/{axpsim_account.integration_id}",
                   json={"routing": {"defaultQueue": "help"}})
    assert [q["queueId"] for q in axpsim.queues(account)] == ["help"]
    axpsim.freeze_clock(account, "2030-01-01T09:00:00Z")
    ann = axpsim.customer(axpsim_account, "ann")
    ann.start_session()
    chat = ann.start_chat()
    assert axpsim.routing(chat.engagement_id)["queue"] == "help"
    assert [w["engagementId"] for w in axpsim.queue(account, "help")["waiting"]] == [chat.engagement_id]
    assert axpsim.set_agent_state(account, "help", "zoe", "available")["state"] == "available"
    axpsim.advance_clock(account, 10)
    texts = [e["message"]["body"]["elementText"]["text"] for e in ann.poll() if e["eventType"] == "MESSAGE"]
    assert texts == ["Zoe here."]
    assert axpsim.queue(account, "help")["agents"][0]["load"] == 1
