"""Random simulation: walks through a state space too large to exhaust.

Each run starts from a random initial state and takes uniformly random actions up to
`depth` steps, checking every state it visits. The seed makes every run, and so every
trace found, reproducible. `max_states` stops the simulation (between runs) once that
many distinct states have been visited.
"""

from __future__ import annotations

import random

from ..errors import StopRequested
from ..model import TransitionSystem
from .common import (
    NO_LIMITS,
    Clock,
    Limits,
    Outcome,
    ProgressFn,
    Signature,
    Stats,
    Violations,
    peak_memory_bytes,
)

PROGRESS_EVERY_RUNS = 100


def simulate(
    system: TransitionSystem,
    runs: int,
    depth: int,
    seed: int,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    signature: Signature | None = None,
) -> Outcome:
    rng = random.Random(seed)
    clock = Clock(limits.max_seconds)
    stats = Stats()
    violations = Violations(limits.max_counterexamples, signature)
    seen: set[int] = set()
    initial = system.initial()
    status = "holds"
    reason = None
    done = 0
    try:
        for _ in range(runs):
            if clock.expired():
                status, reason = "stopped", f"time limit of {limits.max_seconds:g}s reached"
                break
            if limits.max_states is not None and len(seen) >= limits.max_states:
                status, reason = "stopped", f"state limit of {limits.max_states} reached"
                break
            done += 1
            if progress is not None and done % PROGRESS_EVERY_RUNS == 0:
                stats.states, stats.seconds = len(seen), clock.elapsed()
                progress(stats, runs - done)
            start = rng.randrange(len(initial))
            node = initial[start]
            path = [start]
            seen.add(node[1])
            prop = system.check(node[0])
            if prop is not None:
                if violations.add(prop, tuple(path), None, None):
                    break
                continue
            stop = False
            for _ in range(depth):
                succs = system.successors(node)
                if not succs:
                    break
                k = rng.randrange(len(succs))
                parent = node
                node = succs[k]
                path.append(k)
                stats.transitions += 1
                seen.add(node[1])
                stats.depth = max(stats.depth, len(path) - 1)
                prop = system.check(node[0])
                if prop is not None:
                    stop = violations.add(prop, tuple(path), parent[0], k)
                    break
            if stop:
                break
    except KeyboardInterrupt:
        status, reason = "stopped", "interrupted"
    except StopRequested as stop_request:
        status, reason = "stopped", stop_request.reason
    stats.states = len(seen)
    stats.seconds = clock.elapsed()
    stats.peak_memory_bytes = peak_memory_bytes()
    if violations.found:
        status = "violated"
    return Outcome(status, stats, violations.found, reason, runs=done)  # type: ignore[arg-type]
