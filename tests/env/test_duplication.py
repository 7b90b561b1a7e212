"""Duplication (evcheck.env.duplication)."""

from __future__ import annotations

from evcheck import (
    verify_spec,
)
from evcheck.models import (
    GCounter,
    OpCounter,
)
from tests.env.faulty import actions, spec


def test_duplication() -> None:
    assert verify_spec(spec(OpCounter)).ok
    assert actions(spec(OpCounter, {"dup": 1})) == [
        "increment@r1()",
        "duplicate r1->r2 Increment()",
        "deliver r1->r2 Increment()",
        "deliver r1->r2 Increment()",
    ]
    assert verify_spec(spec(GCounter, {"dup": 2})).ok
