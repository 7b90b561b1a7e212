"""The history properties by name: what each claims, and the objects specs list."""

from __future__ import annotations

from dataclasses import dataclass

from ..properties import Property

SESSION_PROPERTIES = (
    "read_your_writes",
    "monotonic_reads",
    "monotonic_writes",
    "writes_follow_reads",
    "causal_consistency",
)
HISTORY_PROPERTIES = (*SESSION_PROPERTIES, "linearizability")
# Judged on histories too (by both judges), from the updates each read's replica applied.
JUDGED_ON_HISTORIES = (*HISTORY_PROPERTIES, "strong_eventual_consistency")

DESCRIPTIONS = {
    "read_your_writes": "every read sees the earlier writes of its own session",
    "monotonic_reads": "a session never reads older data than it read before",
    "monotonic_writes": "a session's writes take effect in the order it made them",
    "writes_follow_reads": "a write takes effect after the writes its session had read",
    "causal_consistency": "operations respect causality (session order and what was read)",
    "linearizability": "every read returns the latest write to its key before it",
    "strong_eventual_consistency": "replicas that applied the same updates expose the same value",
}


@dataclass(frozen=True)
class HistoryProperty(Property):
    """A property of the client-observed history, checked by a monitor in every state."""


@dataclass(frozen=True)
class StrongConvergence(Property):
    """Strong eventual consistency: replicas that applied the same updates are equivalent.

    Every client operation is an update; a replica has applied the updates it made and
    those carried by the messages it received (see `@message(carries=...)`). Replicas
    whose applied sets are equal must expose the same `observe()` — in every state, not
    only once quiet.
    """


strong_eventual_consistency = StrongConvergence(
    name="strong_eventual_consistency",
    description=DESCRIPTIONS["strong_eventual_consistency"],
)


def history_property(name: str) -> HistoryProperty:
    if name not in HISTORY_PROPERTIES:
        raise KeyError(name)
    return HistoryProperty(name=name, description=DESCRIPTIONS[name])


read_your_writes = history_property("read_your_writes")
monotonic_reads = history_property("monotonic_reads")
monotonic_writes = history_property("monotonic_writes")
writes_follow_reads = history_property("writes_follow_reads")
causal_consistency = history_property("causal_consistency")
linearizability = history_property("linearizability")
