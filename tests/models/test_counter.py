"""The counters of the library: which faults each survives, and strong eventual
consistency judged with the exact updates each message carries."""

from __future__ import annotations

import pytest

from evcheck import Limits, Spec, quiescent_convergence, strong_eventual_consistency, verify_spec
from evcheck.models import GCounter, OpCounter, RetransmittingCounter

SEC = [strong_eventual_consistency]


def retransmitting(**overrides: object) -> Spec:
    return Spec(
        RetransmittingCounter,
        replicas=3,
        max_ops=2,
        ops_per_replica=1,
        properties=[strong_eventual_consistency, quiescent_convergence],
    ).with_settings(dict(overrides))


def test_a_retransmission_carries_only_what_it_retransmits() -> None:
    """r2 re-sends its own increment to r3 after applying r1's: r3 must not count r1's
    increment as applied (it was, before messages carried exactly their updates)."""
    result = verify_spec(retransmitting(), limits=Limits(max_depth=8))
    assert result.ok, result.counterexample and result.counterexample.explanation


@pytest.mark.slow
def test_retransmitting_counter_is_strongly_eventually_consistent() -> None:
    result = verify_spec(retransmitting())
    assert result.ok
    assert result.stats.states == 409_993


def test_a_duplicated_increment_breaks_strong_eventual_consistency() -> None:
    result = verify_spec(
        Spec(OpCounter, replicas=2, ops_per_replica=1, faults={"dup": 1}, properties=SEC)
    )
    cex = result.expect_violation("strong_eventual_consistency", length=4)
    assert cex.trace.steps[-1].view.components["r2"]["applied"] == "r1#1"


def test_g_counter_survives_duplication_and_partitions() -> None:
    spec = Spec(
        GCounter,
        replicas=3,
        ops_per_replica=1,
        faults={"dup": 1, "partition": 1},
        properties=[quiescent_convergence, strong_eventual_consistency],
    )
    assert verify_spec(spec).ok


def test_retransmitting_counter_survives_loss_and_duplication() -> None:
    spec = Spec(
        RetransmittingCounter,
        replicas=2,
        ops_per_replica=1,
        timer_fires=2,
        faults={"loss": 1, "dup": 1},
        properties=[quiescent_convergence, strong_eventual_consistency],
    )
    assert verify_spec(spec).ok
