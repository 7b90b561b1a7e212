"""Client-observable consistency: histories, and the concrete monitors that judge them.

A history is a sequence of client operations on registers (optionally keyed): writes
of unique values and reads that return a written value or None (nothing written yet).
Each property asks, in the style of Burckhardt's axiomatic framework, whether some
visibility relation `vis` (which writes each operation sees) and one arbitration order
`ar` on writes explain what clients observed: every read returns the `ar`-latest write
to its key among those it sees.

- read_your_writes: an operation sees the earlier writes of its session.
- monotonic_reads: an operation sees whatever earlier operations of its session saw.
- monotonic_writes: writes of a session are arbitrated in session order, and whoever
  sees a write sees the session's earlier writes.
- writes_follow_reads: a write is arbitrated after what its session had seen, and
  whoever sees the write sees that too.
- causal_consistency: all of the above, closed transitively (happens-before = session
  order and visibility) with arbitration respecting happens-before.
- linearizability: operations are atomic steps here, so a read must return the latest
  earlier write to its key.

Underneath the session properties sit two assumptions about replicas, as in Terry et
al.'s server-centric definitions: a replica applies its own writes, and never forgets
a write it has applied (so operations at one replica see monotonically more). They make
monotonic writes and writes-follow-reads observable — "this replica shows an older
write of the session than one it already had" — and apply only where the replica of
each operation is known (not in recorded histories without one).

The monitors decide exactly these questions incrementally. For the session
properties a violation is either a read that returned nothing although a write to its
key must be visible, or a cycle in the arbitration constraints ("w1 before w2" because
a read returned w2 while w1 had to be visible). `evcheck.solver` decides the same
questions from the axioms with Z3; tests check that the two judges agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .properties import (
    DESCRIPTIONS,
    HISTORY_PROPERTIES,
    JUDGED_ON_HISTORIES,
    SESSION_PROPERTIES,
    HistoryProperty,
    StrongConvergence,
    causal_consistency,
    history_property,
    linearizability,
    monotonic_reads,
    monotonic_writes,
    read_your_writes,
    strong_eventual_consistency,
    writes_follow_reads,
)


@dataclass(frozen=True)
class Event:
    """One client operation: who, where, what. `value` is written, or returned (None:
    the register's initial value). `index` orders events in real time (trace step)."""

    index: int
    session: str
    replica: str
    kind: str  # "write" or "read"
    key: Any
    value: Any
    # For strong eventual consistency: the writes (by value) the read's replica had applied.
    applied: frozenset[Any] | None = None

    def describe(self) -> str:
        what = f"wrote {self.value!r}" if self.kind == "write" else f"read {self.value!r}"
        key = "" if self.key is None else f" (key {self.key!r})"
        return f"session {self.session} {what}{key} at step {self.index} on {self.replica}"


# ----------------------------------------------------------------------------- monitors
#
# A monitor summary is immutable and hashable (it lives in the world state). For the
# session properties it holds, per session, the writes its next operation must see
# and the session's own writes; per write, the writes that must be seen with it; and
# the arbitration constraints. Writes are named by their (unique) value.

_NONE: frozenset[Any] = frozenset()
_MISSING = object()


@dataclass(frozen=True)
class SessionSummary:
    replicas: tuple[str, ...]
    applied: tuple[frozenset[Any], ...]  # per replica: writes every later operation there sees
    sessions: tuple[str, ...]
    seen: tuple[frozenset[Any], ...]  # per session: writes its next operation must see
    own: tuple[tuple[Any, ...], ...]  # per session: its writes, in order
    deps: tuple[tuple[Any, frozenset[Any]], ...]  # write -> writes seen whenever it is
    keys: tuple[tuple[Any, Any], ...]  # write -> key
    before: frozenset[tuple[Any, Any]]  # arbitration constraints (w1 before w2)
    violated: str | None = None


def start_summary(name: str, sessions: Sequence[str], replicas: Sequence[str] = ()) -> Any:
    """The monitor summary of an empty history (replicas: those whose operations obey the
    replica assumptions; operations at other replicas, or none, are unconstrained)."""
    if name == "linearizability":
        return ((), None)
    return SessionSummary(
        tuple(replicas),
        tuple(_NONE for _ in replicas),
        tuple(sessions),
        tuple(_NONE for _ in sessions),
        tuple(() for _ in sessions),
        (),
        (),
        _NONE,
    )


def step_summary(name: str, summary: Any, event: Event) -> Any:
    """The summary after `event`; a violated summary stays violated (and explains)."""
    if name == "linearizability":
        return _step_linearizable(summary, event)
    if summary.violated is not None:
        return summary
    return _step_session(name, summary, event)


def violation(summary: Any) -> str | None:
    """The explanation of a violation recorded in `summary`, if any."""
    if isinstance(summary, SessionSummary):
        return summary.violated
    return summary[1]  # type: ignore[no-any-return]


def check_history(name: str, events: Iterable[Event]) -> str | None:
    """Run the monitor over a whole history: None if it satisfies `name`, else why not."""
    events = list(events)
    if name == "strong_eventual_consistency":
        return _check_converges(events)
    sessions = sorted({e.session for e in events})
    replicas = sorted({e.replica for e in events if e.replica})
    summary = start_summary(name, sessions, replicas)
    for event in events:
        summary = step_summary(name, summary, event)
        explanation = violation(summary)
        if explanation is not None:
            return explanation
    return None


def _check_converges(events: list[Event]) -> str | None:
    """Strong eventual consistency on a history: one arbitration order explains every read
    from exactly the writes its replica had applied (so equal sets give equal reads)."""
    keys = {e.value: e.key for e in events if e.kind == "write"}
    before: set[tuple[Any, Any]] = set()
    for e in events:
        if e.kind != "read" or e.applied is None:
            continue
        same = {w for w in e.applied if keys.get(w, _MISSING) == e.key}
        if e.value is None:
            if same:
                return f"{e.describe()}, although its replica had applied {sorted(same, key=repr)[0]!r}: strong_eventual_consistency violated"
            continue
        if e.value not in same:
            return f"{e.describe()}, a write its replica had not applied: strong_eventual_consistency violated"
        before |= {(w, e.value) for w in same if w != e.value}
        cycle = _find_cycle(before)
        if cycle is not None:
            chain = " before ".join(repr(w) for w in cycle)
            return (
                f"{e.describe()}; replicas that applied the same writes chose differently "
                f"({chain}): strong_eventual_consistency violated"
            )
    return None


def _step_linearizable(summary: Any, event: Event) -> Any:
    latest, violated = summary
    if violated is not None:
        return summary
    last = dict(latest)
    if event.kind == "write":
        last[event.key] = (event.value, event.index, event.session)
        return (tuple(sorted(last.items(), key=lambda kv: repr(kv[0]))), None)
    expected = last.get(event.key)
    if expected is None:
        if event.value is None:
            return summary
        return (latest, f"{event.describe()}, but nothing had been written to it yet")
    value, index, session = expected
    if event.value == value:
        return summary
    return (
        latest,
        f"{event.describe()}, but the latest write before it was {value!r} "
        f"(session {session}, step {index}): linearizability violated",
    )


def _closure(start: Iterable[Any], deps: dict[Any, frozenset[Any]]) -> set[Any]:
    out: set[Any] = set()
    todo = list(start)
    while todo:
        w = todo.pop()
        if w in out:
            continue
        out.add(w)
        todo.extend(deps.get(w, _NONE))
    return out


def _find_cycle(edges: Iterable[tuple[Any, Any]]) -> list[Any] | None:
    graph: dict[Any, list[Any]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state: dict[Any, int] = {}
    stack: list[Any] = []

    def visit(node: Any) -> list[Any] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, []), key=repr):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph, key=repr):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _step_session(name: str, s: SessionSummary, e: Event) -> SessionSummary:
    k = s.sessions.index(e.session)
    ryw = name in ("read_your_writes", "causal_consistency")
    mr = name in ("monotonic_reads", "causal_consistency")
    mw = name in ("monotonic_writes", "causal_consistency")
    wfr = name in ("writes_follow_reads", "causal_consistency")
    causal = name == "causal_consistency"
    deps = dict(s.deps)
    keys = dict(s.keys)
    seen = list(s.seen)
    own = list(s.own)
    applied = list(s.applied)
    before = set(s.before)
    at = s.replicas.index(e.replica) if e.replica in s.replicas else -1
    # What this operation must see: what its replica has applied, and its session's past.
    must: set[Any] = set(s.applied[at]) if at >= 0 else set()
    if mr:
        must |= s.seen[k]
    if ryw:
        must |= set(s.own[k])
    if causal or mw or wfr:
        must = _closure(must, deps)
    if e.kind == "write":
        w = e.value
        keys[w] = e.key
        carried: set[Any] = set()
        if mw:
            carried |= set(s.own[k])
            before |= {(v, w) for v in s.own[k]}
        if wfr:
            carried |= s.seen[k]
            before |= {(v, w) for v in s.seen[k]}
        if causal:
            carried = _closure(carried | must, deps)
            before |= {(v, w) for v in carried}
        deps[w] = frozenset(carried)
        own[k] = own[k] + (w,)
        if mr or wfr or causal:
            # Later operations of the session see what this write saw (vis;so ⊆ vis).
            seen[k] = frozenset(s.seen[k] | must)
        if at >= 0:
            applied[at] = frozenset(must | _closure({w}, deps))
        return _judge(name, _updated(s, applied, seen, own, deps, keys, before), e)
    # A read: it sees what it must, the write it read, and what that write carries.
    read_from = e.value
    if read_from is not None and keys.get(read_from, _MISSING) != e.key:
        return replace(
            s, violated=f"{e.describe()}, a value no earlier operation wrote to it: {name} violated"
        )
    if read_from is not None:
        must.add(read_from)
        if mw or wfr or causal:
            must = _closure(must, deps)
    same_key = {w for w in must if keys.get(w) == e.key and w != read_from}
    if read_from is None and same_key:
        forced = sorted(same_key, key=repr)[0]
        return replace(s, violated=f"{e.describe()}, but it must see {forced!r}: {name} violated")
    before |= {(w, read_from) for w in same_key}
    if mr or wfr or causal:
        seen[k] = frozenset(s.seen[k] | must)
    if at >= 0:
        applied[at] = frozenset(must)
    return _judge(name, _updated(s, applied, seen, own, deps, keys, before), e)


