"""The linearizability monitor of a model's history with requests: operations are
intervals (invocation, then completion when a handler replies, or never).

Per key, the summary holds the pending operations and every *configuration* the history
so far allows: the register's value and the pending operations that have already taken
effect, each with the result it produced. The set is kept closed under "a pending
operation takes effect now", so that a completion only has to keep the configurations in
which the operation took effect with the result the client saw. No configuration left:
no linearization exists. A request still pending at the end is indeterminate: it may or
may not have taken effect (Jepsen's `:info`). The state grows with the number of
concurrently pending operations, never with the length of the history.
"""

from __future__ import annotations

from typing import Any

from .operations import APPEND, CAS, MULTIREAD, READ, WRITE, Event, describe_action

OpId = tuple[str, int]  # (session, operation number)
# A pending operation: (id, kind, argument); a configuration: (value, effective ops).
Pending = tuple[OpId, str, Any]
Config = tuple[Any, frozenset[tuple[OpId, Any]]]
KeyState = tuple[Any, tuple[Pending, ...], frozenset[Config]]
Summary = tuple[tuple[KeyState, ...], str | None]

_START: frozenset[Config] = frozenset({(None, frozenset())})


def start_intervals() -> Summary:
    return ((), None)


def effect(kind: str, argument: Any, value: Any) -> tuple[Any, Any]:
    """(new value, result) of an operation taking effect on a register holding `value`."""
    if kind == WRITE:
        return argument, None
    if kind == READ:
        return value, value
    if kind == MULTIREAD:
        return value, frozenset() if value is None else frozenset({value})
    if kind == CAS:
        expected, new = argument
        return (new, True) if value == expected else (value, False)
    if kind == APPEND:
        return (*(value or ()), argument), None
    raise ValueError(f"unknown operation kind {kind!r}")


def _closure(configs: frozenset[Config], pending: tuple[Pending, ...]) -> frozenset[Config]:
    seen = set(configs)
    frontier = list(configs)
    while frontier:
        value, done = frontier.pop()
        taken = {op for op, _ in done}
        for op, kind, argument in pending:
            if op in taken:
                continue
            new_value, result = effect(kind, argument, value)
            config = (new_value, done | {(op, result)})
            if config not in seen:
                seen.add(config)
                frontier.append(config)
    return frozenset(seen)


def result_of(event: Event) -> Any:
    """The result a completion reports, in the terms of `effect`."""
    if event.kind in (READ, MULTIREAD):
        return event.value
    if event.kind == CAS:
        return not event.failed
    return None


def step_intervals(summary: Summary, event: Event) -> Summary:
    keys, violated = summary
    if violated is not None:
        return summary
    table = {k: (pending, configs) for k, pending, configs in keys}
    pending, configs = table.get(event.key, ((), _START))
    op = (event.session, event.number)
    if event.phase in ("invoke", "atomic"):
        argument = None if event.kind in (READ, MULTIREAD) else event.value
        pending = (*pending, (op, event.kind, argument))
        configs = _closure(configs, pending)
    if event.phase in ("complete", "atomic"):
        result = result_of(event)
        kept = frozenset(
            (value, done - {(op, result)}) for value, done in configs if (op, result) in done
        )
        if not kept:
            return (keys, _explain(event, pending, configs))
        pending = tuple(p for p in pending if p[0] != op)
        configs = kept
    table[event.key] = (pending, configs)
    ordered = sorted(table.items(), key=lambda kv: repr(kv[0]))
    return (tuple((k, p, c) for k, (p, c) in ordered), None)


def _explain(event: Event, pending: tuple[Pending, ...], configs: frozenset[Config]) -> str:
    key = "" if event.key is None else f" of key {event.key!r}"
    possible = sorted(
        {repr(result) for _, done in configs for op, result in done if op[0] == event.session}
        if event.kind in (READ, MULTIREAD, CAS)
        else set(),
    )
    could = f"; it could have returned {' or '.join(possible)}" if possible else ""
    others = [p for p in pending if p[0] != (event.session, event.number)]
    overlapping = (
        "; concurrent with it: "
        + ", ".join(f"{s}'s {describe_action(k, a)}" for (s, _), k, a in others if a is not None)
        if any(a is not None for _, _, a in others)
        else ""
    )
    return (
        f"{event.describe()}, but no order of the operations{key} that respects real time "
        f"explains it{could}{overlapping}: linearizability violated"
    )
