"""Client operations issued at replicas (specs without sessions).

Any replica that is up may run any operation instance, within the budgets: per replica
(`ops_per_replica`, counted in the replica's slot) and in total (`max_ops`, this part's
global component). Operations are memoised per (replica, slot).
"""

from __future__ import annotations

from typing import Any

from ..fingerprint import MASK
from ..plan import Plan
from .part import NO_STATE, Distinct, EnvInfo, Labels, Part, Successors
from .tables import FIELDS, OPS, Entry, Slot, Tables


class ReplicaClients(Part):
    name = "clients"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self.per_replica = plan.ops_per_replica
        self.total = plan.max_ops
        # optab[i][sid]: the operations replica i can run in slot sid (None: not built yet).
        self.optab: list[list[tuple[Entry, ...] | None]] = [[] for _ in range(self.n)]
        tables.on_new_slot(self._grow)

    def _grow(self, sid: int, slot: Slot) -> None:
        for row in self.optab:
            row.append(None)

    def start(self) -> Any:
        return 0 if self.total is not None else NO_STATE

    def enabled(self, g: int) -> tuple[int, int] | None:
        """Whether operations are enabled in global state g: (next global state, fp delta)."""
        if not self.plan.operations:
            return None
        if self.total is None:
            return (g, 0)
        if self.component(g) >= self.total:
            return None
        return self.tables.gmove(g, self, "op")

    def step(self, component: Any, event: Any) -> Any:
        return component + 1

    def entries(self, i: int, sid: int) -> tuple[Entry, ...]:
        entries = self.optab[i][sid]
        if entries is None:
            entries = self._build(i, sid)
        return entries

    def _build(self, i: int, sid: int) -> tuple[Entry, ...]:
        tables = self.tables
        slot = tables.slots[sid]
        done = slot[OPS]
        entries: list[Entry] = []
        if self.per_replica is None or done < self.per_replica:
            new_done = done + 1 if self.per_replica is not None else done
            base: Slot = (slot[FIELDS], new_done, *slot[2:])
            update = tables.next_update(i, slot)
            me = tables.ids[i]
            for instance in self.plan.operations:
                label = instance.label(me)
                operation = instance.operation
                s2, sends, delta = tables.transition(
                    i,
                    sid,
                    base,
                    operation.fn,
                    instance.args,
                    label,
                    operation.location,
                    None if instance.kind == "read" else update,
                )
                entries.append((s2, sends, delta, label))
        table = tuple(entries)
        self.optab[i][sid] = table
        return table

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
        enabled = self.enabled(world[n])
        if enabled is None:
            return
        g2, gdelta = enabled
        up = info.up
        net = world[n + 1 :]
        tables = self.tables
        optab = self.optab
        for i in range(n):
            if not up[i]:
                continue
            entries = optab[i][world[i]]
            if entries is None:
                entries = self._build(i, world[i])
            for s2, sends, delta, label in entries:
                if s2 < 0:
                    w2, d2 = tables.fail(world, s2)
                    out.append((w2, (fp + d2) & MASK))
                else:
                    rest = tuple(sorted(net + sends)) if sends else net
                    w2 = world[:i] + (s2,) + world[i + 1 : n] + (g2,) + rest
                    out.append((w2, (fp + delta + gdelta) & MASK))
                if labels is not None:
                    labels.append(tables.action("op", i, label))
