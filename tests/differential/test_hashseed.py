"""Results with worker processes do not depend on the hash seed (issue 10, item 8).

Global states cross processes; if anything about them depended on `hash()` (for
instance fingerprints taken from printed text or set iteration order), two runs with
different `PYTHONHASHSEED` would explore different graphs. The CLI is run in
subprocesses, as a CI job runs it, on the specs with client sessions (whose global
state is the richest), and the JSON results are compared, timings aside.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SPECS
from tests.differential.cases import EVCHECK

# Measured, not verdicts: they differ from run to run.
TIMINGS = ("seconds", "states_per_second", "peak_memory_bytes")


@functools.cache
def _verify_json(spec: Path, seed: str, *options: str) -> tuple[int, str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run(
        [str(EVCHECK), "verify", str(spec), "--format", "json", *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode in (0, 1), f"exit {done.returncode}: {done.stderr[-2000:]}"
    return done.returncode, done.stdout


def verify_json(spec: Path, seed: str, *options: str) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON result of `evcheck verify` under `PYTHONHASHSEED=seed`, without
    the timings (each CLI run is made once per session)."""
    code, out = _verify_json(spec, seed, *options)
    data = json.loads(out)
    for name in TIMINGS:
        data["stats"].pop(name)
    return code, data


SESSION_SPECS = ["register_sessions", "store_monotonic_writes"]


@pytest.mark.parametrize("name", SESSION_SPECS)
def test_workers_give_the_same_result_for_every_hash_seed(name: str) -> None:
    spec = SPECS / f"{name}.py"
    assert "sessions=" in spec.read_text(), f"{name} no longer has client sessions"
    first = verify_json(spec, "0", "--workers", "2")
    second = verify_json(spec, "7", "--workers", "2")
    assert first == second


def test_workers_give_the_result_of_one_process_on_a_holding_session_spec() -> None:
    spec = SPECS / "register_sessions.py"
    code_many, many = verify_json(spec, "7", "--workers", "2")
    code_one, one = verify_json(spec, "0")
    assert code_many == code_one == 0
    # `workers` says how it ran; `tables` sizes the main process's memo tables, which
    # with workers stay nearly empty (the workers build their own).
    for data in (many, one):
        data.pop("workers")
        data.pop("tables")
    assert many == one
