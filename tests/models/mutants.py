"""Deliberately broken versions of the library protocols, one small bug each.

Every mutant subclasses a correct library protocol and overrides exactly one method,
repeating its decorator (`@on(...)`, `@operation(...)`, `@timer(...)`), so that it is the
protocol written here that runs. Each is a bug a designer could plausibly make: a merge
case dropped, a tie-break skipped, a stamp compared with `>=`, a broadcast forgotten,
updates applied without looking at their stamps, a timer that sends nothing, a counter
that is not advanced, a merge that is not idempotent. `MUTANTS` pairs each with the spec
(bounds and properties) under which its correct original verifies; test_mutants.py
checks that evcheck finds every one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evcheck import (
    FrozenDict,
    Property,
    Replica,
    ReplicaId,
    Request,
    Spec,
    linearizability,
    load_spec,
    monotonic_reads,
    monotonic_writes,
    on,
    on_recovery,
    operation,
    quiescent_convergence,
    read_your_writes,
    session,
    strong_eventual_consistency,
    timer,
    unique,
    writes_follow_reads,
)
from evcheck.models import (
    AntiEntropyLWW,
    CounterState,
    GCounter,
    Increment,
    KeyUpdate,
    LamportLWW,
    LWWRegister,
    LWWStore,
    OpCounter,
    RetryLWW,
    SteppingDownFailover,
    TimedUpdate,
    Update,
    WallClockLWW,
    at_most_one_primary,
)
from evcheck.models.causal import CausalFeed, Stamped
from evcheck.models.consensus import (
    Follower,
    MajorityLeader,
    RaftReplica,
    Recovered,
    Voted,
)
from evcheck.models.consensus import Vote as RaftVote
from evcheck.models.crdt import (
    AntiEntropyGCounter,
    LWWElementSet,
    LWWSetState,
    MVRegister,
    MVState,
    ORSet,
    ORSetState,
    PNCounter,
    PNState,
    sibling_join,
)
from evcheck.models.dynamo import SessionSiblingStore, SiblingStore
from evcheck.models.gossip import GossipStore, StoreDigest
from evcheck.models.inventory import Granted, MajorityStock, OwnerStock, Reserve, Vote, VoteRequest
from evcheck.models.liveness import LocalRegister, QuorumRegister, Stored
from evcheck.models.liveness import Stamped as StampedWrite
from evcheck.models.primary_backup import Backup, Replicate, SyncPrimary
from evcheck.models.quorum import QuorumReplica
from evcheck.models.quorum import Stored as QuorumStored
from evcheck.models.resolution import PriorityRegister, UnionRegister, Version, dominates
from evcheck.models.versioning import Versioned, VersionedStore
from tests.conftest import SPECS

# ----------------------------------------------------------------- LWW registers


class AdoptOnEqualCounter(LamportLWW):
    """Compares stamps by counter with `>=`: on a tie each replica adopts the other's
    value, so two concurrent writes swap places instead of converging."""

    @on(Update)
    def receive(self, msg: Update) -> None:
        if msg.stamp[0] >= self.stamp[0]:
            self.value, self.stamp = msg.value, msg.stamp


class SkipTiebreak(LamportLWW):
    """Drops the replica-id tie-break: on equal counters each keeps its own value."""

    @on(Update)
    def receive(self, msg: Update) -> None:
        if msg.stamp[0] > self.stamp[0]:
            self.value, self.stamp = msg.value, msg.stamp


class StaleCounter(LamportLWW):
    """Stamps a write with the counter it last saw instead of advancing it: a write made
    after adopting a peer's value loses to that older value."""

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.stamp = (self.stamp[0], self.id)
        self.value = v
        self.broadcast(Update(v, self.stamp))


class ForgetBroadcast(LamportLWW):
    """Writes locally and tells nobody."""

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.stamp = (self.stamp[0] + 1, self.id)
        self.value = v


