"""Clocks and skew (evcheck.env.clocks)."""

from __future__ import annotations

import pytest

from evcheck import (
    SpecError,
    quiescent_convergence,
    verify_spec,
)
from evcheck.models import (
    WallClockLWW,
    later_write_wins,
)
from tests.env.faulty import reachable, spec
from tests.support import System


def test_clock_skew_loses_a_later_write() -> None:
    props = {"properties": [later_write_wins, quiescent_convergence], "max_time": 2}
    assert verify_spec(spec(WallClockLWW, **props)).ok
    result = verify_spec(spec(WallClockLWW, {"skew": 1}, **props))
    cex = result.counterexample
    assert cex is not None and cex.property == "later_write_wins"
    assert cex.trace.actions == [
        "write@r2('a')",
        "deliver r2->r1 TimedUpdate(value='a', stamp=(1, r2), written_at=0)",
        "tick (time 1)",
        "write@r1('a')",
    ]
    assert cex.trace.steps[0].view.components["r2"]["clock"] == "1"
    assert "written at time 0, although it has seen a write from time 1" in cex.explanation


def test_clock_requires_max_time() -> None:
    with pytest.raises(SpecError, match="has no clocks: set max_time"):
        verify_spec(spec(WallClockLWW))


def test_ticks_stop_at_max_time() -> None:
    system = System(spec(WallClockLWW, max_time=1, ops_per_replica=0))
    times = {system.view(world).components["environment"]["time"] for world, _ in reachable(system)}
    assert times == {"0", "1"}
