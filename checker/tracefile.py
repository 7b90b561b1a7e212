"""Counterexample trace files (`--trace-out`): writing, and reading them back for replay.

The format is documented in docs/trace-formats.md. Actions are recorded by label,
so a trace replays against an edited spec as long as the same actions exist;
settings and faults are recorded (as tagged JSON, `tracecodec`) so replay uses the
bounds the trace was found in.

A trace file may come from anywhere, so reading one is defensive: whatever the bytes
(not UTF-8, not JSON, nested beyond Python's recursion limit, wrong types), the
result is a `TraceFormatError` naming the file and the place, never a traceback; and
what the file may ask replay to build is bounded (`TraceLimits`), so a 1 KB file
cannot ask for a thousand replicas or a billion operations.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .display import name, show
from .dsl import Spec
from .errors import TraceFormatError
from .faults import BUDGETS, CRASH_INBOX_MODES, PARTITION_MODES
from .results import Counterexample, Result
from .tracecodec import CodecError, Decoder, encode_setting, enum_classes

TRACE_SCHEMA = "evcheck.trace/2"
OLD_SCHEMA = "evcheck.trace/1"  # settings as Python literal strings; still read


@dataclass(frozen=True)
class TraceLimits:
    """What a trace file may ask replay for (docs/trace-formats.md lists them)."""

    file_bytes: int = 64 * 2**20
    steps: int = 100_000
    label_chars: int = 10_000
    replicas: int = 16
    replicas_with_every_split: int = 12  # partitions over every split: 2**(n-1) of them
    bound: int = 1_000  # ops_per_replica, max_ops, ops_per_session, max_time, timer_fires
    budget: int = 100  # each fault budget
    splits: int = 1_000
    initial: int = 1_000_000


LIMITS = TraceLimits()
BOUNDS = ("ops_per_replica", "max_ops", "ops_per_session", "max_time", "timer_fires")


def trace_document(
    result: Result, cex: Counterexample, spec_file: str | None = None
) -> dict[str, Any]:
    """The JSON document of one counterexample."""
    faults = result.spec.faults
    return {
        "schema": TRACE_SCHEMA,
        "spec": {
            "name": result.spec.name,
            "file": spec_file,
            "settings": {k: _recorded(v) for k, v in result.spec.settings.items()},
            "faults": {
                "loss": faults.loss,
                "dup": faults.dup,
                "partition": faults.partition,
                "crash": faults.crash,
                "skew": faults.skew,
                "partition_mode": faults.partition_mode,
                "crash_inbox": faults.crash_inbox,
                "splits": None
                if faults.splits is None
                else [[sorted(group) for group in split] for split in faults.splits],
                # Written only for specs with a failure detector (or a budget), so traces
                # of other specs stay as they were.
                **(
                    {"false_suspicion": faults.false_suspicion}
                    if faults.false_suspicion or result.spec.detector is not None
                    else {}
                ),
            },
        },
        "property": cex.property,
        "description": cex.description,
        "explanation": cex.explanation,
        "initial": cex.initial,
        "length": len(cex.trace),
        "loop": cex.loop,
        "steps": [
            {
                "index": step.index,
                "action": step.action,
                "kind": step.detail.kind if step.detail else None,
                "state": step.view.components,
                "in_flight": step.view.in_flight,
            }
            for step in cex.trace.steps
        ],
    }


def _recorded(value: Any) -> Any:
    """A setting as tagged JSON; one the format cannot hold is kept as `unrecordable`,
    so the trace is still written for people and replay says what is missing."""
    try:
        return encode_setting(value)
    except CodecError as exc:
        return {"unrecordable": str(exc)}


@dataclass(frozen=True)
class SavedTrace:
    """What replay needs from a trace file."""

    property: str
    initial: int
    actions: list[str]
    settings: dict[str, Any]
    faults: dict[str, Any]
    loop: int | None = None  # a lasso: the state the last step returns to


def read_trace(path: str | Path, spec: Spec | None = None) -> SavedTrace:
    """Parse a trace file; a malformed one raises TraceFormatError saying where.

    `spec`, the spec to replay against, resolves enum-valued settings (the trace names
    the member, the spec supplies the class); without it such a setting is an error."""
    file = Path(path)
    doc = _document(file)
    schema = doc.get("schema")
    if schema not in (TRACE_SCHEMA, OLD_SCHEMA):
        raise TraceFormatError(
            f"{file}: schema is {_short(schema)}, expected {TRACE_SCHEMA!r} "
            "(write traces with `evcheck verify --trace-out FILE`)"
        )
    where = _Where(file)
    spec_part = where.get(doc, "spec", dict)
    steps = where.get(doc, "steps", list)
    prop = where.get(doc, "property", str)
    initial = where.get(doc, "initial", int)
    settings_raw = where.get(spec_part, "settings", dict, "spec.settings")
    faults_raw = where.get(spec_part, "faults", dict, "spec.faults")
    if not prop.isprintable() or len(prop) > LIMITS.label_chars:
        raise TraceFormatError(f"{file}: property {_short(prop)} is not a property name")
    if not 0 <= initial <= LIMITS.initial:
        raise TraceFormatError(f"{file}: initial must be between 0 and {LIMITS.initial:,}")
    actions = _actions(file, steps, doc.get("length"))
    for key in settings_raw:
        if not key.isidentifier():
            raise TraceFormatError(f"{file}: spec.settings.{name(key)} is not a setting name")
    if schema == OLD_SCHEMA:
        old = Decoder(None)
        settings = {key: _literal(file, key, text, old) for key, text in settings_raw.items()}
    else:
        decoder = Decoder(enum_classes(spec.settings) if spec is not None else None)
        settings = {key: _decoded(file, key, data, decoder) for key, data in settings_raw.items()}
    faults = _faults(file, faults_raw)
    _check_bounds(file, settings, faults)
    loop = doc.get("loop")
    if loop is not None and (type(loop) is not int or not 0 <= loop <= len(actions)):
        raise TraceFormatError(
            f"{file}: loop must be null or a state number between 0 and {len(actions)}, "
            f"got {_short(loop)}"
        )
    return SavedTrace(prop, initial, actions, settings, faults, loop)


def _document(file: Path) -> dict[str, Any]:
    """The file's JSON object, or a TraceFormatError for whatever keeps it from being one."""
    try:
        with file.open("rb") as stream:
            data = stream.read(LIMITS.file_bytes + 1)
    except OSError as exc:
        raise TraceFormatError(f"cannot read trace file {str(file)!r}: {exc.strerror}") from None
    if len(data) > LIMITS.file_bytes:
        raise TraceFormatError(
            f"{file}: larger than {LIMITS.file_bytes // 2**20} MiB, the limit for a trace file"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TraceFormatError(
            f"{file}: not a trace file: byte {exc.start} is not UTF-8 (is it a binary file?)"
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TraceFormatError(f"{file}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise TraceFormatError(f"{file}: not a trace file: JSON nested too deeply") from None
    except ValueError as exc:  # an int literal beyond Python's 4,300-digit limit
        raise TraceFormatError(f"{file}: not a trace file: {exc}") from None
    if not isinstance(doc, dict):
        raise TraceFormatError(f"{file}: expected a JSON object, got {type(doc).__name__}")
    return doc


@dataclass(frozen=True)
class _Where:
    file: Path

    def get(self, doc: dict[str, Any], name: str, kind: type, path: str = "") -> Any:
        """`doc[name]`, which must be a `kind`; the error names `path` (default `name`)."""
        shown = path or name
        if name not in doc:
            raise TraceFormatError(f"{self.file}: missing field {shown!r}")
        value = doc[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TraceFormatError(
                f"{self.file}: field {shown!r} must be {_article(kind)}, got {_short(value)}"
            )
        return value


def _actions(file: Path, steps: list[Any], length: Any) -> list[str]:
    """The action labels of steps 1.. (step 0 is the initial state)."""
    if not steps:
        raise TraceFormatError(
            f"{file}: the trace has no steps (not even the initial state): nothing to replay"
        )
    if len(steps) > LIMITS.steps:
        raise TraceFormatError(f"{file}: more than {LIMITS.steps:,} steps")
    actions = []
    for position, step in enumerate(steps):
        if not isinstance(step, dict) or "action" not in step:
            raise TraceFormatError(f"{file}: steps[{position}] has no 'action'")
        if position == 0:
            continue
        action = step["action"]
        if not isinstance(action, str) or not action:
            raise TraceFormatError(f"{file}: steps[{position}].action must be a non-empty string")
        if not action.isprintable():
            raise TraceFormatError(
                f"{file}: steps[{position}].action {_short(action)} contains a control "
                "character (evcheck writes none)"
            )
        if len(action) > LIMITS.label_chars:
            raise TraceFormatError(
                f"{file}: steps[{position}].action is longer than {LIMITS.label_chars:,} characters"
            )
        actions.append(action)
    if length is not None and length != len(actions):
        raise TraceFormatError(
            f"{file}: length says {_short(length)} steps but the trace has {len(actions)}"
        )
    return actions


def _decoded(file: Path, key: str, data: Any, decoder: Decoder) -> Any:
    if isinstance(data, dict) and set(data) == {"unrecordable"}:
        raise TraceFormatError(
            f"{file}: spec.settings.{name(key)} was not recorded ({_short(data['unrecordable'])}); "
            "this trace cannot be replayed"
        )
    try:
        return decoder.decode(data)
    except CodecError as exc:
        raise TraceFormatError(f"{file}: spec.settings.{name(key)}: {exc}") from None


def _literal(file: Path, key: str, text: Any, decoder: Decoder) -> Any:
    """A setting of an `evcheck.trace/1` file: a Python literal, re-checked like JSON."""
    if not isinstance(text, str) or len(text) > 100_000:
        raise TraceFormatError(f"{file}: spec.settings.{name(key)} must be a Python literal string")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError):
        raise TraceFormatError(
            f"{file}: spec.settings.{name(key)} = {_short(text)} is not a Python literal "
            f"(this {OLD_SCHEMA} file was written before enum and range settings could be "
            "recorded: write it again with `evcheck verify --trace-out`)"
        ) from None
    try:
        return decoder.decode(encode_setting(value))
    except CodecError as exc:
        raise TraceFormatError(f"{file}: spec.settings.{name(key)}: {exc}") from None


def _faults(file: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """The recorded fault profile, checked key by key (types, modes, budgets, splits)."""
    faults: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{file}: spec.faults.{name(key)}"
        if key in (*BUDGETS, "skew"):
            if type(value) is not int or not 0 <= value <= LIMITS.budget:
                raise TraceFormatError(
                    f"{where} must be an int between 0 and {LIMITS.budget}, got {_short(value)}"
                )
        elif key in ("partition_mode", "crash_inbox"):
            modes = PARTITION_MODES if key == "partition_mode" else CRASH_INBOX_MODES
            if value not in modes:
                raise TraceFormatError(
                    f"{where} must be one of {', '.join(modes)}, got {_short(value)}"
                )
        elif key == "splits":
            value = _splits(where, value)
        else:
            raise TraceFormatError(f"{where} is not a fault setting")
        faults[key] = value
    return faults


def _splits(where: str, value: Any) -> Any:
    """`null`, or a list of splits, each a list of groups of replica numbers."""
    shape = "null or a list of splits, each a list of groups of replica numbers"
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > LIMITS.splits:
        raise TraceFormatError(f"{where} must be {shape} (at most {LIMITS.splits:,})")
    for split in value:
        if not isinstance(split, list) or not all(
            isinstance(group, list)
            and all(type(r) is int and 1 <= r <= LIMITS.replicas for r in group)
            for group in split
        ):
            raise TraceFormatError(f"{where} must be {shape}, got {_short(split)}")
    return value


def _check_bounds(file: Path, settings: dict[str, Any], faults: dict[str, Any]) -> None:
    """Refuse settings that would make replay build more than `LIMITS` allows."""
    replicas = settings.get("replicas")
    if replicas is not None:
        every_split = faults.get("partition") and faults.get("splits") is None
        most = LIMITS.replicas_with_every_split if every_split else LIMITS.replicas
        if type(replicas) is not int or not 1 <= replicas <= most:
            why = " with partitions over every split" if every_split else ""
            raise TraceFormatError(
                f"{file}: spec.settings.replicas must be an int between 1 and {most}{why}, "
                f"got {_short(replicas)} (the limit for replaying a trace file)"
            )
    for key in BOUNDS:
        value = settings.get(key)
        if value is not None and (type(value) is not int or not 0 <= value <= LIMITS.bound):
            raise TraceFormatError(
                f"{file}: spec.settings.{name(key)} must be null or an int between 0 and "
                f"{LIMITS.bound:,}, got {_short(value)} (the limit for replaying a trace file)"
            )


def _article(kind: type) -> str:
    return {dict: "an object", list: "a list", str: "a string", int: "an integer"}.get(
        kind, kind.__name__
    )


def _short(value: Any) -> str:
    """A value from the file, shown briefly and safely in a message."""
    return show(value, 60)
