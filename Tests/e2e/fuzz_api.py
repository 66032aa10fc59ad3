"""Property-based fuzzing of axpsim's OpenAPI document with schemathesis (v4 CLI).

Used by Tests/e2e/test_schemathesis.py (CI size) and bench/fuzz-api.sh (large runs):

    python3 Tests/e2e/fuzz_api.py --url http://127.0.0.1:PORT --control-token T --max-examples 300

It provisions a fuzz account on the running server, writes a schemathesis config that gives the
operations real ids, runs `schemathesis run` on `/__sim/openapi.json` with every phase (examples,
coverage, fuzzing, stateful), and reads the JSON report back.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
SCHEMATHESIS_VERSION = "4.32.5"

# Operations the fuzzer must not call, and why: their effect would sabotage the rest of the run
# (or count its own sabotage as a failure), not reveal a defect.
EXCLUDED = [
    # Faults injected by the fuzzer would make later answers 5xx/dropped on purpose.
    ("PUT", "/__sim/faults"),
    ("POST", "/__sim/faults"),
    ("DELETE", "/__sim/faults"),
    # Back to the fixtures: deletes the fuzz account, its credentials and every chat in flight.
    ("POST", "/__sim/reset"),
    # Replaces the whole state with an older one (the fuzz account's tokens and chats vanish).
    ("POST", "/__sim/snapshots/{name}/restore"),
]

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "use_after_free",
]
# Not `ensure_resource_availability`: it reads any 404 right after a creation as "the created
# resource is missing", but the Chat SDK routes answer an unknown *body* `sessionId` with
# 404 `Session not found` on purpose (the platform does; the SDK invalidates its session on it),
# and the fuzzer's exploration puts made-up sessionIds in the bodies of calls on a new engagement.

PHASES = ("examples", "coverage", "fuzzing", "stateful")

FUZZ = {
    "accountId": "FUZZAA",
    "clientId": "fuzz-backend",
    "clientSecret": "fuzz-backend-secret",
    "appKey": "fuzz-appkey-0001",
    "integrationId": "0f0f0f0f-1234-4abc-8def-0123456789ab",
    "customerId": "fuzz-customer",
    "queueId": "fuzzq",
    "agentId": "fuzza",
}


def fuzz_scenarios(source, destination):
    """The scenarios a fuzz server loads: those without `fault` steps (a fault a scenario run by
    the fuzzer injects would answer later requests with 5xx on purpose)."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    kept = []
    for path in sorted(Path(source).glob("*.y*ml")):
        text = path.read_text()
        if "fault:" not in text:
            shutil.copy(path, destination / path.name)
            kept.append(path.stem)
    return kept


def start_server(workdir, binary=None):
    """`axpsim serve` for fuzzing: a control token (so the controlToken scheme is exercised), long
    polls held one second at most, and a scenarios folder of its own (recordings are written there)."""
    sys.path.insert(0, str(HERE))
    import harness  # noqa: E402  (the e2e helpers, beside this file)

    if binary:
        harness.BIN = binary
    workdir = Path(workdir)
    scenarios = workdir / "scenarios"
    fuzz_scenarios(harness.ROOT / "scenarios", scenarios)
    server = harness.Server("--control-token", CONTROL_TOKEN, "--long-poll-hold", "1", "--scenarios", str(scenarios))
    return server.start()


CONTROL_TOKEN = "fuzz-control-token"


def provision(url, control_token):
    """Creates the fuzz account (client, app key, integration) through the control plane."""
    auth = {"Authorization": f"Bearer {control_token}"}
    account = FUZZ["accountId"]

    def post(path, body):
        r = requests.post(url + path, json=body, headers=auth, timeout=30)
        # 409: already provisioned by an earlier run on this server.
        assert r.status_code in (201, 409), f"{path}: {r.status_code} {r.text}"

    post("/__sim/accounts", {"accountId": account, "name": "Fuzz"})
    post(f"/__sim/accounts/{account}/clients", {"clientId": FUZZ["clientId"], "clientSecret": FUZZ["clientSecret"]})
    post(f"/__sim/accounts/{account}/appkeys", {"appKey": FUZZ["appKey"]})
    # A staffed queue the integration routes to, so the queue routes and the simulation are reached.
    post(f"/__sim/accounts/{account}/queues", {"queueId": FUZZ["queueId"], "answerDelaySeconds": 5, "greeting": "Hi, {agent}.",
                                               "agents": [{"agentId": FUZZ["agentId"], "displayName": "Fuzz Agent", "capacity": 3}]})
    settings = {"name": "fuzz", "defaultTtlMinutes": 15, "minTtlMinutes": 1, "maxTtlMinutes": 1440, "reminderLeadSeconds": 180,
                "idleTimeoutSeconds": None, "queue": FUZZ["queueId"], "routingAttributes": None, "scenario": None,
                "routing": {"rules": []}}
    post(f"/__sim/accounts/{account}/integrations", dict(settings, integrationId=FUZZ["integrationId"]))
    # The fuzzer may have changed it (an idle timeout of 1 s, a scenario that ends chats…): reset it.
    r = requests.patch(f"{url}/__sim/accounts/{account}/integrations/{FUZZ['integrationId']}", json=settings, headers=auth, timeout=30)
    assert r.status_code == 200, r.text
    return dict(FUZZ, url=url, controlToken=control_token)


