"""Small protocols shared by several test modules."""

from __future__ import annotations

from evcheck import Replica, ReplicaId, field, message, on, operation


@message
class Ping:
    pass


@message
class Pong:
    pass


class PingPong(Replica):
    """Each replica pings the others once; every Ping is answered with a Pong."""

    pongs = field(0)

    @operation()
    def ping(self) -> None:
        self.broadcast(Ping())

    @on(Ping)
    def got_ping(self, msg: Ping, src: ReplicaId) -> None:
        self.send(src, Pong())

    @on(Pong)
    def got_pong(self, msg: Pong) -> None:
        self.pongs += 1

    def observe(self) -> int:
        return 0
