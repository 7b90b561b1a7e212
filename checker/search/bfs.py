"""Breadth-first search: the first violation found is at minimal depth.

States are checked when discovered, so a violating state is reported as soon as
some shortest path reaches it. Cyclic garbage collection is paused during the
search: the loop allocates millions of tuples of ints and creates no cycles, and
collector passes over an ever-growing frontier dominate the run otherwise.
"""

from __future__ import annotations

import gc
from collections import deque

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


def bfs(
    system: TransitionSystem,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
) -> Outcome:
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _bfs(system, limits, progress)
    finally:
        if gc_was_enabled:
            gc.enable()


def _bfs(system: TransitionSystem, limits: Limits, progress: ProgressFn | None) -> Outcome:
    clock = Clock(limits.max_seconds)
    stats = Stats()
    store = ParentStore()
    seen: set[int] = set()
    queue: deque[Node] = deque()
    check = system.check
    successors = system.successors
    # `depth` is the level being expanded; states numbered >= next_level are one deeper.
    depth = 0
    next_level = 0
    transitions = 0

    violations = Violations(system, limits.max_counterexamples)

    def finish(status: str, reason: str | None = None) -> Outcome:
        stats.states = len(store)
        stats.transitions = transitions
        stats.depth = depth + 1 if len(store) > next_level else depth
        stats.seconds = clock.elapsed()
        stats.peak_memory_bytes = peak_memory_bytes()
        stats.frontier_left = len(queue)
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
            next_level = len(store)
            return finish("violated")
        queue.append(node)
    next_level = len(store)
    if limits.max_depth is not None and limits.max_depth <= 0:
        stats.depth_bounded = len(queue)
        return finish("holds")

    parents_append = store.parents.append
    actions_append = store.actions.append
    seen_add = seen.add
    queue_append = queue.append
    popleft = queue.popleft
    max_states = limits.max_states if limits.max_states is not None else -1
    max_depth = limits.max_depth
    number = 0  # BFS pops states in discovery order, so the pop count is the state number
    next_report = PROGRESS_EVERY

    try:
        while queue:
            if number == next_level:
                depth += 1
                next_level = len(store)
                if max_depth is not None and depth >= max_depth:
                    stats.depth_bounded = len(queue)
                    break
            node = popleft()
            succs = successors(node)
            transitions += len(succs)
            k = 0
            for nxt in succs:
                fp = nxt[1]
                if fp not in seen:
                    seen_add(fp)
                    parents_append(number)
                    actions_append(k)
                    prop = check(nxt[0])
                    if prop is not None:
                        if violations.add(prop, store.path_to(len(store) - 1), node[0], k):
                            return finish("violated")
                    else:
                        queue_append(nxt)
                k += 1
            number += 1
            if number >= next_report:
                next_report += PROGRESS_EVERY
                if progress is not None:
                    stats.states, stats.transitions, stats.depth = len(store), transitions, depth
                    stats.seconds = clock.elapsed()
                    progress(stats, len(queue))
                if clock.expired():
                    return finish(
                        "stopped", reason=f"time limit of {limits.max_seconds:g}s reached"
                    )
            if max_states > 0 and len(store) >= max_states:
                return finish("stopped", reason=f"state limit of {max_states} reached")
    except KeyboardInterrupt:
        return finish("stopped", reason="interrupted")
    return finish("holds")