class ApplyBlindly(LamportLWW):
    """Applies every incoming update without comparing stamps: crossing writes swap."""

    @on(Update)
    def receive(self, msg: Update) -> None:
        self.value, self.stamp = msg.value, msg.stamp


class SilentAntiEntropy(AntiEntropyLWW):
    """The anti-entropy timer fires but sends nothing: a lost update is never repaired."""

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.value is not None:
            pass


class RetryWithoutResend(RetryLWW):
    """The retry timer re-arms itself but re-sends nothing to unacknowledged peers."""

    @timer()
    def retry(self) -> None:
        if self.unacked:
            self.start_timer("retry")


class WallClockWithoutTiebreak(WallClockLWW):
    """Compares wall-clock stamps by time only: writes made at the same instant never
    agree on a winner."""

    @on(TimedUpdate)
    def receive(self, msg: TimedUpdate) -> None:
        self.newest = max(self.newest, msg.written_at)
        if msg.stamp[0] > self.stamp[0]:
            self.value, self.stamp, self.written_at = msg.value, msg.stamp, msg.written_at


# ----------------------------------------------------------------- counters


class OpCounterIgnoresRemote(OpCounter):
    """Receives a peer's increment and drops it."""

    @on(Increment)
    def apply(self, msg: Increment) -> None:
        self.count += 0


class GCounterMergeBySum(GCounter):
    """Merges by adding counts instead of taking the maximum: not idempotent, so state
    received twice (or state that includes the receiver's own) is counted twice."""

    @on(CounterState)
    def merge(self, msg: CounterState) -> None:
        for replica, count in msg.counts.items():
            self.counts[replica] = self.counts.get(replica, 0) + count


class GCounterMergeKnownOnly(GCounter):
    """Drops a merge case: entries for replicas it has no count for yet are ignored."""

    @on(CounterState)
    def merge(self, msg: CounterState) -> None:
        for replica, count in msg.counts.items():
            if replica in self.counts:
                self.counts[replica] = max(self.counts[replica], count)


class GCounterMergeOverwrites(GCounter):
    """Takes the incoming count as is: an older state delivered late moves a count back."""

    @on(CounterState)
    def merge(self, msg: CounterState) -> None:
        for replica, count in msg.counts.items():
            self.counts[replica] = count


class GCounterSilentIncrement(GCounter):
    """Counts its own increment and forgets to send its state to anyone."""

    @operation()
    def increment(self) -> None:
        self.counts[self.id] = self.counts.get(self.id, 0) + 1


# ----------------------------------------------------------------- registers with clients


class RegisterWithoutLocalApply(LWWRegister):
    """A write is only broadcast, never applied at the replica that took it: the writer's
    own session does not read its write."""

    @operation(v=unique, writes="v")
    def write(self, v: Any) -> None:
        stamp = (self.stamp[0] + 1, self.id)
        self.broadcast(Update(v, stamp))


class RegisterApplyBlindly(LWWRegister):
    """Applies every incoming update regardless of its stamp: updates reordered by the
    network move a replica back in time."""

    @on(Update)
    def receive(self, msg: Update) -> None:
        self.value, self.stamp = msg.value, msg.stamp


class StoreDropsNewKeys(LWWStore):
    """Drops a merge case: an update to a key the replica does not hold yet is ignored."""

    @on(KeyUpdate)
    def apply(self, msg: KeyUpdate) -> None:
        self.lamport = max(self.lamport, msg.stamp[0])
        current = self.data.get(msg.key)
        if current is not None and msg.stamp > current[1]:
            self.data[msg.key] = (msg.value, msg.stamp)


class StoreStaleLamport(LWWStore):
    """Does not advance its Lamport clock on receipt: a write made after seeing a newer
    one is stamped below it, and every other replica keeps the older value."""

    @on(KeyUpdate)
    def apply(self, msg: KeyUpdate) -> None:
        current = self.data.get(msg.key)
        if current is None or msg.stamp > current[1]:
            self.data[msg.key] = (msg.value, msg.stamp)


