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
from .tables import DISABLED, TIMERS, Entry, Slot, Tables


class Timers(Part):
    name = "timers"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        # busy[i][sid]: whether some timer of replica i may still fire in slot sid
        # (None: not computed yet).
        self.busy: list[list[bool | None]] = [[] for _ in range(self.n)]
        self._fired: list[list[tuple[Entry, ...] | None]] = [[] for _ in range(self.n)]
        self._rearmed: list[list[tuple[int, int] | None]] = [[] for _ in range(self.n)]
        tables.on_new_slot(self._grow)
        tables.rearm_all = self.rearm_all

    def _grow(self, sid: int, slot: Slot) -> None:
        for busy in self.busy:
            busy.append(None)
        for fired in self._fired:
            fired.append(None)
        for rearmed in self._rearmed:
            rearmed.append(None)

    def is_busy(self, i: int, sid: int) -> bool:
        """Whether a timer of replica i can fire in slot sid (quiescence needs none)."""
        busy = self.busy[i][sid]
        if busy is None:
            busy = any(entry[0] != DISABLED for entry in self.entries(i, sid))
            self.busy[i][sid] = busy
        return busy

    def entries(self, i: int, sid: int) -> tuple[Entry, ...]:
        table = self._fired[i][sid]
        if table is not None:
            return table
        tables = self.tables
        replica = self.plan.replicas[i]
        slot = tables.slots[sid]
        entries: list[Entry] = []
        for index, (tmr, limit) in enumerate(
            zip(replica.timers, replica.timer_limits, strict=True)
        ):
            armed, fires = slot[TIMERS][index]
            if not armed or fires >= limit:
                continue
            label = f"timer {tmr.name}@{tables.ids[i]!r}"
            if tmr.when is not None:
                enabled = tables.guard(i, slot, tmr.when, (), label)
                if enabled != 1:  # a disabled timer does not fire, and its count stays
                    if enabled < 0:
                        entries.append((enabled, (), 0, label))
                    continue
            timers = list(slot[TIMERS])
            timers[index] = (tmr.periodic, fires + 1)
            base: Slot = (*slot[:TIMERS], tuple(timers), *slot[TIMERS + 1 :])  # type: ignore[assignment]
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
        timers = self.plan.replicas[i].timers
        if all(t.periodic for t in timers):
            return []
        armed = [
            t.name for t, (on, _) in zip(timers, slot[TIMERS], strict=True) if on and not t.periodic
        ]
        return [ViewItem(20, "timers", ", ".join(armed) or "none armed")]
