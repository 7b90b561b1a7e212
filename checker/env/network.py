"""The network: any in-flight envelope may be delivered next (reordering is the baseline).

Deliveries are memoised per (envelope, receiver's slot). Whether a message can be
delivered at all is decided by the other parts through the per-global-state link
table: a crashed receiver may lose it, a partition may hold or drop it. A reduction
(evcheck.por) may restrict the deliveries explored to one receiver.
"""

from __future__ import annotations

from collections.abc import Callable

from ..fingerprint import MASK
from ..plan import Plan
from .envelope import Envelope
from .part import DELIVER, DROP, LOSE, Distinct, EnvInfo, Labels, Part, Successors
from .tables import DISABLED, DISABLED_ENTRY, Entry, Tables


class Network(Part):
    name = "network"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self.dtab: list[dict[int, Entry]] = []
        # Set by the semantics when partial-order reduction applies: the receiver whose
        # deliveries alone need exploring from a world, or -1 for all.
        self.target: Callable[[tuple[int, ...]], int] | None = None
        self._labels: list[str | None] = []
        tables.on_new_envelope(self._grow)

    def _grow(self, eid: int, env: Envelope) -> None:
        self.dtab.append({})
        self._labels.append(None)

    def label(self, e: int) -> str:
        """`deliver <envelope>`, rendered once per envelope (not per receiving slot)."""
        label = self._labels[e]
        if label is None:
            label = self._labels[e] = f"deliver {self.tables.envs[e]}"
        return label

    def delivery(self, e: int, sid: int) -> Entry:
        """Deliver envelope e to its receiver in slot sid (memoised)."""
        entry = self.dtab[e].get(sid)
        if entry is not None:
            return entry
        tables = self.tables
        env = tables.envs[e]
        i = tables.env_dst[e]
        handler = self.plan.replicas[i].handlers[type(env.msg)]
        args = (env.msg, env.src) if handler.wants_sender else (env.msg,)
        label = self.label(e)
        slot = tables.slots[sid]
        if handler.when is not None:
            enabled = tables.guard(i, slot, handler.when, args, label)
            if enabled != 1:
                entry = (enabled, (), 0, label) if enabled < 0 else DISABLED_ENTRY
                self.dtab[e][sid] = entry
                return entry
        s2, sends, delta = tables.transition(
            i, sid, slot, handler.fn, args, label, handler.location, None, env.payload
        )
        if s2 >= 0:
            delta -= tables.env_keys[e]
        entry = (s2, sends, delta, label)
        self.dtab[e][sid] = entry
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
        n1 = n + 1
        net = world[n1:]
        if not net:
            return
        tables = self.tables
        links = info.links
        src = tables.env_src
        dst = tables.env_dst
        keys = tables.env_keys
        target = self.target(world) if self.target is not None else -1
        dtab = self.dtab
        for j, e in distinct:
            d = dst[e]
            if target >= 0 and d != target:
                continue
            rest = net[:j] + net[j + 1 :]
            code = links[src[e] * n + d]
            if code != DELIVER:
                if code == LOSE:
                    note = f" ({tables.envs[e].dst!r} is down)"
                    out.append((world[:n1] + rest, (fp - keys[e]) & MASK))
                    if labels is not None:
                        labels.append(tables.action("lose", e, note))
                elif code == DROP:
                    out.append((world[:n1] + rest, (fp - keys[e]) & MASK))
                    if labels is not None:
                        labels.append(tables.action("drop", e, " (partitioned)"))
                continue
            entry = dtab[e].get(world[d])
            if entry is None:
                entry = self.delivery(e, world[d])
            s2, sends, delta, _ = entry
            if s2 == DISABLED:  # the receiver's state does not accept it yet: it waits
                continue
            if s2 < 0:
                w2, d2 = tables.fail(world, s2)
                out.append((w2, (fp + d2) & MASK))
            else:
                rest = tuple(sorted(rest + sends)) if sends else rest
                out.append((world[:d] + (s2,) + world[d + 1 : n1] + rest, (fp + delta) & MASK))
            if labels is not None:
                labels.append(tables.action("deliver", e, ""))


__all__ = ["Network"]
