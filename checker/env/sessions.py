"""Client sessions: named clients that issue operations, pinned to a home replica or
roaming over every replica that is up.

This part's global component is `(operations used, operations per session, monitor
summaries)`: the monitors of the history properties (evcheck.consistency) follow each
session's reads and writes, so a history violation is a property of the state and
needs no history in it. Operations are memoised per (replica, slot, operation, args).
"""

from __future__ import annotations

from typing import Any

from ..consistency import Event, as_siblings, start_summary, step_summary
from ..dsl import Request
from ..errors import SpecError
from ..execution import Raised
from ..fingerprint import MASK
from ..plan import OperationInstance, Plan
from .envelope import Reply
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
        self._index = {session.name: k for k, session in enumerate(self.sessions)}
        # Reads the monitors judged: read operations among the successors generated
        # (not counting those generated to label actions), the premise count of the
        # history properties.
        self.reads = 0

    def start(self) -> Any:
        names = [s.name for s in self.sessions]
        replicas = [repr(r) for r in self.plan.ids]
        own = not self.plan.replicas_forward_writes
        intervals = self.plan.requests
        summaries = tuple(
            start_summary(prop, names, replicas, replicas_apply_own_writes=own, intervals=intervals)
            for _, prop in self.history
        )
        # The last component: each session's pending request, (number, replica index,
        # operation index, arguments), or None.
        return (0, (0,) * len(self.sessions), summaries, (None,) * len(self.sessions))

    def pending(self, g: int) -> tuple[Any, ...]:
        return self.component(g)[3]  # type: ignore[no-any-return]

    def complete(
        self, g: int, reply: Reply, count: bool = True
    ) -> tuple[int, int, str, tuple[Any, ...]]:
        """A handler replied: (global state, fp delta, what the trace says, the reply as
        the history records it: (session, number, value, completed?)). A reply to a
        request that is not pending (late, duplicated) changes nothing."""
        request = reply.request
        k = self._index.get(request.session, -1)
        pending = self.pending(g)[k] if k >= 0 else None
        if pending is None or pending[0] != request.number:
            note = f" [reply {reply.value!r} to {request!r} ignored: not pending]"
            return (g, 0, note, (request.session, request.number, reply.value, False))
        _, i, op_index, _ = pending
        _check_cas_result(self.plan.replicas[i].operations[op_index], reply.value)
        g2, delta = self.tables.gmove(g, self, ("reply", k, reply.value))
        if count and self.plan.replicas[i].operations[op_index].kind in ("read", "multiread"):
            self.reads += 1  # a read is judged when it completes
        note = f" [{request!r} completes: {reply.value!r}]"
        return (g2, delta, note, (request.session, request.number, reply.value, True))

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
            # A request's guard sees the operation's arguments, not the request.
            shown = args[1:] if operation.request else args
            enabled = tables.guard(i, base, operation.when, shown, label)
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
                if instance.kind in ("read", "multiread")
                else tables.next_update(i, slot, instance.name, args)
            )
            s2, sends, delta = tables.apply(i, sid, base, outcome, update)
            entry = (s2, sends, delta, label, outcome.result)
        self._memo[memo] = entry
        return entry

    def step(self, component: Any, event: Any) -> Any:
        """Session k's operation `(replica, kind, key, value)` is counted and recorded:
        `(k, op)` an atomic one; `("invoke", k, pending, op)` a request, which stays
        pending; `("reply", k, value)` the pending request's completion."""
        used, counts, summaries, pending = component
        name = event[0]
        if name == "reply":
            _, k, value = event
            number, i, op_index, args = pending[k]
            instance = self.plan.replicas[i].operations[op_index]
            kind = instance.kind
            if kind is not None:
                key_ = args[1:][instance.key_pos] if instance.key_pos >= 0 else None
                if kind == "multiread":
                    value = as_siblings(value)
                failed = kind == "cas" and value is not True
                result = instance.value(args[1:]) if kind not in ("read", "multiread") else value
                recorded = Event(
                    0,
                    self.sessions[k].name,
                    "",
                    kind,
                    key_,
                    result,
                    None,
                    "complete",
                    number,
                    failed,
                )
                summaries = self._record(summaries, recorded)
            pending = pending[:k] + (None,) + pending[k + 1 :]
            return (used, counts, summaries, pending)
        if name == "invoke":
            _, k, waiting, (replica, kind, key_, value, failed) = event
            pending = pending[:k] + (waiting,) + pending[k + 1 :]
            phase, number = "invoke", waiting[0]
        else:
            k, (replica, kind, key_, value, failed) = event
            phase, number = "atomic", counts[k] + 1
        counts = counts[:k] + (counts[k] + 1,) + counts[k + 1 :]
        if kind is not None:
            recorded = Event(
                0, self.sessions[k].name, replica, kind, key_, value, None, phase, number, failed
            )
            summaries = self._record(summaries, recorded)
        return (used + 1, counts, summaries, pending)

    def event_of(
        self, k: int, i: int, op_index: int, args: tuple[Any, ...], result: Any
    ) -> tuple[tuple[Any, ...], Any]:
        """What session k's call of operation `op_index` at replica i records: the history
        event (replica, kind, key, value, failed) and this part's move."""
        instance = self.plan.replicas[i].operations[op_index]
        kind = instance.kind
        plain = args[1:] if instance.request else args
        key_ = plain[instance.key_pos] if instance.key_pos >= 0 else None
        if instance.request:
            event: tuple[Any, ...] = ("", kind, key_, instance.value(plain), False)
            return event, ("invoke", k, (args[0].number, i, op_index, args), event)
        _check_cas_result(instance, result)
        if kind == "multiread":
            value = as_siblings(result)
        elif kind == "read":
            value = result
        else:
            value = instance.value(plain)
        event = (repr(self.tables.ids[i]), kind, key_, value, kind == "cas" and result is not True)
        return event, (k, event)

    def _record(self, summaries: tuple[Any, ...], recorded: Event) -> tuple[Any, ...]:
        return tuple(
            step_summary(prop, summary, recorded)
            for (_, prop), summary in zip(self.history, summaries, strict=True)
        )

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
        used, counts, _, pending = self.component(g)
        plan = self.plan
        if plan.max_ops is not None and used >= plan.max_ops:
            return
        tables = self.tables
        up = info.up
        net = world[n + 1 :]
        for k, session in enumerate(self.sessions):
            if session.max_ops is not None and counts[k] >= session.max_ops:
                continue
            if pending[k] is not None:
                continue  # a session is a sequential client: it waits for the reply
            number = counts[k] + 1
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
                    args = instance.concrete(session.name, number)
                    if instance.request:
                        args = (Request(session.name, number), *args)
                    s2, sends, delta, label, result = self._operation(i, sid, op_index, args)
                    if s2 == DISABLED:
                        continue
                    kind = instance.kind
                    event, move = self.event_of(k, i, op_index, args, result)
                    if s2 < 0:
                        w2, d2 = tables.fail(world, s2)
                        out.append((w2, (fp + d2) & MASK))
                    else:
                        if (
                            kind in ("read", "multiread")
                            and not instance.request
                            and labels is None
                        ):
                            self.reads += 1
                        g2, gdelta = tables.gmove(g, self, move)
                        rest = tuple(sorted(net + sends)) if sends else net
                        w2 = world[:i] + (s2,) + world[i + 1 : n] + (g2,) + rest
                        out.append((w2, (fp + delta + gdelta) & MASK))
                    if labels is not None:
                        shown = (
                            f" -> {result!r}"
                            if kind in ("read", "multiread", "cas") and not instance.request
                            else ""
                        )
                        labels.append(
                            tables.action(
                                "op",
                                i,
                                f"{label} by {session.name}{shown}",
                                session.name,
                                event if kind else None,
                                number if instance.request else None,
                            )
                        )

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        counts = component[1]
        shown = ", ".join(
            f"{s.name} {count}" for s, count in zip(self.sessions, counts, strict=True)
        )
        items = [ViewItem(20, "ops by session", shown)]
        waiting = [
            f"{Request(s.name, p[0])!r} {self.plan.replicas[p[1]].operations[p[2]].name}"
            for s, p in zip(self.sessions, component[3], strict=True)
            if p is not None
        ]
        if self.plan.requests:
            items.append(ViewItem(21, "pending requests", ", ".join(waiting) or "none"))
        return items


def _check_cas_result(instance: OperationInstance, result: Any) -> None:
    """A compare-and-swap reports whether it swapped: True or False, nothing else (a
    truthy 1 would otherwise be recorded as a failed compare)."""
    if instance.kind == "cas" and result is not True and result is not False:
        how = "replied" if instance.request else "returned"
        raise SpecError(
            f"operation {instance.name!r} is a compare-and-swap and {how} {result!r}; it "
            "must report True (swapped) or False (the compare failed)",
            location=instance.operation.location,
        )
