"""Last-writer-wins registers.

A write stamps the value with a Lamport timestamp and broadcasts it; a replica
adopts an incoming value when its stamp is larger. `LamportLWW` orders stamps as
(counter, replica id), a total order, so all replicas pick the same winner.
`NoTiebreakLWW` compares counters only and keeps its own value on a tie: two
concurrent writes with equal counters leave replicas disagreeing forever.
The other variants show what each fault needs: repair by anti-entropy, retries
with acknowledgements, durable stamps, and why wall clocks are not stamps.
"""

from __future__ import annotations

from typing import Any

from evcheck import (
    Fail,
    Replica,
    ReplicaId,
    field,
    invariant,
    message,
    on,
    on_recovery,
    operation,
    timer,
)


@message(carries="state")
class Update:
    """A replicated write: the value and its stamp (counter, writer). It carries the
    sender's register state, which subsumes every write the sender applied."""

    value: Any
    stamp: tuple[int, int]


class LamportLWW(Replica):
    """LWW register with Lamport stamps and the replica id as tie-break."""

    value = field(None)
    stamp = field((0, 0))

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.stamp = (self.stamp[0] + 1, self.id)
        self.value = v
        self.broadcast(Update(v, self.stamp))

    @on(Update)
    def receive(self, msg: Update) -> None:
        if msg.stamp > self.stamp:
            self.value, self.stamp = msg.value, msg.stamp

    def observe(self) -> Any:
        return self.value


class NoTiebreakLWW(LamportLWW):
    """LWW register that compares stamps by counter only (the classic bug)."""

    @on(Update)
    def receive(self, msg: Update) -> None:
        if msg.stamp[0] > self.stamp[0]:
            self.value, self.stamp = msg.value, msg.stamp


@message(carries="nothing")
class SyncRequest:
    """Sent by a recovering replica: 'tell me what you hold'."""


class AntiEntropyLWW(LamportLWW):
    """Lamport LWW plus repair: a periodic timer pushes the current value to every peer,
    and a recovering replica asks its peers for theirs. Survives loss, partitions that
    drop messages, and crashes that lose a replica's inbox."""

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.value is not None:
            self.broadcast(Update(self.value, self.stamp))

    @on_recovery
    def resync(self) -> None:
        self.broadcast(SyncRequest())

    @on(SyncRequest)
    def answer(self, msg: SyncRequest, src: ReplicaId) -> None:
        if self.value is not None:
            self.send(src, Update(self.value, self.stamp))


@message(carries="nothing")
class Ack:
    """Acknowledges the receipt of the update stamped `stamp`."""

    stamp: tuple[int, int]


class RetryLWW(LamportLWW):
    """Lamport LWW with acknowledgements: a writer re-sends its value to every peer that
    has not acknowledged it each time the one-shot `retry` timer fires, then re-arms."""

    unacked = field(frozenset())

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.stamp = (self.stamp[0] + 1, self.id)
        self.value = v
        self.unacked = frozenset(self.peers)
        self.broadcast(Update(v, self.stamp))
        self.start_timer("retry")

    @on(Update)
    def receive(self, msg: Update, src: ReplicaId) -> None:
        if msg.stamp > self.stamp:
            self.value, self.stamp = msg.value, msg.stamp
        self.send(src, Ack(msg.stamp))

    @on(Ack)
    def acked(self, msg: Ack, src: ReplicaId) -> None:
        if msg.stamp == self.stamp:
            self.unacked = self.unacked - {src}

    @timer()
    def retry(self) -> None:
        for peer in sorted(self.unacked):
            self.send(peer, Update(self.value, self.stamp))
        if self.unacked:
            self.start_timer("retry")


class VolatileStampLWW(LamportLWW):
    """Lamport LWW whose stamp lives in volatile memory: after a crash the replica restarts
    its counter at 0 and its next write is stamped below what peers already hold."""

    stamp = field((0, 0), durable=False)


@message(carries="state")
class TimedUpdate:
    """A wall-clock write; `written_at` is ghost data (real time) for the property."""

    value: Any
    stamp: tuple[int, int]
    written_at: int


class WallClockLWW(Replica):
    """LWW register stamped with the replica's physical clock, (clock, replica id).

    `written_at` (real time of the write held) and `newest` (latest real time of any
    write seen) are ghost fields: the protocol never reads them; the property
    `later_write_wins` does. With skewed clocks an earlier write can carry a larger
    stamp, and a later write is silently overwritten.
    """

    value = field(None)
    stamp = field((-1, 0))
    written_at = field(-1)
    newest = field(-1)

    @operation(v="values")
    def write(self, v: Any) -> None:
        stamp = (self.clock, self.id)
        self.newest = max(self.newest, self.real_time)
        if stamp > self.stamp:  # a local write is subject to the same rule as a remote one
            self.value, self.stamp, self.written_at = v, stamp, self.real_time
        self.broadcast(TimedUpdate(v, stamp, self.real_time))

    @on(TimedUpdate)
    def receive(self, msg: TimedUpdate) -> None:
        self.newest = max(self.newest, msg.written_at)
        if msg.stamp > self.stamp:
            self.value, self.stamp, self.written_at = msg.value, msg.stamp, msg.written_at

    def observe(self) -> Any:
        return self.value


@invariant
def later_write_wins(w: Any) -> Any:
    """no replica holds a write older (in real time) than another write it has seen"""
    for r in w.replicas:
        if r.written_at < r.newest:
            return Fail(
                f"{r.id!r} holds {r.value!r} written at time {r.written_at}, although it has "
                f"seen a write from time {r.newest}: the later write lost"
            )
    return True


__all__ = [
    "Ack",
    "AntiEntropyLWW",
    "LamportLWW",
    "NoTiebreakLWW",
    "RetryLWW",
    "SyncRequest",
    "TimedUpdate",
    "Update",
    "VolatileStampLWW",
    "WallClockLWW",
    "later_write_wins",
]
