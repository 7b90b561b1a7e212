"""Strong eventual consistency on a history: one arbitration order explains every read
from exactly the writes its replica had applied (so equal sets give equal reads)."""

from __future__ import annotations

from typing import Any

from .graphs import find_cycle
from .operations import Event

_MISSING = object()


def check_converges(events: list[Event]) -> str | None:
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
        cycle = find_cycle(before)
        if cycle is not None:
            chain = " before ".join(repr(w) for w in cycle)
            return (
                f"{e.describe()}; replicas that applied the same writes chose differently "
                f"({chain}): strong_eventual_consistency violated"
            )
    return None
