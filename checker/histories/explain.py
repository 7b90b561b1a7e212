"""Why a key's history is not linearizable: the longest prefix that is, and a smallest
set of operations that cannot be linearized together.

A prefix cuts the history at an event in real-time order; operations still open at the
cut become indeterminate. Prefixes of a linearizable history are linearizable, so the
longest one is found by bisection, and the event after it completes the operation that
cannot be linearized.

A conflict is a set of operations that cannot be linearized even with every other
operation relaxed: a relaxed read (or failed cas) is dropped, a relaxed write, cas or
append becomes indeterminate (it may or may not take effect, at any time after its
invocation). Relaxing only adds linearizations, so such a set is a genuine conflict. It
is grown from the failing operation by the operations that completed nearest before it,
then shrunk until relaxing any one more of its operations makes the rest linearizable.
Updates whose value no kept operation could use are left out rather than relaxed (see
`helpful`), which keeps the trial searches small. Each trial has a step budget and the
whole explanation a time budget; a trial that exceeds it keeps the operations, so a
conflict reported as not minimal is still a conflict.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..consistency.operations import APPEND, CAS, MULTIREAD, READ, WRITE, Op
from .wgl import Linearization, SearchStopped, check_key, relevant

TRIAL_STEPS = 200_000


@dataclass(frozen=True)
class Explanation:
    key: Any
    prefix: tuple[int, ...]  # the operations of the longest linearizable prefix, linearized
    failing: int  # the operation whose completion ends that prefix
    conflict: tuple[int, ...]  # operations that cannot be linearized together
    minimal: bool  # False when the minimisation ran out of budget
    longest: bool = True  # False when the bisection for the prefix ran out of budget


def explain(
    ops: Sequence[Op], initial: Any, *, deadline: float | None = None, seconds: float = 10.0
) -> Explanation:
    """Within `seconds` (the bisection stops early, then the minimisation does; an
    explanation cut short says so) and the caller's `deadline`."""
    budget = time.monotonic() + seconds
    limit = budget if deadline is None else min(budget, deadline)
    ops = relevant(ops)
    timeline = sorted(
        [(op.start, 0, i) for i, op in enumerate(ops)]
        + [(float("inf") if op.end is None else op.end, 1, i) for i, op in enumerate(ops)]
    )
    low, high = 0, len(timeline)  # prefix(low) linearizable, prefix(high) not
    best = Linearization(True)
    longest = True
    while high - low > 1:
        middle = (low + high) // 2
        try:
            verdict = check_key(_prefix(ops, timeline, middle), initial, deadline=limit)
        except SearchStopped:
            if deadline is not None and time.monotonic() > deadline:
                raise
            longest = False
            break
        if verdict.ok:
            low, best = middle, verdict
        else:
            high = middle
    # The completion that ends the failing prefix (the last one, if the bisection stopped).
    failing = next(
        ops[i] for _, is_return, i in reversed(timeline[:high]) if is_return and not ops[i].pending
    )
    window = _prefix(ops, timeline, high)
    conflict, minimal = _minimise(window, failing, initial, deadline, budget)
    return Explanation(
        failing.key,
        best.order,
        failing.index,
        tuple(op.index for op in conflict),
        minimal,
        longest,
    )


def _prefix(ops: list[Op], timeline: list[tuple[float, int, int]], events: int) -> list[Op]:
    invoked: dict[int, bool] = {}
    for _, is_return, i in timeline[:events]:
        invoked[i] = bool(is_return)
    return [ops[i] if done else replace(ops[i], end=None) for i, done in sorted(invoked.items())]


def relaxed(op: Op) -> Op | None:
    """The operation with its outcome forgotten: an update may or may not take effect."""
    if op.kind in (WRITE, APPEND) or (op.kind == CAS and not op.failed):
        return replace(op, end=None)
    return None


def helpful(kept: Sequence[Op], others: Sequence[Op]) -> list[Op]:
    """The relaxed forms of those `others` whose effect the `kept` operations could use.

    An update whose resulting value no kept operation needs (a read returning it, a cas
    expecting it, or, transitively, a helpful cas expecting it) can be left out: in any
    linearization, skipping it leaves every kept operation's observation unchanged. A
    failed cas or an append needs any value, so then every update is kept.
    """
    candidates = [r for r in map(relaxed, others) if r is not None]
    if any(op.failed or op.kind == APPEND for op in kept) or any(
        op.kind == APPEND for op in candidates
    ):
        return candidates
    needed: set[Any] = set()
    for op in kept:
        if op.kind == READ:
            needed.add(op.value)
        elif op.kind == MULTIREAD:
            needed |= op.value
        elif op.kind == CAS:
            needed.add(op.value[0])
    chosen: list[Op] = []
    rest = candidates
    while True:
        useful = [op for op in rest if (op.value if op.kind == WRITE else op.value[1]) in needed]
        if not useful:
            return chosen
        chosen += useful
        rest = [op for op in rest if op not in useful]
        needed |= {op.value[0] for op in useful if op.kind == CAS}


def still_conflicting(
    kept: Sequence[Op], others: Sequence[Op], initial: Any, deadline: float | None
) -> bool | None:
    """Whether `kept` cannot be linearized with `others` relaxed (None: out of budget)."""
    history = sorted([*kept, *helpful(kept, others)], key=lambda op: op.start)
    try:
        verdict = check_key(history, initial, deadline=deadline, max_steps=TRIAL_STEPS)
    except SearchStopped:
        if deadline is not None and time.monotonic() > deadline:
            raise
        return None
    return not verdict.ok


def _minimise(
    window: list[Op], failing: Op, initial: Any, deadline: float | None, budget: float
) -> tuple[list[Op], bool]:
    """Grow a conflict from the failing operation, adding the operations that completed
    nearest before it (1, 1, 2, 4, ... at a time), then shrink it one by one, until the
    `budget` instant. Out of time, the whole window is the (unminimised) conflict."""
    nearest = sorted(
        (op for op in window if not op.pending and op is not failing),
        key=lambda op: -(op.end or 0),
    )
    kept = [failing]
    chunk = 1
    while not still_conflicting(kept, _outside(window, kept), initial, deadline):
        if not nearest or time.monotonic() > budget:
            return [op for op in window if not op.pending], False
        kept += nearest[:chunk]
        nearest = nearest[chunk:]
        chunk = chunk * 2 if len(kept) > 2 else 1
    minimal = True
    i = 0
    while i < len(kept):
        if time.monotonic() > budget:
            return kept, False
        candidate = kept[:i] + kept[i + 1 :]
        verdict = still_conflicting(candidate, _outside(window, candidate), initial, deadline)
        if verdict:
            kept = candidate
        else:
            minimal = minimal and verdict is not None
            i += 1
    return sorted(kept, key=lambda op: op.start), minimal


def _outside(window: list[Op], kept: list[Op]) -> list[Op]:
    inside = {id(op) for op in kept}
    return [op for op in window if id(op) not in inside]
