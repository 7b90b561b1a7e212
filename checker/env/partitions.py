"""Network partitions: up to `partition=N` partition events per execution, each maybe
followed by a heal.

By default every split into two non-empty groups is allowed (`splits=` lists others).
Messages across the cut wait for the heal (`partition_mode="wait"`) or may also be
dropped by it, free of the loss budget (`"drop"`), or wait forever: a `"permanent"`
partition never heals; clients keep operating on both sides. A heal changes the environment, so every replica's timers may fire again. This
part's global component is `(group per replica or None, partitions used)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..faults import show_partition
from ..fingerprint import MASK
from ..plan import Plan
from .budget import budget_view
from .part import DELIVER, DROP, HOLD, Distinct, EnvInfo, Labels, Part, Successors, ViewItem
from .tables import Tables


class Partitions(Part):
    name = "partitions"
    fault = "partition"

    def __init__(self, plan: Plan, tables: Tables) -> None:
        super().__init__(plan, tables)
        self._cut = DROP if plan.faults.partition_mode == "drop" else HOLD
        self.heals = plan.faults.partition_mode != "permanent"

    def start(self) -> Any:
        """No partition, or the one the run starts in (`start_split`), which may heal."""
        return (self.plan.faults.start_groups(self.n), 0)

    def active(self, component: Any) -> bool:
        groups, used = component
        return groups is not None or used < self.plan.faults.partition

    def step(self, component: Any, event: Any) -> Any:
        """A split (group per replica) starts a partition; None heals it."""
        used = component[1]
        return (None, used) if event is None else (event, used + 1)

    def link(self, component: Any, src: int, dst: int) -> int:
        groups = component[0]
        return self._cut if groups is not None and groups[src] != groups[dst] else DELIVER

    def quiet(self, component: Any) -> bool:
        return component[0] is None

    def permute(self, component: Any, positions: Sequence[int]) -> Any:
        groups, used = component
        if groups is None:
            return component
        placed = [0] * self.n
        for i, group in enumerate(groups):
            placed[positions[i]] = group
        first = placed[0]  # renumber so replica 1's group is 0, as splits are listed
        return (tuple(0 if grp == first else 1 for grp in placed), used)

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
        groups, used = self.tables.globs[g][self.gindex]
        tables = self.tables
        rest = world[n + 1 :]
        if groups is None and used < self.plan.faults.partition:
            self.exercised = True
            head = world[:n]
            for split in self.plan.splits:
                g2, gdelta = tables.gmove(g, self, split)
                out.append((head + (g2,) + rest, (fp + gdelta) & MASK))
                if labels is not None:
                    labels.append(
                        tables.action("partition", -1, f"partition {show_partition(split)}")
                    )
        if groups is not None and self.heals:
            g2, gdelta = tables.gmove(g, self, None)
            slots, rdelta = tables.rearm_all(world, -1)
            out.append((slots + (g2,) + rest, (fp + gdelta + rdelta) & MASK))
            if labels is not None:
                labels.append(tables.action("heal", -1, "heal"))

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        groups, used = component
        shown = show_partition(groups) if groups is not None else "none"
        return [
            ViewItem(25, "partition", shown),
            budget_view(32, "partition", used, self.plan.faults.partition),
        ]
