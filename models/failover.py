"""Primary-backup failover: a backup promotes itself when the primary has failed.

How it learns that the primary failed is the whole design question:

- `TimeoutFailover`: a periodic timer that may fire at any time (what a model without
  failure detectors had to write). The backup promotes without the primary ever
  crashing, so the counterexample has no crash in it and says little.
- `SuspectingFailover`: the backup promotes when its failure detector suspects the
  primary (`self.suspects(...)`, the spec declares `detector=`). A recovered primary
  still believes it leads (its `primary` flag is durable): under a perfect detector
  the split brain needs a crash, a promotion and a recovery.
- `SteppingDownFailover`: the same, and a recovering primary steps down. Under a
  perfect detector at most one replica that is up leads; under an eventually perfect
  one a single wrong suspicion makes two primaries.

The first replica starts as primary. Clients write at the primary, which replicates
to the others; `at_most_one_primary` is the invariant every variant is checked against.
"""

from __future__ import annotations

from typing import Any

from evcheck import Fail, Replica, field, invariant, message, on, on_recovery, operation, timer


@message
class Replicate:
    value: str


class Failover(Replica):
    primary = field(factory=lambda self: self.id == self.replicas[0])
    value = field(None)

    @operation(v="values", when=lambda self, v: self.primary)
    def write(self, v: str) -> None:
        self.value = v
        self.broadcast(Replicate(v))

    @on(Replicate)
    def apply(self, msg: Replicate) -> None:
        self.value = msg.value

    def promote(self) -> None:
        self.primary = True


class TimeoutFailover(Failover):
    @timer(periodic=True, when=lambda self: not self.primary)
    def failover(self) -> None:
        self.promote()


class SuspectingFailover(Failover):
    @timer(
        periodic=True,
        when=lambda self: not self.primary and self.suspects(self.replicas[0]),
    )
    def failover(self) -> None:
        self.promote()


class SteppingDownFailover(SuspectingFailover):
    @on_recovery
    def step_down(self) -> None:
        self.primary = False


@invariant(env=True)  # type: ignore[untyped-decorator]
def at_most_one_primary(w: Any) -> bool | Fail:
    """At most one replica that is up believes it is the primary."""
    leading = [r.id for r in w.replicas if r.primary and r.id not in w.down]
    if len(leading) > 1:
        return Fail(f"split brain: {' and '.join(map(repr, leading))} both act as primary")
    return True
