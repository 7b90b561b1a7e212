"""Partitions (evcheck.env.partitions)."""

from __future__ import annotations

from evcheck import (
    verify_spec,
)
from evcheck.models import (
    AntiEntropyLWW,
    LamportLWW,
)
from tests.env.faulty import actions, spec
from tests.support import System


def test_partition_waits_or_drops() -> None:
    assert verify_spec(spec(LamportLWW, {"partition": 1})).ok
    assert actions(spec(LamportLWW, {"partition": 1, "partition_mode": "drop"})) == [
        "write@r1('a')",
        "partition {r1}|{r2}",
        "drop r1->r2 Update(value='a', stamp=(1, r1)) (partitioned)",
        "heal",
    ]
    assert verify_spec(spec(AntiEntropyLWW, {"partition": 1, "partition_mode": "drop"})).ok


def test_client_operations_continue_on_both_sides_of_a_partition() -> None:
    system = System(spec(LamportLWW, {"partition": 1}))
    node = system.initial()[0]
    node = system.successors(node)[system.action_labels(node[0]).index("partition {r1}|{r2}")]
    for label in ("write@r1('a')", "write@r2('b')"):
        node = system.successors(node)[system.action_labels(node[0]).index(label)]
    labels = system.action_labels(node[0])
    assert not any(label.startswith("deliver") for label in labels)
    assert "heal" in labels
