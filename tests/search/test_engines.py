"""BFS and DFS: exact counts on toy systems, agreement with each other, limits, shortest paths."""

from __future__ import annotations

import pytest

from evcheck import Spec, verify_spec
from evcheck.models import LamportLWW, NoTiebreakLWW
from evcheck.search import ENGINES, Limits, bfs, dfs
from evcheck.trace import replay
from tests.bruteforce import lww_counts
from tests.search.toy import Grid


@pytest.mark.parametrize("engine", [bfs, dfs])
def test_grid_counts(engine: object) -> None:
    outcome = engine(Grid(4, 3))  # type: ignore[operator]
    assert outcome.status == "holds"
    # 12 cells; every cell has an edge right unless on the right border, up unless on top.
    assert (outcome.stats.states, outcome.stats.transitions) == (12, 3 * 3 + 4 * 2)


def test_bfs_reports_depth_of_deepest_state() -> None:
    assert bfs(Grid(4, 3)).stats.depth == 5
    assert bfs(Grid(1, 1)).stats.depth == 0


def test_bfs_finds_shortest_path_and_dfs_a_valid_one() -> None:
    grid = Grid(5, 5, bad=frozenset({(2, 2), (4, 0)}))
    shortest = bfs(grid)
    assert shortest.status == "violated" and shortest.found is not None
    assert len(shortest.found.path) - 1 == 4
    deep = dfs(grid)
    assert deep.found is not None
    trace = replay(grid, deep.found.path)
    assert trace.steps[-1].state in grid.bad


def test_violating_initial_state() -> None:
    outcome = bfs(Grid(2, 2, bad=frozenset({(0, 0)})))
    assert outcome.found is not None and outcome.found.path == (0,)


def test_depth_bound_is_a_bound_not_a_stop() -> None:
    outcome = bfs(Grid(10, 10), Limits(max_depth=3))
    assert outcome.status == "holds"
    assert outcome.stats.states == 1 + 2 + 3 + 4
    assert outcome.stats.depth == 3
    assert outcome.stats.depth_bounded == 4
    assert bfs(Grid(10, 10), Limits(max_depth=0)).stats.states == 1


def test_state_limit_stops() -> None:
    outcome = bfs(Grid(50, 50), Limits(max_states=100))
    assert outcome.status == "stopped"
    assert "state limit" in (outcome.stop_reason or "")
    assert 100 <= outcome.stats.states < 110


@pytest.mark.parametrize(
    ("n", "writes"),
    [(2, 1), (2, 2), (3, 1)],
)
def test_bfs_and_dfs_agree_on_lww(n: int, writes: int) -> None:
    spec = Spec(LamportLWW, replicas=n, ops_per_replica=writes, values=("a", "b"))
    by_engine = {name: verify_spec(spec, strategy=name) for name in ENGINES}
    verdicts = {(r.status, r.stats.states, r.stats.transitions) for r in by_engine.values()}
    assert len(verdicts) == 1


@pytest.mark.parametrize(("n", "length"), [(2, 4), (3, 6), (4, 8)])
def test_no_tiebreak_shortest_counterexample(n: int, length: int) -> None:
    spec = Spec(NoTiebreakLWW, replicas=n, ops_per_replica=1, values=("a", "b"))
    result = verify_spec(spec)
    assert result.counterexample is not None
    assert len(result.counterexample.trace) == length
    assert result.counterexample.property == "quiescent_convergence"
    dfs_result = verify_spec(spec, strategy="dfs")
    assert dfs_result.status == "violated"
    assert dfs_result.counterexample is not None
    assert dfs_result.counterexample.property == "quiescent_convergence"
    assert len(dfs_result.counterexample.trace) >= length


@pytest.mark.parametrize("strategy", ["bfs", "dfs"])
def test_several_distinct_counterexamples(strategy: str) -> None:
    spec = Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=("a", "b"))
    result = verify_spec(spec, strategy=strategy, limits=Limits(max_counterexamples=4))
    assert result.status == "violated"
    assert len(result.counterexamples) == 4
    finals = {c.trace.actions[-1] for c in result.counterexamples}
    assert len(finals) == 4  # distinct by the last action (same property)
    for cex in result.counterexamples:
        assert cex.property == "quiescent_convergence"


def test_counterexample_limit_larger_than_violations_explores_everything() -> None:
    spec = Spec(NoTiebreakLWW, replicas=2, ops_per_replica=1, values=("a", "b"), por=False)
    result = verify_spec(spec, limits=Limits(max_counterexamples=1000))
    assert result.status == "violated"
    # Here every violating state is terminal, so the search still meets every state the
    # independent enumeration finds.
    assert (result.stats.states, result.stats.transitions) == lww_counts(
        2, 1, ("a", "b"), tiebreak=False
    )[:2]
    finals = [c.trace.actions[-1] for c in result.counterexamples]
    # Each violating state is reported once, by the first path reaching it: there are two
    # (r1 and r2 holding a and b, or b and a).
    assert len(finals) == len(set(finals)) == 2
