"""Search engines over a `TransitionSystem`. Nothing here imports the DSL, the network or z3."""

from __future__ import annotations

from collections.abc import Callable

from ..model import TransitionSystem
from .bfs import bfs
from .common import NO_LIMITS, Found, Limits, Outcome, ParentStore, ProgressFn, Stats
from .dfs import dfs
from .parallel import parallel_bfs
from .simulate import simulate

Engine = Callable[[TransitionSystem, Limits, ProgressFn | None], Outcome]

ENGINES: dict[str, Engine] = {"bfs": bfs, "dfs": dfs}

__all__ = [
    "ENGINES",
    "NO_LIMITS",
    "Engine",
    "Found",
    "Limits",
    "Outcome",
    "ParentStore",
    "ProgressFn",
    "Stats",
    "bfs",
    "dfs",
    "parallel_bfs",
    "simulate",
]