class StepDownUnlessHoldingData(SteppingDownFailover):
    """Steps down on recovery only when it holds no data, reasoning that a primary with
    writes must keep serving them: a primary that crashed after a write comes back
    leading next to the backup that replaced it."""

    @on_recovery
    def step_down(self) -> None:
        if self.value is None:
            self.primary = False


# ----------------------------------------------------------------- versioning and gossip


class VersionCheckSkipped(VersionedStore):
    """Skips the version check: applies an update whatever its version."""

    @on(Versioned)
    def apply(self, msg: Versioned) -> None:
        self.newest[msg.key] = max(self.newest.get(msg.key, (0, 0)), msg.version)
        self.data[msg.key] = (msg.value, msg.version)


class VersionNotAdvanced(VersionedStore):
    """Writes with the version it holds instead of the next one: a write made after
    seeing another is not newer than it."""

    @operation(k="keys", v="values")
    def put(self, k: str, v: Any) -> None:
        current = self.data.get(k)
        version = (current[1][0] if current else 1, self.id)
        self.data[k] = (v, version)
        self.newest[k] = max(self.newest.get(k, (0, 0)), version)
        self.broadcast(Versioned(k, v, version))


class SilentGossip(GossipStore):
    """The anti-entropy timer fires but sends nothing."""

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.data:
            pass


class GossipReconcileKnownOnly(GossipStore):
    """Drops a merge case: a gossiped key the replica does not hold yet is ignored."""

    @on(StoreDigest)
    def reconcile(self, msg: StoreDigest) -> None:
        for key, (value, version) in msg.data.items():
            current = self.data.get(key)
            if current is not None and version > current[1]:
                self.newest[key] = max(self.newest.get(key, (0, 0)), version)
                self.data[key] = (value, version)


# ----------------------------------------------------------------- conflict resolution


class ConcurrentTakesTheirs(PriorityRegister):
    """Treats a concurrent version as superseding: the last one received wins."""

    @on(Version)
    def receive(self, msg: Version) -> None:
        if not dominates(FrozenDict(self.vv), msg.vv):
            self.value = msg.value
            for r, n in msg.vv.items():
                self.vv[r] = max(self.vv.get(r, 0), n)


class ConcurrentIgnored(UnionRegister):
    """Drops the concurrent case: a concurrent version is ignored, only superseding ones
    are applied."""

    @on(Version)
    def receive(self, msg: Version) -> None:
        if dominates(msg.vv, FrozenDict(self.vv)) and msg.vv != FrozenDict(self.vv):
            self.value = msg.value
            for r, n in msg.vv.items():
                self.vv[r] = max(self.vv.get(r, 0), n)


# ----------------------------------------------------------------- CRDTs and siblings


class SilentCRDTAntiEntropy(AntiEntropyGCounter):
    """The G-Counter's anti-entropy timer fires but sends nothing: a loss is never repaired."""

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.counts:
            pass


class PNMergeSkipsDecrements(PNCounter):
    """Drops a merge case: the decrement counts of others are never merged."""

    @on(PNState)
    def merge(self, msg: PNState) -> None:
        for replica, count in msg.p.items():
            self.p[replica] = max(self.p.get(replica, 0), count)


class ORSetMergeForgetsTombstones(ORSet):
    """Merges the adds and forgets the tombstones: a remove never reaches the others."""

    @on(ORSetState)
    def merge(self, msg: ORSetState) -> None:
        self.adds = self.adds | msg.adds
        self.history = self.history | msg.history


class ORSetRemoveObservesNothing(ORSet):
    """A remove tombstones no tag: removing has no effect."""

    @operation(e="elements")
    def remove(self, e: Any) -> None:
        self.record("remove", e)
        self.share()


