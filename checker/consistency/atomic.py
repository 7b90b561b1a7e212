"""The linearizability monitor of a model's history, where every operation is one atomic
step: a read must return the latest earlier write to its key. The summary keeps, per
key, only that latest write."""

from __future__ import annotations

from typing import Any

from .operations import MULTIREAD, WRITE, Event

Summary = tuple[tuple[tuple[Any, Any], ...], str | None]


def start_atomic() -> Summary:
    return ((), None)


def step_atomic(summary: Summary, event: Event) -> Summary:
    latest, violated = summary
    if violated is not None:
        return summary
    last = dict(latest)
    if event.kind == WRITE:
        last[event.key] = (event.value, event.index, event.session)
        return (tuple(sorted(last.items(), key=lambda kv: repr(kv[0]))), None)
    returned = event.value
    if event.kind == MULTIREAD:
        if len(event.value) > 1:
            return (latest, f"{event.describe()}: a register holds one value at a time")
        returned = next(iter(event.value), None)
    expected = last.get(event.key)
    if expected is None:
        if returned is None:
            return summary
        return (latest, f"{event.describe()}, but nothing had been written to it yet")
    value, index, session = expected
    if returned == value:
        return summary
    return (
        latest,
        f"{event.describe()}, but the latest write before it was {value!r} "
        f"(session {session}, step {index}): linearizability violated",
    )
