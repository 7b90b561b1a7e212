"""Message loss: any in-flight message may vanish, up to `loss=N` messages per execution."""

from __future__ import annotations

from typing import Any

from ..fingerprint import MASK
from .budget import budget_view
from .part import Distinct, EnvInfo, Labels, Part, Successors, ViewItem


class Loss(Part):
    name = "loss"
    fault = "loss"

    def start(self) -> Any:
        return 0

    def active(self, component: Any) -> bool:
        return bool(component < self.plan.faults.loss)

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
        g2, gdelta = tables.gmove(g, self, "drop")
        head = world[:n] + (g2,)
        for j, e in distinct:
            out.append((head + net[:j] + net[j + 1 :], (fp + gdelta - keys[e]) & MASK))
            if labels is not None:
                labels.append(tables.action("drop", e, ""))

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        return [budget_view(30, "loss", component, self.plan.faults.loss)]