class LWWSetMergeWithoutClock(LWWElementSet):
    """Merges the stamps but skips Lamport's receive rule: a later operation can be
    stamped below one it has seen."""

    @on(LWWSetState)
    def merge(self, msg: LWWSetState) -> None:
        for e, stamp in msg.adds.items():
            self.adds[e] = max(self.adds.get(e, (0, 0)), stamp)
        for e, stamp in msg.removes.items():
            self.removes[e] = max(self.removes.get(e, (0, 0)), stamp)
        self.history = self.history | msg.history


class LWWSetMergeIgnoresRemoves(LWWElementSet):
    """Drops a merge case: remove stamps of others are never merged."""

    @on(LWWSetState)
    def merge(self, msg: LWWSetState) -> None:
        self.witness(msg)
        for e, stamp in msg.adds.items():
            self.adds[e] = max(self.adds.get(e, (0, 0)), stamp)
        self.history = self.history | msg.history


class MVMergeKeepsDominated(MVRegister):
    """Merges siblings by plain union: superseded versions stay visible."""

    @on(MVState)
    def merge(self, msg: MVState) -> None:
        self.siblings = self.siblings | msg.siblings
        self.history = self.history | msg.history


class MVWriteWithoutContext(MVRegister):
    """Stamps a write with its own counter only, not the context it has seen: the write
    does not supersede the siblings it replaced."""

    @operation(v="values")
    def write(self, v: Any) -> None:
        own = max((vv.get(self.id, 0) for _, vv in self.siblings), default=0)
        self.siblings = frozenset({(v, FrozenDict({self.id: own + 1}))})
        self.record("write", v)
        self.share()


class SiblingStoreDropsConflicts(SiblingStore):
    """Keeps its own version of a conflict and drops the incoming one."""

    @on(MVState)
    def merge(self, msg: MVState) -> None:
        joined = sibling_join(self.siblings, msg.siblings)
        self.siblings = joined if len(joined) <= 1 else self.siblings
        self.history = self.history | msg.history


# ----------------------------------------------------------------- causal delivery, stock


class CausalDeliversEagerly(CausalFeed):
    """Applies a stamped message on receipt, without checking its causal past."""

    @on(Stamped)
    def receive_stamped(self, msg: Stamped, src: ReplicaId) -> None:
        self.vc[src] = max(self.vc.get(src, 0), msg.vc[src])
        self.feed = self.feed | {msg.item}


class CausalIgnoresOtherSenders(CausalFeed):
    """Checks only the sender's own entry of the vector clock: FIFO, not causal."""

    @on(Stamped)
    def receive_stamped(self, msg: Stamped, src: ReplicaId) -> None:
        self.pending = self.pending | {(src, msg.vc, msg.item)}
        progress = True
        while progress:
            progress = False
            for sender, vc, item in sorted(self.pending, key=repr):
                if vc[sender] == self.vc.get(sender, 0) + 1:
                    self.pending = self.pending - {(sender, vc, item)}
                    self.vc[sender] = vc[sender]
                    self.feed = self.feed | {item}
                    progress = True


class OwnerGrantsWithoutStock(OwnerStock):
    """The owner grants every request without checking its stock."""

    @on(Reserve)
    def reserve(self, msg: Reserve, src: ReplicaId) -> None:
        self.stock -= 1
        self.send(src, Granted())


class MajorityVotesForEveryone(MajorityStock):
    """A replica votes for every requester, not just the first."""

    @on(VoteRequest)
    def vote(self, msg: VoteRequest, src: ReplicaId) -> None:
        self.voted = True
        self.send(src, Vote())


# ----------------------------------------------------------------- availability (liveness)


class LocalRegisterNeverCompletes(LocalRegister):
    """Applies a write locally but forgets to tell its client it completed."""

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.stamp = (self.stamp[0] + 1, self.id)
        self.value = self.requested = v
        self.broadcast(StampedWrite(v, self.stamp))


