"""The search loop: one for breadth-first and depth-first search, the frontier decides.

Each new state is checked when discovered and recorded with its parent's number and
the action index that led to it (`ParentStore`); a violating state is recorded but
never expanded. Counterexample paths are rebuilt from the store, and traces by
replaying them (evcheck.trace).
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import StopRequested
from ..model import Node, TransitionSystem
from .common import NO_LIMITS, Limits, Outcome, ProgressFn, Search, Signature, without_gc
from .frontier import Fifo, Lifo

PROGRESS_EVERY = 1 << 15
CLOCK_EVERY = 1 << 8  # expansions between looks at the clock

Frontier = Fifo | Lifo


def explore(
    system: TransitionSystem,
    frontier: Frontier,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
) -> Outcome:
    """Explore from the initial states in the frontier's order."""
    search = Search(system, limits, signature)
    seeds, stop = search.seed()
    frontier.add(seeds, 0, 0)
    transitions = 0
    deepest = 0

    def finish(status: str, reason: str | None = None) -> Outcome:
        return search.finish(
            status, transitions=transitions, depth=deepest, frontier=len(frontier), reason=reason
        )

    if stop:
        return finish("violated")
    check = system.check
    successors = system.successors
    store = search.store
    seen = search.seen
    violations = search.violations
    parents = store.parents  # len(parents): C-level, unlike len(store)
    parents_append = parents.append
    actions_append = store.actions.append
    seen_add = seen.add
    add = frontier.add
    max_states = limits.max_states if limits.max_states is not None else -1
    max_depth = limits.max_depth
    expanded = 0
    next_report = PROGRESS_EVERY
    next_clock = CLOCK_EVERY
    try:
        for node, number, depth in frontier.drain():
            if max_depth is not None and depth >= max_depth:
                search.stats.depth_bounded += 1
                if frontier.ordered_by_depth:  # everything left is as deep
                    search.stats.depth_bounded += len(frontier)
                    break
                continue
            succs = successors(node)
            transitions += len(succs)
            children: list[Node | None] = []
            first = len(parents)
            k = 0
            for nxt in succs:
                fp = nxt[1]
                if fp not in seen:
                    seen_add(fp)
                    parents_append(number)
                    actions_append(k)
                    prop = check(nxt[0])
                    if prop is None:
                        children.append(nxt)
                    else:
                        if violations.add(prop, store.path_to(len(parents) - 1), node[0], k):
                            deepest = max(deepest, depth + 1)
                            return finish("violated")
                        children.append(None)
                k += 1
            if children:
                add(children, first, depth + 1)
                if depth >= deepest:
                    deepest = depth + 1
            expanded += 1
            if expanded >= next_clock:
                next_clock += CLOCK_EVERY
                if search.clock.expired():
                    return finish("stopped", search.time_limit_reason())
                if expanded >= next_report:
                    next_report += PROGRESS_EVERY
                    if progress is not None:
                        stats = search.stats
                        stats.states, stats.transitions, stats.depth = (
                            len(store),
                            transitions,
                            deepest,
                        )
                        stats.seconds = search.clock.elapsed()
                        progress(stats, len(frontier))
            if max_states > 0 and len(parents) >= max_states:
                return finish("stopped", f"state limit of {max_states} reached")
    except KeyboardInterrupt:
        return finish("stopped", "interrupted")
    except StopRequested as stop_request:
        return finish("stopped", stop_request.reason)
    return finish("holds")


Engine = Callable[[TransitionSystem, Limits, "ProgressFn | None", "Signature | None"], Outcome]


@without_gc
def bfs(
    system: TransitionSystem,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
) -> Outcome:
    """Breadth-first search: the first counterexample found is a shortest one."""
    return explore(system, Fifo(), limits, progress, signature)


@without_gc
def dfs(
    system: TransitionSystem,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
) -> Outcome:
    """Depth-first search: reaches deep states sooner; its counterexamples get shrunk."""
    return explore(system, Lifo(), limits, progress, signature)
