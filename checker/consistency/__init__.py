"""Client-observable consistency: histories, and the concrete monitors that judge them.

A history is a sequence of client operations on registers (optionally keyed). Each
session property asks, in the style of Burckhardt's axiomatic framework, whether some
visibility relation `vis` (which writes each operation sees) and one arbitration order
`ar` on writes explain what clients observed: every read returns the `ar`-latest write
to its key among those it sees (a multi-value read: the latest ones, as siblings).

- read_your_writes: an operation sees the earlier writes of its session.
- monotonic_reads: an operation sees whatever earlier operations of its session saw.
- monotonic_writes: writes of a session are arbitrated in session order, and whoever
  sees a write sees the session's earlier writes.
- writes_follow_reads: a write is arbitrated after what its session had seen, and
  whoever sees the write sees that too.
- causal_consistency: all of the above, closed transitively (happens-before = session
  order and visibility) with arbitration respecting happens-before.
- linearizability: an atomic operation is one step, so a read must return the latest
  earlier write to its key; a request spans steps from invocation to reply, and the
  interval monitor (`intervals`) keeps every configuration its pending operations allow
  (recorded histories with intervals are judged by the search in `evcheck.histories`).

`evcheck.solver` decides the same questions from the axioms with Z3; tests check that
the judges agree.
"""

from __future__ import annotations

from .monitors import check_history, start_summary, step_summary, violation
from .operations import KINDS, Event, Op, as_siblings, event_to_op, op_to_event
from .properties import (
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
    "KINDS",
    "SESSION_PROPERTIES",
    "Event",
    "HistoryProperty",
    "Op",
    "StrongConvergence",
    "as_siblings",
    "causal_consistency",
    "check_history",
    "event_to_op",
    "history_property",
    "linearizability",
    "monotonic_reads",
    "monotonic_writes",
    "op_to_event",
    "read_your_writes",
    "start_summary",
    "step_summary",
    "strong_eventual_consistency",
    "violation",
    "writes_follow_reads",
]
