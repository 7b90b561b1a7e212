"""Clocks and clock skew: with `max_time=T` on the spec, real time advances by `tick` up
to T, and each replica's `self.clock` runs a fixed 0..`skew` ticks ahead of it (one
initial state per assignment of offsets).

Real time and the offset live in every slot, so a handler that reads the clock is
memoised per time it read; a tick moves every slot.
"""

from __future__ import annotations

from typing import Any

from ..fingerprint import MASK
from ..plan import Plan
from .part import Distinct, EnvInfo, Labels, Part, Successors, ViewItem
from .tables import OFFSET, TIME, Slot, Tables


class Clocks(Part):
    name = "clocks"
    fault = "skew"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self.max_time = plan.max_time or 0
        self._ticked: list[list[tuple[int, int] | None]] = [[] for _ in range(self.n)]
        tables.on_new_slot(self._grow)

    def _grow(self, sid: int, slot: Slot) -> None:
        for row in self._ticked:
            row.append(None)

    def tick(self, i: int, sid: int) -> tuple[int, int]:
        step = self._ticked[i][sid]
        if step is None:
            slot = self.tables.slots[sid]
            value: Slot = (*slot[:TIME], slot[TIME] + 1, *slot[TIME + 1 :])  # type: ignore[assignment]
            step = self.tables.replace_slot(i, sid, value)
            self._ticked[i][sid] = step
        return step

    def expand(
        self,
        world: tuple[int, ...],
        fp: int,
        info: EnvInfo,
        distinct: Distinct,
        out: Successors,
        labels: Labels,
    ) -> None:
        n = self.n
        now = self.tables.slots[world[0]][TIME]
        if now >= self.max_time:
            return
        ticked = []
        delta = 0
        for i in range(n):
            s2, d2 = self.tick(i, world[i])
            ticked.append(s2)
            delta += d2
        out.append((tuple(ticked) + world[n:], (fp + delta) & MASK))
        if labels is not None:
            labels.append(self.tables.action("tick", -1, f"tick (time {now + 1})"))

    def view_replica(self, i: int, slot: Any, component: Any) -> list[ViewItem]:
        clock = slot[TIME] + slot[OFFSET]
        return [ViewItem(10, "clock", str(clock), clock, True)]

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        return [ViewItem(10, "time", str(self.tables.slots[world[0]][TIME]))]
