"""Shrinking drops unneeded steps, keeps the same property failing, and never grows a trace."""

from __future__ import annotations

from evcheck import Spec, verify_spec
from evcheck.models import LamportLWW, NoTiebreakLWW, OpCounter
from evcheck.shrink import shrink
from evcheck.trace import replay_labels
from tests.support import System


def test_unrelated_steps_are_dropped() -> None:
    system = System(Spec(OpCounter, replicas=2, ops_per_replica=1, faults={"dup": 1}))
    noisy = [
        "increment@r2()",
        "deliver r2->r1 Increment()",
        "increment@r1()",
        "duplicate r1->r2 Increment()",
        "deliver r1->r2 Increment()",
        "deliver r1->r2 Increment()",
    ]
    assert replay_labels(system, 0, noisy).violation == (6, 1)
    # r2's increment and its delivery are not needed: removing the write removes its delivery.
    assert shrink(system, 0, noisy, prop=1) == noisy[2:]


def test_dfs_traces_shrink_to_the_bfs_length() -> None:
    spec = Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=("a", "b"))
    bfs = verify_spec(spec)
    dfs = verify_spec(spec, strategy="dfs")
    raw = verify_spec(spec, strategy="dfs", shrink=False)
    assert bfs.counterexample and dfs.counterexample and raw.counterexample
    assert len(raw.counterexample.trace) > len(bfs.counterexample.trace)
    assert len(dfs.counterexample.trace) == len(bfs.counterexample.trace)
    assert dfs.counterexample.found_length == len(raw.counterexample.trace)
    assert dfs.counterexample.property == bfs.counterexample.property


def test_a_trace_that_does_not_fail_is_left_alone() -> None:
    system = System(Spec(LamportLWW, replicas=2, ops_per_replica=1, values=("a",)))
    labels = ["write@r1('a')"]
    assert shrink(system, 0, labels, prop=1) == labels
