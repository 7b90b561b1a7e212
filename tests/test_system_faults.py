"""Semantics under faults: a pinned counterexample per fault kind, exact counts against an
independent enumeration, budgets, quiescence, crash/partition/clock/timer rules."""

from __future__ import annotations

from typing import Any

import pytest

from evcheck import (
    FaultProfile,
    Replica,
    Spec,
    SpecError,
    field,
    message,
    on,
    operation,
    quiescent_convergence,
    timer,
    verify_spec,
)
from evcheck.models import (
    AntiEntropyLWW,
    GCounter,
    LamportLWW,
    OpCounter,
    RetryLWW,
    VolatileStampLWW,
    WallClockLWW,
    later_write_wins,
)
from evcheck.system import System
from tests.bruteforce import lww_counts


def spec(protocol: type[Replica], faults: dict[str, Any] | None = None, **kw: Any) -> Spec:
    args: dict[str, Any] = {"replicas": 2, "ops_per_replica": 1}
    if any("values" in op.domains.values() for op in protocol._operations):
        args["values"] = ("a", "b")  # a parameter nothing uses is refused as a misspelling
    args.update(kw)
    return Spec(protocol, faults=faults, **args)


def actions(s: Spec) -> list[str]:
    result = verify_spec(s)
    assert result.counterexample is not None, "expected a violation"
    return result.counterexample.trace.actions


def reachable(system: System) -> list[tuple[Any, int]]:
    nodes = system.initial()
    seen = {fp for _, fp in nodes}
    stack = list(nodes)
    out = list(nodes)
    while stack:
        for nxt in system.successors(stack.pop()):
            if nxt[1] not in seen:
                seen.add(nxt[1])
                stack.append(nxt)
                out.append(nxt)
    return out


# -- one protocol per fault kind: verifies without the fault, pinned counterexample with it


def test_loss() -> None:
    assert verify_spec(spec(LamportLWW)).ok
    assert actions(spec(LamportLWW, {"loss": 1})) == [
        "write@r1('a')",
        "drop r1->r2 Update(value='a', stamp=(1, r1))",
    ]
    assert verify_spec(spec(AntiEntropyLWW, {"loss": 1})).ok
    assert verify_spec(spec(AntiEntropyLWW, {"loss": 2}, timer_fires=2)).ok
    assert verify_spec(spec(RetryLWW, {"loss": 1}, timer_fires=2)).ok


def test_duplication() -> None:
    assert verify_spec(spec(OpCounter)).ok
    assert actions(spec(OpCounter, {"dup": 1})) == [
        "increment@r1()",
        "duplicate r1->r2 Increment()",
        "deliver r1->r2 Increment()",
        "deliver r1->r2 Increment()",
    ]
    assert verify_spec(spec(GCounter, {"dup": 2})).ok


def test_partition_waits_or_drops() -> None:
    assert verify_spec(spec(LamportLWW, {"partition": 1})).ok
    assert actions(spec(LamportLWW, {"partition": 1, "partition_mode": "drop"})) == [
        "write@r1('a')",
        "partition {r1}|{r2}",
        "drop r1->r2 Update(value='a', stamp=(1, r1)) (partitioned)",
        "heal",
    ]
    assert verify_spec(spec(AntiEntropyLWW, {"partition": 1, "partition_mode": "drop"})).ok


def test_crash_and_recovery() -> None:
    assert verify_spec(spec(LamportLWW, {"crash": 1, "crash_inbox": "wait"})).ok
    assert actions(spec(LamportLWW, {"crash": 1})) == [
        "write@r1('a')",
        "crash r2",
        "lose r1->r2 Update(value='a', stamp=(1, r1)) (r2 is down)",
        "recover r2",
    ]
    # A volatile stamp restarts at 0: r2's next write is stamped below what r1 holds.
    assert verify_spec(spec(VolatileStampLWW, {"crash_inbox": "wait"})).ok
    assert actions(spec(VolatileStampLWW, {"crash": 1, "crash_inbox": "wait"})) == [
        "write@r1('a')",
        "write@r2('b')",
        "deliver r2->r1 Update(value='b', stamp=(1, r2))",
        "crash r2",
        "recover r2",
        "deliver r1->r2 Update(value='a', stamp=(1, r1))",
    ]
    assert verify_spec(spec(AntiEntropyLWW, {"crash": 1})).ok


def test_clock_skew_loses_a_later_write() -> None:
    props = {"properties": [later_write_wins, quiescent_convergence], "max_time": 2}
    assert verify_spec(spec(WallClockLWW, **props)).ok
    result = verify_spec(spec(WallClockLWW, {"skew": 1}, **props))
    cex = result.counterexample
    assert cex is not None and cex.property == "later_write_wins"
    assert cex.trace.actions == [
        "write@r2('a')",
        "deliver r2->r1 TimedUpdate(value='a', stamp=(1, r2), written_at=0)",
        "tick (time 1)",
        "write@r1('a')",
    ]
    assert cex.trace.steps[0].view.components["r2"]["clock"] == "1"
    assert "written at time 0, although it has seen a write from time 1" in cex.explanation


