"""Start and stop `axpsim serve` on free loopback ports."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Sequence, Union

from .client import AxpsimClient


def find_binary(bin: Optional[str] = None) -> str:
    """`bin`, else `$AXPSIM_BIN`, else `axpsim` on PATH."""
    found = bin or os.environ.get("AXPSIM_BIN") or shutil.which("axpsim")
    if not found:
        raise FileNotFoundError("axpsim binary not found: set AXPSIM_BIN or put axpsim on PATH")
    return found


@dataclass
class RunningAxpsim:
    """One `axpsim serve` process started by `start_axpsim`."""

    http_url: str
    ws_url: str
    pid: int
    process: subprocess.Popen = field(repr=False)
    log_path: Path = field(repr=False)
    workdir: Path = field(repr=False)

    def client(self, control_token: Optional[str] = None, verify: Union[bool, str, None] = None) -> AxpsimClient:
        """A client of this server; `verify` as for `AxpsimClient` (a server started with `--tls`)."""
        return AxpsimClient(self.http_url, control_token=control_token, verify=verify)

    #: The whole output, kept by stop() (which removes the work folder with the log file).
    _final_output: Optional[str] = field(default=None, repr=False)

    @property
    def output(self) -> str:
        """What the server wrote to stdout/stderr so far (after stop(): all of it)."""
        if self._final_output is not None:
            return self._final_output
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 15) -> Optional[int]:
        """SIGTERM, then wait for the exit (SIGKILL after `timeout` s); returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._final_output is None:
            self._final_output = self.output
        shutil.rmtree(self.workdir, ignore_errors=True)
        return self.process.returncode

    def __enter__(self) -> "RunningAxpsim":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_axpsim(bin: Optional[str] = None, fixtures: Optional[str] = None, scenarios: Optional[str] = None,
                 db: str = ":memory:", args: Sequence[str] = (), env: Optional[Mapping[str, str]] = None,
                 cwd: Optional[str] = None, timeout: float = 30, log_level: str = "warning") -> RunningAxpsim:
    """Spawns `axpsim serve --http-port 0 --ws-port 0` and returns once its ready file exists
    (written atomically once both ports serve), at most `timeout` seconds later."""
    binary = find_binary(bin)
    workdir = Path(tempfile.mkdtemp(prefix="axpsim-py-"))
    ready = workdir / "ready.json"
    log_path = workdir / "server.log"
    command = [binary, "serve", "--http-port", "0", "--ws-port", "0", "--db", db, "--ready-file", str(ready),
               "--log-level", log_level]
    if fixtures:
        command += ["--fixtures", str(fixtures)]
    if scenarios:
        command += ["--scenarios", str(scenarios)]
    command += list(args)
    with open(log_path, "wb") as log:
        try:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                                       env={**os.environ, **(env or {})})
        except OSError:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if process.poll() is not None:
            output = log_path.read_text(errors="replace")
            shutil.rmtree(workdir, ignore_errors=True)
            raise RuntimeError(f"axpsim exited with {process.returncode} before it was ready:\n{output}")
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            output = log_path.read_text(errors="replace")
            shutil.rmtree(workdir, ignore_errors=True)
            raise TimeoutError(f"axpsim was not ready within {timeout} s:\n{output}")
        time.sleep(0.02)
    info = json.loads(ready.read_text())
    if info.get("pid", process.pid) != process.pid:
        process.kill()
        process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
        raise RuntimeError(f"the ready file names pid {info['pid']}, not the started axpsim ({process.pid})")
    server = RunningAxpsim(http_url=info["httpUrl"], ws_url=info["wsUrl"], pid=process.pid, process=process,
                           log_path=log_path, workdir=workdir)
    # A forgotten stop() must not leave the server running after this interpreter exits.
    atexit.register(_kill_at_exit, process, workdir)
    return server


def _kill_at_exit(process: subprocess.Popen, workdir: Path) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
    shutil.rmtree(workdir, ignore_errors=True)