def _updated(
    s: SessionSummary,
    applied: list[frozenset[Any]],
    seen: list[frozenset[Any]],
    own: list[tuple[Any, ...]],
    deps: dict[Any, frozenset[Any]],
    keys: dict[Any, Any],
    before: set[tuple[Any, Any]],
) -> SessionSummary:
    return replace(
        s,
        applied=tuple(applied),
        seen=tuple(seen),
        own=tuple(own),
        deps=_canonical(deps),
        keys=_canonical(keys),
        before=frozenset(before),
    )


def _canonical(mapping: dict[Any, Any]) -> tuple[tuple[Any, Any], ...]:
    """Mapping items in a canonical order: equal summaries must be equal tuples."""
    return tuple(sorted(mapping.items(), key=lambda kv: repr(kv[0])))


def _judge(name: str, s: SessionSummary, e: Event) -> SessionSummary:
    cycle = _find_cycle(s.before)
    if cycle is None:
        return s
    chain = " before ".join(repr(w) for w in cycle)
    return replace(
        s,
        violated=f"{e.describe()}; no order of the writes explains the history ({chain}): {name} violated",
    )


__all__ = [
    "DESCRIPTIONS",
    "HISTORY_PROPERTIES",
    "JUDGED_ON_HISTORIES",
    "SESSION_PROPERTIES",
    "Event",
    "HistoryProperty",
    "StrongConvergence",
    "causal_consistency",
    "check_history",
    "history_property",
    "linearizability",
    "monotonic_reads",
    "monotonic_writes",
    "read_your_writes",
    "start_summary",
    "step_summary",
    "strong_eventual_consistency",
    "violation",
    "writes_follow_reads",
]
