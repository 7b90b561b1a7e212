"""Timers: periodic ones (anti-entropy, heartbeats) are always armed; one-shot ones fire
once per `start_timer`.

A timer fires at most its limit (`timer_fires`, or the timer's `max_fires`) times in a
row while its replica's fields stay unchanged: the count lives in the slot and resets
whenever the fields change, and for every replica when the environment changes (a
heal, a recovery: repeating may help again). That bounds repetition without starving
a repair that follows a fault. A slot is *busy* while some timer of it may still fire;
quiescence needs every replica idle.
"""

from __future__ import annotations

from typing import Any

from ..fingerprint import MASK
from ..plan import Plan
from .part import Distinct, EnvInfo, Labels, Part, Successors, ViewItem
from .tables import TIMERS, Entry, Slot, Tables


class Timers(Part):
    name = "timers"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self.timers = plan.timers
        self.limits = plan.timer_limits
        self.initial = tuple((t.periodic, 0) for t in plan.timers)
        self.busy: list[bool] = []
        self._fired: list[list[tuple[Entry, ...] | None]] = [[] for _ in range(self.n)]
        self._rearmed: list[list[tuple[int, int] | None]] = [[] for _ in range(self.n)]
        tables.on_new_slot(self._grow)
        tables.rearm_all = self.rearm_all

    def _grow(self, sid: int, slot: Slot) -> None:
        self.busy.append(
            any(
                armed and fires < limit
                for (armed, fires), limit in zip(slot[TIMERS], self.limits, strict=True)
            )
        )
        for fired in self._fired:
            fired.append(None)
        for rearmed in self._rearmed:
            rearmed.append(None)

    def entries(self, i: int, sid: int) -> tuple[Entry, ...]:
        table = self._fired[i][sid]
        if table is not None:
            return table
        tables = self.tables
        slot = tables.slots[sid]
        entries: list[Entry] = []
        for index, (tmr, limit) in enumerate(zip(self.timers, self.limits, strict=True)):
            armed, fires = slot[TIMERS][index]
            if not armed or fires >= limit:
                continue
            timers = list(slot[TIMERS])
            timers[index] = (tmr.periodic, fires + 1)
            base: Slot = (*slot[:TIMERS], tuple(timers), *slot[TIMERS + 1 :])  # type: ignore[assignment]
            label = f"timer {tmr.name}@{tables.ids[i]!r}"
            # A timer makes and relays no update: what its messages carry, the tables decide.
            s2, sends, delta = tables.transition(i, sid, base, tmr.fn, (), label, tmr.location)
            entries.append((s2, sends, delta, label))
        table = tuple(entries)
        self._fired[i][sid] = table
        return table

    def rearm(self, i: int, sid: int) -> tuple[int, int]:
        """Replica i's timer counts back to zero: (new slot, fp delta)."""
        step = self._rearmed[i][sid]
        if step is None:
            slot = self.tables.slots[sid]
            timers = tuple((armed, 0) for armed, _ in slot[TIMERS])
            value: Slot = (*slot[:TIMERS], timers, *slot[TIMERS + 1 :])  # type: ignore[assignment]
            step = self.tables.replace_slot(i, sid, value)
            self._rearmed[i][sid] = step
        return step

    def rearm_all(self, world: tuple[int, ...], skip: int) -> tuple[tuple[int, ...], int]:
        """Every replica's slot (but `skip`'s) with its timer counts reset, and the fp delta."""
        slots = []
        delta = 0
        for i in range(self.n):
            if i == skip:
                slots.append(world[i])
                continue
            s2, d2 = self.rearm(i, world[i])
            slots.append(s2)
            delta += d2
        return tuple(slots), delta

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
        up = info.up
        g = world[n]
        net = world[n + 1 :]
        tables = self.tables
        fired = self._fired
        for i in range(n):
            if not up[i]:
                continue
            entries = fired[i][world[i]]
            if entries is None:
                entries = self.entries(i, world[i])
            for s2, sends, delta, label in entries:
                if s2 < 0:
                    w2, d2 = tables.fail(world, s2)
                    out.append((w2, (fp + d2) & MASK))
                else:
                    rest = tuple(sorted(net + sends)) if sends else net
                    out.append(
                        (world[:i] + (s2,) + world[i + 1 : n] + (g,) + rest, (fp + delta) & MASK)
                    )
                if labels is not None:
                    labels.append(tables.action("timer", i, label))

    def view_replica(self, i: int, slot: Any, component: Any) -> list[ViewItem]:
        if all(t.periodic for t in self.timers):
            return []
        armed = [
            t.name
            for t, (on, _) in zip(self.timers, slot[TIMERS], strict=True)
            if on and not t.periodic
        ]
        return [ViewItem(20, "timers", ", ".join(armed) or "none armed")]