class QuorumIgnoresAcks(QuorumRegister):
    """Drops the acknowledgements it receives: no write ever gathers its majority."""

    @on(Stored)
    def stored(self, msg: Stored, src: ReplicaId) -> None:
        if msg.value == self.requested and self.completed is None:
            self.acks = self.acks | {self.id}


# ----------------------------------------------------------------- requests: quorum,
# primary-backup and consensus


class QuorumCountsAcks(QuorumReplica):
    """Counts acknowledgement messages, not the distinct replicas that sent them."""

    @on(QuorumStored)
    def stored(self, msg: QuorumStored, src: Any) -> None:
        if msg.request not in self.puts:
            return
        acks, stamp, v = self.puts[msg.request]
        acks = (*acks, src)
        if len(acks) >= self.params.W:
            del self.puts[msg.request]
            self.reply(msg.request)
        else:
            self.puts[msg.request] = (acks, stamp, v)


class PrimaryForgetsItsCopy(SyncPrimary):
    """Ships each write to the backups but never applies it itself."""

    @operation(request=True, v=unique, writes="v")
    def put(self, request: Request, v: Any) -> None:
        self.version += 1
        self.waiting[request] = frozenset()
        for backup in self.replicas_with(Backup):
            self.send(backup, Replicate(request, self.version, v))


class RecoversFromOneFollower(MajorityLeader):
    """Rebuilds its log after a crash from the first follower that answers."""

    @on(Recovered)
    def recovered(self, msg: Recovered, src: Any) -> None:
        if self.ready or msg.epoch != self.epoch:
            return
        self.log = msg.log
        self.match = {src: len(msg.log)}
        self.ready = True
        self.advance()


class VotesForAnyLog(RaftReplica):
    """Grants its vote without comparing logs: a candidate missing committed entries wins."""

    @on(RaftVote)
    def on_vote(self, msg: RaftVote, src: Any) -> None:
        if msg.term > self.term:
            self.term, self.voted, self.leading, self.leader = msg.term, None, False, None
        if msg.term == self.term and self.voted in (None, src):
            self.voted = src
            self.send(src, Voted(self.term))


class SiblingReadHidesConflicts(SessionSiblingStore):
    """Returns nothing while the replica holds concurrent siblings."""

    @operation(reads="siblings")
    def get(self) -> Any:
        if len(self.siblings) > 1:
            return frozenset()
        return frozenset(v for v, _ in self.siblings)


def siblings_sessions(protocol: type[Replica]) -> Spec:
    return Spec(
        protocol,
        replicas=2,
        values=(),
        sessions={"s1": "r1", "s2": "r2"},
        ops_per_session=2,
        properties=[read_your_writes, monotonic_reads],
    )


def quorum(protocol: type[Replica]) -> Spec:
    return Spec(
        protocol,
        replicas=3,
        R=2,
        W=2,
        sessions={"s1": "r1"},
        ops_per_session=2,
        faults={"dup": 1},
        properties=[read_your_writes],
    )


def primary_backup(protocol: type[Replica]) -> Spec:
    return Spec(
        {protocol: 1, Backup: 2},
        sessions={"writer": session("r1", ops=["put"]), "reader": session("r1", ops=["get"])},
        ops_per_session=1,
        faults={"crash": 1},
        properties=[linearizability],
    )


def majority(protocol: type[Replica]) -> Spec:
    return Spec(
        {protocol: 1, Follower: 2},
        sessions={"writer": session("r1", ops=["put"]), "reader": session("r1", ops=["get"])},
        ops_per_session=1,
        faults={"crash": 1},
        properties=[linearizability],
    )


def raft(protocol: type[Replica]) -> Spec:
    return Spec(
        protocol,
        replicas=3,
        max_term=2,
        sessions={"writer": session("*", ops=["put"]), "reader": session("*", ops=["get"])},
        ops_per_session=1,
        detector="eventually_perfect",
        faults={"false_suspicion": 1},
        properties=[linearizability],
    )


