"""LWW registers as clients see them: writes of unique values, and reads.

These are the protocols session guarantees are about. A session pinned to one replica
reads its own writes and never goes back in time on an LWW register; a session that
roams between replicas can read a replica that has not heard of its last write yet.
No LWW design is linearizable: reads are served locally.
"""

from __future__ import annotations

from typing import Any

from evcheck import FrozenDict, Replica, ReplicaId, field, message, on, operation, unique

from .lww import LamportLWW, Update


class LWWRegister(LamportLWW):
    """The Lamport LWW register with client reads and unique written values."""

    @operation(v=unique, writes="v")
    def write(self, v: Any) -> None:
        self.stamp = (self.stamp[0] + 1, self.id)
        self.value = v
        self.broadcast(Update(v, self.stamp))

    @operation(reads=True)
    def read(self) -> Any:
        return self.value


@message
class KeyUpdate:
    """A replicated write to one key: value and Lamport stamp."""

    key: str
    value: Any
    stamp: tuple[int, int]


class LWWStore(Replica):
    """A key-value store of LWW registers sharing one Lamport clock per replica."""

    data = field({})  # key -> (value, stamp)
    lamport = field(0)

    @operation(k="keys", v=unique, writes="v", key="k")
    def put(self, k: str, v: Any) -> None:
        self.lamport += 1
        stamp = (self.lamport, self.id)
        self.data[k] = (v, stamp)
        self.broadcast(KeyUpdate(k, v, stamp))

    @operation(k="keys", reads=True, key="k")
    def get(self, k: str) -> Any:
        entry = self.data.get(k)
        return entry[0] if entry else None

    @on(KeyUpdate)
    def apply(self, msg: KeyUpdate) -> None:
        self.lamport = max(self.lamport, msg.stamp[0])
        current = self.data.get(msg.key)
        if current is None or msg.stamp > current[1]:
            self.data[msg.key] = (msg.value, msg.stamp)

    def observe(self) -> Any:
        return FrozenDict({k: v for k, (v, _) in self.data.items()})


class UnorderedStore(LWWStore):
    """A store that applies every incoming write, newest or not (broken on purpose): a
    replica can show an older write of a session after a newer one."""

    @on(KeyUpdate)
    def apply(self, msg: KeyUpdate) -> None:
        self.lamport = max(self.lamport, msg.stamp[0])
        self.data[msg.key] = (msg.value, msg.stamp)


__all__ = ["KeyUpdate", "LWWRegister", "LWWStore", "ReplicaId", "UnorderedStore"]
