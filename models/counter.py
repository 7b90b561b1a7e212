"""Replicated counters: why replicated operations must be idempotent.

`OpCounter` broadcasts each increment as an operation and applies whatever arrives:
a duplicated message is counted twice. `GCounter` (a state-based CRDT) keeps one
entry per replica and merges by taking the maximum, so applying the same state twice,
in any order, changes nothing.
"""

from __future__ import annotations

from typing import Any

from evcheck import FrozenDict, Replica, ReplicaId, field, message, on, operation, timer


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


@message
class TaggedIncrement:
    """One increment, tagged with its origin and sequence number for de-duplication."""

    origin: ReplicaId
    seq: int


@message(carries="nothing")
class IncrementAck:
    """Acknowledges the receipt of `origin`'s increment number `seq`."""

    origin: ReplicaId
    seq: int


class RetransmittingCounter(Replica):
    """Operation-based counter made reliable: increments are tagged, de-duplicated by the
    receiver, acknowledged, and re-sent by a one-shot `retransmit` timer to every peer
    that has not acknowledged them. It converges under loss and duplication, and
    replicas that applied the same increments agree."""

    count = field(0)
    seen = field(frozenset())  # (origin, seq) of every increment applied
    sent = field(0)
    unacked = field(frozenset())  # (peer, seq) of own increments not yet acknowledged

    @operation()
    def increment(self) -> None:
        self.sent += 1
        self.count += 1
        self.seen = self.seen | {(self.id, self.sent)}
        self.unacked = self.unacked | {(peer, self.sent) for peer in self.peers}
        self.broadcast(TaggedIncrement(self.id, self.sent))
        self.start_timer("retransmit")

    @on(TaggedIncrement)
    def apply(self, msg: TaggedIncrement, src: ReplicaId) -> None:
        if (msg.origin, msg.seq) not in self.seen:
            self.seen = self.seen | {(msg.origin, msg.seq)}
            self.count += 1
        self.send(src, IncrementAck(msg.origin, msg.seq))

    @on(IncrementAck)
    def acked(self, msg: IncrementAck, src: ReplicaId) -> None:
        self.unacked = self.unacked - {(src, msg.seq)}

    @timer()
    def retransmit(self) -> None:
        for peer, seq in self.unacked:
            self.send(peer, TaggedIncrement(self.id, seq))
        if self.unacked:
            self.start_timer("retransmit")

    def observe(self) -> Any:
        return self.count


__all__ = [
    "CounterState",
    "GCounter",
    "Increment",
    "IncrementAck",
    "OpCounter",
    "RetransmittingCounter",
    "TaggedIncrement",
]