# ----------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Mutant:
    """A broken protocol, its correct original, the one method it overrides, and the
    spec (for either protocol) under which the original verifies."""

    cls: type[Replica]
    original: type[Replica]
    method: str
    spec: Callable[[type[Replica]], Spec]

    @property
    def name(self) -> str:
        return self.cls.__name__


def lww(protocol: type[Replica]) -> Spec:
    return Spec(
        protocol,
        replicas=2,
        ops_per_replica=1,
        values=("a", "b"),
        properties=[quiescent_convergence],
    )


def anti_entropy(protocol: type[Replica]) -> Spec:
    return Spec(
        protocol,
        replicas=2,
        ops_per_replica=1,
        values=("a",),
        faults={"loss": 1},
        properties=[quiescent_convergence],
    )


def retry(protocol: type[Replica]) -> Spec:
    return Spec(
        protocol,
        replicas=2,
        ops_per_replica=1,
        values=("a",),
        faults={"loss": 1},
        properties=[quiescent_convergence],
    )


def wall_clock(protocol: type[Replica]) -> Spec:
    return Spec(
        protocol,
        replicas=2,
        ops_per_replica=1,
        values=("a", "b"),
        max_time=1,
        properties=[quiescent_convergence],
    )


def failover(protocol: type[Replica]) -> Spec:
    return Spec(
        protocol,
        replicas=2,
        values=("a",),
        max_ops=1,
        detector="perfect",
        faults={"crash": 1},
        properties=[at_most_one_primary],
    )


def op_counter(protocol: type[Replica]) -> Spec:
    return Spec(protocol, replicas=2, ops_per_replica=1, properties=[quiescent_convergence])


def g_counter(protocol: type[Replica]) -> Spec:
    props: list[Property] = [quiescent_convergence, strong_eventual_consistency]
    return Spec(protocol, replicas=2, ops_per_replica=2, faults={"dup": 1}, properties=props)


def register(protocol: type[Replica]) -> Spec:
    props: list[Property] = [
        read_your_writes,
        monotonic_reads,
        monotonic_writes,
        writes_follow_reads,
    ]
    return Spec(
        protocol, replicas=2, sessions={"s1": "r1", "s2": "r2"}, ops_per_session=2, properties=props
    )


def store(protocol: type[Replica]) -> Spec:
    props: list[Property] = [quiescent_convergence, read_your_writes, monotonic_reads]
    return Spec(
        protocol,
        replicas=2,
        sessions={"s1": "r1", "s2": "r2"},
        ops_per_session=2,
        keys=("x",),
        properties=props,
    )


def library_spec(file_name: str) -> Callable[[type[Replica]], Spec]:
    """The library spec file's bounds, faults and properties, for another protocol."""

    def make(protocol: type[Replica]) -> Spec:
        spec = load_spec(SPECS / file_name)
        return Spec(
            protocol,
            replicas=spec.replicas,
            ops_per_replica=spec.ops_per_replica,
            max_ops=spec.max_ops,
            timer_fires=spec.timer_fires,
            faults=spec.faults,
            properties=spec.properties,
            **spec.params,
        )

    return make


