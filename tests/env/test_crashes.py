"""Crashes and recovery (evcheck.env.crashes)."""

from __future__ import annotations

from evcheck import (
    verify_spec,
)
from evcheck.models import (
    AntiEntropyLWW,
    LamportLWW,
    VolatileStampLWW,
)
from tests.env.faulty import actions, spec
from tests.support import System


def test_crash_and_recovery() -> None:
    assert verify_spec(spec(LamportLWW, {"crash": 1, "crash_inbox": "wait"})).ok
    assert actions(spec(LamportLWW, {"crash": 1})) == [
        "write@r1('a')",
        "crash r2",
        "lose r1->r2 Update(value='a', stamp=(1, r1)) (r2 is down)",
        "recover r2",
    ]
    # A volatile stamp restarts at 0: r2's next write is stamped below what r1 holds.
    assert verify_spec(spec(VolatileStampLWW, {"crash_inbox": "wait"})).ok
    assert actions(spec(VolatileStampLWW, {"crash": 1, "crash_inbox": "wait"})) == [
        "write@r1('a')",
        "write@r2('b')",
        "deliver r2->r1 Update(value='b', stamp=(1, r2))",
        "crash r2",
        "recover r2",
        "deliver r1->r2 Update(value='a', stamp=(1, r1))",
    ]
    assert verify_spec(spec(AntiEntropyLWW, {"crash": 1})).ok


def test_crashed_replica_takes_no_steps_and_keeps_durable_fields() -> None:
    system = System(spec(VolatileStampLWW, {"crash": 1, "crash_inbox": "wait"}, values=("a",)))
    node = system.initial()[0]
    node = system.successors(node)[system.action_labels(node[0]).index("write@r2('a')")]
    node = system.successors(node)[system.action_labels(node[0]).index("crash r2")]
    labels = system.action_labels(node[0])
    assert not any("@r2" in label for label in labels)
    assert not any(label.startswith("deliver") and "->r2" in label for label in labels)
    node = system.successors(node)[labels.index("recover r2")]
    assert system.replica_fields(node[0], 1) == {"value": "a", "stamp": (0, 0)}
