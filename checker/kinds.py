"""Action kinds of the recorded state graph: one byte per edge, what fairness is
declared over. Shared by the Python recorder (`evcheck.liveness`) and the tables the
native core records with (`evcheck.native_tables`), so both number kinds alike.

Timers are TIMER + the timer's index among the spec's timer names (fairness is declared
per name, whichever replica class declares it).
"""

from __future__ import annotations

from .plan import Plan

OP, DELIVER, FAULT, HEAL, RECOVER, TICK = range(6)
TIMER = 8
MAX_TIMERS = 200
KIND_NAMES = {
    OP: "op",
    DELIVER: "deliver",
    FAULT: "fault",
    HEAL: "heal",
    RECOVER: "recover",
    TICK: "tick",
}


def timer_names(plan: Plan) -> list[str]:
    """The timers of every replica class, by name, in declaration order."""
    return list(dict.fromkeys(t.name for r in plan.replicas for t in r.timers))


def timer_kind(label: str, index: dict[str, int]) -> int:
    """The kind of a timer firing labelled `timer NAME@rK` (`index`: name -> position)."""
    return TIMER + index[label.split(" ", 1)[1].rsplit("@", 1)[0]]
