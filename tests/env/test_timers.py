"""Timers (evcheck.env.timers)."""

from __future__ import annotations

import pytest

from evcheck import (
    Replica,
    Spec,
    SpecError,
    field,
    load_spec,
    operation,
    timer,
    verify_spec,
)
from evcheck.models import (
    LamportLWW,
    RetryLWW,
)
from tests.conftest import ROOT
from tests.env.faulty import actions, reachable, spec
from tests.support import System


def test_timers_repair_what_loss_breaks() -> None:
    assert actions(spec(LamportLWW, {"loss": 1}))  # no repair: violated
    assert verify_spec(spec(RetryLWW, {"loss": 1}, timer_fires=2)).ok
    # Too few retries for the loss budget: the adversary drops the retry too.
    result = verify_spec(spec(RetryLWW, {"loss": 2}, timer_fires=1))
    assert result.counterexample is not None
    assert sum(a.startswith("drop") for a in result.counterexample.trace.actions) == 2


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


def test_a_guard_saves_the_no_op_firings_of_the_raft_benchmark() -> None:
    """The election model of benchmarks/raft at max_term=1: the in-body `return` and the
    `when=` guard give the same verdict, and the guard none of the no-op firings (the
    figures at max_term=2 are in docs/performance.md)."""
    raft = ROOT / "benchmarks" / "raft"
    noop = load_spec(raft / "raft_noop.py").with_settings({"max_term": 1})
    guard = load_spec(raft / "raft_guard.py").with_settings({"max_term": 1})
    one = verify_spec(noop, engine="python")
    other = verify_spec(guard, engine="python")
    assert one.ok and other.ok
    assert (one.stats.states, one.stats.transitions) == (8_707, 43_494)
    assert (other.stats.states, other.stats.transitions) == (1_111, 3_900)
