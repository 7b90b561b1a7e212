"""The history properties by name: what each claims, and the objects specs list.

They are defined with the other property kinds in `evcheck.properties` (the DSL and
the plan select them by name, below this package); the judges read them from here."""

from __future__ import annotations

from ..properties import (
    DESCRIPTIONS,
    HISTORY_PROPERTIES,
    JUDGED_ON_HISTORIES,
    SESSION_PROPERTIES,
    HistoryProperty,
    StrongConvergence,
    causal_consistency,
    history_property,
    linearizability,
    monotonic_reads,
    monotonic_writes,
    read_your_writes,
    strong_eventual_consistency,
    writes_follow_reads,
)

__all__ = [
    "DESCRIPTIONS",
    "HISTORY_PROPERTIES",
    "JUDGED_ON_HISTORIES",
    "SESSION_PROPERTIES",
    "HistoryProperty",
    "StrongConvergence",
    "causal_consistency",
    "history_property",
    "linearizability",
    "monotonic_reads",
    "monotonic_writes",
    "read_your_writes",
    "strong_eventual_consistency",
    "writes_follow_reads",
]
