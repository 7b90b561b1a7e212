"""Breadth-first search: the first violation found is at minimal depth.

States are checked when discovered, so a violating state is reported as soon as
some shortest path reaches it. BFS pops states in discovery order, so the pop count
is the state number: parent pointers need no lookup.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from ..model import TransitionSystem
from .common import Limits, Outcome, ProgressFn, Search, without_gc

PROGRESS_EVERY = 1 << 15


@without_gc
def bfs(system: TransitionSystem, limits: Limits, progress: ProgressFn | None) -> Outcome:
    """Explore level by level; the first counterexample is a shortest one."""
    search = Search(system, limits)
    explore, stop = search.seed()
    # The frontier as two parallel queues, states and the rest of their nodes (for a
    # plain node, just the fingerprint): keeping each node's pair tuple alive would
    # cost 56 bytes more per queued state, at up to millions of them.
    pair = all(len(node) == 2 for node, _ in explore)
    queue: deque[Any] = deque(node[0] for node, _ in explore)
    fps: deque[Any] = deque(node[1] if pair else node[1:] for node, _ in explore)
    # `depth` is the level being expanded; states numbered >= next_level are one deeper.
    depth = 0
    next_level = len(search.store)
    transitions = 0

    def finish(status: str, reason: str | None = None) -> Outcome:
        deepest = depth + 1 if len(search.store) > next_level else depth
        return search.finish(
            status, transitions=transitions, depth=deepest, frontier=len(queue), reason=reason
        )

    if stop:
        return finish("violated")
    if limits.max_depth is not None and limits.max_depth <= 0:
        search.stats.depth_bounded = len(queue)
        return finish("holds")

    check = system.check
    successors = system.successors
    store = search.store
    seen = search.seen
    violations = search.violations
    parents_append = store.parents.append
    actions_append = store.actions.append
    seen_add = seen.add
    queue_append = queue.append
    popleft = queue.popleft
    fps_append = fps.append
    fps_popleft = fps.popleft
    max_states = limits.max_states if limits.max_states is not None else -1
    max_depth = limits.max_depth
    number = 0
    next_report = PROGRESS_EVERY
    try:
        while queue:
            if number == next_level:
                depth += 1
                next_level = len(store)
                if max_depth is not None and depth >= max_depth:
                    search.stats.depth_bounded = len(queue)
                    break
            node = (popleft(), fps_popleft()) if pair else (popleft(), *fps_popleft())
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
                        queue_append(nxt[0])
                        fps_append(fp if pair else nxt[1:])
                k += 1
            number += 1
            if number >= next_report:
                next_report += PROGRESS_EVERY
                if progress is not None:
                    stats = search.stats
                    stats.states, stats.transitions, stats.depth = len(store), transitions, depth
                    stats.seconds = search.clock.elapsed()
                    progress(stats, len(queue))
                if search.clock.expired():
                    return finish("stopped", search.time_limit_reason())
            if max_states > 0 and len(store) >= max_states:
                return finish("stopped", f"state limit of {max_states} reached")
    except KeyboardInterrupt:
        return finish("stopped", "interrupted")
    return finish("holds")
