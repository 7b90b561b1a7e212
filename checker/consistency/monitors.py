"""The monitor interface the explorer uses (start, step, violation) and the whole-history
judge built on it, which also says when a violation is one of the replica assumptions
rather than of the guarantee itself.

Underneath the session properties sit two assumptions about replicas, as in Terry et
al.'s server-centric definitions: a replica applies its own writes, and never forgets a
write it has applied. A protocol whose replicas forward writes to a primary breaks the
first one without breaking any guarantee; `replicas_apply_own_writes=False` drops it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from .atomic import start_atomic, step_atomic
from .convergence import check_converges
from .intervals import start_intervals, step_intervals
from .operations import Event
from .sessions import SessionSummary, start_session_summary, step_session

# The replica assumptions with no session guarantee on top: what a history violates
# when the fault lies with the assumptions rather than the guarantee.
ASSUMPTIONS = "replica assumptions"


def start_summary(
    name: str,
    sessions: Sequence[str],
    replicas: Sequence[str] = (),
    *,
    replicas_apply_own_writes: bool = True,
    intervals: bool = False,
) -> Any:
    """The monitor summary of an empty history (replicas: those whose operations obey the
    replica assumptions; operations at other replicas, or none, are unconstrained).
    `intervals`: the history has requests (invocations and completions), so
    linearizability needs the interval monitor."""
    if name == "linearizability":
        return IntervalMonitor(start_intervals()) if intervals else start_atomic()
    return start_session_summary(sessions, replicas, replicas_apply_own_writes)


class IntervalMonitor(tuple[Any, ...]):
    """The interval linearizability summary, tagged so that `step_summary` knows it."""

    __slots__ = ()

    def __new__(cls, summary: Any) -> IntervalMonitor:
        return super().__new__(cls, summary)


def step_summary(name: str, summary: Any, event: Event) -> Any:
    """The summary after `event`; a violated summary stays violated (and explains)."""
    if name == "linearizability":
        if isinstance(summary, IntervalMonitor):
            return IntervalMonitor(step_intervals(tuple(summary), event))
        return step_atomic(summary, as_atomic(event) or event)
    if summary.violated is not None:
        return summary
    atomic = as_atomic(event)
    if atomic is None:
        return summary
    return step_session(name, summary, atomic)


def as_atomic(event: Event) -> Event | None:
    """How the session guarantees see one end of a request: a write at its invocation
    (its value exists from then on; its session issues nothing else until it
    completes), a read at its completion (when its value is known); the other ends are
    nothing to them. Sessions are sequential, so session order is preserved."""
    if event.phase == "atomic":
        return event
    reads = event.kind in ("read", "multiread")
    if (event.phase == "invoke") == reads:
        return None
    return replace(event, phase="atomic")


def violation(summary: Any) -> str | None:
    """The explanation of a violation recorded in `summary`, if any."""
    if isinstance(summary, SessionSummary):
        return summary.violated
    return summary[1]  # type: ignore[no-any-return]


def check_history(
    name: str, events: Iterable[Event], *, replicas_apply_own_writes: bool = True
) -> str | None:
    """Run the monitor over a whole history: None if it satisfies `name`, else why not."""
    events = list(events)
    if name == "strong_eventual_consistency":
        return check_converges(events)
    own = replicas_apply_own_writes
    found = _first_violation(name, events, own)
    if found is None or name == "linearizability":
        return None if found is None else found[0]
    explanation, event = found
    if any(e.replica for e in events) and _first_violation(ASSUMPTIONS, events, own) is not None:
        return _blame_replicas(name, events, event, explanation, own)
    return explanation


def _first_violation(
    name: str, events: list[Event], replicas_apply_own_writes: bool
) -> tuple[str, Event] | None:
    sessions = sorted({e.session for e in events})
    replicas = sorted({e.replica for e in events if e.replica})
    summary = start_summary(
        name,
        sessions,
        replicas,
        replicas_apply_own_writes=replicas_apply_own_writes,
        intervals=any(e.phase != "atomic" for e in events),
    )
    for event in events:
        summary = step_summary(name, summary, event)
        explanation = violation(summary)
        if explanation is not None:
            return explanation, event
    return None


def _blame_replicas(
    name: str, events: list[Event], event: Event, explanation: str, own_writes: bool
) -> str:
    """Name the replica assumption that failed, separately from the guarantee."""
    what = explanation.removesuffix(f": {name} violated")
    if own_writes and _first_violation(ASSUMPTIONS, events, False) is None:
        earlier = [
            e
            for e in events
            if e.kind == "write" and e.replica == event.replica and e.index < event.index
        ]
        mine = f" {earlier[-1].value!r}" if earlier else ""
        assumption = (
            f"{event.replica} did not apply its own write{mine} (replicas are assumed to "
            "apply their own writes; declare that replicas forward writes to drop this)"
        )
    else:
        assumption = (
            f"{event.replica} showed less than it had applied before (replicas are assumed "
            "never to forget a write they applied)"
        )
    return (
        f"replica assumption violated: {what}; {assumption}. This is an assumption of the "
        f"session guarantees, not {name} itself"
    )
