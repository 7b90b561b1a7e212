"""Multi-process breadth-first search with hash-partitioned ownership of states.

Each of N worker processes owns the states whose fingerprint is its number modulo N:
it alone keeps them in its visited set, checks them and expands them. Search is
level-synchronous: per level every worker expands its frontier, keeps the successors
it owns, and sends each other worker one batch with the successors that worker owns
(deduplicated against what it already sent). So the first level with a violation is
the shallowest, and counterexamples stay shortest.

States cross processes coded by the system's packers (ids plus, once per peer, the
values behind them): interned ids are private to a process, fingerprints are not, so
the rest of a node (its fingerprints) travels as it is. For the same reason traces are
rebuilt from fingerprints: each owner records (parent worker, parent number,
fingerprint) per state; the coordinator walks that chain back to an initial state,
and the main process turns it into action indices by matching successor
fingerprints, so no process needs to agree with another on successor order.

Workers are forked, so they inherit the system already built by the main process.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
from array import array
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import StopRequested
from ..model import Node, TransitionSystem
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

SENT_CACHE_LIMIT = 2_000_000  # per worker; past it, forget (owners deduplicate anyway)


@dataclass
class _Level:
    """What one worker reports after a level."""

    worker: int
    frontier: int
    new_states: int
    states: int
    transitions: int
    violations: list[tuple[int, int]]  # (property, local state number)
    peak_memory: int


class Transport(Protocol):
    """Coders of states for the other processes (see `evcheck.transfer`)."""

    def packer(self) -> Any: ...

    def unpacker(self) -> Any: ...


def parallel_bfs(
    system: TransitionSystem,
    transport: Transport,
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    workers: int = 2,
    signature: Signature | None = None,
) -> Outcome:
    """Breadth-first search over `workers` processes (same states and verdict as `bfs`)."""
    context = multiprocessing.get_context("fork")
    inboxes = [context.Queue() for _ in range(workers)]
    commands = [context.Queue() for _ in range(workers)]
    results = context.Queue()
    processes = [
        context.Process(
            target=_worker,
            args=(me, workers, system, transport, inboxes, commands[me], results),
            daemon=True,
        )
        for me in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        return _coordinate(system, limits, progress, workers, commands, results, signature)
    finally:
        for queue in commands:
            queue.put(("stop",))
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():  # pragma: no cover - only if a worker hangs
                process.terminate()


def _coordinate(
    system: TransitionSystem,
    limits: Limits,
    progress: ProgressFn | None,
    workers: int,
    commands: list[Any],
    results: Any,
    signature: Signature | None,
) -> Outcome:
    clock = Clock(limits.max_seconds)
    stats = Stats()
    violations = Violations(limits.max_counterexamples, signature)
    depth = 0  # levels expanded so far
    deepest = 0  # the deepest level that holds a state
    peak = 0

    def collect() -> list[_Level]:
        nonlocal peak
        levels = sorted((results.get() for _ in range(workers)), key=lambda lv: lv.worker)
        stats.states = sum(lv.states for lv in levels)
        stats.transitions += sum(lv.transitions for lv in levels)
        peak = max(peak, sum(lv.peak_memory for lv in levels))
        return levels

    def finish(status: str, reason: str | None = None, frontier: int = 0) -> Outcome:
        stats.depth = deepest
        stats.seconds = clock.elapsed()
        stats.peak_memory_bytes = max(peak, peak_memory_bytes())
        stats.frontier_left = frontier
        if status == "holds" and violations.found:
            status = "violated"
        return Outcome(status, stats, violations.found, reason)  # type: ignore[arg-type]

    levels = collect()  # level 0: the initial states
    try:
        while True:
            found = sorted(
                (prop, lv.worker, number) for lv in levels for prop, number in lv.violations
            )
            for prop, worker, number in found:
                path = _path_to(system, worker, number, commands, results)
                if violations.add(prop, path, *_last_step(system, path)):
                    return finish("violated")
            frontier = sum(lv.frontier for lv in levels)
            if frontier == 0:
                return finish("holds")
            if limits.max_depth is not None and depth >= limits.max_depth:
                stats.depth_bounded = frontier
                return finish("holds", frontier=frontier)
            if limits.max_states is not None and stats.states >= limits.max_states:
                return finish("stopped", f"state limit of {limits.max_states} reached", frontier)
            if clock.expired():
                return finish("stopped", f"time limit of {limits.max_seconds:g}s reached", frontier)
            for queue in commands:
                queue.put(("expand",))
            levels = collect()
            depth += 1
            if any(lv.new_states for lv in levels):
                deepest = depth
            if progress is not None:
                stats.seconds = clock.elapsed()
                progress(stats, sum(lv.frontier for lv in levels))
    except KeyboardInterrupt:
        return finish("stopped", "interrupted")
    except StopRequested as stop_request:
        return finish("stopped", stop_request.reason)


def _path_to(
    system: TransitionSystem, worker: int, number: int, commands: list[Any], results: Any
) -> tuple[int, ...]:
    """The action-index path of a state, rebuilt from the owners' parent records."""
    chain = []
    while worker >= 0:
        commands[worker].put(("parent", number))
        fp, worker, number = results.get()
        chain.append(fp)
    chain.reverse()
    initial = system.initial()
    start = next(k for k, node in enumerate(initial) if node[1] == chain[0])
    path = [start]
    node = initial[start]
    for fp in chain[1:]:
        succs = system.successors(node)
        k = next(k for k, nxt in enumerate(succs) if nxt[1] == fp)
        path.append(k)
        node = succs[k]
    return tuple(path)


