"""Symmetry reduction: canonical fingerprints identify exactly the orbits; verdicts agree
with unreduced runs; traces replay concretely; unsound uses are refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evcheck import (
    Replica,
    Spec,
    SpecError,
    field,
    invariant,
    message,
    on,
    operation,
    symmetric_values,
    verify_spec,
)
from evcheck.models import GCounter, LamportLWW, NoTiebreakLWW, OpCounter
from evcheck.symmetry import Permutation, Symmetric
from evcheck.trace import replay
from evcheck.values import UnorderedError, encode
from tests.support import System

AB = symmetric_values("a", "b")


def reachable(system: System) -> dict[int, tuple[int, ...]]:
    start = system.initial()
    seen = {fp: w for w, fp in start}
    stack = list(start)
    while stack:
        for w, fp in system.successors(stack.pop()):
            if fp not in seen:
                seen[fp] = w
                stack.append((w, fp))
    return seen


def decoded(
    system: System, symmetric: Symmetric, world: tuple[int, ...], perm: Permutation
) -> bytes:
    """The world as values, permuted, in a canonical byte form (independent of fingerprints)."""
    n = system.n
    slots: list[Any] = [None] * n
    for i in range(n):
        slots[perm.positions[i]] = perm.rename(system.tables.slots[world[i]])
    envs = sorted(
        encode((int(perm.replicas[int(e.src)]), int(perm.replicas[int(e.dst)]), perm.rename(e.msg)))
        for e in system.in_flight(world)
    )
    glob = symmetric._permute_glob(system.tables.globs[world[n]], perm)
    return encode((tuple(slots), glob)) + b"".join(envs)


def orbit_key(system: System, symmetric: Symmetric, world: tuple[int, ...]) -> bytes:
    return min(decoded(system, symmetric, world, perm) for perm in symmetric.group)


MODELS = [
    Spec(LamportLWW, replicas=3, ops_per_replica=1, values=AB),
    Spec(NoTiebreakLWW, replicas=2, ops_per_replica=2, values=AB, properties=[]),
    Spec(
        GCounter,
        replicas=3,
        ops_per_replica=1,
        faults={"partition": 1},
        symmetry="replicas",
    ),
    pytest.param(
        Spec(
            GCounter,
            replicas=3,
            ops_per_replica=1,
            faults={"dup": 1, "partition": 1},
            symmetry="replicas",
        ),
        marks=pytest.mark.slow,
        id="GCounter-dup",
    ),
    Spec(
        OpCounter,
        replicas=3,
        ops_per_replica=1,
        faults={"crash": 1},
        symmetry="replicas",
        properties=[],
    ),
]


@pytest.mark.parametrize("spec", MODELS, ids=lambda s: getattr(s, "name", ""))
def test_canonical_fingerprints_are_exactly_the_orbits(spec: Spec) -> None:
    system = System(spec)
    symmetric = Symmetric(system)
    assert symmetric.size > 1
    worlds = reachable(system)
    canon_of_orbit: dict[bytes, int] = {}
    orbit_of_canon: dict[int, bytes] = {}
    for fp, world in worlds.items():
        orbit = orbit_key(system, symmetric, world)
        canon = symmetric.canonical(world, fp)
        assert canon_of_orbit.setdefault(orbit, canon) == canon  # a permuted world, same canon
        assert orbit_of_canon.setdefault(canon, orbit) == orbit  # no two orbits merge
    reduced = verify_spec(spec)
    assert reduced.stats.states == len(canon_of_orbit)
    assert len(canon_of_orbit) < len(worlds)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=12), st.integers(0, 11))
def test_permuted_worlds_share_a_canonical_fingerprint(choices: list[int], which: int) -> None:
    spec = Spec(
        GCounter,
        replicas=3,
        ops_per_replica=1,
        faults={"dup": 1},
        symmetry=("replicas", "values"),
    )
    system = System(spec)
    symmetric = Symmetric(system)
    world, fp = system.initial()[0]
    for choice in choices:
        succs = system.successors((world, fp))
        if not succs:
            break
        world, fp = succs[choice % len(succs)]
    perm = symmetric.group[which % symmetric.size]
    n = system.n
    slots: list[int] = [0] * n
    for i in range(n):
        slots[perm.positions[i]] = system.tables.intern_slot(
            perm.rename(system.tables.slots[world[i]])
        )
    from evcheck import Envelope

    envs = sorted(
        system.tables.intern_env(
            Envelope(perm.replicas[int(e.src)], perm.replicas[int(e.dst)], perm.rename(e.msg))
        )
        for e in system.in_flight(world)
    )
    glob = system.tables.intern_glob(symmetric._permute_glob(system.tables.globs[world[n]], perm))
    permuted = (*slots, glob, *envs)
    assert symmetric.canonical(permuted, system.fingerprint(permuted)) == symmetric.canonical(
        world, fp
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=AB),
            ("quiescent_convergence", 6),
        ),
        (
            Spec(LamportLWW, replicas=2, ops_per_replica=1, values=AB, faults={"loss": 1}),
            ("quiescent_convergence", 2),
        ),
        (
            Spec(OpCounter, replicas=3, ops_per_replica=1, faults={"dup": 1}, symmetry="replicas"),
            ("quiescent_convergence", 5),
        ),
        (
            Spec(GCounter, replicas=3, ops_per_replica=1, faults={"dup": 1}, symmetry="replicas"),
            None,
        ),
        (
            Spec(
                LamportLWW,
                replicas=3,
                ops_per_replica=1,
                values=AB,
                faults={"crash": 1, "crash_inbox": "wait"},
            ),
            None,
        ),
    ],
    ids=lambda x: getattr(x, "name", ""),
)
def test_verdicts_agree_with_and_without_symmetry(
    spec: Spec, expected: tuple[str, int] | None
) -> None:
    reduced = verify_spec(spec)
    full = verify_spec(spec.with_symmetry("none"))
    assert reduced.status == full.status
    assert reduced.stats.states < full.stats.states
    for result in (reduced, full):
        if expected is None:
            assert result.ok
        else:
            assert result.counterexample is not None
            assert (result.counterexample.property, len(result.counterexample.trace)) == expected


def test_reduced_traces_replay_as_concrete_executions() -> None:
    spec = Spec(OpCounter, replicas=3, ops_per_replica=1, faults={"dup": 1}, symmetry="replicas")
    result = verify_spec(spec, shrink=False)
    assert result.counterexample is not None
    system = System(spec)
    path = [result.counterexample.initial]
    node = system.initial()[path[0]]
    for label in result.counterexample.trace.actions:
        index = system.action_labels(node[0]).index(label)
        path.append(index)
        node = system.successors(node)[index]
    trace = replay(system, tuple(path))
    assert system.check(trace.steps[-1].state) is not None


def test_unsound_symmetry_is_refused_with_the_line() -> None:
    with pytest.raises(SpecError, match="orders replica ids") as info:
        verify_spec(
            Spec(
                LamportLWW,
                replicas=3,
                ops_per_replica=1,
                values=AB,
                symmetry=("replicas", "values"),
            )
        )
    assert "lww.py" in str(info.value) and "(in receive)" in str(info.value)
    with pytest.raises(UnorderedError, match="symmetric value 'a' was ordered"):
        assert AB[0] < AB[1]  # type: ignore[operator]

    class MaxRegister(Replica):
        value = field(None)

        @operation(v="values")
        def write(self, v: Any) -> None:
            self.value = v if self.value is None else max(self.value, v)

    with pytest.raises(SpecError, match=r"symmetric value .* was ordered") as ordered:
        verify_spec(Spec(MaxRegister, replicas=1, ops_per_replica=2, values=AB))
    assert "test_symmetry.py" in str(ordered.value) and "(in write)" in str(ordered.value)
    with pytest.raises(SpecError, match="every partition split"):
        Spec(
            GCounter,
            replicas=3,
            ops_per_replica=1,
            symmetry="replicas",
            faults={"partition": 1, "splits": ((frozenset({1}), frozenset({2, 3})),)},
        )
    with pytest.raises(SpecError, match="unknown symmetry 'servers'"):
        Spec(GCounter, replicas=3, ops_per_replica=1, symmetry="servers")


def test_plain_values_get_no_value_symmetry() -> None:
    spec = Spec(LamportLWW, replicas=2, ops_per_replica=1, values=("a", "b"))
    assert spec.symmetry_kinds() == frozenset()
    assert Spec(LamportLWW, replicas=2, ops_per_replica=1, values=AB).symmetry_kinds() == {"values"}
    assert (
        Spec(LamportLWW, replicas=2, ops_per_replica=1, values=AB, symmetry="none").symmetry_kinds()
        == frozenset()
    )


@message
class Bump:
    vv: tuple[int, ...]


class PositionalVector(Replica):
    """The usual positional version vector: replica r_k owns entry k-1."""

    vv = field((0, 0, 0))

    @operation()
    def bump(self) -> None:
        vv = list(self.vv)
        vv[self.id - 1] += 1
        self.vv = tuple(vv)
        self.broadcast(Bump(self.vv))

    @on(Bump)
    def merge(self, msg: Bump) -> None:
        self.vv = tuple(max(a, b) for a, b in zip(self.vv, msg.vv, strict=True))


class FirstIsLeader(Replica):
    """Picks a leader by iteration order, which a renaming of replicas changes."""

    leader = field(None)

    @operation()
    def elect(self) -> None:
        self.leader = self.replicas[0]


@invariant
def first_position_unbumped(w: Any) -> bool:
    """replica r1's entry stays 0"""
    return all(r.vv[0] == 0 for r in w.replicas)


def test_a_replica_id_used_as_a_position_is_refused_under_replica_symmetry() -> None:
    spec = Spec(
        PositionalVector, replicas=3, ops_per_replica=1, properties=[first_position_unbumped]
    )
    assert verify_spec(spec).counterexample is not None
    with pytest.raises(SpecError, match="symmetry reduction is unsound for PositionalVector"):
        verify_spec(spec.with_symmetry("replicas"))


def test_iteration_order_over_replicas_is_refused_under_replica_symmetry() -> None:
    spec = Spec(FirstIsLeader, replicas=2, ops_per_replica=1, symmetry="replicas")
    with pytest.raises(SpecError, match=r"elect@r\d\(\) gives a different result"):
        verify_spec(spec)


def test_an_invariant_that_singles_out_a_replica_is_refused() -> None:
    @invariant
    def r1_has_not_written(w: Any) -> bool:
        """r1's count stays 0"""
        return all(r.count == 0 for r in w.replicas if r.id == 1)

    spec = Spec(OpCounter, replicas=2, ops_per_replica=1, properties=[r1_has_not_written])
    assert verify_spec(spec).counterexample is not None
    with pytest.raises(SpecError, match="r1_has_not_written judges two states"):
        verify_spec(spec.with_symmetry("replicas"))
