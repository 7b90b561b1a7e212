"""Partial-order reduction of the delivery tail: every reachable quiescent state is still
reached, verdicts and shortest counterexamples agree, and it is only on where sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from evcheck import Spec, SpecError, invariant, load_spec, symmetric_values, verify_spec
from evcheck.models import GCounter, LamportLWW, NoTiebreakLWW, OpCounter
from tests.protocols import PingPong
from tests.support import System


def quiescent_states(spec: Spec) -> tuple[set[int], int]:
    """Fingerprints of reachable states with nothing in flight, and the number of states."""
    system = System(spec)
    start = system.initial()
    seen = {fp for _, fp in start}
    stack = list(start)
    quiet = set()
    while stack:
        world, fp = stack.pop()
        if len(world) == system.n + 1:
            quiet.add(fp)
        for nxt in system.successors((world, fp)):
            if nxt[1] not in seen:
                seen.add(nxt[1])
                stack.append(nxt)
    return quiet, len(seen)


@pytest.mark.parametrize(
    "spec",
    [
        Spec(LamportLWW, replicas=3, ops_per_replica=1, values=(1, 2)),
        Spec(LamportLWW, replicas=2, ops_per_replica=2, values=(1, 2)),
        Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=(1, 2), properties=[]),
        Spec(OpCounter, replicas=3, ops_per_replica=1, properties=[]),
        Spec(GCounter, replicas=3, ops_per_replica=1),
    ],
    ids=lambda s: f"{s.name}-{s.replicas}",
)
def test_every_quiescent_state_is_still_reached(spec: Spec) -> None:
    reduced, reduced_count = quiescent_states(spec.with_por("auto"))
    full, full_count = quiescent_states(spec.with_por(False))
    assert reduced == full
    assert reduced_count < full_count


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            Spec(NoTiebreakLWW, replicas=3, ops_per_replica=1, values=("a", "b")),
            ("quiescent_convergence", 6),
        ),
        (
            Spec(NoTiebreakLWW, replicas=2, ops_per_replica=2, values=("a", "b")),
            ("quiescent_convergence", 4),
        ),
        (Spec(OpCounter, replicas=3, ops_per_replica=2), None),
        (Spec(LamportLWW, replicas=3, ops_per_replica=1, values=symmetric_values("a", "b")), None),
    ],
    ids=lambda x: getattr(x, "name", ""),
)
def test_verdicts_and_shortest_counterexamples_agree(
    spec: Spec, expected: tuple[str, int] | None
) -> None:
    reduced = verify_spec(spec.with_por("auto"))
    full = verify_spec(spec.with_por(False))
    assert System(spec.with_por("auto")).plan.por
    assert reduced.status == full.status
    for result in (reduced, full):
        if expected is None:
            assert result.ok
        else:
            assert result.counterexample is not None
            assert (result.counterexample.property, len(result.counterexample.trace)) == expected


def test_only_on_where_sound() -> None:
    @invariant
    def anything(w: object) -> bool:
        return True

    base = dict(replicas=2, ops_per_replica=1, values=(1, 2))
    assert System(Spec(LamportLWW, **base)).plan.por  # type: ignore[arg-type]
    assert not System(Spec(LamportLWW, **base, properties=[anything])).plan.por  # type: ignore[arg-type]
    assert not System(Spec(LamportLWW, **base, faults={"loss": 1})).plan.por  # type: ignore[arg-type]
    assert not System(Spec(LamportLWW, **base, por=False)).plan.por  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="only sound for specs without faults"):
        System(Spec(LamportLWW, **base, faults={"dup": 1}, por=True))  # type: ignore[arg-type]


def test_senders_in_the_tail_keep_full_expansion() -> None:
    # Ping handlers reply: the tail is not send-free, so nothing is pruned there.

    spec = Spec(PingPong, replicas=3, ops_per_replica=1)
    reduced, reduced_count = quiescent_states(spec.with_por("auto"))
    full, full_count = quiescent_states(spec.with_por(False))
    assert reduced == full
    assert reduced_count <= full_count


def test_every_spec_file_has_the_same_verdict_without_it(spec_file: Path) -> None:
    spec = load_spec(spec_file)
    if not System(spec.with_por("auto")).plan.por:
        return  # not applicable to this spec: both runs would be the same run
    reduced = verify_spec(spec.with_por("auto"))
    full = verify_spec(spec.with_por(False))
    assert reduced.status == full.status
    assert [c.property for c in reduced.counterexamples] == [
        c.property for c in full.counterexamples
    ]
    if reduced.counterexample is not None and full.counterexample is not None:
        assert len(reduced.counterexample.trace) == len(full.counterexample.trace)
