"""Consensus-backed writes: a small Raft (Ongaro and Ousterhout, "In search of an
understandable consensus algorithm", USENIX ATC 2014) replicating one register.

r1 starts as the leader of term 1; any other replica may time out and stand for
election in a higher term (up to the spec parameter `max_term`). Client requests, reads
as well as writes, go through the leader's log: an entry is committed once a majority
of the replicas hold it and it belongs to the leader's current term, and a request is
answered when its entry commits (a read with the value of the latest write before it).
Every state field is durable, as Raft's term, vote and log are. Log matching is
simplified for a log this short: an `Append` carries the leader's whole log.

`committed_alone()` is the broken variant's one change: a leader that counts only its
own copy commits at once and answers a write that a later leader never saw.
"""

from __future__ import annotations

from typing import Any

from evcheck import Replica, Request, field, message, on, operation, timer, unique


@message(carries="nothing")
class Append:
    term: int
    log: tuple[Any, ...]  # (term, kind, value, request) entries


@message(carries="nothing")
class Appended:
    term: int
    length: int  # how many entries of the leader's log the follower holds


@message(carries="nothing")
class Vote:
    term: int
    last: tuple[int, int]  # (term of the last entry, log length): how up to date


@message(carries="nothing")
class Voted:
    term: int


def _initial_leader(replica: Any) -> bool:
    return int(replica.id) == 1


class RaftReplica(Replica):
    term = field(1)
    voted = field(None)  # whom this replica voted for in `term`
    leading = field(factory=_initial_leader)
    votes = field(frozenset())
    log = field(())
    match = field({})  # leader: replica -> entries it holds
    commit = field(0)  # entries known committed

    # -------------------------------------------------------------- clients

    @operation(request=True, v=unique, writes="v", when=lambda self, v: self.leading)
    def put(self, request: Request, v: Any) -> None:
        self.append(("write", v, request))

    @operation(request=True, reads=True, when=lambda self: self.leading)
    def get(self, request: Request) -> None:
        self.append(("read", None, request))

    def append(self, entry: tuple[Any, ...]) -> None:
        self.log = (*self.log, (self.term, *entry))
        self.match[self.id] = len(self.log)
        self.broadcast(Append(self.term, self.log))
        self.advance()

    # -------------------------------------------------------------- replication

    @on(Append)
    def on_append(self, msg: Append, src: Any) -> None:
        if msg.term < self.term:
            return
        if msg.term > self.term:
            self.term, self.voted = msg.term, None
        self.leading = False
        if len(msg.log) >= len(self.log) or self.log[: len(msg.log)] != msg.log:
            self.log = msg.log
        self.send(src, Appended(self.term, len(msg.log)))

    @on(Appended)
    def on_appended(self, msg: Appended, src: Any) -> None:
        if msg.term != self.term or not self.leading:
            return
        self.match[src] = max(self.match.get(src, 0), msg.length)
        self.advance()

    def advance(self) -> None:
        """Commit what a majority holds (entries of this term only), answer requests."""
        ranked = sorted((self.match.get(r, 0) for r in self.replicas), reverse=True)
        majority = len(self.replicas) // 2 + 1
        held = self.committed_alone() if self.committed_alone() else ranked[majority - 1]
        if held > self.commit and self.log[held - 1][0] == self.term:
            for index in range(self.commit, held):
                _, kind, _, request = self.log[index]
                self.reply(request, self.value_at(index) if kind == "read" else None)
            self.commit = held

    def committed_alone(self) -> int:
        """0: commit by majority. The broken variant returns its own log's length."""
        return 0

    def value_at(self, index: int) -> Any:
        """The register's value after the writes among the first `index` entries."""
        writes = [value for _, kind, value, _ in self.log[:index] if kind == "write"]
        return writes[-1] if writes else None

    # -------------------------------------------------------------- elections

    @timer(periodic=True, when=lambda self: not self.leading and self.term < self.params.max_term)
    def election(self) -> None:
        self.term += 1
        self.voted = self.id
        self.votes = frozenset({self.id})
        last = (self.log[-1][0] if self.log else 0, len(self.log))
        self.broadcast(Vote(self.term, last))

    @on(Vote)
    def on_vote(self, msg: Vote, src: Any) -> None:
        if msg.term > self.term:
            self.term, self.voted, self.leading = msg.term, None, False
        mine = (self.log[-1][0] if self.log else 0, len(self.log))
        if msg.term == self.term and self.voted in (None, src) and msg.last >= mine:
            self.voted = src
            self.send(src, Voted(self.term))

    @on(Voted)
    def on_voted(self, msg: Voted, src: Any) -> None:
        if msg.term != self.term or self.leading or self.voted != self.id:
            return
        self.votes = self.votes | {src}
        if len(self.votes) > len(self.replicas) // 2:
            self.leading = True
            self.match = {self.id: len(self.log)}
            self.commit = 0
            self.broadcast(Append(self.term, self.log))

    def observe(self) -> Any:
        return self.value_at(self.commit)


class SelfCommitRaft(RaftReplica):
    """Broken: the leader commits an entry as soon as it holds it itself."""

    def committed_alone(self) -> int:
        return len(self.log)
