"""The session-guarantee monitors: an incremental, exact decision of the axioms in
docs/consistency.md for histories of unique writes and atomic operations.

A summary is immutable and hashable (it lives in the world state). It holds, per
session, the writes its next operation must see and the session's own writes; per
replica, what every later operation there sees; per write, the writes that must be seen
with it; and the arbitration constraints ("w1 before w2"). Writes are named by their
(unique) value. A violation is either a read that returned nothing although a write to
its key must be visible, or a cycle in the arbitration constraints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .graphs import closure, find_cycle
from .operations import MULTIREAD, WRITE, Event

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
    # False when replicas forward writes (to a primary) instead of applying them.
    replicas_apply_own_writes: bool = True


def start_session_summary(
    sessions: Sequence[str], replicas: Sequence[str], replicas_apply_own_writes: bool
) -> SessionSummary:
    return SessionSummary(
        tuple(replicas),
        tuple(_NONE for _ in replicas),
        tuple(sessions),
        tuple(_NONE for _ in sessions),
        tuple(() for _ in sessions),
        (),
        (),
        _NONE,
        replicas_apply_own_writes=replicas_apply_own_writes,
    )


def step_session(name: str, s: SessionSummary, e: Event) -> SessionSummary:
    """The summary after `e` (a violated summary is returned unchanged by the caller)."""
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
        must = closure(must, deps)
    if e.kind == WRITE:
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
            carried = closure(carried | must, deps)
            before |= {(v, w) for v in carried}
        deps[w] = frozenset(carried)
        own[k] = own[k] + (w,)
        if mr or wfr or causal:
            # Later operations of the session see what this write saw (vis;so ⊆ vis).
            seen[k] = frozenset(s.seen[k] | must)
        if at >= 0:
            mine = closure({w}, deps) if s.replicas_apply_own_writes else set()
            applied[at] = frozenset(must | mine)
        return _judge(name, _updated(s, applied, seen, own, deps, keys, before), e)
    # A read sees what it must, the writes it returned, and what those carry.
    returned = set(e.value) if e.kind == MULTIREAD else ({e.value} - {None})
    for value in sorted(returned, key=repr):
        if keys.get(value, _MISSING) != e.key:
            return replace(
                s,
                violated=f"{e.describe()}, a value no earlier operation wrote to it: {name} violated",
            )
    must |= returned
    if returned and (mw or wfr or causal):
        must = closure(must, deps)
    same_key = {w for w in must if keys.get(w) == e.key and w not in returned}
    if not returned and same_key:
        forced = sorted(same_key, key=repr)[0]
        return replace(s, violated=f"{e.describe()}, but it must see {forced!r}: {name} violated")
    # The returned writes are the arbitration-latest of those seen (siblings: all of them).
    before |= {(w, value) for w in same_key for value in returned}
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
    cycle = find_cycle(s.before)
    if cycle is None:
        return s
    chain = " before ".join(repr(w) for w in cycle)
    return replace(
        s,
        violated=f"{e.describe()}; no order of the writes explains the history ({chain}): {name} violated",
    )
