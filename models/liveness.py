"""Protocols whose bugs are liveness bugs: each reaches no bad state, it just never
reaches a good one. Checked with `eventual_convergence` and `leads_to` (see
docs/liveness.md).

- `SwapGossip` forwards every value it adopts; two concurrent writes can chase each
  other around forever (a fair cycle in which the replicas never agree).
- `CausalBroadcast` delivers a replica's updates in order, buffering one whose
  predecessor has not arrived; when the predecessor is lost, the buffer waits forever.
- `QuorumRegister` (consensus-backed: a write completes once a majority stored it) and
  `LocalRegister` (eventually consistent: a write completes at once, replicas catch up
  later) are the CAP pair: cut a minority off for good, and only the second completes
  a write there.
"""

from __future__ import annotations

from typing import Any

from evcheck import Replica, ReplicaId, field, message, on, operation, timer


@message
class Gossip:
    """A value being spread."""

    value: Any


class SwapGossip(Replica):
    """Gossip without an order on values: adopt any different value and pass it on."""

    value = field(None)

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.value = v
        self.broadcast(Gossip(v))

    @on(Gossip)
    def receive(self, msg: Gossip) -> None:
        if msg.value != self.value:
            self.value = msg.value
            self.broadcast(Gossip(msg.value))

    def observe(self) -> Any:
        return self.value


@message
class Ordered:
    """The `seq`-th update of its sender."""

    seq: int
    value: Any


class CausalBroadcast(Replica):
    """Each replica numbers its writes; a receiver applies a sender's updates in order,
    buffering any that arrive early. A periodic `announce` re-sends the sender's newest
    update, which repairs a lost last write but not a lost earlier one: the newest then
    waits in the buffer for its predecessor, for good."""

    value = field(None)
    made = field(0)
    mine = field(None)  # the value of this replica's newest write
    applied = field(frozenset())  # (sender, seq) applied
    buffer = field(frozenset())  # (sender, seq, value) waiting for a predecessor

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.made += 1
        self.value = self.mine = v
        self.applied = self.applied | {(self.id, self.made)}
        self.broadcast(Ordered(self.made, v))

    @timer(periodic=True)
    def announce(self) -> None:
        if self.made:
            self.broadcast(Ordered(self.made, self.mine))

    @on(Ordered)
    def receive(self, msg: Ordered, src: ReplicaId) -> None:
        if (src, msg.seq) in self.applied:
            return
        self.buffer = self.buffer | {(src, msg.seq, msg.value)}
        progress = True
        while progress:
            progress = False
            for sender, seq, value in sorted(self.buffer, key=repr):
                if seq == 1 or (sender, seq - 1) in self.applied:
                    self.buffer = self.buffer - {(sender, seq, value)}
                    self.applied = self.applied | {(sender, seq)}
                    self.value = value
                    progress = True

    def observe(self) -> Any:
        return self.applied  # replicas agree once they applied the same updates


@message
class Store:
    """Leader to follower: store this write."""

    value: Any


@message
class Stored:
    """Follower to leader: stored."""

    value: Any


class QuorumRegister(Replica):
    """A write completes once a majority (the writer included) has stored it, as in a
    consensus-backed register; `requested`/`completed` record the client's view."""

    value = field(None)
    requested = field(None)
    acks = field(frozenset())
    completed = field(None)

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.requested = v
        self.acks = frozenset({self.id})
        self.broadcast(Store(v))

    @on(Store)
    def store(self, msg: Store, src: ReplicaId) -> None:
        self.value = msg.value
        self.send(src, Stored(msg.value))

    @on(Stored)
    def stored(self, msg: Stored, src: ReplicaId) -> None:
        if msg.value == self.requested and self.completed is None:
            self.acks = self.acks | {src}
            if 2 * len(self.acks) > len(self.replicas):
                self.value = self.completed = msg.value

    def observe(self) -> Any:
        return self.value


@message
class Stamped:
    """A write and its Lamport stamp (counter, writer)."""

    value: Any
    stamp: tuple[int, int]


class LocalRegister(Replica):
    """An eventually consistent register: a write completes at the replica it reaches,
    and is passed on afterwards (last writer wins by Lamport stamp)."""

    value = field(None)
    stamp = field((0, 0))
    requested = field(None)
    completed = field(None)

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.stamp = (self.stamp[0] + 1, self.id)
        self.value = self.requested = self.completed = v
        self.broadcast(Stamped(v, self.stamp))

    @on(Stamped)
    def receive(self, msg: Stamped) -> None:
        if msg.stamp > self.stamp:
            self.value, self.stamp = msg.value, msg.stamp

    def observe(self) -> Any:
        return self.value


def minority_write_requested(w: Any) -> bool:
    """r1, the replica a partition cuts off, has been asked to write"""
    return bool(w.replicas[0].requested is not None)


def minority_write_completed(w: Any) -> bool:
    """the write at r1 has completed"""
    return bool(w.replicas[0].completed is not None)


__all__ = [
    "CausalBroadcast",
    "Gossip",
    "LocalRegister",
    "Ordered",
    "QuorumRegister",
    "Stamped",
    "Store",
    "Stored",
    "SwapGossip",
    "minority_write_completed",
    "minority_write_requested",
]
