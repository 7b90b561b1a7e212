"""Client sessions: named clients that issue operations, pinned to a home replica or
roaming over every replica that is up.

This part's global component is `(operations used, operations per session, monitor
summaries)`: the monitors of the history properties (evcheck.consistency) follow each
session's reads and writes, so a history violation is a property of the state and
needs no history in it. Operations are memoised per (replica, slot, operation, args).
"""

from __future__ import annotations

from typing import Any

from ..consistency import Event, start_summary, step_summary
from ..execution import Raised
from ..fingerprint import MASK
from ..plan import Plan
from .part import Distinct, EnvInfo, Labels, Part, Successors, ViewItem
from .tables import DISABLED, FIELDS, OPS, Slot, Tables

# A memoised session operation: (new slot or -1-failure, sends, fp delta, label, result).
SessionEntry = tuple[int, tuple[int, ...], int, str, Any]


class Sessions(Part):
    name = "sessions"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self.sessions = plan.sessions
        self.history = plan.history_properties
        self._memo: dict[tuple[int, int, int, tuple[Any, ...]], SessionEntry] = {}
        # Reads the monitors judged: read operations among the successors generated
        # (not counting those generated to label actions), the premise count of the
        # history properties.
        self.reads = 0

    def start(self) -> Any:
        names = [s.name for s in self.sessions]
        replicas = [repr(r) for r in self.plan.ids]
        own = not self.plan.replicas_forward_writes
        summaries = tuple(
            start_summary(prop, names, replicas, replicas_apply_own_writes=own)
            for _, prop in self.history
        )
        return (0, (0,) * len(self.sessions), summaries)

    def summaries(self, g: int) -> tuple[Any, ...]:
        return self.component(g)[2]  # type: ignore[no-any-return]

    def operation(self, i: int, sid: int, op_index: int, args: tuple[Any, ...]) -> SessionEntry:
        """A session calls operation `op_index` with `args` at replica i (memoised; the
        native core's table look-ups use this)."""
        return self._operation(i, sid, op_index, args)

    def _operation(self, i: int, sid: int, op_index: int, args: tuple[Any, ...]) -> SessionEntry:
        """A session calls operation `op_index` with `args` at replica i (memoised)."""
        memo = (i, sid, op_index, args)
        entry = self._memo.get(memo)
        if entry is not None:
            return entry
        tables = self.tables
        instance = self.plan.replicas[i].operations[op_index]
        operation = instance.operation
        slot = tables.slots[sid]
        done = slot[OPS] + 1 if self.plan.ops_per_replica is not None else slot[OPS]
        base: Slot = (slot[FIELDS], done, *slot[2:])
        label = instance.label(tables.ids[i], args)
        if operation.when is not None:
            enabled = tables.guard(i, base, operation.when, args, label)
            if enabled != 1:
                entry = (
                    (enabled, (), 0, label, None) if enabled < 0 else (DISABLED, (), 0, "", None)
                )
                self._memo[memo] = entry
                return entry
        outcome = tables.run(i, base, operation.fn, args, operation.location, label)
        if isinstance(outcome, Raised):
            entry = (tables.record_failure(i, label, outcome), (), 0, label, None)
        else:
            update = (
                None
                if instance.kind == "read"
                else tables.next_update(i, slot, instance.name, args)
            )
            s2, sends, delta = tables.apply(i, sid, base, outcome, update)
            entry = (s2, sends, delta, label, outcome.result)
        self._memo[memo] = entry
        return entry

    def step(self, component: Any, event: Any) -> Any:
        """Session k's operation `(replica, kind, key, value)` is counted and recorded."""
        k, (replica, kind, key_, value) = event
        used, counts, summaries = component
        counts = counts[:k] + (counts[k] + 1,) + counts[k + 1 :]
        if kind is not None:
            recorded = Event(0, self.sessions[k].name, replica, kind, key_, value)
            summaries = tuple(
                step_summary(prop, summary, recorded)
                for (_, prop), summary in zip(self.history, summaries, strict=True)
            )
        return (used + 1, counts, summaries)

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
        used, counts, _ = self.component(g)
        plan = self.plan
        if plan.max_ops is not None and used >= plan.max_ops:
            return
        tables = self.tables
        up = info.up
        net = world[n + 1 :]
        for k, session in enumerate(self.sessions):
            if session.max_ops is not None and counts[k] >= session.max_ops:
                continue
            for i in session.homes:
                if not up[i]:
                    continue
                sid = world[i]
                if (
                    plan.ops_per_replica is not None
                    and tables.slots[sid][OPS] >= plan.ops_per_replica
                ):
                    continue
                for op_index, instance in enumerate(plan.replicas[i].operations):
                    if session.ops is not None and instance.name not in session.ops:
                        continue
                    args = instance.concrete(session.name, counts[k] + 1)
                    s2, sends, delta, label, result = self._operation(i, sid, op_index, args)
                    if s2 == DISABLED:
                        continue
                    kind = instance.kind
                    value = (
                        result
                        if kind == "read"
                        else args[instance.value_pos]
                        if instance.value_pos >= 0
                        else None
                    )
                    key_ = args[instance.key_pos] if instance.key_pos >= 0 else None
                    event = (repr(tables.ids[i]), kind, key_, value)
                    if s2 < 0:
                        w2, d2 = tables.fail(world, s2)
                        out.append((w2, (fp + d2) & MASK))
                    else:
                        if kind == "read" and labels is None:
                            self.reads += 1
                        g2, gdelta = tables.gmove(g, self, (k, event))
                        rest = tuple(sorted(net + sends)) if sends else net
                        w2 = world[:i] + (s2,) + world[i + 1 : n] + (g2,) + rest
                        out.append((w2, (fp + delta + gdelta) & MASK))
                    if labels is not None:
                        text = f"{label} by {session.name}" + (
                            f" -> {result!r}" if kind == "read" else ""
                        )
                        labels.append(
                            tables.action("op", i, text, session.name, event if kind else None)
                        )

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        counts = component[1]
        shown = ", ".join(
            f"{s.name} {count}" for s, count in zip(self.sessions, counts, strict=True)
        )
        return [ViewItem(20, "ops by session", shown)]
