"""Random simulation: reproducible from its seed, finds bugs, respects its bounds."""

from __future__ import annotations

from evcheck import Spec, simulate_spec
from evcheck.models import LamportLWW, NoTiebreakLWW
from evcheck.search import Limits, simulate
from tests.support import System


def test_same_seed_same_runs() -> None:
    spec = Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=("a", "b"))
    first = simulate_spec(spec, runs=30, depth=20, seed=11, shrink=False)
    second = simulate_spec(spec, runs=30, depth=20, seed=11, shrink=False)
    assert first.counterexample and second.counterexample
    assert first.counterexample.trace.actions == second.counterexample.trace.actions
    assert (first.runs, first.seed) == (second.runs, 11)


def test_finds_and_shrinks_a_violation() -> None:
    spec = Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=("a", "b"))
    result = simulate_spec(spec, runs=200, depth=30, seed=3)
    assert result.counterexample is not None
    assert len(result.counterexample.trace) == 6  # the minimum, whatever was found


def test_correct_spec_survives_and_bounds_hold() -> None:
    system = System(Spec(LamportLWW, replicas=3, ops_per_replica=1, values=("a", "b")))
    outcome = simulate(system, runs=40, depth=5, seed=1)
    assert outcome.status == "holds" and outcome.runs == 40
    assert outcome.stats.depth <= 5
    assert outcome.stats.transitions <= 40 * 5
    assert 1 < outcome.stats.states <= 2617


def test_several_violations() -> None:
    system = System(Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=("a", "b")))
    outcome = simulate(system, runs=300, depth=30, seed=5, limits=Limits(max_counterexamples=3))
    assert len(outcome.violations) == 3
