"""Search engines over a `TransitionSystem`. Nothing here imports the DSL, the
environment or z3: engines see initial states, successors and a property check."""

from __future__ import annotations

from .common import NO_LIMITS, Found, Limits, Outcome, ParentStore, ProgressFn, Signature, Stats
from .frontier import Fifo, Lifo
from .loop import Engine, bfs, dfs, explore
from .parallel import Transport, parallel_bfs
from .simulate import simulate

ENGINES: dict[str, Engine] = {"bfs": bfs, "dfs": dfs}

__all__ = [
    "ENGINES",
    "NO_LIMITS",
    "Engine",
    "Fifo",
    "Found",
    "Lifo",
    "Limits",
    "Outcome",
    "ParentStore",
    "ProgressFn",
    "Signature",
    "Stats",
    "Transport",
    "bfs",
    "dfs",
    "explore",
    "parallel_bfs",
    "simulate",
]
