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
    Property,
    Replica,
    Spec,
    monotonic_reads,
    monotonic_writes,
    on,
    on_recovery,
    operation,
    quiescent_convergence,
    read_your_writes,
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
    Mutant(RegisterWithoutLocalApply, LWWRegister, "write", register),
    Mutant(RegisterApplyBlindly, LWWRegister, "receive", register),
    Mutant(StoreDropsNewKeys, LWWStore, "apply", store),
    Mutant(StoreStaleLamport, LWWStore, "apply", store),
]

__all__ = ["MUTANTS", "Mutant"]
