"""The sequential specification the linearizability search checks against: one key
holding a value (a register, or a list or string built by appends), and what each
operation kind requires of it and does to it (docs/consistency.md).

Operations are compiled to (code, a, b) triples so the search's inner loop is a few
comparisons, not a method call.
"""

from __future__ import annotations

from typing import Any

from ..consistency.operations import APPEND, MULTIREAD, READ, WRITE, Op

READS = 0  # a: the value returned
WRITES = 1  # a: the value written
SWAPS = 2  # a: expected, b: new (succeeded)
DIFFERS = 3  # a: expected (compare failed: the state differs, nothing changes)
APPENDS = 4  # a: the element or string appended
NEVER = 5  # a read of several siblings: a register holds one value
MAYBE_SWAPS = 6  # an indeterminate cas: swaps where the compare holds, else no change

Compiled = tuple[int, Any, Any]


def compile_op(op: Op) -> Compiled:
    if op.kind == READ:
        return (READS, op.value, None)
    if op.kind == WRITE:
        return (WRITES, op.value, None)
    if op.kind == APPEND:
        return (APPENDS, op.value, None)
    if op.kind == MULTIREAD:
        if len(op.value) > 1:
            return (NEVER, None, None)
        return (READS, next(iter(op.value), None), None)
    expected, new = op.value
    if op.failed:
        return (DIFFERS, expected, None)
    if op.pending:
        return (MAYBE_SWAPS, expected, new)
    return (SWAPS, expected, new)


def appended(state: Any, element: Any) -> Any:
    """The state after an append, or NOT_A_LIST when the key holds something else."""
    if isinstance(state, str):
        return state + element if isinstance(element, str) else NOT_A_LIST
    if state is None:
        return (element,)
    if isinstance(state, tuple):
        return state + (element,)
    return NOT_A_LIST


NOT_A_LIST = object()


def apply(state: Any, code: int, a: Any, b: Any) -> tuple[bool, Any]:
    """Whether the operation can take effect in `state`, and the state after it."""
    if code == READS:
        return state == a, state
    if code == WRITES:
        return True, a
    if code == SWAPS:
        return (True, b) if state == a else (False, state)
    if code == DIFFERS:
        return state != a, state
    if code == APPENDS:
        after = appended(state, a)
        return after is not NOT_A_LIST, after
    if code == MAYBE_SWAPS:
        return True, (b if state == a else state)
    return False, state
