"""Crashes and recovery: up to `crash=N` crash events per execution.

A down replica takes no steps. Messages that reach it are lost (`crash_inbox="lose"`)
or wait for its recovery (`"wait"`). It may recover at any later step: durable fields
survive, volatile ones (`field(..., durable=False)`) return to their initial values,
one-shot timers are disarmed, then the protocol's `@on_recovery` hook runs. A
recovery changes the environment, so every other replica's timers may fire again.
This part's global component is `(down flag per replica, crashes used)`. Under a
failure detector, a crash and a recovery also change what the other replicas suspect
(`evcheck.env.detectors`, through `Tables.detect`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..fingerprint import MASK
from ..plan import Plan
from .budget import budget_view
from .part import DELIVER, HOLD, LOSE, Distinct, EnvInfo, Labels, Part, Successors, ViewItem
from .tables import FIELDS, TIMERS, Entry, Slot, Tables


class Crashes(Part):
    name = "crashes"
    fault = "crash"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self._recovered: list[list[Entry | None]] = [[] for _ in range(self.n)]
        self._inbox: int = HOLD if plan.faults.crash_inbox == "wait" else LOSE
        tables.on_new_slot(self._grow)

    def _grow(self, sid: int, slot: Slot) -> None:
        for row in self._recovered:
            row.append(None)

    def start(self) -> Any:
        return ((False,) * self.n, 0)

    def active(self, component: Any) -> bool:
        down, used = component
        return used < self.plan.faults.crash or any(down)

    def step(self, component: Any, event: Any) -> Any:
        """`(True, i)`: replica i crashes; `(False, i)`: it recovers."""
        down, used = component
        crash, i = event
        return (down[:i] + (crash,) + down[i + 1 :], used + crash)

    def up(self, component: Any) -> tuple[bool, ...]:
        return tuple(not down for down in component[0])

    def link(self, component: Any, src: int, dst: int) -> int:
        return self._inbox if component[0][dst] else DELIVER

    def quiet(self, component: Any) -> bool:
        return not any(component[0])

    def permute(self, component: Any, positions: Sequence[int]) -> Any:
        down, used = component
        moved = [False] * self.n
        for i, flag in enumerate(down):
            moved[positions[i]] = flag
        return (tuple(moved), used)

    def recovery(self, i: int, sid: int) -> Entry:
        """Replica i recovers from slot sid (memoised)."""
        entry = self._recovered[i][sid]
        if entry is not None:
            return entry
        replica = self.plan.replicas[i]
        tables = self.tables
        slot = tables.slots[sid]
        fields = tuple(
            value if durable else initial
            for value, durable, initial in zip(
                slot[FIELDS], replica.durable, replica.initial_fields, strict=True
            )
        )
        base: Slot = (fields, *slot[1:TIMERS], replica.timers0, *slot[TIMERS + 1 :])  # type: ignore[assignment]
        label = f"recover {tables.ids[i]!r}"
        hook = replica.recovery
        if hook is None:
            s2, delta = tables.replace_slot(i, sid, base)
            entry = (s2, (), delta, label)
        else:
            where = f"{hook.__code__.co_filename}:{hook.__code__.co_firstlineno}"
            s2, sends, delta = tables.transition(i, sid, base, hook, (), label, where)
            entry = (s2, sends, delta, label)
        self._recovered[i][sid] = entry
        return entry

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
        g = world[n]
        net = world[n + 1 :]
        down, used = self.tables.globs[g][self.gindex]
        tables = self.tables
        if used < self.plan.faults.crash:
            self.exercised = True
            head = world[:n]
            for i in range(n):
                if not down[i]:
                    g2, gdelta = tables.gmove(g, self, (True, i))
                    if tables.detect is not None:  # the others come to suspect it
                        slots, g2, ddelta = tables.detect(head, g2, i, True)
                        out.append((slots + (g2,) + net, (fp + gdelta + ddelta) & MASK))
                    else:
                        out.append((head + (g2,) + net, (fp + gdelta) & MASK))
                    if labels is not None:
                        labels.append(tables.action("crash", i, f"crash {tables.ids[i]!r}"))
        for i in range(n):
            if not down[i]:
                continue
            s2, sends, delta, label = self.recovery(i, world[i])
            if s2 < 0:
                w2, d2 = tables.fail(world, s2)
                out.append((w2, (fp + d2) & MASK))
            else:
                g2, gdelta = tables.gmove(g, self, (False, i))
                # The recovering replica's timers were reset with it; everyone else's may
                # usefully fire again.
                slots, rdelta = tables.rearm_all(world, i)
                slots = slots[:i] + (s2,) + slots[i + 1 :]
                if tables.detect is not None:  # the others stop suspecting it
                    slots, g2, ddelta = tables.detect(slots, g2, i, False)
                    rdelta += ddelta
                rest = tuple(sorted(net + sends)) if sends else net
                w2 = slots + (g2,) + rest
                out.append((w2, (fp + delta + gdelta + rdelta) & MASK))
            if labels is not None:
                labels.append(tables.action("recover", i, label))

    def view_replica(self, i: int, slot: Any, component: Any) -> list[ViewItem]:
        status = "down" if component[0][i] else "up"
        return [ViewItem(30, "status", status, status, True)]

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        return [budget_view(33, "crash", component[1], self.plan.faults.crash)]
