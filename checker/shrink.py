"""Shrinking: drop the steps a counterexample does not need.

Candidates are replayed by action label, so removing a step leaves the others
meaning the same thing. Actions no longer enabled are skipped (removing a write also
removes the deliveries of what it sent), and a candidate counts only if the *same*
property fails (the trace is cut at the first failure). Removal runs over chunks of
halving size, as in delta debugging.
BFS traces are already shortest, so for them this only confirms minimality; DFS and
simulation traces usually shrink a lot.

Shrinking can be interrupted (Ctrl-C, SIGTERM, a time limit): it then returns the
shortest trace found so far, which still violates the property. A counterexample
already found is never lost to an interrupt.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import StopRequested
from .model import Inspectable
from .trace import replay_labels


def shrink(
    system: Inspectable,
    initial: int,
    labels: Sequence[str],
    prop: int,
    max_replays: int = 5000,
) -> list[str]:
    """The shortest sub-sequence of `labels` found that still violates `prop`."""
    replays = 0

    def still_fails(candidate: list[str]) -> list[str] | None:
        nonlocal replays
        replays += 1
        result = replay_labels(system, initial, candidate, skip_disabled=True)
        if result.violation is None:
            return None
        step, violated = result.violation
        return result.trace.actions[:step] if violated == prop else None

    current = list(labels)
    try:
        cut = still_fails(current)
        if cut is None:
            return current
        current = cut
        chunk = max(1, len(current) // 2)
        while chunk >= 1 and replays < max_replays:
            shrunk = False
            start = 0
            while start < len(current) and replays < max_replays:
                candidate = current[:start] + current[start + chunk :]
                result = still_fails(candidate)
                if result is not None and len(result) < len(current):
                    current = result
                    shrunk = True
                else:
                    start += chunk
            if not shrunk:
                chunk //= 2
    except (StopRequested, KeyboardInterrupt):
        pass  # interrupted: `current` is the shortest violating trace found so far
    return current
