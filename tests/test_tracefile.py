"""Trace files: written by --trace-out, read back for replay; malformed ones are rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evcheck import TraceFormatError, load_spec, verify_spec
from evcheck.runner import replay_saved
from evcheck.tracefile import TRACE_SCHEMA, read_trace, trace_document
from tests.conftest import SPECS


def saved_trace(tmp_path: Path, name: str = "lww_no_tiebreak.py", **settings: object) -> Path:
    spec = load_spec(SPECS / name)
    if settings:
        spec = spec.with_settings(settings)
    result = verify_spec(spec)
    assert result.counterexample is not None
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(trace_document(result, result.counterexample, str(SPECS / name))))
    return path


def test_round_trip(tmp_path: Path) -> None:
    saved = read_trace(saved_trace(tmp_path, replicas=2))
    assert saved.property == "quiescent_convergence"
    assert saved.initial == 0
    assert saved.actions[0] == "write@r1('a')" and len(saved.actions) == 4
    assert saved.settings["replicas"] == 2 and saved.settings["values"] == ("a", "b")
    assert saved.faults["loss"] == 0


def test_replay_outcomes(tmp_path: Path) -> None:
    path = saved_trace(tmp_path)
    saved = read_trace(path)
    same = replay_saved(load_spec(SPECS / "lww_no_tiebreak.py"), saved)
    assert same.outcome == "same_violation"
    fixed = replay_saved(load_spec(SPECS / "lww.py"), saved)
    assert fixed.outcome == "no_violation"
    assert "all 6 steps apply" in fixed.message
    # A trace recorded under loss replayed against a spec that now repairs differently.
    loss = read_trace(saved_trace(tmp_path, "lww_loss.py"))
    assert replay_saved(load_spec(SPECS / "lww_loss.py"), loss).outcome == "same_violation"


def test_replay_reports_a_trace_that_no_longer_applies(tmp_path: Path) -> None:
    saved = read_trace(saved_trace(tmp_path))
    spec = load_spec(SPECS / "counter_dup.py")
    report = replay_saved(spec, saved)
    assert report.outcome == "not_applicable"
    assert "no longer apply" in report.message or "no longer applies" in report.message


def test_replay_reports_a_different_outcome(tmp_path: Path) -> None:
    saved = read_trace(saved_trace(tmp_path))
    shorter = type(saved)(
        saved.property, saved.initial, saved.actions[:-1], saved.settings, saved.faults
    )
    longer = type(saved)(
        "handlers_do_not_raise", saved.initial, saved.actions, saved.settings, saved.faults
    )
    spec = load_spec(SPECS / "lww_no_tiebreak.py")
    assert replay_saved(spec, shorter).outcome == "no_violation"
    different = replay_saved(spec, longer)
    assert different.outcome == "different_violation"
    assert "recorded: handlers_do_not_raise at step 6" in different.message


def test_replay_names_the_step_that_is_not_enabled(tmp_path: Path) -> None:
    saved = read_trace(saved_trace(tmp_path))
    broken = type(saved)(
        saved.property,
        saved.initial,
        [saved.actions[0], "write@r9('z')"],
        saved.settings,
        saved.faults,
    )
    report = replay_saved(load_spec(SPECS / "lww_no_tiebreak.py"), broken)
    assert report.outcome == "not_applicable"
    assert "step 2, write@r9('z'), is not enabled" in report.message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"trace.json:1:2: not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"schema": "other"}', "schema is 'other'"),
        (json.dumps({"schema": TRACE_SCHEMA}), "missing field 'spec'"),
        (
            json.dumps(
                {
                    "schema": TRACE_SCHEMA,
                    "spec": {"settings": {}, "faults": {}},
                    "steps": [{"action": None}, {}],
                    "property": "p",
                    "initial": 0,
                }
            ),
            r"steps\[1\] has no 'action'",
        ),
        (
            json.dumps(
                {
                    "schema": TRACE_SCHEMA,
                    "spec": {"settings": {"x": "open("}, "faults": {}},
                    "steps": [],
                    "property": "p",
                    "initial": 0,
                }
            ),
            "not a Python literal",
        ),
        (
            json.dumps(
                {
                    "schema": TRACE_SCHEMA,
                    "spec": {"settings": {}, "faults": {}},
                    "steps": [],
                    "property": "p",
                    "initial": "0",
                }
            ),
            "field 'initial' must be a int",
        ),
    ],
)
def test_malformed_trace_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "trace.json"
    path.write_text(content)
    with pytest.raises(TraceFormatError, match=message):
        read_trace(path)


def test_missing_trace_file(tmp_path: Path) -> None:
    with pytest.raises(TraceFormatError, match="cannot read trace file"):
        read_trace(tmp_path / "nope.json")
