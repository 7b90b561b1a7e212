"""Depth-first search: same visited set and parent store as BFS, a stack instead of a queue.

Finds the same distinct states and transitions as BFS when it runs to completion;
a counterexample it finds is valid but not necessarily shortest (shrinking then
shortens it). With --max-depth, a state first met deep is not re-expanded when met
again at a shallower depth, so a depth-bounded DFS can miss states BFS would find.
"""

from __future__ import annotations

from ..model import Node, TransitionSystem
from .common import Limits, Outcome, ProgressFn, Search, without_gc

PROGRESS_EVERY = 1 << 15


@without_gc
def dfs(system: TransitionSystem, limits: Limits, progress: ProgressFn | None) -> Outcome:
    """Explore depth first."""
    search = Search(system, limits)
    explore, stop = search.seed()
    stack: list[tuple[Node, int, int]] = [(node, number, 0) for node, number in reversed(explore)]
    deepest = 0
    transitions = 0

    def finish(status: str, reason: str | None = None) -> Outcome:
        return search.finish(
            status, transitions=transitions, depth=deepest, frontier=len(stack), reason=reason
        )

    if stop:
        return finish("violated")
    check = system.check
    successors = system.successors
    store = search.store
    seen = search.seen
    violations = search.violations
    max_states = limits.max_states if limits.max_states is not None else -1
    max_depth = limits.max_depth
    expanded = 0
    next_report = PROGRESS_EVERY
    try:
        while stack:
            node, number, depth = stack.pop()
            if max_depth is not None and depth >= max_depth:
                search.stats.depth_bounded += 1
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
                    stats = search.stats
                    stats.states, stats.transitions, stats.depth = len(store), transitions, deepest
                    stats.seconds = search.clock.elapsed()
                    progress(stats, len(stack))
                if search.clock.expired():
                    return finish("stopped", search.time_limit_reason())
            if max_states > 0 and len(store) >= max_states:
                return finish("stopped", f"state limit of {max_states} reached")
    except KeyboardInterrupt:
        return finish("stopped", "interrupted")
    return finish("holds")