MUTANTS: list[Mutant] = [
    Mutant(AdoptOnEqualCounter, LamportLWW, "receive", lww),
    Mutant(SkipTiebreak, LamportLWW, "receive", lww),
    Mutant(StaleCounter, LamportLWW, "write", lww),
    Mutant(ForgetBroadcast, LamportLWW, "write", lww),
    Mutant(ApplyBlindly, LamportLWW, "receive", lww),
    Mutant(SilentAntiEntropy, AntiEntropyLWW, "anti_entropy", anti_entropy),
    Mutant(RetryWithoutResend, RetryLWW, "retry", retry),
    Mutant(WallClockWithoutTiebreak, WallClockLWW, "receive", wall_clock),
    Mutant(OpCounterIgnoresRemote, OpCounter, "apply", op_counter),
    Mutant(GCounterMergeBySum, GCounter, "merge", g_counter),
    Mutant(GCounterMergeKnownOnly, GCounter, "merge", g_counter),
    Mutant(GCounterMergeOverwrites, GCounter, "merge", g_counter),
    Mutant(GCounterSilentIncrement, GCounter, "increment", g_counter),
    Mutant(StepDownUnlessHoldingData, SteppingDownFailover, "step_down", failover),
    Mutant(QuorumCountsAcks, QuorumReplica, "stored", quorum),
    Mutant(SiblingReadHidesConflicts, SessionSiblingStore, "get", siblings_sessions),
    Mutant(PrimaryForgetsItsCopy, SyncPrimary, "put", primary_backup),
    Mutant(RecoversFromOneFollower, MajorityLeader, "recovered", majority),
    Mutant(VotesForAnyLog, RaftReplica, "on_vote", raft),
    Mutant(RegisterWithoutLocalApply, LWWRegister, "write", register),
    Mutant(RegisterApplyBlindly, LWWRegister, "receive", register),
    Mutant(StoreDropsNewKeys, LWWStore, "apply", store),
    Mutant(StoreStaleLamport, LWWStore, "apply", store),
    Mutant(VersionCheckSkipped, VersionedStore, "apply", library_spec("versioned_store.py")),
    Mutant(VersionNotAdvanced, VersionedStore, "put", library_spec("versioned_store.py")),
    Mutant(SilentGossip, GossipStore, "anti_entropy", library_spec("gossip_store.py")),
    Mutant(GossipReconcileKnownOnly, GossipStore, "reconcile", library_spec("gossip_store.py")),
    Mutant(
        ConcurrentTakesTheirs, PriorityRegister, "receive", library_spec("priority_register.py")
    ),
    Mutant(ConcurrentIgnored, UnionRegister, "receive", library_spec("merge_register.py")),
    Mutant(
        SilentCRDTAntiEntropy, AntiEntropyGCounter, "anti_entropy", library_spec("crdt_gcounter.py")
    ),
    Mutant(PNMergeSkipsDecrements, PNCounter, "merge", library_spec("crdt_pncounter.py")),
    Mutant(ORSetMergeForgetsTombstones, ORSet, "merge", library_spec("crdt_orset.py")),
    Mutant(ORSetRemoveObservesNothing, ORSet, "remove", library_spec("crdt_orset.py")),
    Mutant(LWWSetMergeWithoutClock, LWWElementSet, "merge", library_spec("crdt_lwwset.py")),
    Mutant(LWWSetMergeIgnoresRemoves, LWWElementSet, "merge", library_spec("crdt_lwwset.py")),
    Mutant(MVMergeKeepsDominated, MVRegister, "merge", library_spec("crdt_mvregister.py")),
    Mutant(MVWriteWithoutContext, MVRegister, "write", library_spec("crdt_mvregister.py")),
    Mutant(SiblingStoreDropsConflicts, SiblingStore, "merge", library_spec("siblings.py")),
    Mutant(CausalDeliversEagerly, CausalFeed, "receive_stamped", library_spec("feed_causal.py")),
    Mutant(
        CausalIgnoresOtherSenders, CausalFeed, "receive_stamped", library_spec("feed_causal.py")
    ),
    Mutant(OwnerGrantsWithoutStock, OwnerStock, "reserve", library_spec("stock_owner.py")),
    Mutant(MajorityVotesForEveryone, MajorityStock, "vote", library_spec("stock_majority.py")),
    Mutant(LocalRegisterNeverCompletes, LocalRegister, "write", library_spec("cap_local.py")),
    Mutant(QuorumIgnoresAcks, QuorumRegister, "stored", library_spec("cap_quorum_healing.py")),
]

__all__ = ["MUTANTS", "Mutant"]
