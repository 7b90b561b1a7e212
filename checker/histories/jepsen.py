"""Jepsen-style records (invoke, then the same process's ok, fail or info) paired into
operations, with the reading of `:fail` that the format implies.

- `ok`: the operation took effect; a read's value is on the completion.
- `fail`: it did not take effect — except a cas under the Porcupine reading
  (`fail_means="compare-failed"`), where it completed and its compare failed.
- `info` (or no completion at all): indeterminate — it may or may not have taken
  effect, at any time after its invocation. An indeterminate read constrains nothing
  and is dropped.

Records of non-client processes (the nemesis) are set aside and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..consistency.operations import APPEND, CAS, MULTIREAD, READ, WRITE, Op
from .source import Source, hashable

FUNCTIONS = {
    "read": READ,
    "r": READ,
    "get": READ,
    "write": WRITE,
    "w": WRITE,
    "put": WRITE,
    "cas": CAS,
    "compare-and-set": CAS,
    "append": APPEND,
    "multiread": MULTIREAD,
}
COMPLETIONS = ("ok", "fail", "info")


@dataclass(frozen=True)
class Record:
    line: int
    process: Any
    type: str
    f: Any
    value: Any
    key: Any = None


@dataclass(frozen=True)
class SetAside:
    """A record that is not a client operation (a nemesis action), kept for the report."""

    line: int
    process: str
    what: str


@dataclass(frozen=True)
class Paired:
    ops: list[Op]
    set_aside: list[SetAside]


def check_process(source: Source, line: int, process: Any) -> str:
    if isinstance(process, bool) or not isinstance(process, int | str):
        source.fail(line, f"a process must be a number or a name, got {process!r}")
    return str(process)


def pair(
    source: Source, records: list[Record], non_clients: frozenset[str], fail_means: str
) -> Paired:
    pending: dict[str, tuple[int, Record]] = {}
    ops: list[Op] = []
    set_aside: list[SetAside] = []
    for position, record in enumerate(records, start=1):
        process = check_process(source, record.line, record.process)
        if process in non_clients:
            set_aside.append(SetAside(record.line, process, f"{record.type} {record.f}"))
            continue
        if record.type == "invoke":
            if process in pending:
                source.fail(
                    record.line,
                    f"process {process} invokes again before its operation at line "
                    f"{pending[process][1].line} completed",
                )
            _function(source, record)
            pending[process] = (position, record)
            continue
        if record.type not in COMPLETIONS:
            source.fail(record.line, f"type must be invoke, ok, fail or info, got {record.type!r}")
        if process not in pending:
            source.fail(record.line, f"{record.type} for process {process} without an invoke")
        start, invoke = pending.pop(process)
        op = _operation(source, invoke, record, start, position, fail_means, len(ops) + 1)
        if op is not None:
            ops.append(op)
    for start, invoke in pending.values():  # never completed: indeterminate
        op = _operation(source, invoke, None, start, None, fail_means, len(ops) + 1)
        if op is not None:
            ops.append(op)
    return Paired(ops, set_aside)


def _function(source: Source, record: Record) -> str:
    name = str(record.f)
    if name == "txn":
        source.fail(record.line, "multi-key transactions (:txn) are not supported")
    if not isinstance(record.f, str) or name not in FUNCTIONS:
        known = ", ".join(sorted(FUNCTIONS))
        source.fail(record.line, f"unknown operation {record.f!r} (known: {known})")
    return FUNCTIONS[name]


def _operation(
    source: Source,
    invoke: Record,
    completion: Record | None,
    start: int,
    end: int | None,
    fail_means: str,
    index: int,
) -> Op | None:
    kind = _function(source, invoke)
    outcome = "info" if completion is None else completion.type
    if kind in (READ, MULTIREAD) and outcome != "ok":
        return None
    failed = False
    if outcome == "fail":
        if kind != CAS or fail_means == "did-not-happen":
            return None
        failed = True
    line = invoke.line if completion is None else completion.line
    raw = completion.value if kind in (READ, MULTIREAD) and completion is not None else invoke.value
    value = hashable(source, line, raw)
    if kind == CAS and not (isinstance(value, tuple) and len(value) == 2):
        source.fail(invoke.line, f"a cas takes [expected new], got {raw!r}")
    if kind == MULTIREAD:
        if not isinstance(value, tuple):
            source.fail(line, f"a multi-value read returns a list, got {raw!r}")
        value = frozenset(value)
    key = hashable(source, invoke.line, invoke.key, "a key")
    return Op(
        index,
        check_process(source, invoke.line, invoke.process),
        kind,
        key,
        value,
        start,
        None if outcome == "info" else end,
        failed=failed,
        line=invoke.line,
    )
