"""Mutation checks for the property judges (issue 10, item 13).

A checker that says OK too easily is caught by bugs it should find: each mutant in
tests/models/mutants.py is a library protocol with one deliberate bug, checked under the
very spec (bounds and properties) under which its correct original verifies. A mutant
evcheck reports OK is a failure naming the mutant; an original that does not verify
would make the comparison vacuous, so that is checked too.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from evcheck import verify_spec
from evcheck.models.catalog import CATALOG
from evcheck.plan import compile_plan
from tests.models.mutants import MUTANTS, Mutant


def dsl_functions(mutant: Mutant) -> dict[str, Any]:
    """The functions evcheck will run for the mutant's operations, handlers, timers and
    recovery hook, by method name: what the compiled plan holds, not what the class body
    says."""
    plan = compile_plan(mutant.spec(mutant.cls))
    fns: dict[str, Any] = {}
    replica = plan.replicas[0]
    for op in replica.operations:
        fns[op.operation.name] = op.operation.fn
    for handler in replica.handlers.values():
        fns[handler.fn.__name__] = handler.fn
    for tmr in replica.timers:
        fns[tmr.name] = tmr.fn
    if replica.recovery is not None:
        fns[replica.recovery.__name__] = replica.recovery
    return fns


ORIGINALS = {m.original: m for m in MUTANTS}


def test_mutants_cover_every_family_of_the_library() -> None:
    families = {inspect.getmodule(m.original).__name__ for m in MUTANTS}  # type: ignore[union-attr]
    assert families == {
        "evcheck.models.causal",
        "evcheck.models.consensus",
        "evcheck.models.counter",
        "evcheck.models.crdt",
        "evcheck.models.dynamo",
        "evcheck.models.failover",
        "evcheck.models.gossip",
        "evcheck.models.inventory",
        "evcheck.models.liveness",
        "evcheck.models.lww",
        "evcheck.models.primary_backup",
        "evcheck.models.quorum",
        "evcheck.models.register",
        "evcheck.models.resolution",
        "evcheck.models.versioning",
    }
    assert len(MUTANTS) >= 12
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)


def test_every_correct_model_of_the_library_has_a_mutant() -> None:
    """No "holds" of the catalog is vacuous: each correct entry's protocol is broken in a
    small way by at least one mutant, which evcheck must find (below)."""
    originals = {m.original for m in MUTANTS}
    unbroken = [
        f"{e.name} ({', '.join(c.__name__ for c in e.load().classes)})"
        for e in CATALOG
        if e.verdict == "holds" and not originals & set(e.load().classes)
    ]
    assert not unbroken, f"add a mutant to tests/models/mutants.py for: {unbroken}"


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_the_mutant_is_one_override_that_runs(mutant: Mutant) -> None:
    """Each mutant changes exactly one method of its original, and the compiled plan runs
    the mutant's version of it (so a surviving mutant is never a test that checked the
    original by mistake)."""
    assert mutant.cls.__bases__ == (mutant.original,)
    own = [k for k in vars(mutant.cls) if not k.startswith("_")]  # not the DSL tables
    assert own == [mutant.method], f"{mutant.name} defines {own}, expected [{mutant.method!r}]"
    running = dsl_functions(mutant)[mutant.method]
    assert running is vars(mutant.cls)[mutant.method], (
        f"{mutant.name}: the plan runs {running.__qualname__}, not the override"
    )


@pytest.mark.parametrize("mutant", list(ORIGINALS.values()), ids=lambda m: m.original.__name__)
def test_the_original_verifies_at_the_same_bounds(mutant: Mutant) -> None:
    result = verify_spec(mutant.spec(mutant.original))
    assert result.ok, (
        f"{mutant.original.__name__} should verify under its mutants' spec, but: {result!r}"
    )


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_the_mutant_is_found(mutant: Mutant) -> None:
    result = verify_spec(mutant.spec(mutant.cls))
    doc = (mutant.cls.__doc__ or "").split("\n")[0]
    assert not result.ok, (
        f"mutant {mutant.name} of {mutant.original.__name__} survived: evcheck reports "
        f"{result.status} ({result.stats.states} states) for a protocol that {doc}"
    )
    assert result.status == "violated"
    assert result.counterexample is not None
    assert result.counterexample.property != "handlers_do_not_raise", (
        f"{mutant.name} was found only because a handler raised"
    )
