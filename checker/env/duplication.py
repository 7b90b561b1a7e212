"""Duplication: any in-flight message may be copied, up to `dup=N` messages per execution;
the receiver's handler then sees both copies."""

from __future__ import annotations

from typing import Any

from ..fingerprint import MASK
from .budget import budget_view
from .part import Distinct, EnvInfo, Labels, Part, Successors, ViewItem


class Duplication(Part):
    name = "duplication"
    fault = "dup"

    def start(self) -> Any:
        return 0

    def active(self, component: Any) -> bool:
        return bool(component < self.plan.faults.dup)

    def step(self, component: Any, event: Any) -> Any:
        return component + 1

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
        if not net:
            return
        self.exercised = True
        tables = self.tables
        keys = tables.env_keys
        g2, gdelta = tables.gmove(g, self, "dup")
        head = world[:n] + (g2,)
        for _, e in distinct:
            out.append((head + tuple(sorted(net + (e,))), (fp + gdelta + keys[e]) & MASK))
            if labels is not None:
                labels.append(tables.action("duplicate", e, ""))

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        return [budget_view(31, "dup", component, self.plan.faults.dup)]
