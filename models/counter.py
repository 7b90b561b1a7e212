"""Replicated counters: why replicated operations must be idempotent.

`OpCounter` broadcasts each increment as an operation and applies whatever arrives:
a duplicated message is counted twice. `GCounter` (a state-based CRDT) keeps one
entry per replica and merges by taking the maximum, so applying the same state twice,
in any order, changes nothing.
"""

from __future__ import annotations

from typing import Any

from evcheck import FrozenDict, Replica, field, message, on, operation


@message
class Increment:
    """One increment, as an operation."""


class OpCounter(Replica):
    """Operation-based counter without de-duplication (broken under duplication)."""

    count = field(0)

    @operation()
    def increment(self) -> None:
        self.count += 1
        self.broadcast(Increment())

    @on(Increment)
    def apply(self, msg: Increment) -> None:
        self.count += 1


@message(carries="state")
class CounterState:
    """A G-Counter's full state: increments per replica."""

    counts: FrozenDict


class GCounter(Replica):
    """Grow-only counter CRDT: per-replica counts, merged by maximum."""

    counts = field({})

    @operation()
    def increment(self) -> None:
        self.counts[self.id] = self.counts.get(self.id, 0) + 1
        self.broadcast(CounterState(FrozenDict(self.counts)))

    @on(CounterState)
    def merge(self, msg: CounterState) -> None:
        for replica, count in msg.counts.items():
            self.counts[replica] = max(self.counts.get(replica, 0), count)

    def observe(self) -> Any:
        return sum(self.counts.values())


__all__ = ["CounterState", "GCounter", "Increment", "OpCounter"]
