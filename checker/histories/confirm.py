"""The one place that holds the rule "a violation is reported only when two independent
judges agree on it": the monitor (or, for recorded linearizability, the search) and Z3.
A disagreement is a bug in evcheck, reported as such rather than as a verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..consistency import Event, Op, check_history, event_to_op, op_to_event
from ..errors import EvcheckError
from ..solver import judge
from .wgl import check_key


@dataclass(frozen=True)
class Confirmation:
    """A violation both judges found: the first judge's words, Z3's, and the indices of
    the operations in Z3's conflict (for a model's history: trace steps)."""

    explanation: str
    z3: str
    core: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.explanation} (confirmed by Z3: {self.z3})"


def confirm_violation(
    prop: str,
    history: Sequence[Event] | Sequence[Op],
    *,
    initial: Any = None,
    replicas_apply_own_writes: bool = True,
) -> str:
    """The monitor's explanation of a violation of `prop`, confirmed by Z3, as one line
    (see `confirm` for the parts)."""
    return str(
        confirm(prop, history, initial=initial, replicas_apply_own_writes=replicas_apply_own_writes)
    )


def confirm(
    prop: str,
    history: Sequence[Event] | Sequence[Op],
    *,
    initial: Any = None,
    replicas_apply_own_writes: bool = True,
    from_model: bool = False,
) -> Confirmation:
    """The monitor's explanation of a violation of `prop`, confirmed by Z3; raises
    EvcheckError when the judges disagree. Events are atomic steps of a model's
    history; operations are recorded ones (intervals, indeterminate outcomes), or a
    model's requests (`from_model`: the first judge is then the model's monitor)."""
    events = [h for h in history if isinstance(h, Event)]
    ops = [event_to_op(e) for e in events] or [h for h in history if isinstance(h, Op)]
    explanation = _first_judge(prop, events, ops, initial, replicas_apply_own_writes, from_model)
    verdict = judge(prop, ops, initial=initial, replicas_apply_own_writes=replicas_apply_own_writes)
    if explanation is None or verdict.ok:
        raise EvcheckError(
            f"internal error: the {prop} monitor and Z3 disagree on this history "
            f"(monitor: {explanation or 'holds'}; Z3: {'holds' if verdict.ok else 'violated'}): "
            + "; ".join(h.describe() for h in history)
        )
    return Confirmation(explanation, verdict.explanation, tuple(verdict.core))


def _first_judge(
    prop: str, events: list[Event], ops: list[Op], initial: Any, own_writes: bool, from_model: bool
) -> str | None:
    if events:
        return check_history(prop, events, replicas_apply_own_writes=own_writes)
    if prop == "linearizability" and from_model:
        # A model's history: the interval monitor the exploration used, which names the
        # operation no linearization explains.
        return check_history(prop, interval_events(ops))
    if prop == "linearizability":
        keys: dict[Any, list[Op]] = {}
        for op in ops:
            keys.setdefault(op.key, []).append(op)
        for key_ops in keys.values():
            if not check_key(key_ops, initial).ok:
                key = "" if key_ops[0].key is None else f" on key {key_ops[0].key!r}"
                return f"no linearization of the operations{key} exists: linearizability violated"
        return None

    # The session guarantees see a write from its invocation and a read at its
    # completion (a read may return a write invoked while it was in progress); a read
    # that never completed returned nothing.
    def point(op: Op) -> int:
        return op.start if op.kind not in ("read", "multiread") else (op.end or op.start)

    effective = [op for op in ops if op.kind not in ("read", "multiread") or op.end is not None]
    return check_history(
        prop,
        [replace(op_to_event(op), index=point(op)) for op in sorted(effective, key=point)],
        replicas_apply_own_writes=own_writes,
    )


def interval_events(ops: Sequence[Op]) -> list[Event]:
    """A history of operations as the interval monitor reads it: each invocation and
    completion at its step (an invocation before completions in the same step)."""
    ends: list[tuple[int, int, int, Event]] = []
    for k, op in enumerate(ops):
        base = replace(op_to_event(op), number=k + 1)
        value = None if op.kind in ("read", "multiread") else op.value
        ends.append((op.start, 0, k, replace(base, phase="invoke", value=value, failed=False)))
        if op.end is not None:
            ends.append((op.end, 1, k, replace(base, index=op.end, phase="complete")))
    return [event for *_, event in sorted(ends, key=lambda item: item[:3])]
