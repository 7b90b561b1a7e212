"""Failure detectors: what `self.suspects(r)` answers, under the detector the spec declares.

Suspicion is per observer: each replica has its own detector module, and what it
suspects lives in its slot (`SUSPECTS`), so a handler, timer, operation or enabling
condition that asks `self.suspects(r)` is memoised by exactly what it could see.
Real detectors are per process (each process times out on its own heartbeats), and a
global "r2 is suspected" would hide the case that matters: r3 suspects the primary
while r1 still trusts it.

- `detector="perfect"`: replica i suspects exactly the replicas that are down. A
  crash of j adds j to every other replica's suspicions and a recovery removes it;
  nothing else changes them. Failover then needs the crash, and the crash is in the
  counterexample.
- `detector="eventually_perfect"`: besides, an up replica i may come to suspect an up
  replica j wrongly (`r1 suspects r2 (wrongly)`), spending one unit of the
  `false_suspicion` budget, and trust it again later (`r1 trusts r2 again`). Once the
  budget is spent no new wrong suspicion occurs, so every execution ends accurate
  (the "eventually" of the detector, made finite). A crash of j turns wrong
  suspicions of j into right ones, and a crashed observer's detector restarts without
  wrong suspicions.

The component is `(false suspicions used, wrong suspicions outstanding)`, the latter as
(observer, suspect) index pairs: the slots hold what each replica sees, the component
which of it is wrong. While a wrong suspicion is outstanding the system is not
quiescent (the detector is lying, as a partition would be). A change to what a replica
suspects changes its environment, so its timer counts reset (a timer that was no use
while the primary was trusted may be of use now).
"""

from __future__ import annotations

from typing import Any

from ..fingerprint import MASK
from ..plan import Plan
from ..values import ReplicaId
from .budget import budget_view
from .part import Distinct, EnvInfo, Labels, Part, Successors, ViewItem
from .tables import SUSPECTS, TIMERS, Slot, Tables


class Detectors(Part):
    name = "detectors"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self.eventual = plan.detector == "eventually_perfect"
        self.budget = plan.faults.false_suspicion if self.eventual else 0
        # Only wrong suspicions are a fault kind of their own (a perfect detector's
        # suspicions are the crashes').
        self.fault = "false_suspicion" if self.eventual else None
        # (replica, slot, suspect, suspected?) -> (new slot, fp delta)
        self._moves: dict[tuple[int, int, int, bool], tuple[int, int]] = {}
        tables.detect = self.detect

    # -- global state -------------------------------------------------------------

    def start(self) -> Any:
        return (0, frozenset())

    def active(self, component: Any) -> bool:
        used, wrong = component
        return self.eventual and (used < self.budget or bool(wrong))

    def quiet(self, component: Any) -> bool:
        return not component[1]

    def step(self, component: Any, event: Any) -> Any:
        """`("suspect", i, j)`, `("trust", i, j)`: i comes to suspect j wrongly, or trusts
        it again; `("down", j)`: j crashed, so no wrong suspicion involves it."""
        used, wrong = component
        if event[0] == "suspect":
            return (used + 1, wrong | {event[1:]})
        if event[0] == "trust":
            return (used, wrong - {event[1:]})
        j = event[1]
        return (used, frozenset(pair for pair in wrong if j not in pair))

    # -- what replicas suspect ----------------------------------------------------

    def move(self, i: int, sid: int, j: int, suspected: bool) -> tuple[int, int]:
        """Replica i's slot with j suspected (or not), its timer counts reset: (new slot,
        fp delta); the same slot if nothing changes."""
        memo = (i, sid, j, suspected)
        step = self._moves.get(memo)
        if step is None:
            tables = self.tables
            slot = tables.slots[sid]
            seen = slot[SUSPECTS]
            who = tables.ids[j]
            if (who in seen) == suspected:
                step = (sid, 0)
            else:
                now = seen | {who} if suspected else seen - {who}
                timers = tuple((armed, 0) for armed, _ in slot[TIMERS])
                value: Slot = (*slot[:TIMERS], timers, *slot[TIMERS + 1 : SUSPECTS], now)  # type: ignore[assignment]
                step = tables.replace_slot(i, sid, value)
            self._moves[memo] = step
        return step

    def detect(
        self, slots: tuple[int, ...], g: int, j: int, down: bool
    ) -> tuple[tuple[int, ...], int, int]:
        """Replica j crashed (`down`) or recovered: every other replica suspects it exactly
        while it is down. A crashed replica's own detector restarts: it drops its wrong
        suspicions and suspects exactly the replicas that are down."""
        tables = self.tables
        moved = list(slots)
        delta = 0
        for i in range(self.n):
            if i != j:
                moved[i], d = self.move(i, moved[i], j, down)
                delta += d
        if down:
            component = self.component(g)
            if any(j in pair for pair in component[1]):
                for i, k in sorted(component[1]):
                    if i == j:
                        moved[j], d = self.move(j, moved[j], k, False)
                        delta += d
                g, gdelta = tables.gmove(g, self, ("down", j))
                delta += gdelta
        return tuple(moved), g, delta

    # -- transitions --------------------------------------------------------------

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
        tail = world[n + 1 :]
        tables = self.tables
        ids = tables.ids
        used, wrong = self.component(g)
        up = info.up
        if used < self.budget:
            self.exercised = True
            for i in range(n):
                if not up[i]:
                    continue
                seen = tables.slots[world[i]][SUSPECTS]
                for j in range(n):
                    if j == i or not up[j] or ids[j] in seen:
                        continue
                    s2, delta = self.move(i, world[i], j, True)
                    g2, gdelta = tables.gmove(g, self, ("suspect", i, j))
                    w2 = world[:i] + (s2,) + world[i + 1 : n] + (g2,) + tail
                    out.append((w2, (fp + delta + gdelta) & MASK))
                    if labels is not None:
                        text = f"{ids[i]!r} suspects {ids[j]!r} (wrongly)"
                        labels.append(tables.action("suspect", i, text))
        for i, j in sorted(wrong):
            s2, delta = self.move(i, world[i], j, False)
            g2, gdelta = tables.gmove(g, self, ("trust", i, j))
            w2 = world[:i] + (s2,) + world[i + 1 : n] + (g2,) + tail
            out.append((w2, (fp + delta + gdelta) & MASK))
            if labels is not None:
                labels.append(tables.action("trust", i, f"{ids[i]!r} trusts {ids[j]!r} again"))

    # -- presentation -------------------------------------------------------------

    def view_replica(self, i: int, slot: Any, component: Any) -> list[ViewItem]:
        seen: frozenset[ReplicaId] = slot[SUSPECTS]
        wrong = {self.tables.ids[j] for k, j in component[1] if k == i}
        shown = ", ".join(
            f"{r!r} (wrongly)" if r in wrong else repr(r) for r in sorted(seen, key=int)
        )
        return [ViewItem(35, "suspects", shown or "nobody", seen, True)]

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        if not self.eventual:
            return []
        return [budget_view(36, "false_suspicion", component[0], self.budget)]