def config_text(target, stateful_examples):
    """schemathesis.toml: longer stateful scenarios (a chat needs session → engagement → agent →
    messages), and the excluded operations (real ids come from schemathesis_hooks.py)."""
    lines = [
        "[phases.stateful]",
        "max-steps = 12",
        "",
        "[phases.stateful.generation]",
        f"max-examples = {stateful_examples}",
        "",
    ]
    for method, path in EXCLUDED:
        lines += ["[[operations]]", f'include-name = "{method} {path}"', "enabled = false", ""]
    return "\n".join(lines)


def schemathesis_command():
    found = shutil.which("schemathesis") or shutil.which("st")
    if found is None:
        raise RuntimeError(f"schemathesis is not installed: pip install schemathesis=={SCHEMATHESIS_VERSION}")
    return [found]


def run(url, control_token, max_examples, seed=None, workers=1, workdir=None, max_time=None, phases=PHASES, stateful_examples=None,
        extra=()):
    """Runs schemathesis against `url`; returns the summary dict (see `summarize`)."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="axpsim-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    target = provision(url, control_token)
    (workdir / "target.json").write_text(json.dumps(target))
    (workdir / "schemathesis.toml").write_text(config_text(target, stateful_examples or max(60, 2 * max_examples)))
    report = workdir / "report.json"
    # The document is served on the control plane: fetch it with the control token.
    document = requests.get(f"{url}/__sim/openapi.json", headers={"Authorization": f"Bearer {control_token}"}, timeout=30)
    document.raise_for_status()
    (workdir / "openapi.json").write_text(document.text)
    command = schemathesis_command() + [
        "--config-file", str(workdir / "schemathesis.toml"),
        "run", str(workdir / "openapi.json"), "--url", url,
        "--checks", ",".join(CHECKS),
        "--phases", ",".join(phases),
        "--max-examples", str(max_examples),
        "--workers", str(workers),
        "--request-timeout", "20",
        "--suppress-health-check", "all",
        "--no-shrink",
        "--report", "json", "--report-json-path", str(report),
    ]
    if seed is not None:
        command += ["--seed", str(seed)]
    if max_time is not None:
        command += ["--max-time", str(max_time)]
    command += list(extra)
    env = dict(os.environ, SCHEMATHESIS_HOOKS="schemathesis_hooks", AXPSIM_FUZZ_TARGET=str(workdir / "target.json"),
               AXPSIM_FUZZ_STATS=str(workdir / "answers.json"), AXPSIM_FUZZ_SEED="" if seed is None else str(seed),
               PYTHONPATH=f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    with open(workdir / "schemathesis.log", "w") as log:
        completed = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    summary = summarize(report) if report.exists() else {}
    answers = workdir / "answers.json"
    summary["answers"] = json.loads(answers.read_text()) if answers.exists() else {}
    summary.update(exitCode=completed.returncode, log=str(workdir / "schemathesis.log"), report=str(report))
    return summary


def summarize(report_path):
    return json.loads(Path(report_path).read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (default: start one from $AXPSIM_BIN)")
    parser.add_argument("--control-token", default=CONTROL_TOKEN)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-time", type=int)
    parser.add_argument("--workdir")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="axpsim-fuzz-"))
    server = None if args.url else start_server(workdir / "server", binary=os.environ.get("AXPSIM_BIN"))
    try:
        summary = run(args.url or server.http, args.control_token, args.max_examples, seed=args.seed, workers=args.workers,
                      workdir=workdir, max_time=args.max_time)
    finally:
        if server is not None:
            code = server.stop()
            print(f"server exit code: {code}")
    cases = summary.get("test_cases", {})
    print(f"schemathesis: {cases.get('generated', 0)} cases, {len(summary.get('failures', []))} failures, "
          f"{len(summary.get('errors', []))} errors, exit code {summary['exitCode']}; log: {summary['log']}")
    return 0 if summary["exitCode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
