"""The multi-process engine: same states, transitions, verdicts and shortest
counterexamples as one process; traces replay in the main process."""

from __future__ import annotations

import pytest

from evcheck import Spec, symmetric_values, verify_spec
from evcheck.models import (
    AntiEntropyLWW,
    GCounter,
    LamportLWW,
    NoTiebreakLWW,
    OpCounter,
    WallClockLWW,
    later_write_wins,
)
from evcheck.search import Limits
from evcheck.trace import replay_labels
from tests.support import System

SPECS = [
    Spec(LamportLWW, replicas=3, ops_per_replica=1, values=(1, 2)),
    Spec(
        LamportLWW,
        replicas=2,
        ops_per_replica=2,
        values=("a", "b"),
        faults={"loss": 1, "dup": 1},
        properties=[],
    ),
    Spec(
        AntiEntropyLWW,
        replicas=2,
        ops_per_replica=1,
        values=("a",),
        faults={"partition": 1, "partition_mode": "drop", "crash": 1},
    ),
    Spec(GCounter, replicas=3, ops_per_replica=1, faults={"dup": 1}, symmetry="replicas"),
    Spec(LamportLWW, replicas=3, ops_per_replica=1, values=symmetric_values("a", "b")),
    Spec(
        WallClockLWW,
        replicas=2,
        ops_per_replica=1,
        values=("a", "b"),
        max_time=2,
        faults={"skew": 1},
        properties=[],
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.name}-{s.replicas}")
@pytest.mark.parametrize("workers", [2, 3])
def test_same_exploration_as_one_process(spec: Spec, workers: int) -> None:
    one = verify_spec(spec)
    many = verify_spec(spec, workers=workers)
    assert many.status == one.status == "holds"
    assert (many.stats.states, many.stats.transitions, many.stats.depth) == (
        one.stats.states,
        one.stats.transitions,
        one.stats.depth,
    )


@pytest.mark.parametrize(
    "spec",
    [
        Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=("a", "b")),
        Spec(LamportLWW, replicas=3, ops_per_replica=1, values=("a", "b"), faults={"loss": 1}),
        Spec(OpCounter, replicas=3, ops_per_replica=1, faults={"dup": 1}, symmetry="replicas"),
        Spec(
            WallClockLWW,
            replicas=2,
            ops_per_replica=1,
            values=("a", "b"),
            max_time=2,
            faults={"skew": 1},
            properties=[later_write_wins],
        ),
    ],
    ids=lambda s: s.name,
)
def test_same_shortest_counterexample(spec: Spec) -> None:
    one = verify_spec(spec, shrink=False)
    many = verify_spec(spec, workers=2, shrink=False)
    assert one.counterexample is not None and many.counterexample is not None
    assert many.counterexample.property == one.counterexample.property
    assert len(many.counterexample.trace) == len(one.counterexample.trace)
    # The trace was rebuilt in the main process from fingerprints: it is a real execution
    # that violates the property exactly at its last step.
    system = System(spec)
    replayed = replay_labels(system, many.counterexample.initial, many.counterexample.trace.actions)
    assert replayed.stuck_at is None
    assert replayed.violation is not None
    step, prop = replayed.violation
    assert step == len(many.counterexample.trace)
    assert system.property_names[prop] == many.counterexample.property


def test_limits_and_depth_bound() -> None:
    spec = Spec(LamportLWW, replicas=3, ops_per_replica=1, values=(1, 2))
    bounded = verify_spec(spec, workers=2, limits=Limits(max_depth=3))
    assert bounded.ok and bounded.stats.depth == 3
    assert bounded.stats.states == verify_spec(spec, limits=Limits(max_depth=3)).stats.states
    stopped = verify_spec(spec, workers=2, limits=Limits(max_states=100))
    assert stopped.status == "stopped" and "state limit" in (stopped.stop_reason or "")


def test_several_counterexamples() -> None:
    spec = Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=("a", "b"))
    many = verify_spec(spec, workers=2, limits=Limits(max_counterexamples=3))
    assert len(many.counterexamples) == 3
    assert len({c.trace.actions[-1] for c in many.counterexamples}) == 3
