"""schemathesis against the real binary: every documented operation, stateful phase on, no server
error and no answer that departs from the OpenAPI document (see fuzz_api.py for what is excluded
and why, and schemathesis_hooks.py for the credentials and ids it is given)."""
import json

import pytest

import fuzz_api

# ≥ 2,000 cases in well under 4 minutes of a debug build on 2 cores (about 3,000 in ~40 s here).
MAX_EXAMPLES = 15
MIN_CASES = 2000


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    server = fuzz_api.start_server(tmp_path_factory.mktemp("fuzz-server"))
    yield server
    assert server.stop() == 0


def test_schemathesis_finds_no_server_error_and_no_nonconforming_answer(fuzz_server, tmp_path):
    summary = fuzz_api.run(fuzz_server.http, fuzz_api.CONTROL_TOKEN, MAX_EXAMPLES, seed=20261129, workdir=tmp_path)
    log = open(summary["log"]).read()
    assert summary.get("failures") == [], log[-6000:]
    assert summary.get("errors") == [], log[-6000:]
    assert summary["exitCode"] == 0, log[-6000:]
    cases = summary["test_cases"]
    print(f"schemathesis: {cases['generated']} cases, {len(summary['failures'])} failures, {summary['running_time']:.1f} s")
    assert cases["generated"] >= MIN_CASES, json.dumps(cases)
    assert cases["with_failures"] == 0 and cases["errored"] == 0
    phases = summary["phases"]
    assert phases["stateful"]["status"] == "success", phases
    assert phases["fuzzing"]["status"] == "success" and phases["coverage"]["status"] == "success", phases
    # The run got real chats through (session → engagement → agent → history), not only 4xx.
    sdk = "/sdk/digital/chat/v1/integrations/{integrationId}"
    reached = summary["answers"]
    for answer in (f"POST {sdk}/sessions 201", f"POST {sdk}/engagements 201", f"GET {sdk}/engagements/{{engagementId}} 200",
                   f"GET {sdk}/engagements/{{engagementId}}/messages 200", "POST /__sim/engagements/{engagementId}/agent/join 201",
                   "GET /__sim/engagements/{engagementId} 200", "POST /api/digital/chat/v1/accounts/{accountId}/tokens 201"):
        assert reached.get(answer, 0) > 0, (answer, json.dumps(reached, indent=1))
    # The fuzz account itself was never deleted or reset by the fuzzer.
    assert not [key for key in reached if "on the fuzz account 2" in key], reached
    # Every operation but the excluded ones was tested.
    document = json.load(open(tmp_path / "openapi.json"))
    documented = sum(len(operations) for operations in document["paths"].values())
    operations = summary["operations"]
    assert operations["total"] == documented
    assert operations["tested"] == operations["selected"] == documented - len(fuzz_api.EXCLUDED), operations


def test_fuzz_scenarios_leave_out_fault_steps(tmp_path):
    kept = fuzz_api.fuzz_scenarios(fuzz_api.HERE.parents[1] / "scenarios", tmp_path)
    assert "faults-and-revocation" not in kept and "happy-path" in kept
    assert all("fault:" not in path.read_text() for path in tmp_path.iterdir())
