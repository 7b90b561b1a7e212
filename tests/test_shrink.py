"""Shrinking drops unneeded steps, keeps the same property failing, and never grows a trace."""

from __future__ import annotations

from typing import Any

from evcheck import Spec, verify_spec
from evcheck.errors import StopRequested
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


class _Interrupting:
    """A system whose replays are interrupted once `calls` initial() calls have been made:
    as if Ctrl-C, SIGTERM or a time limit arrived while shrinking."""

    def __init__(self, system: System, calls: int) -> None:
        self.system = system
        self.calls = calls

    def initial(self) -> Any:
        self.calls -= 1
        if self.calls < 0:
            raise StopRequested("interrupted")
        return self.system.initial()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.system, name)


def test_an_interrupted_shrink_keeps_the_counterexample_found() -> None:
    system = System(Spec(OpCounter, replicas=2, ops_per_replica=1, faults={"dup": 1}))
    noisy = [
        "increment@r2()",
        "deliver r2->r1 Increment()",
        "increment@r1()",
        "duplicate r1->r2 Increment()",
        "deliver r1->r2 Increment()",
        "deliver r1->r2 Increment()",
    ]
    for calls in range(4):
        kept = shrink(_Interrupting(system, calls), 0, noisy, prop=1)  # type: ignore[arg-type]
        assert replay_labels(system, 0, kept).violation == (len(kept), 1)
        assert len(kept) <= len(noisy)
