"""Reductions change how much of the graph is explored, never the verdict.

For every case, each combination of symmetry (none, replicas, values, both) and
partial-order reduction (off, on) either gives the verdict of the unreduced run or is
refused with a SpecError: refusing is allowed, a different verdict is not (issue 10,
item 1 was a spec reported OK under replica symmetry). String-valued parameters are
also tried as `symmetric_values`, so value symmetry is exercised on every spec that
takes values.

Symmetric runs must count exactly the orbits of the unreduced graph, computed here by
permuting concrete worlds (tests/test_symmetry.py's orbit key) rather than trusting the
canonical fingerprints.
"""

from __future__ import annotations

from typing import Any

import pytest

from evcheck import Result, Spec, SpecError, symmetric_values, verify_spec
from evcheck.models import GCounter, NoTiebreakLWW, OpCounter
from evcheck.symmetry import Symmetric
from tests.differential.cases import case, case_ids
from tests.support import System
from tests.test_symmetry import orbit_key, reachable

SYMMETRIES: list[tuple[str, ...]] = [("none",), ("replicas",), ("values",), ("replicas", "values")]
PORS: list[bool] = [False, True]


def with_symmetric_values(spec: Spec) -> Spec | None:
    """`spec` with every parameter made of strings turned into symmetric values (None if
    it has no such parameter)."""
    changed: dict[str, Any] = {
        k: symmetric_values(*v)
        for k, v in spec.params.items()
        if isinstance(v, tuple) and v and all(isinstance(x, str) for x in v)
    }
    return spec.with_settings(changed) if changed else None


def variants(spec: Spec) -> list[tuple[str, Spec]]:
    out = [("plain values", spec)]
    symmetric = with_symmetric_values(spec)
    if symmetric is not None:
        out.append(("symmetric values", symmetric))
    return out


def attempt(spec: Spec, symmetry: tuple[str, ...], por: bool) -> Result | SpecError:
    try:
        return verify_spec(spec.with_symmetry(symmetry).with_por(por))
    except SpecError as refused:
        return refused


def verdict(result: Result) -> tuple[str, frozenset[str]]:
    return result.status, frozenset(c.property for c in result.counterexamples)


@pytest.mark.parametrize("case_id", case_ids())
def test_reductions_keep_the_verdict_or_are_refused(case_id: str) -> None:
    c = case(case_id)
    wrong: list[str] = []
    for variant, spec in variants(c.spec):
        baseline = attempt(spec, ("none",), False)
        assert isinstance(baseline, Result), f"{c.origin}: the unreduced run was refused"
        expected = verdict(baseline)
        for symmetry in SYMMETRIES:
            for por in PORS:
                got = attempt(spec, symmetry, por)
                if isinstance(got, SpecError):
                    continue
                if verdict(got) != expected:
                    wrong.append(
                        f"{variant}, symmetry={'+'.join(symmetry)}, por={por}: {verdict(got)} "
                        f"(unreduced: {expected})"
                    )
                if baseline.ok and got.stats.states > baseline.stats.states:
                    wrong.append(
                        f"{variant}, symmetry={'+'.join(symmetry)}, por={por}: a reduction "
                        f"explored {got.stats.states} states, the full graph has "
                        f"{baseline.stats.states}"
                    )
    assert not wrong, f"{c.origin} ({c.bound}):\n" + "\n".join(wrong)


@pytest.mark.parametrize("case_id", case_ids())
def test_symmetric_state_counts_are_the_orbits(case_id: str) -> None:
    """For each symmetry the case accepts (with a group bigger than one), the reduced
    run's states are exactly the orbits of the concrete reachable worlds. Properties
    are dropped so that both searches cover the whole graph, and partial-order
    reduction is off: the unreduced graph is the whole one (for the combination of both
    reductions see test_symmetry_and_por_explore_one_graph)."""
    c = case(case_id)
    checked: list[str] = []
    refused: list[str] = []
    groups: set[tuple[str, frozenset[str]]] = set()
    for variant, spec in variants(c.spec.select_properties([]).with_por(False)):
        for symmetry in (("replicas",), ("values",), ("replicas", "values")):
            try:
                system = System(spec.with_symmetry(symmetry))
            except SpecError as exc:
                refused.append(f"{variant}/{'+'.join(symmetry)}: {exc}")
                continue
            symmetric = Symmetric(system)
            kinds = frozenset(
                k for k in symmetry if k == "replicas" or variant == "symmetric values"
            )
            if symmetric.size == 1 or (variant, kinds) in groups:
                continue  # no reduction, or the same group as one already checked
            groups.add((variant, kinds))
            try:
                reduced = verify_spec(spec.with_symmetry(symmetry))
            except SpecError as exc:
                refused.append(f"{variant}/{'+'.join(symmetry)}: {exc}")
                continue
            worlds = reachable(system)
            orbits = {orbit_key(system, symmetric, w) for w in worlds.values()}
            assert reduced.stats.states == len(orbits), (
                f"{c.origin} ({c.bound}), {variant}, symmetry={'+'.join(symmetry)}: "
                f"{reduced.stats.states} states reduced, {len(orbits)} orbits of "
                f"{len(worlds)} concrete worlds"
            )
            checked.append(f"{variant}/{'+'.join(symmetry)}")
    if not checked:
        pytest.skip(f"no symmetry with a group > 1 applies; refused: {refused or 'none'}")


@pytest.mark.parametrize(
    "spec",
    [
        Spec(GCounter, replicas=3, ops_per_replica=1, symmetry="replicas", properties=[]),
        Spec(OpCounter, replicas=3, ops_per_replica=1, symmetry="replicas", properties=[]),
        Spec(
            NoTiebreakLWW,
            replicas=3,
            ops_per_replica=1,
            values=("a", "b"),
            symmetry="replicas",
            properties=[],
        ),
    ],
    ids=lambda s: s.name,
)
def test_replica_symmetry_explores_one_graph_without_por(spec: Spec) -> None:
    """The delivery tail's receiver (the lowest-numbered replica with mail) is not
    invariant under replica permutation, so with both reductions the graph depended on
    which state of an orbit was met first (GCounter: 58 states with workers, 59 without).
    Replica symmetry therefore turns partial-order reduction off: every engine explores
    one graph, whose states are the orbits of the unreduced graph."""
    assert not System(spec).plan.por
    with pytest.raises(SpecError, match="replica symmetry"):
        System(spec.with_por(True))
    runs = [
        verify_spec(spec, strategy=s, workers=w) for s, w in (("bfs", 1), ("dfs", 1), ("bfs", 2))
    ]
    counts = [(r.stats.states, r.stats.transitions) for r in runs]
    assert len(set(counts)) == 1, f"bfs, dfs, workers=2: {counts}"
    system = System(spec)
    symmetric = Symmetric(system)
    orbits = {orbit_key(system, symmetric, w) for w in reachable(system).values()}
    assert runs[0].stats.states == len(orbits)
