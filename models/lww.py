"""Last-writer-wins registers.

A write stamps the value with a Lamport timestamp and broadcasts it; a replica
adopts an incoming value when its stamp is larger. `LamportLWW` orders stamps as
(counter, replica id), a total order, so all replicas pick the same winner.
`NoTiebreakLWW` compares counters only and keeps its own value on a tie: two
concurrent writes with equal counters leave replicas disagreeing forever.
"""

from __future__ import annotations

from typing import Any

from evcheck import Replica, ReplicaId, field, message, on, operation


@message
class Update:
    """A replicated write: the value and its stamp (counter, writer)."""

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


__all__ = ["LamportLWW", "NoTiebreakLWW", "ReplicaId", "Update"]
