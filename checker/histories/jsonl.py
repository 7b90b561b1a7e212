"""JSON lines histories, one object per line, in either shape:

- evcheck's own: `{"session": "s1", "op": "write", "key": "x", "value": "a"}` with
  optional `"replica"`, real-time `"start"`/`"end"` (default: the line number, an atomic
  operation; `"end": null`: outcome unknown), `"failed": true` for a cas whose compare
  failed, and for a read `"applied"`: the writes its replica had applied (for strong
  eventual consistency).
- Jepsen's records as JSON: `{"process": 0, "type": "invoke", "f": "write", "value": 3}`
  (see `evcheck.histories.jepsen`), with an optional `"key"`.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from ..consistency.operations import CAS, KINDS, MULTIREAD, Op
from .jepsen import Record
from .source import Source, hashable


def parse_lines(source: Source) -> list[tuple[int, dict[str, Any]]]:
    records: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(source.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            source.fail(number, f"not JSON: {exc.msg}")
        except RecursionError:
            source.fail(number, "JSON nested too deeply")
        if not isinstance(record, dict):
            source.fail(number, "expected a JSON object")
        records.append((number, record))
    return records


def is_jepsen(records: list[tuple[int, dict[str, Any]]]) -> bool:
    return any("process" in r and "type" in r for _, r in records)


def jepsen_records(source: Source, records: list[tuple[int, dict[str, Any]]]) -> list[Record]:
    out = []
    for number, record in records:
        for name in ("process", "type", "f"):
            _require(source, number, record, name)
        out.append(
            Record(
                number,
                record["process"],
                str(record["type"]),
                record["f"],
                record.get("value"),
                record.get("key"),
            )
        )
    return out


def evcheck_ops(source: Source, records: list[tuple[int, dict[str, Any]]]) -> tuple[list[Op], bool]:
    """The operations, and whether they are atomic and in order (so the concrete monitors
    apply as well as Z3)."""
    ops = []
    atomic = True
    for index, (number, record) in enumerate(records, start=1):
        session = _require(source, number, record, "session")
        if not isinstance(session, str | int) or isinstance(session, bool):
            source.fail(number, f"a session must be a name or a number, got {session!r}")
        kind = _require(source, number, record, "op")
        if kind not in KINDS:
            source.fail(number, f"operation must be one of {', '.join(KINDS)}, got {kind!r}")
        value = hashable(source, number, _require(source, number, record, "value"))
        if kind == CAS and not (isinstance(value, tuple) and len(value) == 2):
            source.fail(number, f"a cas takes [expected, new], got {value!r}")
        if kind == MULTIREAD:
            if not isinstance(value, tuple):
                source.fail(number, f"a multi-value read returns a list, got {value!r}")
            value = frozenset(value)
        start = record.get("start", number)
        end = record.get("end", start)
        if (
            not isinstance(start, int)
            or isinstance(start, bool)
            or not (end is None or (isinstance(end, int) and not isinstance(end, bool)))
            or (end is not None and end < start)
        ):
            source.fail(number, "'start' and 'end' must be integers, start <= end")
        atomic = atomic and start == end
        key = hashable(source, number, record.get("key"), "a key")
        replica = record.get("replica", "")
        if not isinstance(replica, str | int) or isinstance(replica, bool):
            source.fail(number, f"a replica must be a name or a number, got {replica!r}")
        applied = record.get("applied")
        if applied is not None and not isinstance(applied, list):
            source.fail(number, "'applied' must be a list of written values")
        applied_set = None if applied is None else frozenset(hashable(source, number, applied))
        failed = record.get("failed", False)
        if not isinstance(failed, bool) or (failed and kind != CAS):
            source.fail(number, "'failed' is true or false, and only for a cas")
        ops.append(
            Op(
                index,
                str(session),
                kind,
                key,
                value,
                start,
                end,
                str(replica),
                applied_set,
                failed=failed,
                line=number,
            )
        )
    in_order = all(a.start < b.start for a, b in itertools.pairwise(ops))
    return ops, atomic and in_order


def _require(source: Source, number: int, record: dict[str, Any], name: str) -> Any:
    if name not in record:
        source.fail(number, f"missing field {name!r}")
    return record[name]
