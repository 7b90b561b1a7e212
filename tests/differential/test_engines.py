"""Breadth-first, depth-first and multi-process search explore the same graph, so they
must agree: on the verdict of every case, and, where a run is complete, on the numbers
of states and transitions. With every property dropped each run is complete, which
compares the whole graphs; with the spec's properties the verdicts are compared.

A disagreement means one engine reports a verdict the graph does not support (issue 10,
item 12)."""

from __future__ import annotations

import pytest

from evcheck import Limits, Result, Spec, verify_spec
from evcheck.models import GCounter
from evcheck.search import NO_LIMITS
from tests.differential.cases import (
    MODEL_SPECS,
    case,
    case_ids,
    library_protocols,
    spec_files,
)

ENGINES: list[tuple[str, int]] = [("bfs", 1), ("dfs", 1), ("bfs", 2)]


def run(spec: Spec, strategy: str, workers: int, limits: Limits = NO_LIMITS) -> Result:
    return verify_spec(spec, strategy=strategy, workers=workers, limits=limits)


def label(strategy: str, workers: int) -> str:
    return strategy if workers == 1 else f"{strategy} x{workers} workers"


def test_every_library_protocol_has_a_case() -> None:
    """A protocol added to evcheck.models without a small spec here would escape the
    differential and mutation checks: that is a failure, not a skip."""
    missing = [cls.__name__ for cls in library_protocols() if cls not in MODEL_SPECS]
    assert not missing, (
        f"add a small spec to MODEL_SPECS in tests/differential/cases.py for: {missing}"
    )
    assert len(spec_files()) >= 13


@pytest.mark.parametrize("case_id", case_ids())
def test_engines_explore_the_same_graph(case_id: str) -> None:
    """Without properties nothing stops a search: every engine must find exactly the
    same states, transitions and depth (BFS and workers), and the same states and
    transitions (DFS, whose depth is that of its own spanning tree)."""
    c = case(case_id)
    spec = c.spec.select_properties([])
    results = {label(s, w): run(spec, s, w) for s, w in ENGINES}
    counts = {name: (r.status, r.stats.states, r.stats.transitions) for name, r in results.items()}
    assert len(set(counts.values())) == 1, f"{c.origin} ({c.bound}): {counts}"
    assert results["bfs"].stats.depth == results["bfs x2 workers"].stats.depth


@pytest.mark.parametrize("case_id", case_ids())
def test_engines_agree_on_the_verdict(case_id: str) -> None:
    """With the spec's properties, the engines agree on whether it holds; BFS and the
    workers also on the length of the shortest counterexample, and on the counts when
    the run is complete."""
    c = case(case_id)
    results = {label(s, w): run(c.spec, s, w) for s, w in ENGINES}
    verdicts = {name: r.status for name, r in results.items()}
    assert len(set(verdicts.values())) == 1, f"{c.origin} ({c.bound}): {verdicts}"
    bfs, parallel = results["bfs"], results["bfs x2 workers"]
    if bfs.ok:
        assert {(r.stats.states, r.stats.transitions) for r in results.values()} == {
            (bfs.stats.states, bfs.stats.transitions)
        }, f"{c.origin}: complete runs explored different graphs"
    else:
        assert bfs.counterexample is not None and parallel.counterexample is not None
        assert len(parallel.counterexample.trace) == len(bfs.counterexample.trace)


@pytest.mark.parametrize("case_id", case_ids())
def test_engines_agree_with_every_counterexample_asked_for(case_id: str) -> None:
    """Asking for more counterexamples than exist makes each search run to the end
    (violating states are recorded, not expanded), so the engines must agree on the
    counts and on which properties are violated, on violating specs too."""
    c = case(case_id)
    limits = Limits(max_counterexamples=1_000)
    results = {label(s, w): run(c.spec, s, w, limits) for s, w in ENGINES}
    seen = {
        name: (
            r.status,
            r.stats.states,
            r.stats.transitions,
            frozenset(x.property for x in r.counterexamples),
        )
        for name, r in results.items()
    }
    assert len(set(seen.values())) == 1, f"{c.origin} ({c.bound}): {seen}"


@pytest.mark.parametrize("case_id", ["spec:lww_no_tiebreak", "spec:counter_dup"])
@pytest.mark.xfail(
    strict=True,
    reason="--workers 2 stops a violating run at other state counts than one process, "
    "although the README says results are identical (issue 10, item 9)",
)
def test_workers_stop_a_violating_run_where_one_process_does(case_id: str) -> None:
    """README: with --workers, results are identical to one process. On a violating run
    that includes the statistics printed with the counterexample."""
    c = case(case_id)
    one, many = run(c.spec, "bfs", 1), run(c.spec, "bfs", 2)
    assert not one.ok
    assert (many.stats.states, many.stats.transitions) == (
        one.stats.states,
        one.stats.transitions,
    )


def test_dfs_and_workers_agree_on_a_replica_symmetric_graph() -> None:
    """The engines also agree when fingerprints are canonical under replica symmetry."""
    spec = Spec(GCounter, replicas=3, ops_per_replica=1, faults={"dup": 1}, symmetry="replicas")
    counts = {(r.stats.states, r.stats.transitions) for r in (run(spec, s, w) for s, w in ENGINES)}
    assert len(counts) == 1, counts
