"""Counterexample trace files (`--trace-out`): writing, and reading them back for replay.

The format is documented in docs/trace-formats.md. Actions are recorded by label,
so a trace replays against an edited spec as long as the same actions exist;
settings and faults are recorded so replay uses the bounds the trace was found in.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import TraceFormatError
from .results import Counterexample, Result

TRACE_SCHEMA = "evcheck.trace/1"


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
            "settings": {k: repr(v) for k, v in result.spec.settings.items()},
            "faults": {
                "loss": faults.loss,
                "dup": faults.dup,
                "partition": faults.partition,
                "crash": faults.crash,
                "skew": faults.skew,
                "partition_mode": faults.partition_mode,
                "crash_inbox": faults.crash_inbox,
            },
        },
        "property": cex.property,
        "description": cex.description,
        "explanation": cex.explanation,
        "initial": cex.initial,
        "length": len(cex.trace),
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


@dataclass(frozen=True)
class SavedTrace:
    """What replay needs from a trace file."""

    property: str
    initial: int
    actions: list[str]
    settings: dict[str, Any]
    faults: dict[str, Any]


def read_trace(path: str | Path) -> SavedTrace:
    """Parse a trace file; a malformed one raises TraceFormatError saying where."""
    file = Path(path)
    try:
        text = file.read_text()
    except OSError as exc:
        raise TraceFormatError(f"cannot read trace file {str(file)!r}: {exc.strerror}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TraceFormatError(f"{file}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not isinstance(doc, dict):
        raise TraceFormatError(f"{file}: expected a JSON object, got {type(doc).__name__}")
    if doc.get("schema") != TRACE_SCHEMA:
        raise TraceFormatError(
            f"{file}: schema is {doc.get('schema')!r}, expected {TRACE_SCHEMA!r} "
            "(write traces with `evcheck verify --trace-out FILE`)"
        )
    try:
        spec = _field(doc, "spec", dict, file)
        steps = _field(doc, "steps", list, file)
        prop = _field(doc, "property", str, file)
        initial = _field(doc, "initial", int, file)
        settings_raw = _field(spec, "settings", dict, file)
        faults = _field(spec, "faults", dict, file)
    except KeyError as exc:
        raise TraceFormatError(f"{file}: missing field {exc.args[0]!r}") from None
    actions = []
    for position, step in enumerate(steps):
        if not isinstance(step, dict) or "action" not in step:
            raise TraceFormatError(f"{file}: steps[{position}] has no 'action'")
        if position == 0:
            continue
        if not isinstance(step["action"], str):
            raise TraceFormatError(f"{file}: steps[{position}].action must be a string")
        actions.append(step["action"])
    settings = {}
    for name, literal in settings_raw.items():
        try:
            settings[name] = ast.literal_eval(literal)
        except (ValueError, SyntaxError):
            raise TraceFormatError(
                f"{file}: spec.settings.{name} = {literal!r} is not a Python literal"
            ) from None
    return SavedTrace(prop, initial, actions, settings, faults)


def _field(doc: dict[str, Any], name: str, kind: type, file: Path) -> Any:
    value = doc[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TraceFormatError(f"{file}: field {name!r} must be a {kind.__name__}")
    return value