def test_timers_repair_what_loss_breaks() -> None:
    assert actions(spec(LamportLWW, {"loss": 1}))  # no repair: violated
    assert verify_spec(spec(RetryLWW, {"loss": 1}, timer_fires=2)).ok
    # Too few retries for the loss budget: the adversary drops the retry too.
    result = verify_spec(spec(RetryLWW, {"loss": 2}, timer_fires=1))
    assert result.counterexample is not None
    assert sum(a.startswith("drop") for a in result.counterexample.trace.actions) == 2


# -- exact counts against an independent enumeration


@pytest.mark.parametrize(
    ("n", "writes", "loss", "dup"),
    [(2, 1, 1, 0), (2, 1, 0, 1), (2, 1, 1, 1), (2, 2, 1, 1), (3, 1, 1, 0), (3, 1, 0, 2)],
)
def test_loss_and_dup_counts_match_independent_enumeration(
    n: int, writes: int, loss: int, dup: int
) -> None:
    states, transitions, converged = lww_counts(n, writes, loss=loss, dup=dup)
    system = System(
        Spec(
            LamportLWW,
            replicas=n,
            ops_per_replica=writes,
            values=(1, 2),
            faults={"loss": loss, "dup": dup},
            properties=[],
        )
    )
    nodes = reachable(system)
    assert len(nodes) == states
    assert sum(len(system.successors(node)) for node in nodes) == transitions
    assert (
        verify_spec(
            Spec(
                LamportLWW,
                replicas=n,
                ops_per_replica=writes,
                values=(1, 2),
                faults={"loss": loss, "dup": dup},
            )
        ).ok
        == converged
    )


def test_crash_and_partition_counts_by_hand() -> None:
    # One replica that never acts: crash=1 gives up, down, and up-again-with-budget-spent.
    class Idle(Replica):
        x = field(0)

    assert verify_spec(Spec(Idle, replicas=1, faults={"crash": 1})).stats.states == 3
    # Two idle replicas, one partition event: none, {r1}|{r2}, healed-with-budget-spent.
    assert verify_spec(Spec(Idle, replicas=2, faults={"partition": 1})).stats.states == 3
    # Three replicas: the three two-way splits, plus none and healed.
    assert verify_spec(Spec(Idle, replicas=3, faults={"partition": 1})).stats.states == 5
    # Skew 1 over 2 replicas with max_time 1: 4 offset pairs x 2 times.
    assert verify_spec(Spec(Idle, replicas=2, max_time=1, faults={"skew": 1})).stats.states == 8


# -- budgets, quiescence, and the rules of each fault


def test_no_reachable_state_exceeds_a_budget() -> None:
    faults = {"loss": 1, "dup": 1, "partition": 1, "crash": 1}
    system = System(spec(AntiEntropyLWW, faults, replicas=2, values=("a",)))
    used = [system.faults_used(world) for world, _ in reachable(system)]
    for name, budget in faults.items():
        assert max(u[name] for u in used) == budget
    result = verify_spec(spec(LamportLWW, {"loss": 1, "dup": 1, "crash": 1}, replicas=3))
    assert result.counterexample is not None
    fault_steps = [
        a
        for a in result.counterexample.trace.actions
        if a.split()[0] in ("drop", "duplicate", "crash")
    ]
    assert len(fault_steps) <= 3


def test_quiescence_means_nothing_in_flight_no_partition_nobody_down_no_timer_due() -> None:
    s = spec(AntiEntropyLWW, {"partition": 1, "crash": 1}, properties=[quiescent_convergence])
    system = System(s)
    checked = skipped = 0
    for world, _ in reachable(system):
        values = {system.replica_fields(world, i)["value"] for i in range(2)}
        if len(values) == 1 or system.in_flight(world):
            continue
        info = system._ginfo[world[2]]
        timers_due = any(system._busy[s] for s in world[:2])
        quiet = info.quiet and not timers_due
        assert (system.check(world) is not None) == quiet
        checked += quiet
        skipped += not quiet
    assert skipped > 0  # diverged but partitioned, down or with repair due: not judged
    assert checked == 0  # anti-entropy always repairs before quiescence


def test_crashed_replica_takes_no_steps_and_keeps_durable_fields() -> None:
    system = System(spec(VolatileStampLWW, {"crash": 1, "crash_inbox": "wait"}, values=("a",)))
    node = system.initial()[0]
    node = system.successors(node)[system.action_labels(node[0]).index("write@r2('a')")]
    node = system.successors(node)[system.action_labels(node[0]).index("crash r2")]
    labels = system.action_labels(node[0])
    assert not any("@r2" in label for label in labels)
    assert not any(label.startswith("deliver") and "->r2" in label for label in labels)
    node = system.successors(node)[labels.index("recover r2")]
    assert system.replica_fields(node[0], 1) == {"value": "a", "stamp": (0, 0)}


