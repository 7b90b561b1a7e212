"""Gossip (anti-entropy): periodic state exchange repairs what the network lost.

Demers et al. 1987 ("Epidemic algorithms for replicated database maintenance"): direct
mail — sending each update once to every replica — is fast but leaves a replica behind
for good when a message is lost; anti-entropy, in which replicas periodically exchange
their state and keep the newer version of each key, eventually repairs any loss.

`GossipStore` is the versioned store (`evcheck.models.versioning`) plus a periodic
`anti_entropy` timer that pushes the replica's whole store to the next replica around
a ring (r1 -> r2 -> r3 -> r1); the receiver keeps, key by key, the newer version. Run
`VersionedStore` under the same loss to see what happens without it.
"""

from __future__ import annotations

from typing import Any

from evcheck import FrozenDict, Replica, message, on, timer

from .versioning import VersionedStore


def ring_successor(replica: Replica) -> Any:
    """The peer a replica gossips to: the next one around the ring r1 -> r2 -> ... -> r1."""
    replicas = replica.replicas
    return replicas[(replicas.index(replica.id) + 1) % len(replicas)]


@message(carries="state")
class StoreDigest:
    """A replica's whole store: key -> (value, version)."""

    data: FrozenDict


class GossipStore(VersionedStore):
    """The versioned store with push anti-entropy around a ring."""

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.data:
            self.send(ring_successor(self), StoreDigest(FrozenDict(self.data)))

    @on(StoreDigest)
    def reconcile(self, msg: StoreDigest) -> None:
        for key, (value, version) in msg.data.items():
            self.newest[key] = max(self.newest.get(key, (0, 0)), version)
            current = self.data.get(key)
            if current is None or version > current[1]:
                self.data[key] = (value, version)


__all__ = ["GossipStore", "StoreDigest", "ring_successor"]
