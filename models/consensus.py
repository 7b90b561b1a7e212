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

from evcheck import Replica, Request, field, message, on, on_recovery, operation, timer, unique


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
    leader = field(factory=lambda self: self.replicas[0])  # the leader of `term`, if known
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
        self.leading, self.leader = False, src
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

    @timer(periodic=True, when=lambda self: self.may_stand())
    def election(self) -> None:
        self.term += 1
        self.voted = self.id
        self.votes = frozenset({self.id})
        last = (self.log[-1][0] if self.log else 0, len(self.log))
        self.broadcast(Vote(self.term, last))

    def may_stand(self) -> bool:
        """Stand for election: not the leader, terms left, and the failure detector suspects
        the leader (or none is known). An eventually perfect detector is what Raft's
        randomised timeouts provide: it may suspect a live leader."""
        if self.leading or self.term >= self.params.max_term:
            return False
        return self.leader is None or self.suspects(self.leader)

    @on(Vote)
    def on_vote(self, msg: Vote, src: Any) -> None:
        if msg.term > self.term:
            self.term, self.voted, self.leading, self.leader = msg.term, None, False, None
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
            self.leading, self.leader = True, self.id
            self.match = {self.id: len(self.log)}
            self.commit = 0
            self.broadcast(Append(self.term, self.log))

    def observe(self) -> Any:
        return self.value_at(self.commit)


class SelfCommitRaft(RaftReplica):
    """Broken: the leader commits an entry as soon as it holds it itself."""

    def committed_alone(self) -> int:
        return len(self.log)


# ------------------------------------------------------------------ majority commit


@message(carries="nothing")
class Replicate:
    epoch: int  # the leader's incarnation: it grows with every recovery
    log: tuple[Any, ...]  # the leader's whole log: (kind, value, request) entries


@message(carries="nothing")
class Holding:
    epoch: int
    length: int  # how much of the leader's log the follower holds


@message(carries="nothing")
class Recover:
    epoch: int


@message(carries="nothing")
class Recovered:
    epoch: int
    log: tuple[Any, ...]


class Follower(Replica):
    """Keeps the leader's log on disk (durable) and acknowledges what it holds. It
    follows the leader's newest incarnation only: a message from before the leader's
    last crash is stale."""

    epoch = field(0)
    log = field(())

    @on(Replicate)
    def replicate(self, msg: Replicate, src: Any) -> None:
        if msg.epoch < self.epoch:
            return
        if msg.epoch > self.epoch or len(msg.log) > len(self.log):
            self.epoch, self.log = msg.epoch, msg.log
        self.send(src, Holding(self.epoch, len(self.log)))

    @on(Recover)
    def recover(self, msg: Recover, src: Any) -> None:
        self.epoch = max(self.epoch, msg.epoch)
        self.send(src, Recovered(msg.epoch, self.log))

    def observe(self) -> Any:
        return self.log


class MajorityLeader(Replica):
    """The one leader: orders client requests in a log and answers each once a majority
    of the replicas (itself and one follower) hold its entry. Its copy of the log is in
    memory only: a crash loses it, and on recovery (a new epoch) it serves nothing until
    it has heard every follower's log — a committed entry survives on at least one."""

    epoch = field(0)  # durable: a recovered leader never reuses an incarnation
    log = field((), durable=False)
    match = field({}, durable=False)  # follower -> entries it holds
    commit = field(0, durable=False)
    ready = field(True, durable=False)
    heard = field({}, durable=False)  # recovering: follower -> its log

    @operation(request=True, v=unique, writes="v", when=lambda self, v: self.ready)
    def put(self, request: Request, v: Any) -> None:
        self.append(("write", v, request))

    @operation(request=True, reads=True, when=lambda self: self.ready)
    def get(self, request: Request) -> None:
        self.append(("read", None, request))

    def append(self, entry: tuple[Any, ...]) -> None:
        self.log = (*self.log, entry)
        for follower in self.replicas_with(Follower):
            self.send(follower, Replicate(self.epoch, self.log))
        self.advance()

    @on(Holding)
    def holding(self, msg: Holding, src: Any) -> None:
        if self.ready and msg.epoch == self.epoch:
            self.match[src] = max(self.match.get(src, 0), msg.length)
            self.advance()

    def advance(self) -> None:
        """Commit the entries a majority holds and answer their requests."""
        copies = sorted([len(self.log), *self.match.values()], reverse=True)
        majority = len(self.replicas) // 2 + 1
        held = self.committed_alone() or (copies[majority - 1] if len(copies) >= majority else 0)
        for index in range(self.commit, held):
            kind, _, request = self.log[index]
            self.reply(request, self.value_at(index) if kind == "read" else None)
        self.commit = max(self.commit, held)

    def committed_alone(self) -> int:
        """0: commit by majority. The broken variant returns its own log's length."""
        return 0

    def value_at(self, index: int) -> Any:
        writes = [value for kind, value, _ in self.log[:index] if kind == "write"]
        return writes[-1] if writes else None

    @on_recovery
    def recovering(self) -> None:
        self.epoch += 1
        self.ready = False
        for follower in self.replicas_with(Follower):
            self.send(follower, Recover(self.epoch))

    @on(Recovered)
    def recovered(self, msg: Recovered, src: Any) -> None:
        if self.ready or msg.epoch != self.epoch:
            return
        self.heard[src] = msg.log
        if len(self.heard) == len(self.replicas_with(Follower)):
            self.log = max(self.heard.values(), key=len)
            self.match = {f: len(log) for f, log in self.heard.items()}
            self.heard = {}
            self.ready = True
            self.advance()

    def observe(self) -> Any:
        return self.log


class SelfCommitLeader(MajorityLeader):
    """Broken: commits an entry as soon as it holds it itself."""

    def committed_alone(self) -> int:
        return len(self.log)
