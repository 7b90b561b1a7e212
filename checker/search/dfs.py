"""Depth-first search: same visited set and parent store as BFS, a stack instead of a queue.

Finds the same distinct states and transitions as BFS when it runs to completion;
a counterexample it finds is valid but not necessarily shortest.
"""

from __future__ import annotations

import gc

from ..model import Node, TransitionSystem
from .common import (
    NO_LIMITS,
    Clock,
    Limits,
    Outcome,
    ParentStore,
    ProgressFn,
    Stats,
    Violations,
    peak_memory_bytes,
)

PROGRESS_EVERY = 1 << 15


def dfs(
    system: TransitionSystem,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
) -> Outcome:
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _dfs(system, limits, progress)
    finally:
        if gc_was_enabled:
            gc.enable()


def _dfs(system: TransitionSystem, limits: Limits, progress: ProgressFn | None) -> Outcome:
    clock = Clock(limits.max_seconds)
    stats = Stats()
    store = ParentStore()
    seen: set[int] = set()
    stack: list[tuple[Node, int, int]] = []  # (node, state number, depth)
    check = system.check
    successors = system.successors
    deepest = 0
    transitions = 0

    violations = Violations(system, limits.max_counterexamples)

    def finish(status: str, reason: str | None = None) -> Outcome:
        stats.states = len(store)
        stats.transitions = transitions
        stats.depth = deepest
        stats.seconds = clock.elapsed()
        stats.peak_memory_bytes = peak_memory_bytes()
        stats.frontier_left = len(stack)
        if status == "holds" and violations.found:
            status = "violated"
        return Outcome(status, stats, violations.found, reason)  # type: ignore[arg-type]

    for k, node in enumerate(system.initial()):
        if node[1] in seen:
            continue
        seen.add(node[1])
        store.parents.append(-1)
        store.actions.append(k)
        prop = check(node[0])
        if prop is not None:
            if not violations.add(prop, store.path_to(len(store) - 1), None, None):
                continue
            return finish("violated")
        stack.append((node, len(store) - 1, 0))
    stack.reverse()

    max_states = limits.max_states if limits.max_states is not None else -1
    max_depth = limits.max_depth
    expanded = 0
    next_report = PROGRESS_EVERY
    try:
        while stack:
            node, number, depth = stack.pop()
            if max_depth is not None and depth >= max_depth:
                stats.depth_bounded += 1
                continue
            succs = successors(node)
            transitions += len(succs)
            child_depth = depth + 1
            pushed = []
            for k, nxt in enumerate(succs):
                fp = nxt[1]
                if fp in seen:
                    continue
                seen.add(fp)
                store.parents.append(number)
                store.actions.append(k)
                if child_depth > deepest:
                    deepest = child_depth
                prop = check(nxt[0])
                if prop is not None:
                    if violations.add(prop, store.path_to(len(store) - 1), node[0], k):
                        return finish("violated")
                    continue
                pushed.append((nxt, len(store) - 1, child_depth))
            pushed.reverse()  # explore the first successor first
            stack.extend(pushed)
            expanded += 1
            if expanded >= next_report:
                next_report += PROGRESS_EVERY
                if progress is not None:
                    stats.states, stats.transitions, stats.depth = len(store), transitions, deepest
                    stats.seconds = clock.elapsed()
                    progress(stats, len(stack))
                if clock.expired():
                    return finish(
                        "stopped", reason=f"time limit of {limits.max_seconds:g}s reached"
                    )
            if max_states > 0 and len(store) >= max_states:
                return finish("stopped", reason=f"state limit of {max_states} reached")
    except KeyboardInterrupt:
        return finish("stopped", reason="interrupted")
    return finish("holds")
