"""Fault budgets: how many times a fault may happen in one execution.

Budgets keep state spaces finite and make a verdict precise ("converges with up to 2
lost messages and 1 crash"). A budgeted part keeps the count spent as (part of) its
global component.
"""

from __future__ import annotations

from typing import Any

from ..fingerprint import MASK
from .part import Distinct, EnvInfo, Labels, Part, Successors, ViewItem


def budget_view(order: int, name: str, used: int, budget: int) -> ViewItem:
    return ViewItem(order, f"{name} used", f"{used}/{budget}")


class EnvelopeFault(Part):
    """A fault that befalls one in-flight envelope at a time, within a budget per
    execution: loss removes the envelope, duplication adds a copy. The global component
    is the count spent."""

    kind = ""  # the action kind in traces: "drop" or "duplicate"
    removes = True  # the envelope vanishes (loss), or is copied (duplication)
    view_order = 0

    @property
    def budget(self) -> int:
        return int(getattr(self.plan.faults, self.fault or ""))

    def start(self) -> Any:
        return 0

    def active(self, component: Any) -> bool:
        return bool(component < self.budget)

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
        net = world[n + 1 :]
        if not net:
            return
        self.exercised = True
        tables = self.tables
        keys = tables.env_keys
        g2, gdelta = tables.gmove(world[n], self, self.kind)
        head = world[:n] + (g2,)
        removes = self.removes
        for j, e in distinct:
            if removes:
                out.append((head + net[:j] + net[j + 1 :], (fp + gdelta - keys[e]) & MASK))
            else:
                out.append((head + tuple(sorted(net + (e,))), (fp + gdelta + keys[e]) & MASK))
            if labels is not None:
                labels.append(tables.action(self.kind, e, ""))

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        return [budget_view(self.view_order, self.fault or "", component, self.budget)]
