"""Bindings of the compiled exploration core (the Rust crate in `native/`).

`native_bfs` and `native_dfs` are engines like `evcheck.search.bfs` and `dfs`, with the
same `Outcome`: the same states, transitions, depth and violation paths, because the
core numbers states in the same discovery order and produces successors in the same
order as the Python semantics. They explore a `NativeSource`: a transition system that
also answers the core's table look-ups (`evcheck.native_tables.NativeTables`). Nothing
here imports the DSL, the environment or z3.

`--workers N` runs breadth-first search in N threads of the core, with results
identical to one thread.

`native_simulate` is the random simulation of `evcheck.search.simulate`: it continues
the Python engine's Mersenne Twister (seeded alike), so the same seed takes the same
walks on both engines, with the same statistics and violations.

`native_bfs_graph` also records the state graph (what liveness and `sometimes`
properties are decided on) and returns it as a `_core.Graph`, whose methods are the
graph algorithms of `evcheck.liveness` (`graph_kernel`).
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from ..errors import StopRequested
from ..model import TransitionSystem
from ..search.common import (
    NO_LIMITS,
    Limits,
    Outcome,
    ProgressFn,
    Signature,
    Stats,
    Violations,
    peak_memory_bytes,
)


def _load_core() -> ModuleType | None:
    """The compiled module: installed beside this file, or, in a strict editable install
    (a tree of links to `checker/`, made before the extension was built), beside the
    source file this one links to."""
    try:
        return importlib.import_module(f"{__name__}._core")
    except ImportError:
        pass
    source = Path(__file__).resolve().parent
    for path in sorted(source.glob("_core*.so")) + sorted(source.glob("_core*.pyd")):
        spec = importlib.util.spec_from_file_location(f"{__name__}._core", path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[spec.name] = module
        return module
    return None


_core: Any = _load_core()

PROGRESS_EVERY = 1 << 15

__all__ = [
    "NativeSource",
    "RecordedGraph",
    "StatePredicates",
    "available",
    "graph_kernel",
    "native_bfs",
    "native_bfs_graph",
    "native_dfs",
    "native_simulate",
    "randbelow",
]


def available() -> bool:
    """Whether the compiled core is installed."""
    return _core is not None


class NativeSource(TransitionSystem, Protocol):
    """A transition system whose successors the core can generate from tables."""

    def config(self) -> tuple[int, bool, int, bool, bool, int, int, bool, bool, bool, bool]: ...

    def mark_exercised(self, mask: int) -> None: ...


@dataclass(frozen=True)
class StatePredicates:
    """The predicate bits the recorded graph keeps per state: `conv` is the mask of the
    bits that mean "every replica observes the same" (the core computes them), `user`
    gives the other bits of a world (None: there are none), `network` whether it reads
    the network (else the core asks once per combination of replica states)."""

    conv: int
    user: Callable[[tuple[int, ...]], int] | None
    network: bool


@dataclass(frozen=True)
class RecordedGraph:
    """The state graph a native run recorded: the core's `Graph`, the node numbers of
    the initial states, and a look-up of node numbers by fingerprint."""

    graph: Any
    initial: list[int]
    nodes_of: Callable[[list[int]], list[int]]


def graph_kernel() -> Any:
    """The class whose instances run the liveness graph algorithms natively (built
    from a graph's arrays), or None without the compiled core."""
    return None if _core is None else _core.Graph


def native_bfs(
    system: NativeSource,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
    workers: int = 1,
) -> Outcome:
    """Breadth-first search in the compiled core (in `workers` threads)."""
    return _explore(system, False, limits, progress, signature, workers)[0]


def native_bfs_graph(
    system: NativeSource,
    predicates: StatePredicates,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
) -> tuple[Outcome, RecordedGraph | None]:
    """Breadth-first search in one thread of the core, recording the state graph (the
    system's config must ask for recording). The graph is None when a callback stopped
    the run."""
    return _explore(system, False, limits, progress, signature, 1, predicates)


def native_dfs(
    system: NativeSource,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
) -> Outcome:
    """Depth-first search in the compiled core."""
    return _explore(system, True, limits, progress, signature, 1)[0]


def _core_of(system: NativeSource) -> Any:
    """A core built for `system`'s tables."""
    if _core is None:
        raise RuntimeError("the native core is not built (reinstall evcheck with a Rust toolchain)")
    return _core.Core(system, *system.config())


def _callbacks(
    limits: Limits, signature: Signature | None, progress: ProgressFn | None
) -> tuple[Violations, Callable[..., bool], Callable[..., str | None] | None]:
    """The violations a run collects, and the two callbacks the core calls: one per
    violation (true to stop), one to report progress (a stop reason to stop)."""
    violations = Violations(limits.max_counterexamples, signature)

    def on_violation(
        prop: int, path: tuple[int, ...], parent: tuple[int, ...] | None, action: int | None
    ) -> bool:
        return violations.add(prop, path, parent, action)

    if progress is None:
        return violations, on_violation, None
    report = progress

    def on_progress(
        states: int, transitions: int, depth: int, seconds: float, left: int
    ) -> str | None:
        try:
            report(Stats(states, transitions, depth, seconds), left)
        except StopRequested as stop:
            return stop.reason
        return None

    return violations, on_violation, on_progress


def _explore(
    system: NativeSource,
    dfs: bool,
    limits: Limits,
    progress: ProgressFn | None,
    signature: Signature | None,
    workers: int,
    predicates: StatePredicates | None = None,
) -> tuple[Outcome, RecordedGraph | None]:
    start = time.perf_counter()
    core = _core_of(system)
    violations, on_violation, on_progress = _callbacks(limits, signature, progress)

    initial = [(list(world), fp) for world, fp in system.initial()]
    recorded = None
    record = None
    if predicates is not None:
        record = (predicates.conv, predicates.user, predicates.network)
    try:
        status, states, transitions, depth, left, bounded, reason = core.explore(
            initial,
            dfs,
            limits.max_states if limits.max_states is not None else -1,
            limits.max_depth if limits.max_depth is not None else -1,
            limits.max_seconds if limits.max_seconds is not None else -1.0,
            max(1, workers),
            on_violation,
            on_progress,
            PROGRESS_EVERY,
            record,
        )
        if record is not None:
            recorded = RecordedGraph(core.graph(), list(core.initial_nodes), core.nodes_of)
    except (StopRequested, KeyboardInterrupt) as stop:
        # Raised in protocol code the core called back into (a handler that never
        # returns, stopped by the time limit): partial statistics, as the Python engine.
        states, left, transitions, depth = core.partial
        status, bounded = "stopped", 0
        reason = stop.reason if isinstance(stop, StopRequested) else "interrupted"
    system.mark_exercised(core.exercised)
    if status == "holds" and violations.found:
        status = "violated"
    stats = Stats(
        states=states,
        transitions=transitions,
        depth=depth,
        seconds=time.perf_counter() - start,
        peak_memory_bytes=peak_memory_bytes(),
        frontier_left=left,
        depth_bounded=bounded,
        store_bytes=core.store_bytes,
    )
    quiet, sec, reads, verdicts = core.premises
    premises = (quiet, sec, reads, *verdicts)
    return Outcome(status, stats, violations.found, reason, premises=premises), recorded


def _generator(seed: int) -> tuple[list[int], int]:
    """The state words and position of the Mersenne Twister `random.Random(seed)`
    starts from, as the Python engine seeds it."""
    internal = random.Random(seed).getstate()[1]
    return list(internal[:-1]), internal[-1]


def randbelow(rng: random.Random, bounds: list[int]) -> list[int]:
    """`[rng.randrange(n) for n in bounds]` drawn by the core's port of the generator,
    leaving `rng` where Python's own draws would (what the port is tested with)."""
    if _core is None:
        raise RuntimeError("the native core is not built (reinstall evcheck with a Rust toolchain)")
    version, internal, gauss = rng.getstate()
    draws, words, pos = _core.mt_randbelow(list(internal[:-1]), internal[-1], bounds)
    rng.setstate((version, (*words, pos), gauss))
    return list(draws)


def native_simulate(
    system: NativeSource,
    runs: int,
    depth: int,
    seed: int,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
) -> Outcome:
    """Random simulation in the compiled core, taking the walks `evcheck.search.simulate`
    takes with the same seed."""
    start = time.perf_counter()
    core = _core_of(system)
    violations, on_violation, on_progress = _callbacks(limits, signature, progress)

    words, pos = _generator(seed)
    initial = [(list(world), fp) for world, fp in system.initial()]
    try:
        status, states, transitions, reached, done, reason = core.simulate(
            initial,
            runs,
            depth,
            words,
            pos,
            limits.max_states if limits.max_states is not None else -1,
            limits.max_seconds if limits.max_seconds is not None else -1.0,
            on_violation,
            on_progress,
        )
    finally:
        system.mark_exercised(core.exercised)
    if violations.found:
        status = "violated"
    stats = Stats(
        states=states,
        transitions=transitions,
        depth=reached,
        seconds=time.perf_counter() - start,
        peak_memory_bytes=peak_memory_bytes(),
    )
    return Outcome(status, stats, violations.found, reason, runs=done)
