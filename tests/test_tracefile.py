"""Trace files: written by --trace-out, read back for replay; malformed ones are rejected."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

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


def document(**changes: object) -> dict[str, object]:
    """A minimal well-formed trace document, with `changes` applied."""
    doc: dict[str, object] = {
        "schema": TRACE_SCHEMA,
        "spec": {"settings": {"replicas": 2}, "faults": {}},
        "steps": [{"action": None}, {"action": "write@r1('a')"}],
        "property": "p",
        "initial": 0,
    }
    doc.update(changes)
    return doc


def with_spec(**changes: object) -> dict[str, object]:
    spec = {"settings": {"replicas": 2}, "faults": {}}
    spec.update(changes)
    return document(spec=spec)


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"trace.json:1:2: not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"schema": "other"}', "schema is 'other'"),
        (json.dumps({"schema": TRACE_SCHEMA}), "missing field 'spec'"),
        (
            json.dumps(document(steps=[{"action": None}, {}])),
            r"steps\[1\] has no 'action'",
        ),
        (json.dumps(document(initial="0")), "field 'initial' must be an integer, got '0'"),
        # 10.10: a trace with no steps is not a trace that replays as "no violation".
        (json.dumps(document(steps=[])), "the trace has no steps"),
        (json.dumps(document(length=3)), "length says 3 steps but the trace has 1"),
        (DEEP, "JSON nested too deeply"),
        ('{"schema": ' + "9" * 5000 + "}", "not a trace file: .*digits"),
        (json.dumps(document(steps=[{"action": None}, {"action": 5}])), r"steps\[1\].action"),
        (json.dumps(with_spec(settings=[])), "field 'spec.settings' must be an object"),
        # 11.6: text a trace file supplies reaches the terminal only escaped.
        (
            json.dumps(document(steps=[{"action": None}, {"action": "a\x1b[2J"}])),
            r"steps\[1\].action 'a\\x1b\[2J' contains a control character",
        ),
        (json.dumps(document(property="p\r")), r"property 'p\\r' is not a property name"),
        (
            json.dumps(with_spec(settings={"\x1b[31m": 1})),
            r"spec.settings.'\\x1b\[31m' is not a setting name",
        ),
        # 11.4: fault settings of the wrong type or unknown.
        (json.dumps(with_spec(faults={"splits": 5})), "spec.faults.splits must be null or a list"),
        (json.dumps(with_spec(faults={"loss": "1"})), "spec.faults.loss must be an int"),
        (json.dumps(with_spec(faults={"loss": True})), "spec.faults.loss must be an int"),
        (json.dumps(with_spec(faults={"crash_inbox": "x"})), "must be one of lose, wait"),
        (json.dumps(with_spec(faults={"bogus": 1})), "spec.faults.bogus is not a fault"),
        (json.dumps(with_spec(faults={"splits": [[[1], [2, "3"]]]})), "spec.faults.splits"),
        # 11.5: what a trace may ask replay to build is bounded.
        (json.dumps(with_spec(settings={"replicas": 1000})), "replicas must be an int between 1"),
        (
            json.dumps(with_spec(settings={"replicas": 13}, faults={"partition": 1})),
            "between 1 and 12 with partitions over every split",
        ),
        (
            json.dumps(with_spec(settings={"ops_per_replica": 10**9})),
            "ops_per_replica must be null or an int between 0 and 1,000",
        ),
        (
            json.dumps(with_spec(settings={"values": {"tuple": list(range(5000))}})),
            "spec.settings.values: more than 1,000 values",
        ),
        (
            json.dumps(with_spec(settings={"values": {"range": [0, 10**9, 1]}})),
            "a range of more than 1,000 values",
        ),
        (json.dumps(with_spec(settings={"x": 10**200})), "an int of more than 100 digits"),
        (json.dumps(with_spec(settings={"x": {"loss": 1}})), "unknown tag 'loss'"),
        (json.dumps(with_spec(settings={"x": [1]})), "expected a JSON value or a one-key"),
        (json.dumps(with_spec(settings={"x": {"set": [{"list": []}]}})), "cannot be a set element"),
        (json.dumps(with_spec(settings={"x": {"enum": "Mode.A"}})), "resolved against the spec"),
        (json.dumps(with_spec(settings={"x": {"unrecordable": "a Foo"}})), "was not recorded"),
        (
            json.dumps(
                document(schema="evcheck.trace/1", spec={"settings": {"x": "open("}, "faults": {}})
            ),
            "not a Python literal .*written before enum and range",
        ),
        (
            json.dumps(
                document(
                    schema="evcheck.trace/1", spec={"settings": {"x": "(" * 100_000}, "faults": {}}
                )
            ),
            "not a Python literal",
        ),
    ],
)
def test_malformed_trace_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "trace.json"
    path.write_text(content)
    with pytest.raises(TraceFormatError, match=message) as caught:
        read_trace(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "content", [b"\xff\xfe\x00\x01binary", bytes(range(256)), b'{"schema": "\xc3"}']
)
def test_binary_and_non_utf8_trace_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "trace.json"
    path.write_bytes(content)
    with pytest.raises(TraceFormatError, match=f"{path}: not a trace file: byte \\d+ is not UTF-8"):
        read_trace(path)


def test_the_cli_reports_hostile_trace_files_with_exit_2(tmp_path: Path) -> None:
    from tests.test_cli import run

    for name, content in [
        ("binary.json", bytes(range(256))),
        ("deep.json", DEEP.encode()),
        ("splits.json", json.dumps(with_spec(faults={"splits": 5})).encode()),
        ("empty.json", json.dumps(document(steps=[])).encode()),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        code, out, err = run("replay", str(SPECS / "lww.py"), str(path))
        assert (code, out) == (2, ""), name
        assert err.startswith(f"evcheck: error: {path}") and "Traceback" not in err, name


def test_missing_trace_file(tmp_path: Path) -> None:
    with pytest.raises(TraceFormatError, match="cannot read trace file"):
        read_trace(tmp_path / "nope.json")


PAINTER = """
import enum

