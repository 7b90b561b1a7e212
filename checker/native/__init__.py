"""Bindings of the compiled exploration core (the Rust crate in `native/`).

`native_bfs` and `native_dfs` are engines like `evcheck.search.bfs` and `dfs`, with the
same `Outcome`: the same states, transitions, depth and violation paths, because the
core numbers states in the same discovery order and produces successors in the same
order as the Python semantics. They explore a `NativeSource`: a transition system that
also answers the core's table look-ups (`evcheck.native_tables.NativeTables`). Nothing
here imports the DSL, the environment or z3.

`--workers N` runs breadth-first search in N threads of the core, with results
identical to one thread.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import time
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

__all__ = ["NativeSource", "available", "native_bfs", "native_dfs"]


def available() -> bool:
    """Whether the compiled core is installed."""
    return _core is not None


class NativeSource(TransitionSystem, Protocol):
    """A transition system whose successors the core can generate from tables."""

    def config(self) -> tuple[int, bool, int, bool, bool, int, int, bool, bool, bool]: ...

    def mark_exercised(self, mask: int) -> None: ...


def native_bfs(
    system: NativeSource,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
    workers: int = 1,
) -> Outcome:
    """Breadth-first search in the compiled core (in `workers` threads)."""
    return _explore(system, False, limits, progress, signature, workers)


def native_dfs(
    system: NativeSource,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
) -> Outcome:
    """Depth-first search in the compiled core."""
    return _explore(system, True, limits, progress, signature, 1)


def _explore(
    system: NativeSource,
    dfs: bool,
    limits: Limits,
    progress: ProgressFn | None,
    signature: Signature | None,
    workers: int,
) -> Outcome:
    if _core is None:
        raise RuntimeError("the native core is not built (reinstall evcheck with a Rust toolchain)")
    start = time.perf_counter()
    core = _core.Core(system, *system.config())
    violations = Violations(limits.max_counterexamples, signature)

    def on_violation(
        prop: int, path: tuple[int, ...], parent: tuple[int, ...] | None, action: int | None
    ) -> bool:
        return violations.add(prop, path, parent, action)

    on_progress = None
    if progress is not None:
        report = progress

        def on_progress(
            states: int, transitions: int, depth: int, seconds: float, frontier: int
        ) -> str | None:
            stats = Stats(states, transitions, depth, seconds)
            try:
                report(stats, frontier)
            except StopRequested as stop:
                return stop.reason
            return None

    initial = [(list(world), fp) for world, fp in system.initial()]
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
        )
    except (StopRequested, KeyboardInterrupt) as stop:
        # Raised in protocol code the core called back into (a handler that never
        # returns, stopped by the time limit): partial statistics, as the Python engine.
        states, left = core.partial
        status, transitions, depth, bounded = "stopped", 0, 0, 0
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
    return Outcome(status, stats, violations.found, reason, premises=premises)
