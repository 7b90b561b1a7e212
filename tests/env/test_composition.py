"""Faults together: exact counts against an independent enumeration, budgets,
quiescence, what is reported exercised, and the specialised path against the general one."""

from __future__ import annotations

import pytest

from evcheck import (
    FaultProfile,
    Replica,
    Spec,
    field,
    message,
    on,
    operation,
    quiescent_convergence,
    verify_spec,
)
from evcheck.models import (
    AntiEntropyLWW,
    LamportLWW,
    OpCounter,
)
from tests.bruteforce import lww_counts
from tests.env.faulty import reachable, spec
from tests.support import System


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
        info = system.tables.infos[world[2]]
        timers_due = any(system.checker.timers.is_busy(i, world[i]) for i in range(2))  # type: ignore[union-attr]
        quiet = info.quiet and not timers_due
        assert (system.check(world) is not None) == quiet
        checked += quiet
        skipped += not quiet
    assert skipped > 0  # diverged but partitioned, down or with repair due: not judged
    assert checked == 0  # anti-entropy always repairs before quiescence


def test_faults_exercised_are_reported() -> None:
    class Silent(Replica):
        x = field(0)

        @operation()
        def bump(self) -> None:
            self.x = 1

    result = verify_spec(Spec(Silent, replicas=2, ops_per_replica=1, faults={"dup": 1, "crash": 1}))
    assert result.faults_declared == ["duplication", "crash/recovery"]
    assert result.faults_exercised == ["crash/recovery"]  # nothing is ever in flight to copy


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
    assert system.plan.plain
    for node in reachable(system):
        assert system._plain_successors(node) == system._successors(node)


def test_full_path_with_empty_profile_has_plain_counts() -> None:
    plain = verify_spec(spec(LamportLWW, replicas=3))
    forced = System(spec(LamportLWW, replicas=3))
    forced.successors = forced._successors
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