from evcheck import Replica, Spec, field, message, on, operation, quiescent_convergence


class Colour(enum.Enum):
    RED = 1
    BLUE = 2


@message
class Paint:
    colour: object


class Painter(Replica):
    colour = field(None)

    @operation(c="colours", n="counts")
    def paint(self, c, n):
        self.colour = (c, n)
        self.broadcast(Paint((c, n)))

    @on(Paint)
    def ignore(self, msg):
        pass

    def observe(self):
        return self.colour


spec = Spec(
    Painter,
    replicas=2,
    colours=(Colour.BLUE,),
    counts=range(3, 4),
    ops_per_replica=1,
    properties=[quiescent_convergence],
)
"""


def test_enum_and_range_settings_round_trip(tmp_path: Path, write_spec: Any) -> None:
    """11.8: evcheck replays its own traces of specs whose parameters are enums and ranges."""
    from evcheck.cli import main

    spec_file = write_spec(PAINTER)
    trace = tmp_path / "painter.json"
    runner = CliRunner()
    verified = runner.invoke(main, ["verify", str(spec_file), "--trace-out", str(trace)])
    assert verified.exit_code == 1
    settings = json.loads(trace.read_text())["spec"]["settings"]
    assert settings["colours"] == {"tuple": [{"enum": "Colour.BLUE"}]}
    assert settings["counts"] == {"range": [3, 4, 1]}
    spec = load_spec(spec_file)
    saved = read_trace(trace, spec)
    assert saved.settings["counts"] == range(3, 4)
    assert saved.settings["colours"] == spec.settings["colours"]
    assert replay_saved(spec, saved).outcome == "same_violation"
    with pytest.raises(TraceFormatError, match=r"Colour\.BLUE can only be resolved against"):
        read_trace(trace)


def test_settings_codec_round_trips_every_kind() -> None:
    from evcheck.tracecodec import Decoder, encode_setting
    from evcheck.values import FrozenDict, ReplicaId, symmetric_values

    value = (
        None,
        True,
        -7,
        "s",
        1.5,
        (1,),
        [2, 3],
        {4},
        frozenset({5}),
        {"k": (6,)},
        FrozenDict({"f": 1}),
        range(0, 10, 2),
        symmetric_values("a", "b"),
        ReplicaId(2),
    )
    decoded = Decoder(None).decode(json.loads(json.dumps(encode_setting(value))))
    assert decoded == value
    assert [type(v) for v in decoded] == [type(v) for v in value]
    assert decoded[-1].__repr__() == "r2"


def test_old_trace_files_still_replay(tmp_path: Path) -> None:
    path = saved_trace(tmp_path)
    doc = json.loads(path.read_text())
    doc["schema"] = "evcheck.trace/1"
    doc["spec"]["settings"] = {"replicas": "3", "values": "('a', 'b')", "max_ops": "None"}
    path.write_text(json.dumps(doc))
    saved = read_trace(path)
    assert saved.settings == {"replicas": 3, "values": ("a", "b"), "max_ops": None}
    assert replay_saved(load_spec(SPECS / "lww_no_tiebreak.py"), saved).outcome == "same_violation"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
PLACES = [
    ("spec",),
    ("steps",),
    ("property",),
    ("initial",),
    ("length",),
    ("spec", "settings"),
    ("spec", "faults"),
    ("spec", "settings", "replicas"),
    ("spec", "settings", "values"),
    ("spec", "settings", "x"),
    ("spec", "faults", "splits"),
    ("spec", "faults", "loss"),
    ("spec", "faults", "partition_mode"),
]


@given(st.sampled_from(PLACES), json_values)
@settings(max_examples=150, deadline=None)
def test_any_json_in_any_field_is_read_or_refused_cleanly(
    place: tuple[str, ...], value: object
) -> None:
    doc: dict[str, Any] = json.loads(json.dumps(document()))
    target = doc
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trace.json"
        path.write_text(json.dumps(doc))
        try:
            read_trace(path)
        except TraceFormatError as exc:
            assert str(path) in str(exc)
