"""The operation records both judges share: `Event` (an atomic step of a model's
history) and `Op` (an operation of a recorded history, with an interval).

Operation kinds (semantics in docs/consistency.md):

- `read`: returns `value` (None: the key's initial value).
- `write`: sets the key to `value`.
- `cas`: `value` is `(expected, new)`; succeeded (sets `new` where the key held
  `expected`), compare failed (`failed=True`: the key held something else; no effect),
  or indeterminate (pending).
- `append`: adds `value` to the end of the key's list (a read returns the list as a tuple).
- `multiread`: a Dynamo-style read returning several sibling values (`value` is a
  frozenset); it sees each value it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

READ = "read"
WRITE = "write"
CAS = "cas"
APPEND = "append"
MULTIREAD = "multiread"
KINDS = (READ, WRITE, CAS, APPEND, MULTIREAD)
# Kinds the session guarantees are defined on (a register of unique writes).
SESSION_KINDS = (READ, WRITE, MULTIREAD)


def describe_action(kind: str, value: Any, failed: bool = False) -> str:
    """What an operation did, in words: "wrote 'a'", "cas 1->2 (compare failed)"."""
    if kind == WRITE:
        return f"wrote {value!r}"
    if kind == READ:
        return f"read {value!r}"
    if kind == MULTIREAD:
        return f"read siblings {sorted(value, key=repr)!r}"
    if kind == APPEND:
        return f"appended {value!r}"
    expected, new = value
    return f"cas {expected!r}->{new!r}" + (" (compare failed)" if failed else "")


@dataclass(frozen=True)
class Event:
    """One client operation: who, where, what. `value` is written, or returned (None:
    the register's initial value). `index` orders events in real time (trace step)."""

    index: int
    session: str
    replica: str
    kind: str  # "write", "read" or "multiread"
    key: Any
    value: Any
    # For strong eventual consistency: the writes (by value) the read's replica had applied.
    applied: frozenset[Any] | None = None
    # An atomic step, or one end of a request: "invoke" (the arguments; a read's value is
    # None) and "complete" (the value returned; a cas's `failed`). `number` is the
    # session's operation number, which pairs the two ends.
    phase: str = "atomic"
    number: int = 0
    failed: bool = False

    def describe(self) -> str:
        key = "" if self.key is None else f" (key {self.key!r})"
        what = describe_action(self.kind, self.value, self.failed)
        where = f" on {self.replica}" if self.replica else ""
        return f"session {self.session} {what}{key} at step {self.index}{where}"


@dataclass(frozen=True)
class Op:
    """An operation of a recorded history: invoked at `start`, completed at `end` (None if
    its outcome is unknown: it may or may not have taken effect), on `key`."""

    index: int
    session: str
    kind: str
    key: Any
    value: Any
    start: int
    end: int | None
    replica: str = ""
    applied: frozenset[Any] | None = None  # writes (by value) a read's replica had applied
    failed: bool = False  # a completed cas whose compare failed
    line: int = 0  # where the operation was recorded (0: not from a file)

    def describe(self) -> str:
        key = "" if self.key is None else f" (key {self.key!r})"
        where = f" on {self.replica}" if self.replica else ""
        what = describe_action(self.kind, self.value, self.failed)
        if self.end is None:
            return (
                f"session {self.session} {what}{key} at step {self.start}{where}, outcome unknown"
            )
        # A model's request spans the steps from invocation to reply; a recorded operation
        # is named by where it starts, as its history file numbers it.
        spans = self.end != self.start and self.line == 0
        when = f"in steps {self.start}-{self.end}" if spans else f"at step {self.start}"
        return f"session {self.session} {what}{key} {when}{where}"

    @property
    def pending(self) -> bool:
        return self.end is None


def event_to_op(event: Event) -> Op:
    """An atomic step as a recorded operation (its interval is its step)."""
    return Op(
        event.index,
        event.session,
        event.kind,
        event.key,
        event.value,
        event.index,
        event.index,
        event.replica,
        event.applied,
        event.failed,
    )


def op_to_event(op: Op) -> Event:
    """A recorded operation as an atomic step (for the monitors; the caller checks that
    the history is atomic and in order)."""
    return Event(
        op.start, op.session, op.replica, op.kind, op.key, op.value, op.applied, failed=op.failed
    )


def as_siblings(value: Any) -> frozenset[Any]:
    """A multi-value read's result as the set of values it returned (any collection; a
    single value; None: none)."""
    if value is None:
        return frozenset()
    if isinstance(value, (frozenset, set, tuple, list)):
        return frozenset(value)
    return frozenset({value})
