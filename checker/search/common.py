"""What every engine shares: limits, statistics, outcomes and the parent store.

Engines store, for each distinct state in discovery order, its parent's number and
the action index that led to it. That is all a trace needs: `path_to` walks the
parents and replay (evcheck.trace) rebuilds the states.
"""

from __future__ import annotations

import functools
import gc
import resource
import sys
import time
from array import array
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ..model import Node, TransitionSystem

Status = Literal["holds", "violated", "stopped"]


@dataclass(frozen=True)
class Limits:
    """Bounds of the search (max_depth) and limits that stop it early (the rest)."""

    max_states: int | None = None
    max_depth: int | None = None
    max_seconds: float | None = None
    max_counterexamples: int = 1


@dataclass
class Stats:
    """Run statistics; `states` counts distinct states, `transitions` generated edges."""

    states: int = 0
    transitions: int = 0
    depth: int = 0
    seconds: float = 0.0
    peak_memory_bytes: int = 0
    frontier_left: int = 0
    depth_bounded: int = 0
    # Bytes held by the visited set and the parent store at the end (native core only;
    # 0 where not measured): the per-state memory besides the frontier.
    store_bytes: int = 0

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Found:
    """A violation: which property, and the path to the violating state."""

    prop: int
    path: tuple[int, ...]  # initial index, then action indices


@dataclass
class Outcome:
    status: Status
    stats: Stats
    violations: list[Found] = field(default_factory=list)
    stop_reason: str | None = None
    runs: int | None = None  # simulation only
    # Premise counters, from engines that count them themselves (the native core and
    # the parallel engine; see `Semantics.premise_counts`).
    premises: tuple[int, ...] | None = None

    @property
    def found(self) -> Found | None:
        return self.violations[0] if self.violations else None


# What makes two violations distinct when several are asked for: a function of the
# state before the last action and that action's index (None, None for an initial state).
Signature = Callable[[Any, "int | None"], Hashable]


class Violations:
    """The distinct violations a search has met.

    With the default of one, the first violation ends the search; with more, the
    violating state is left unexpanded, the search goes on, and a violation counts as
    new when its (property, signature) is; without a signature, every one is new.
    """

    def __init__(self, limit: int, signature: Signature | None = None) -> None:
        self.limit = max(1, limit)
        self.signature = signature
        self.found: list[Found] = []
        self._keys: set[tuple[int, Hashable]] = set()

    def add(self, prop: int, path: tuple[int, ...], parent: Any, action: int | None) -> bool:
        """Record a violation; True when the search should stop."""
        if self.limit > 1 and self.signature is not None:
            distinct = (prop, self.signature(parent, action))
            if distinct in self._keys:
                return False
            self._keys.add(distinct)
        self.found.append(Found(prop, path))
        return len(self.found) >= self.limit


ProgressFn = Callable[[Stats, int], None]  # (stats so far, frontier size)


class ParentStore:
    """Parent number and action index of every discovered state, in two flat arrays."""

    __slots__ = ("actions", "parents")

    def __init__(self) -> None:
        # 4-byte parents (up to 2**31 states) and 2-byte action indices (up to 65,535
        # successors per state): 6 bytes per state, which matters at millions of states.
        self.parents = array("i")
        self.actions = array("H")

    def __len__(self) -> int:
        return len(self.parents)

    def path_to(self, number: int) -> tuple[int, ...]:
        steps: list[int] = []
        while number >= 0:
            steps.append(self.actions[number])
            number = self.parents[number]
        steps.reverse()
        return tuple(steps)


def peak_memory_bytes() -> int:
    """Peak resident memory of this process."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class Clock:
    """Wall time since the search started, and whether the time limit has passed."""

    def __init__(self, limit: float | None) -> None:
        self.start = time.perf_counter()
        self.limit = limit

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def expired(self) -> bool:
        return self.limit is not None and self.elapsed() >= self.limit


NO_LIMITS = Limits()


class Search:
    """What one run of an engine keeps: visited fingerprints, parents, violations, time.

    Engines keep their hot loops on local variables and call back here only to seed
    the initial states and to finish.
    """

    def __init__(
        self, system: TransitionSystem, limits: Limits, signature: Signature | None = None
    ) -> None:
        self.system = system
        self.limits = limits
        self.clock = Clock(limits.max_seconds)
        self.stats = Stats()
        self.store = ParentStore()
        self.seen: set[int] = set()
        self.violations = Violations(limits.max_counterexamples, signature)

    def seed(self) -> tuple[list[Node | None], bool]:
        """Record the initial states, numbered from 0: the nodes in store order (None for
        a violating one, which is not explored), and whether a violation among them
        already ends the search."""
        store, check = self.store, self.system.check
        seeds: list[Node | None] = []
        for k, node in enumerate(self.system.initial()):
            if node[1] in self.seen:
                continue
            self.seen.add(node[1])
            store.parents.append(-1)
            store.actions.append(k)
            prop = check(node[0])
            if prop is not None:
                if self.violations.add(prop, store.path_to(len(store) - 1), None, None):
                    return seeds, True
                seeds.append(None)
                continue
            seeds.append(node)
        return seeds, False

    def finish(
        self,
        status: str,
        *,
        transitions: int,
        depth: int,
        frontier: int,
        reason: str | None = None,
    ) -> Outcome:
        stats = self.stats
        stats.states = len(self.store)
        stats.transitions = transitions
        stats.depth = depth
        stats.seconds = self.clock.elapsed()
        stats.peak_memory_bytes = peak_memory_bytes()
        stats.frontier_left = frontier
        if status == "holds" and self.violations.found:
            status = "violated"
        return Outcome(status, stats, self.violations.found, reason)  # type: ignore[arg-type]

    def time_limit_reason(self) -> str:
        return f"time limit of {self.limits.max_seconds:g}s reached"


E = TypeVar("E", bound=Callable[..., Outcome])


def without_gc(engine: E) -> E:
    """Run an engine with cyclic garbage collection paused.

    The search allocates millions of tuples of ints and creates no reference cycles;
    collector passes over an ever-growing frontier would otherwise dominate the run.
    """

    @functools.wraps(engine)
    def run(*args: Any, **kwargs: Any) -> Outcome:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return engine(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return run  # type: ignore[return-value]
