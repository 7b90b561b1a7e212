"""Partial-order reduction of the delivery tail.

In the delivery tail — no client operation enabled anywhere, and no pending message,
delivered in any order, makes its receiver send — the network only shrinks and
deliveries to different replicas commute (each touches only its receiver's state and
removes its own envelope). The deliveries to one replica are then a persistent set:
whatever path leads from there to a quiescent state delivers them, and can be
reordered to deliver them first. The graph there is acyclic, so no cycle proviso is
needed. `evcheck.plan` decides where the reduction is sound.
"""

from __future__ import annotations

from .env.clients import ReplicaClients
from .env.network import Network
from .env.tables import Tables


class DeliveryTail:
    """Chooses, per world, the one receiver whose deliveries need exploring (or -1: all)."""

    def __init__(self, tables: Tables, clients: ReplicaClients, network: Network) -> None:
        self.tables = tables
        self.clients = clients
        self.network = network
        self.n = tables.n
        self._may_send_memo: dict[tuple[int, tuple[int, ...]], bool] = {}

    def target(self, world: tuple[int, ...]) -> int:
        n = self.n
        net = world[n + 1 :]
        if not net:
            return -1
        if self.clients.enabled(world[n]) is not None:
            for i in range(n):
                if self.clients.entries(i, world[i]):
                    return -1
        pending: list[list[int]] = [[] for _ in range(n)]
        dst = self.tables.env_dst
        for e in net:
            pending[dst[e]].append(e)
        for i in range(n):
            if pending[i] and self._may_send(world[i], tuple(pending[i])):
                return -1
        # The lowest-numbered replica with mail: a choice that depends on the state only,
        # not on interning order, so every engine and process reduces the same graph.
        return next(i for i in range(n) if pending[i])

    def may_send(self, sid: int, pending: tuple[int, ...]) -> bool:
        """Whether delivering some of `pending` to a replica in slot `sid` makes it send
        (memoised; the native core asks this once per distinct argument)."""
        return self._may_send(sid, pending)

    def _may_send(self, sid: int, pending: tuple[int, ...]) -> bool:
        """Whether delivering some of `pending` (sorted envelopes to one replica in slot
        `sid`), in some order, makes that replica send."""
        cached = self._may_send_memo.get((sid, pending))
        if cached is not None:
            return cached
        result = False
        previous = -1
        for j, e in enumerate(pending):
            if e == previous:
                continue
            previous = e
            s2, sends, _, _ = self.network.delivery(e, sid)
            if sends:
                result = True
                break
            rest = pending[:j] + pending[j + 1 :]
            if s2 >= 0 and rest and self._may_send(s2, rest):
                result = True
                break
        self._may_send_memo[(sid, pending)] = result
        return result
