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
from .tables import DISABLED, DISABLED_ENTRY, FIELDS, OPS, Entry, Slot, Tables


class ReplicaClients(Part):
    name = "clients"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self.per_replica = plan.ops_per_replica
        self.total = plan.max_ops
        # Operations with a budget of their own (max_calls): counted in the component.
        self.per_op = tuple(plan.max_calls)
        self.idle = not any(r.operations for r in plan.replicas)  # no operation anywhere
        self.budgets = dict(plan.max_calls)
        # optab[i][sid]: the operations replica i can run in slot sid (None: not built yet).
        self.optab: list[list[tuple[Entry, ...] | None]] = [[] for _ in range(self.n)]
        tables.on_new_slot(self._grow)

    def _grow(self, sid: int, slot: Slot) -> None:
        for row in self.optab:
            row.append(None)

    def start(self) -> Any:
        if self.per_op:
            return (0, (0,) * len(self.per_op))
        return 0 if self.total is not None else NO_STATE

    def enabled(self, g: int) -> tuple[int, int] | None:
        """Whether operations are enabled in global state g: (next global state, fp delta).
        (Per-operation budgets are decided per operation, in `expand`.)"""
        if self.idle:
            return None
        if self.total is None:
            return (g, 0)
        used = self.component(g)
        if (used[0] if self.per_op else used) >= self.total:
            return None
        if self.per_op:
            return (g, 0)
        return self.tables.gmove(g, self, "op")

    def step(self, component: Any, event: Any) -> Any:
        if not self.per_op:
            return component + 1
        total, calls = component
        index = self.per_op.index(event)
        return (total + 1, calls[:index] + (calls[index] + 1,) + calls[index + 1 :])

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
            me = tables.ids[i]
            for instance in self.plan.replicas[i].operations:
                label = instance.label(me)
                operation = instance.operation
                if operation.when is not None:
                    enabled = tables.guard(i, base, operation.when, instance.args, label)
                    if enabled != 1:  # one entry per operation instance, even when disabled
                        entries.append((enabled, (), 0, label) if enabled < 0 else DISABLED_ENTRY)
                        continue
                update = (
                    None
                    if instance.kind in ("read", "multiread")
                    else tables.next_update(i, slot, instance.name, instance.args)
                )
                s2, sends, delta = tables.transition(
                    i, sid, base, operation.fn, instance.args, label, operation.location, update
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
            operations = self.plan.replicas[i].operations
            for k, (s2, sends, delta, label) in enumerate(entries):
                if s2 == DISABLED:
                    continue
                g3, gdelta3 = g2, gdelta
                if self.per_op:
                    name = operations[k].name if k < len(operations) else ""
                    if name in self.budgets:
                        if (
                            self.component(world[n])[1][self.per_op.index(name)]
                            >= self.budgets[name]
                        ):
                            continue
                        g3, gdelta3 = tables.gmove(world[n], self, name)
                if s2 < 0:
                    w2, d2 = tables.fail(world, s2)
                    out.append((w2, (fp + d2) & MASK))
                else:
                    rest = tuple(sorted(net + sends)) if sends else net
                    w2 = world[:i] + (s2,) + world[i + 1 : n] + (g3,) + rest
                    out.append((w2, (fp + delta + gdelta3) & MASK))
                if labels is not None:
                    labels.append(tables.action("op", i, label))
