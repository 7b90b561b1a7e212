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

from ..consistency.operations import MULTIREAD, READ, Op
from .model import (
    APPENDS,
    DIFFERS,
    MAYBE_SWAPS,
    NOT_A_LIST,
    READS,
    SWAPS,
    WRITES,
    appended,
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
    ops = relevant(ops)
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

    state = initial
    base = cbits = pbits = done = 0
    stack: list[tuple[int, Any, int, int, int, int]] = []
    # (completed part, state) -> the sets of indeterminate operations seen with it.
    cache: dict[tuple[int, int, Any], list[int]] = {}
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
                    nb, nc, np_, nd = base, cbits, pbits | (1 << p), done
                else:
                    shift = slot[i] - base
                    nc = cbits | (1 << shift)
                    nb = base
                    if shift == 0:
                        ones = (~nc & (nc + 1)).bit_length() - 1
                        nc >>= ones
                        nb += ones
                    np_ = pbits
                    nd = done + 1
                seen = cache.get((nb, nc, new))
                if seen is None:
                    cache[(nb, nc, new)] = [np_]
                elif any(old & ~np_ == 0 for old in seen):
                    entry = nxt[entry]
                    continue
                else:
                    seen.append(np_)
                stack.append((entry, state, base, cbits, pbits, done))
                state, base, cbits, pbits, done = new, nb, nc, np_, nd
                if done == to_linearize:
                    return Linearization(True, tuple(ops[op_of[s[0]]].index for s in stack), steps)
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
        if not stack:
            return Linearization(False, (), steps)
        entry, state, base, cbits, pbits, done = stack.pop()
        ret = match[entry]
        nxt[prv[ret]] = ret
        prv[nxt[ret]] = ret
        nxt[prv[entry]] = entry
        prv[nxt[entry]] = entry
        entry = nxt[entry]