def test_client_operations_continue_on_both_sides_of_a_partition() -> None:
    system = System(spec(LamportLWW, {"partition": 1}))
    node = system.initial()[0]
    node = system.successors(node)[system.action_labels(node[0]).index("partition {r1}|{r2}")]
    for label in ("write@r1('a')", "write@r2('b')"):
        node = system.successors(node)[system.action_labels(node[0]).index(label)]
    labels = system.action_labels(node[0])
    assert not any(label.startswith("deliver") for label in labels)
    assert "heal" in labels


def test_clock_requires_max_time() -> None:
    with pytest.raises(SpecError, match="has no clocks: set max_time"):
        verify_spec(spec(WallClockLWW))


def test_ticks_stop_at_max_time() -> None:
    system = System(spec(WallClockLWW, max_time=1, ops_per_replica=0))
    times = {system.view(world).components["environment"]["time"] for world, _ in reachable(system)}
    assert times == {"0", "1"}


def test_timer_misuse_is_a_spec_error() -> None:
    class Bad(Replica):
        x = field(0)

        @operation()
        def go(self) -> None:
            self.start_timer("retyr")

        @timer()
        def retry(self) -> None:
            pass

    with pytest.raises(SpecError, match="no timer named 'retyr'"):
        verify_spec(Spec(Bad, replicas=1, ops_per_replica=1))

    class Periodic(Replica):
        x = field(0)

        @operation()
        def go(self) -> None:
            self.start_timer("tick_tock")

        @timer(periodic=True)
        def tick_tock(self) -> None:
            pass

    with pytest.raises(SpecError, match="is periodic"):
        verify_spec(Spec(Periodic, replicas=1, ops_per_replica=1))


def test_one_shot_timer_fires_only_when_armed_and_within_its_bound() -> None:
    class Once(Replica):
        fired = field(0)

        @operation()
        def arm(self) -> None:
            self.start_timer("ring")

        @timer(max_fires=5)
        def ring(self) -> None:
            self.fired += 1
            if self.fired < 3:
                self.start_timer("ring")

    system = System(Spec(Once, replicas=1, ops_per_replica=1, properties=[]))
    fired = {system.replica_fields(world, 0)["fired"] for world, _ in reachable(system)}
    assert fired == {0, 1, 2, 3}
    labels = [system.action_labels(world) for world, _ in reachable(system)]
    assert sum(lab == ["timer ring@r1"] for lab in labels) == 3


def test_faults_exercised_are_reported() -> None:
    class Silent(Replica):
        x = field(0)

        @operation()
        def bump(self) -> None:
            self.x = 1

    result = verify_spec(Spec(Silent, replicas=2, ops_per_replica=1, faults={"dup": 1, "crash": 1}))
    assert result.faults_declared == ["duplication", "crash/recovery"]
    assert result.faults_exercised == ["crash/recovery"]  # nothing is ever in flight to copy


# -- the fault-free fast path and the general path are the same transition system


@pytest.mark.parametrize(
    "s",
    [
        spec(LamportLWW, replicas=3),
        spec(OpCounter, replicas=3),
        Spec(LamportLWW, replicas=2, max_ops=3, values=(1, 2)),
    ],
)
def test_plain_and_full_successors_agree(s: Spec) -> None:
    system = System(s)
    assert system.plain
    for node in reachable(system):
        assert system._plain_successors(node) == system._full_successors(node)


def test_full_path_with_empty_profile_has_plain_counts() -> None:
    plain = verify_spec(spec(LamportLWW, replicas=3))
    forced = System(spec(LamportLWW, replicas=3))
    forced.successors = forced._full_successors
    assert len(reachable(forced)) == plain.stats.states


def test_handler_exception_under_faults_is_still_reported() -> None:
    @message
    class Boom:
        pass

    class Fragile(Replica):
        x = field(0)

        @operation()
        def go(self) -> None:
            self.broadcast(Boom())

        @on(Boom)
        def got(self, msg: Boom) -> None:
            if self.x == 0:
                self.x = 1
            else:
                raise RuntimeError("second Boom")

    result = verify_spec(
        Spec(Fragile, replicas=2, ops_per_replica=1, faults=FaultProfile(dup=1), properties=[])
    )
    assert result.counterexample is not None
    assert result.counterexample.property == "handlers_do_not_raise"
    assert result.counterexample.trace.actions == [
        "go@r1()",
        "duplicate r1->r2 Boom()",
        "deliver r1->r2 Boom()",
        "deliver r1->r2 Boom()",
    ]
    assert "RuntimeError: second Boom" in result.counterexample.explanation