def _last_step(system: TransitionSystem, path: tuple[int, ...]) -> tuple[Any, int | None]:
    """The state before the last action of `path`, and that action (for de-duplication)."""
    if len(path) == 1:
        return None, None
    node = system.initial()[path[0]]
    for k in path[1:-1]:
        node = system.successors(node)[k]
    return node[0], path[-1]


def _worker(
    me: int,
    workers: int,
    system: TransitionSystem,
    transport: Transport,
    inboxes: list[Any],
    commands: Any,
    results: Any,
) -> None:
    # Ctrl-C is the coordinator's to handle (it stops the workers and reports).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()
    seen: set[int] = set()
    sent: set[int] = set()
    parent_worker = array("b")
    parent_number = array("q")
    fingerprints = array("Q")
    check = system.check
    frontier: list[tuple[Node, int]] = []
    transitions = 0
    packers = [transport.packer() for _ in range(workers)]
    unpackers = [transport.unpacker() for _ in range(workers)]

    def admit(
        node: Node,
        pworker: int,
        pnumber: int,
        into: list[tuple[Node, int]],
        found: list[tuple[int, int]],
    ) -> None:
        seen.add(node[1])
        parent_worker.append(pworker)
        parent_number.append(pnumber)
        fingerprints.append(node[1])
        number = len(fingerprints) - 1
        prop = check(node[0])
        if prop is None:
            into.append((node, number))
        else:
            found.append((prop, number))

    def report(new_states: int, found: list[tuple[int, int]]) -> None:
        results.put(
            _Level(
                me,
                len(frontier),
                new_states,
                len(fingerprints),
                transitions,
                found,
                peak_memory_bytes(),
            )
        )

    found: list[tuple[int, int]] = []
    for node in system.initial():
        if node[1] % workers == me and node[1] not in seen:
            admit(node, -1, -1, frontier, found)
    report(len(fingerprints), found)

    while True:
        command = commands.get()
        if command[0] == "stop":
            return
        if command[0] == "parent":
            number = command[1]
            results.put((fingerprints[number], parent_worker[number], parent_number[number]))
            continue
        before = len(fingerprints)
        transitions = 0
        found = []
        next_frontier: list[tuple[Node, int]] = []
        outgoing: list[list[tuple[Any, Any, int]]] = [[] for _ in range(workers)]
        definitions: list[list[Any]] = [[] for _ in range(workers)]
        for node, number in frontier:
            succs = system.successors(node)
            transitions += len(succs)
            for nxt in succs:
                fp = nxt[1]
                owner = fp % workers
                if owner == me:
                    if fp not in seen:
                        admit(nxt, me, number, next_frontier, found)
                elif fp not in sent:
                    sent.add(fp)
                    packed = packers[owner].pack(nxt[0], definitions[owner])
                    outgoing[owner].append((packed, nxt[1:], number))
        if len(sent) > SENT_CACHE_LIMIT:
            sent.clear()
        for other in range(workers):
            if other != me:
                inboxes[other].put((me, definitions[other], outgoing[other]))
        for _ in range(workers - 1):
            source, defs, batch = inboxes[me].get()
            unpacker = unpackers[source]
            unpacker.define(defs)
            for packed, rest, pnumber in batch:
                if rest[0] not in seen:
                    node = (unpacker.unpack(packed), *rest)
                    admit(node, source, pnumber, next_frontier, found)
        frontier = next_frontier
        report(len(fingerprints) - before, found)


__all__ = ["parallel_bfs"]
