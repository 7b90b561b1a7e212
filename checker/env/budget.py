"""Fault budgets: how many times a fault may happen in one execution.

Budgets keep state spaces finite and make a verdict precise ("converges with up to 2
lost messages and 1 crash"). A budgeted part keeps the count spent as (part of) its
global component.
"""

from __future__ import annotations

from .part import ViewItem


def budget_view(order: int, name: str, used: int, budget: int) -> ViewItem:
    return ViewItem(order, f"{name} used", f"{used}/{budget}")
