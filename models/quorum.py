"""Dynamo-style quorum replication of one register, with client requests.

Every replica stores a (stamp, value) pair and can coordinate a client request. A put
is sent to all N replicas (the coordinator included, through the network like the
others) and completes when W distinct replicas have acknowledged it; a get asks all N
and completes with the newest of the first R answers. With R + W > N every read quorum
intersects every write quorum, so a session reads its own writes (DeCandia et al.,
"Dynamo", SOSP 2007, section 4.5; Gifford, "Weighted voting", SOSP 1979).

No ghost state: the coordinator's table of requests in progress is what a real
coordinator keeps; the history the session properties judge comes from the requests
and their replies.
"""

from __future__ import annotations

from typing import Any

from evcheck import Replica, Request, field, message, on, operation, timer, unique


@message(carries="nothing")
class Store:
    request: Request
    stamp: tuple[int, int]
    value: Any


@message(carries="nothing")
class Stored:
    request: Request


@message(carries="nothing")
class Fetch:
    request: Request


@message(carries="nothing")
class Fetched:
    request: Request
    stamp: tuple[int, int]
    value: Any


class QuorumReplica(Replica):
    """N = all replicas; R and W from the spec parameters `R` and `W`."""

    stamp = field((0, 0))
    value = field(None)
    counter = field(0)  # the coordinator's Lamport counter for the stamps it issues
    # Requests this replica coordinates: put request -> (acknowledgements, in arrival
    # order; the stamp and value being written); get request -> (replicas that
    # answered; the newest (stamp, value) so far).
    puts = field({})
    gets = field({})

    def quorum(self) -> tuple[Any, ...]:
        """The replicas a request goes to."""
        return self.replicas

    @operation(request=True, v=unique, writes="v")
    def put(self, request: Request, v: Any) -> None:
        self.counter = max(self.counter, self.stamp[0]) + 1
        stamp = (self.counter, self.id)
        self.puts[request] = ((), stamp, v)
        for r in self.quorum():
            self.send(r, Store(request, stamp, v))

    @operation(request=True, reads=True)
    def get(self, request: Request) -> None:
        self.gets[request] = (frozenset(), ((0, 0), None))
        for r in self.quorum():
            self.send(r, Fetch(request))

    @on(Store)
    def store(self, msg: Store, src: Any) -> None:
        if msg.stamp > self.stamp:
            self.stamp, self.value = msg.stamp, msg.value
        self.send(src, Stored(msg.request))

    @on(Fetch)
    def fetch(self, msg: Fetch, src: Any) -> None:
        self.send(src, Fetched(msg.request, self.stamp, self.value))

    @on(Stored)
    def stored(self, msg: Stored, src: Any) -> None:
        if msg.request not in self.puts:
            return  # completed already: a late or duplicated acknowledgement
        acks, stamp, v = self.puts[msg.request]
        acks = (*acks, src)
        if self.acknowledged(acks) >= self.params.W:
            del self.puts[msg.request]
            self.reply(msg.request)
        else:
            self.puts[msg.request] = (acks, stamp, v)

    def acknowledged(self, acks: tuple[Any, ...]) -> int:
        """How many replicas have stored the write: distinct senders."""
        return len(set(acks))

    @on(Fetched)
    def fetched(self, msg: Fetched, src: Any) -> None:
        if msg.request not in self.gets:
            return
        answered, newest = self.gets[msg.request]
        answered = answered | {src}
        if msg.stamp > newest[0]:
            newest = (msg.stamp, msg.value)
        if len(answered) >= self.params.R:
            del self.gets[msg.request]
            self.reply(msg.request, newest[1])
        else:
            self.gets[msg.request] = (answered, newest)

    def observe(self) -> Any:
        return self.value


class CountingQuorumReplica(QuorumReplica):
    """Broken: counts acknowledgements, not distinct replicas, so a duplicated
    acknowledgement completes a put that fewer than W replicas stored."""

    def acknowledged(self, acks: tuple[Any, ...]) -> int:
        return len(acks)


@message(carries="nothing")
class Hinted:
    request: Request
    stamp: tuple[int, int]
    value: Any
    home: Any  # the replica of the preference list the stand-in keeps the write for


@message(carries="nothing")
class Handoff:
    stamp: tuple[int, int]
    value: Any


class SloppyQuorumReplica(QuorumReplica):
    """Sloppy quorum with hinted hand-off. The key's preference list is the first `N`
    replicas (spec parameter `N`). A coordinator that has waited too long for
    acknowledgements — a timeout, which may fire while a put is in progress, because it
    cannot tell a slow replica from an unreachable one — writes to the replicas outside
    the list instead; their acknowledgements count towards W, and they hand the write to
    its home later. Reads ask the preference list only, so a read quorum need not meet
    the write quorum (DeCandia et al., section 4.6)."""

    hints = field(())  # (home, stamp, value) kept for a replica of the preference list

    def quorum(self) -> tuple[Any, ...]:
        return self.replicas[: self.params.N]

    @operation(request=True, v=unique, writes="v")
    def put(self, request: Request, v: Any) -> None:
        QuorumReplica.put(self, request, v)
        self.start_timer("timeout")

    @timer(when=lambda self: bool(self.puts))
    def timeout(self) -> None:
        for request, (acks, stamp, v) in sorted(self.puts.items(), key=repr):
            missing = [r for r in self.quorum() if r not in acks]
            standins = self.replicas[self.params.N :]
            for home, standin in zip(missing, standins, strict=False):
                self.send(standin, Hinted(request, stamp, v, home))

    @on(Hinted)
    def hinted(self, msg: Hinted, src: Any) -> None:
        self.hints = (*self.hints, (msg.home, msg.stamp, msg.value))
        self.send(src, Stored(msg.request))

    @timer(periodic=True, when=lambda self: bool(self.hints))
    def hand_off(self) -> None:
        for home, stamp, v in self.hints:
            self.send(home, Handoff(stamp, v))
        self.hints = ()

    @on(Handoff)
    def handoff(self, msg: Handoff) -> None:
        if msg.stamp > self.stamp:
            self.stamp, self.value = msg.stamp, msg.value
