"""Message loss (evcheck.env.loss)."""

from __future__ import annotations

from evcheck import (
    verify_spec,
)
from evcheck.models import (
    AntiEntropyLWW,
    LamportLWW,
    RetryLWW,
)
from tests.env.faulty import actions, spec


def test_loss() -> None:
    assert verify_spec(spec(LamportLWW)).ok
    assert actions(spec(LamportLWW, {"loss": 1})) == [
        "write@r1('a')",
        "drop r1->r2 Update(value='a', stamp=(1, r1))",
    ]
    assert verify_spec(spec(AntiEntropyLWW, {"loss": 1})).ok
    assert verify_spec(spec(AntiEntropyLWW, {"loss": 2}, timer_fires=2)).ok
    assert verify_spec(spec(RetryLWW, {"loss": 1}, timer_fires=2)).ok
