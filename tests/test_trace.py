"""Replay rebuilds traces from action indices; bad paths are reported, not crashed on."""

from __future__ import annotations

import pytest

from evcheck import ReplayError, Spec
from evcheck.models import LamportLWW
from evcheck.trace import replay
from tests.support import System


def test_replay_rebuilds_states_and_labels() -> None:
    system = System(Spec(LamportLWW, replicas=2, ops_per_replica=1, values=("a",)))
    trace = replay(system, (0, 0, 0))  # r1 has no operation left after its write
    assert trace.actions == ["write@r1('a')", "write@r2('a')"]
    assert len(trace) == 2
    last = trace.steps[-1].view
    assert last.components["r2"] == {"value": "'a'", "stamp": "(1, r2)"}
    assert len(last.in_flight) == 2


def test_replay_rejects_actions_that_do_not_exist() -> None:
    system = System(Spec(LamportLWW, replicas=2, ops_per_replica=1, values=("a",)))
    with pytest.raises(ReplayError, match="step 1: action 9 does not exist"):
        replay(system, (0, 9))
    with pytest.raises(ReplayError, match="initial state 3"):
        replay(system, (3,))
