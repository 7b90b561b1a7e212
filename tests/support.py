"""Helpers shared by test modules: the transition system of a spec."""

from __future__ import annotations

from evcheck import Spec
from evcheck.plan import compile_plan
from evcheck.semantics import Semantics


def System(spec: Spec) -> Semantics:
    """The semantics of `spec` (what `evcheck verify` explores)."""
    return Semantics(compile_plan(spec))
