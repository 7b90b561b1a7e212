"""Why a key's history is not linearizable: the longest prefix that is, and a smallest
set of operations that cannot be linearized together.

A prefix cuts the history at an event in real-time order; operations still open at the
cut become indeterminate. Prefixes of a linearizable history are linearizable, so the
longest one is found by bisection, and the event after it completes the operation that
cannot be linearized.

The conflict is minimised by relaxing operations: a relaxed read (or failed cas) is
dropped, a relaxed write, cas or append becomes indeterminate (it may or may not take
effect, at any time after its invocation). Relaxing only adds linearizations, so a set
that stays non-linearizable with everything else relaxed is a genuine conflict, and the
result is minimal: relaxing any one more of its operations makes the rest linearizable.
Each trial search has a step budget; a trial that exceeds it keeps the operations, so a
conflict reported as not minimal is still a conflict.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..consistency.operations import APPEND, CAS, WRITE, Op
from .wgl import Linearization, SearchStopped, check_key, relevant

TRIAL_STEPS = 200_000


@dataclass(frozen=True)
class Explanation:
    key: Any
    prefix: tuple[int, ...]  # the operations of the longest linearizable prefix, linearized
    failing: int  # the operation whose completion ends that prefix
    conflict: tuple[int, ...]  # operations that cannot be linearized together
    minimal: bool  # False when the minimisation ran out of budget


def explain(ops: Sequence[Op], initial: Any, *, deadline: float | None = None) -> Explanation:
    ops = relevant(ops)
    timeline = sorted(
        [(op.start, 0, i) for i, op in enumerate(ops)]
        + [(float("inf") if op.end is None else op.end, 1, i) for i, op in enumerate(ops)]
    )
    low, high = 0, len(timeline)  # prefix(low) linearizable, prefix(high) not
    best = Linearization(True)
    while high - low > 1:
        middle = (low + high) // 2
        verdict = check_key(_prefix(ops, timeline, middle), initial, deadline=deadline)
        if verdict.ok:
            low, best = middle, verdict
        else:
            high = middle
    failing = ops[timeline[high - 1][2]]
    window = _prefix(ops, timeline, high)
    conflict, minimal = _minimise(window, initial, deadline)
    return Explanation(
        failing.key, best.order, failing.index, tuple(op.index for op in conflict), minimal
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


def still_conflicting(
    kept: Sequence[Op], others: Sequence[Op], initial: Any, deadline: float | None
) -> bool | None:
    """Whether `kept` cannot be linearized with `others` relaxed (None: out of budget)."""
    history = list(kept) + [r for r in map(relaxed, others) if r is not None]
    history.sort(key=lambda op: op.start)
    try:
        verdict = check_key(history, initial, deadline=deadline, max_steps=TRIAL_STEPS)
    except SearchStopped:
        if deadline is not None and time.monotonic() > deadline:
            raise
        return None
    return not verdict.ok


def _minimise(window: list[Op], initial: Any, deadline: float | None) -> tuple[list[Op], bool]:
    """Relax the oldest operations first, by bisection, then the rest one by one."""
    kept = [op for op in window if not op.pending]
    relaxed_ops = [op for op in window if op.pending]
    minimal = True
    low, high = 0, len(kept)  # relaxing the first `low` keeps the conflict; `high` may not
    while high - low > 1:
        middle = (low + high) // 2
        verdict = still_conflicting(kept[middle:], relaxed_ops + kept[:middle], initial, deadline)
        if verdict:
            low = middle
        else:
            high = middle
    relaxed_ops += kept[:low]
    kept = kept[low:]
    i = 0
    while i < len(kept):
        candidate = kept[:i] + kept[i + 1 :]
        try:
            verdict = still_conflicting(candidate, relaxed_ops + [kept[i]], initial, deadline)
        except SearchStopped:
            return kept, False
        if verdict:
            relaxed_ops.append(kept[i])
            kept = candidate
        else:
            minimal = minimal and verdict is not None
            i += 1
    return kept, minimal
