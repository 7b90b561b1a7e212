"""The supervised CLI keeps its contract whatever spec code does: a run ends 0/1/2/3 with
a report (or a clear error), never a silent exit 0; signals and limits stop it with
partial statistics; spec output never reaches stdout. Each test runs the real `evcheck`
in a subprocess, as a user or CI would."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

EVCHECK = str(Path(sys.executable).parent / "evcheck")
TIMEOUT = 60  # a hang fails the test instead of the suite

BIG = """
from evcheck import Replica, Spec, field, operation

class Big(Replica):
    n = field(0)

    @operation(v=tuple(range(50)))
    def add(self, v):
        print("searching", flush=True)  # spec output: must go to stderr
        self.n = (self.n * 7 + v) % 1000003

    def observe(self):
        return 0

spec = Spec(Big, replicas=3, ops_per_replica=6)
"""

HANDLER = """
import os, sys
from evcheck import Replica, Spec, field, operation

class P(Replica):
    x = field(0)

    @operation()
    def write(self):
        {body}

    def observe(self):
        return 0

spec = Spec(P, replicas=2, ops_per_replica=1)
"""


def evcheck(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EVCHECK, *args], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def started(*args: str) -> subprocess.Popen[str]:
    """A run that has begun its search (its spec printed 'searching' to stderr)."""
    process = subprocess.Popen(
        [EVCHECK, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    assert process.stderr.readline() == "searching\n"
    return process


def handler(write_spec: Callable[[str], Path], body: str) -> str:
    return str(write_spec(HANDLER.format(body=body)))


def test_handler_output_goes_to_stderr_and_json_stays_clean(
    write_spec: Callable[[str], Path],
) -> None:
    spec = handler(write_spec, "print('chatty handler'); self.x = 1")
    done = evcheck("verify", spec, "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["status"] == "holds"
    assert "chatty handler" in done.stderr


def test_os_exit_in_a_handler_is_never_a_pass(write_spec: Callable[[str], Path]) -> None:
    done = evcheck("verify", handler(write_spec, "os._exit(0)"))
    assert done.returncode == 2
    assert "without a verdict" in done.stderr and done.stdout == ""


def test_sys_exit_in_a_handler_is_a_counterexample(write_spec: Callable[[str], Path]) -> None:
    done = evcheck("verify", handler(write_spec, "sys.exit(0)"))
    assert done.returncode == 1
    assert "VIOLATION: handlers_do_not_raise" in done.stdout and "SystemExit" in done.stdout


def test_exiting_while_loading_is_a_spec_error(write_spec: Callable[[str], Path]) -> None:
    done = evcheck("verify", str(write_spec("import sys\nsys.exit(0)\n")))
    assert done.returncode == 2
    assert "loading the spec raised SystemExit(0)" in done.stderr


def test_the_time_limit_stops_a_handler_that_never_returns(
    write_spec: Callable[[str], Path],
) -> None:
    done = evcheck("verify", handler(write_spec, "while True: pass"), "--max-time", "1")
    assert done.returncode == 3
    assert "STOPPED: time limit of 1s reached; while r1 ran write()" in done.stdout
    assert "states: 1 distinct" in done.stdout


def test_the_time_limit_bounds_set_up(write_spec: Callable[[str], Path]) -> None:
    done = evcheck("simulate", str(write_spec("while True:\n    pass\n")), "--max-time", "1")
    assert done.returncode == 3
    assert "evcheck: stopped: time limit of 1s reached" in done.stderr


@pytest.mark.parametrize(
    ("sig", "reason"),
    [(signal.SIGTERM, "terminated (SIGTERM)"), (signal.SIGINT, "interrupted")],
)
def test_a_signal_stops_the_search_with_partial_statistics(
    write_spec: Callable[[str], Path], sig: int, reason: str
) -> None:
    process = started("verify", str(write_spec(BIG)))
    process.send_signal(sig)
    out, _ = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 3
    assert f"STOPPED: {reason};" in out and "no violation found in the explored part" in out
    assert "states: " in out


def test_ctrl_c_during_set_up_exits_3_with_a_message(write_spec: Callable[[str], Path]) -> None:
    spec = write_spec("print('searching', flush=True)\nwhile True:\n    pass\n")
    process = started("verify", str(spec))
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 3
    assert "evcheck: stopped: interrupted" in err and "Aborted" not in err


def test_the_memory_limit_stops_the_run(write_spec: Callable[[str], Path]) -> None:
    hoard = "globals().setdefault('hoard', []).extend(b'x' * 2**20 for _ in range(400))"
    done = evcheck("verify", handler(write_spec, hoard), "--max-memory", "150")
    assert done.returncode == 3
    assert "memory limit of 150 MB reached" in done.stdout + done.stderr


WORKER_FAILS = """
import os, signal
from evcheck import Replica, Spec, field, message, on, operation

@message
class M:
    pass

class W(Replica):
    x = field(0)

    @operation()
    def go(self):
        self.broadcast(M())

    @on(M)
    def got(self, msg):
        {body}

    def observe(self):
        return 0

spec = Spec(W, replicas=2, ops_per_replica=1)
"""


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ("self.y = 1", 2, r"got set self\.y, which is not a field"),
        # Which worker owns the delivery depends on its fingerprint, not on this test.
        ("os.kill(os.getpid(), signal.SIGKILL)", 3, r"worker [01] was killed by SIGKILL"),
        ("raise MemoryError", 3, "stopped: out of memory"),
    ],
)
def test_a_failing_worker_ends_the_run_with_its_error(
    write_spec: Callable[[str], Path], body: str, code: int, message: str
) -> None:
    # Worker processes are the Python engine's (the native core's workers are threads).
    spec = str(write_spec(WORKER_FAILS.format(body=body)))
    done = evcheck("verify", spec, "--workers", "2", "--engine", "python")
    assert done.returncode == code
    assert re.search(message, done.stderr), done.stderr


def test_killing_evcheck_ends_its_workers_and_closes_the_pipe(
    write_spec: Callable[[str], Path],
) -> None:
    process = started("verify", str(write_spec(BIG)), "--workers", "2")
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=TIMEOUT)  # returns only once every holder of the pipes is gone
    assert process.returncode == -signal.SIGKILL
