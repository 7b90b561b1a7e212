"""Reading recorded histories for `evcheck check-history` (format: docs/consistency.md).

Two JSON-lines shapes are accepted, one JSON object per line:

- evcheck's own: `{"session": "s1", "op": "write", "key": "x", "value": "a"}` with
  optional `"replica"` and real-time `"start"`/`"end"` (default: the line number, an
  atomic operation); a read's `value` is what it returned (null: nothing written), and
  its optional `"applied"` lists the writes its replica had applied (for strong
  eventual consistency).
- Jepsen-style register histories: `{"process": 0, "type": "invoke", "f": "write",
  "value": 3}` followed by that process's `"ok"`, `"fail"` or `"info"` record; a read's
  value is on its `ok`. `fail`ed operations did not happen; an `info` write may have
  happened (its end is unknown); an `info` read returned nothing usable and is dropped.
  An optional `"key"` field names the register.

Malformed input raises TraceFormatError naming the line.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from .errors import TraceFormatError
from .solver import Op

KINDS = ("read", "write")


def read_history(path: str | Path) -> tuple[list[Op], bool]:
    """The operations of a history file, and whether they are atomic and in order (so the
    concrete monitors apply as well as Z3)."""
    file = Path(path)
    try:
        lines = file.read_text().splitlines()
    except OSError as exc:
        raise TraceFormatError(f"cannot read history file {str(file)!r}: {exc.strerror}") from None
    records: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TraceFormatError(f"{file}:{number}: not JSON: {exc.msg}") from None
        if not isinstance(record, dict):
            raise TraceFormatError(f"{file}:{number}: expected a JSON object")
        records.append((number, record))
    if not records:
        raise TraceFormatError(f"{file}: the history is empty")
    if any("process" in r and "type" in r for _, r in records):
        return _jepsen(file, records), False
    return _evcheck(file, records)


def _require(file: Path, number: int, record: dict[str, Any], name: str) -> Any:
    if name not in record:
        raise TraceFormatError(f"{file}:{number}: missing field {name!r}")
    return record[name]


def _kind(file: Path, number: int, value: Any) -> str:
    if value not in KINDS:
        raise TraceFormatError(
            f"{file}:{number}: operation must be 'read' or 'write', got {value!r}"
        )
    return str(value)


def _hashable(file: Path, number: int, value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(file, number, v) for v in value)
    if isinstance(value, dict):
        raise TraceFormatError(f"{file}:{number}: a value cannot be a JSON object")
    return value


def _evcheck(file: Path, records: list[tuple[int, dict[str, Any]]]) -> tuple[list[Op], bool]:
    ops = []
    atomic = True
    for index, (number, record) in enumerate(records, start=1):
        session = str(_require(file, number, record, "session"))
        kind = _kind(file, number, _require(file, number, record, "op"))
        value = _hashable(file, number, _require(file, number, record, "value"))
        start = record.get("start", number)
        end = record.get("end", start)
        if not isinstance(start, int) or not isinstance(end, int) or end < start:
            raise TraceFormatError(
                f"{file}:{number}: 'start' and 'end' must be integers, start <= end"
            )
        atomic = atomic and start == end
        key = _hashable(file, number, record.get("key"))
        applied = record.get("applied")
        if applied is not None and not isinstance(applied, list):
            raise TraceFormatError(f"{file}:{number}: 'applied' must be a list of written values")
        applied_set = (
            None if applied is None else frozenset(_hashable(file, number, v) for v in applied)
        )
        ops.append(
            Op(
                index,
                session,
                kind,
                key,
                value,
                start,
                end,
                str(record.get("replica", "")),
                applied_set,
            )
        )
    in_order = all(a.start < b.start for a, b in itertools.pairwise(ops))
    return ops, atomic and in_order


def _jepsen(file: Path, records: list[tuple[int, dict[str, Any]]]) -> list[Op]:
    pending: dict[Any, tuple[int, dict[str, Any]]] = {}
    ops: list[Op] = []
    for number, record in records:
        process = _require(file, number, record, "process")
        kind_of_record = _require(file, number, record, "type")
        if kind_of_record == "invoke":
            if process in pending:
                raise TraceFormatError(
                    f"{file}:{number}: process {process!r} invokes again before its "
                    f"operation at line {pending[process][0]} completed"
                )
            _kind(file, number, _require(file, number, record, "f"))
            pending[process] = (number, record)
            continue
        if kind_of_record not in ("ok", "fail", "info"):
            raise TraceFormatError(
                f"{file}:{number}: type must be invoke, ok, fail or info, got {kind_of_record!r}"
            )
        if process not in pending:
            raise TraceFormatError(
                f"{file}:{number}: {kind_of_record} for process {process!r} without an invoke"
            )
        start_line, invoke = pending.pop(process)
        kind = _kind(file, number, invoke["f"])
        if kind_of_record == "fail" or (kind_of_record == "info" and kind == "read"):
            continue
        source = record if kind == "read" else invoke
        value = _hashable(file, number, source.get("value"))
        key = _hashable(file, number, invoke.get("key"))
        end = number if kind_of_record == "ok" else None
        ops.append(Op(len(ops) + 1, str(process), kind, key, value, start_line, end))
    for process, (number, invoke) in pending.items():
        if invoke["f"] == "write":  # still running at the end: it may have happened
            ops.append(
                Op(
                    len(ops) + 1,
                    str(process),
                    "write",
                    invoke.get("key"),
                    invoke.get("value"),
                    number,
                    None,
                )
            )
    return ops
