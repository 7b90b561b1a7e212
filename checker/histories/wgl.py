"""Linearizability of one key's history: the Wing–Gong search with Lowe's memoisation.

The history is a doubly linked list of invocation and completion entries in real-time
order. The search repeatedly takes the first entry: an invocation is tried as the next
operation of the linearization (if the model allows it and the configuration — which
operations are linearized, and the resulting state — is new, it is removed from the
list and the search restarts from the head); a completion means its operation had to be
linearized by now, so the search backtracks. Success: every completed operation is
linearized. Indeterminate operations complete at infinity and are optional.

For speed and memory linear in the history the linearized set is kept as Python ints:
completed operations are numbered in completion order and stored as a base (how many
are all linearized) plus a small window of bits; indeterminate ones as their own bits.
Two reductions keep many timeouts tractable. Indeterminate operations with the same
effect are interchangeable, so they are taken in invocation order. And a configuration
is skipped when one with the same completed operations and state, but a subset of its
indeterminate ones, was already reached: whatever the larger one can still do, the
smaller can too (the indeterminate operations it has left never have to happen).
Iterative throughout: no recursion on long histories.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..consistency.operations import APPEND, MULTIREAD, READ, Op
from .model import (
    APPENDS,
    DIFFERS,
    MAYBE_SWAPS,
    NOT_A_LIST,
    READS,
    SWAPS,
    WRITES,
    appended,
    apply,
    compile_op,
)


class SearchStopped(Exception):
    """The search hit its time limit, its step budget, or was cancelled."""


@dataclass(frozen=True)
class Linearization:
    """The verdict on one key: `ok`, with the order found (operation indexes), or not."""

    ok: bool
    order: tuple[int, ...] = ()
    steps: int = 0


_INFINITY = float("inf")
# The debt is the state before the last linearized operation when that one was
# indeterminate. Any linearization can be rearranged so that an indeterminate operation
# is followed by another one or by a completed operation that could not have taken
# effect in the state before it: otherwise that next operation is a write (which hides
# it: drop it), a read or successful cas that held before too (it changed nothing: drop
# it), or a failed compare that held before too (swap the two and look again). Lists
# are excluded: appends do not commute that way.
_NO_DEBT = object()


def _allowed(state: Any, code: int, a: Any, b: Any) -> bool:
    """Whether a completed operation could take effect in `state`."""
    return apply(state, code, a, b)[0]


def relevant(ops: Sequence[Op]) -> list[Op]:
    """The operations that constrain a linearization: indeterminate reads do not."""
    return [op for op in ops if not (op.pending and op.kind in (READ, MULTIREAD))]


def check_key(
    ops: Sequence[Op],
    initial: Any = None,
    *,
    deadline: float | None = None,
    max_steps: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Linearization:
    """Decide one key's history. First with indeterminate operations allowed to take
    effect any number of times — more behaviours, so "not linearizable" there is the
    verdict, found without telling apart which of them were used, where an exhaustive
    exact search would multiply its configurations by the subsets of them — then, if
    that one passes, exactly (each at most once), which finds the linearization."""
    ops = relevant(ops)
    limits = (deadline, max_steps, cancelled)
    # Appends repeated would grow the state without end, so lists are searched exactly.
    if any(op.pending for op in ops) and all(op.kind != APPEND for op in ops):
        loose = _search(ops, initial, True, *limits)
        if not loose.ok:
            return loose
        if max_steps is not None:
            max_steps -= loose.steps
        limits = (deadline, max_steps, cancelled)
    return _search(ops, initial, False, *limits)


def _search(
    ops: list[Op],
    initial: Any,
    reusable: bool,
    deadline: float | None,
    max_steps: int | None,
    cancelled: Callable[[], bool] | None,
) -> Linearization:
    n = len(ops)
    completed = [i for i in range(n) if not ops[i].pending]
    # Entries: 0 is the head, 1..2n the invocations and completions, 2n+1 the tail.
    timeline: list[tuple[float, int, int]] = []
    for i, op in enumerate(ops):
        timeline.append((op.start, 0, i))
        timeline.append((_INFINITY if op.end is None else op.end, 1, i))
    timeline.sort()
    tail = 2 * n + 1
    op_of = [0] * (tail + 1)
    is_call = [False] * (tail + 1)
    match = [0] * (tail + 1)
    call_entry = [0] * n
    order_of_return: list[int] = []
    for entry, (_, is_return, i) in enumerate(timeline, start=1):
        op_of[entry] = i
        if is_return:
            match[call_entry[i]] = entry
            order_of_return.append(i)
        else:
            is_call[entry] = True
            call_entry[i] = entry
    nxt = list(range(1, tail + 2))
    prv = list(range(-1, tail))
    # Bit positions: completed operations by completion order, indeterminate ones apart.
    slot = [-1] * n
    for position, i in enumerate(j for j in order_of_return if not ops[j].pending):
        slot[i] = position
    pending_slot = [-1] * n
    group_prev = [-1] * n
    last_of_group: dict[tuple[int, Any, Any], int] = {}
    code = [0] * n
    arg_a: list[Any] = [None] * n
    arg_b: list[Any] = [None] * n
    for i, op in enumerate(ops):
        code[i], arg_a[i], arg_b[i] = compile_op(op)
    for position, i in enumerate(
        sorted((i for i in range(n) if ops[i].pending), key=lambda i: ops[i].start)
    ):
        pending_slot[i] = position
        signature = (code[i], arg_a[i], arg_b[i])
        try:
            group_prev[i] = last_of_group.get(signature, -1)
            last_of_group[signature] = position
        except TypeError:  # an unhashable value: no symmetry for it
            pass
    to_linearize = len(completed)
    if to_linearize == 0:
        return Linearization(True)

    # Just in time: on a register, an indeterminate operation need only be linearized
    # right before a completed one that could not take effect without it (see `_NO_DEBT`).
    just_in_time = APPENDS not in code
    state = initial
    debt: Any = _NO_DEBT
    base = cbits = pbits = done = 0
    # Completed operations are tried before indeterminate ones (phase 0, then 1), so that
    # configurations with fewer indeterminate operations come first and subsume others.
    phase = 0
    any_pending = any(p >= 0 for p in pending_slot)
    stack: list[tuple[int, Any, int, int, int, int, Any, int, bool]] = []
    # (completed part, state, debt) -> the sets of indeterminate operations seen with it.
    cache: dict[tuple[int, int, Any, Any], list[int]] = {}
    entry = nxt[0]
    steps = 0
    while True:
        steps += 1
        if steps & 0xFFF == 0:
            if deadline is not None and time.monotonic() > deadline:
                raise SearchStopped("time limit")
            if max_steps is not None and steps > max_steps:
                raise SearchStopped("step budget")
            if cancelled is not None and cancelled():
                raise SearchStopped("cancelled")
        if is_call[entry]:
            i = op_of[entry]
            if (pending_slot[i] >= 0) != (phase == 1):
                entry = nxt[entry]
                continue
            c = code[i]
            a = arg_a[i]
            if c == READS:
                ok = state == a
                new = state
            elif c == WRITES:
                ok = True
                new = a
            elif c == SWAPS:
                ok = state == a
                new = arg_b[i]
            elif c == DIFFERS:
                ok = state != a
                new = state
            elif c == APPENDS:
                new = appended(state, a)
                ok = new is not NOT_A_LIST
            elif c == MAYBE_SWAPS:
                ok = True
                new = arg_b[i] if state == a else state
            else:
                ok = False
                new = state
            if ok:
                p = pending_slot[i]
                if p >= 0:
                    g = group_prev[i]
                    if g >= 0 and not (pbits >> g) & 1:
                        entry = nxt[entry]
                        continue
                    nb, nc, nd = base, cbits, done
                    np_ = pbits if reusable else pbits | (1 << p)
                    new_debt = state if just_in_time else _NO_DEBT
                else:
                    if debt is not _NO_DEBT and _allowed(debt, c, a, arg_b[i]):
                        entry = nxt[entry]  # it did not need the indeterminate one before it
                        continue
                    new_debt = _NO_DEBT
                    shift = slot[i] - base
                    nc = cbits | (1 << shift)
                    nb = base
                    if shift == 0:
                        ones = (~nc & (nc + 1)).bit_length() - 1
                        nc >>= ones
                        nb += ones
                    np_ = pbits
                    nd = done + 1
                seen = cache.get((nb, nc, new, new_debt))
                if seen is None:
                    cache[(nb, nc, new, new_debt)] = [np_]
                elif any(old & ~np_ == 0 for old in seen):
                    entry = nxt[entry]
                    continue
                else:
                    seen.append(np_)
                lift = not (reusable and p >= 0)
                stack.append((entry, state, base, cbits, pbits, done, debt, phase, lift))
                state, base, cbits, pbits, done, debt = new, nb, nc, np_, nd, new_debt
                phase = 0
                if done == to_linearize:
                    return Linearization(True, tuple(ops[op_of[s[0]]].index for s in stack), steps)
                if not lift:
                    entry = nxt[0]
                    continue
                back, ahead = prv[entry], nxt[entry]
                nxt[back] = ahead
                prv[ahead] = back
                ret = match[entry]
                back, ahead = prv[ret], nxt[ret]
                nxt[back] = ahead
                prv[ahead] = back
                entry = nxt[0]
                continue
            entry = nxt[entry]
            continue
        if phase == 0 and any_pending:
            phase = 1
            entry = nxt[0]
            continue
        if not stack:
            return Linearization(False, (), steps)
        entry, state, base, cbits, pbits, done, debt, phase, lifted = stack.pop()
        if lifted:
            ret = match[entry]
            nxt[prv[ret]] = ret
            prv[nxt[ret]] = ret
            nxt[prv[entry]] = entry
            prv[nxt[entry]] = entry
        entry = nxt[entry]
