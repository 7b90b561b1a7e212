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
They die with it (the kernel signals them when it exits, on Linux), and one that fails
sends its error back: the coordinator never waits on a worker that is gone, it polls
for results and checks that every worker is alive, and reports a failed or dead worker
as an error of the run (a spec error as one, a MemoryError as one).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import EvcheckError, SpecError, StopRequested
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
from .lifeline import die_with_parent

SENT_CACHE_LIMIT = 2_000_000  # per worker; past it, forget (owners deduplicate anyway)
POLL_SECONDS = 0.2  # how often a waiting coordinator checks that its workers are alive


@dataclass(frozen=True)
class _Failed:
    """A worker's last message: the error that ended it."""

    worker: int
    kind: str  # "spec" (a SpecError), "memory" (a MemoryError), or "other"
    message: str


class _Results:
    """The coordinator's end of the results queue: a get that cannot hang on a dead worker."""

    def __init__(self, results: Any, processes: list[Any]) -> None:
        self.results = results
        self.processes = processes

    def get(self) -> Any:
        """The next message; a worker's failure or death raises, as an error of the run."""
        while True:
            try:
                message = self.results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self._check_alive()
                continue
            if isinstance(message, _Failed):
                raise _error(message)
            return message

    def _check_alive(self) -> None:
        for k, process in enumerate(self.processes):
            if not process.is_alive():
                try:  # its error may have arrived just before it ended
                    message = self.results.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    raise _death(k, process.exitcode) from None
                if isinstance(message, _Failed):
                    raise _error(message)
                raise _death(k, process.exitcode)


def _error(failed: _Failed) -> BaseException:
    if failed.kind == "spec":
        return SpecError(failed.message)
    if failed.kind == "memory":
        return MemoryError(f"worker {failed.worker}: {failed.message}")
    return EvcheckError(f"worker {failed.worker} failed: {failed.message}")


def _death(worker: int, exitcode: int | None) -> BaseException:
    """A worker that ended without a word: SIGKILL is most likely the out-of-memory killer
    (a stop, as for the main process); any other end is an error of the run."""
    if exitcode == -signal.SIGKILL:
        return MemoryError(f"worker {worker} was killed by SIGKILL")
    if exitcode is not None and exitcode < 0:
        return EvcheckError(
            f"worker {worker} died of {signal.Signals(-exitcode).name} before reporting"
        )
    return EvcheckError(f"worker {worker} exited with status {exitcode} before reporting")


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
    premises: tuple[int, ...] | None = None  # this worker's premise counters so far


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
    premises: Callable[[], tuple[int, ...]] | None = None,
) -> Outcome:
    """Breadth-first search over `workers` processes (same states and verdict as `bfs`).

    `premises` reads the premise counters of the system in a worker; each state is checked
    and expanded by one worker, so the outcome's counters are the workers' sums."""
    context = multiprocessing.get_context("fork")
    inboxes = [context.Queue() for _ in range(workers)]
    commands = [context.Queue() for _ in range(workers)]
    results = context.Queue()
    processes = [
        context.Process(
            target=_worker,
            args=(
                me,
                workers,
                system,
                transport,
                inboxes,
                commands[me],
                results,
                os.getpid(),
                premises,
            ),
            daemon=True,
        )
        for me in range(workers)
    ]
    for process in processes:
        process.start()
    finished = False
    try:
        outcome = _coordinate(
            system, limits, progress, workers, commands, _Results(results, processes), signature
        )
        finished = True
        return outcome
    finally:
        if finished:  # the workers wait for commands: let them end
            for inbox in commands:
                inbox.put(("stop",))
        for process in processes:
            if finished:
                process.join(timeout=10)
            if process.is_alive():  # a failure elsewhere, or a worker that hangs
                process.terminate()
                process.join()


def _coordinate(
    system: TransitionSystem,
    limits: Limits,
    progress: ProgressFn | None,
    workers: int,
    commands: list[Any],
    results: _Results,
    signature: Signature | None,
) -> Outcome:
    clock = Clock(limits.max_seconds)
    stats = Stats()
    violations = Violations(limits.max_counterexamples, signature)
    depth = 0  # levels expanded so far
    deepest = 0  # the deepest level that holds a state
    peak = 0
    counted: tuple[int, ...] | None = None

    def collect() -> list[_Level]:
        nonlocal peak, counted
        levels = sorted((results.get() for _ in range(workers)), key=lambda lv: lv.worker)
        reported = [lv.premises for lv in levels if lv.premises is not None]
        if reported:
            counted = tuple(sum(column) for column in zip(*reported, strict=True))
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
        return Outcome(status, stats, violations.found, reason, premises=counted)  # type: ignore[arg-type]

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
    system: TransitionSystem, worker: int, number: int, commands: list[Any], results: _Results
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
    coordinator: int,
    premises: Callable[[], tuple[int, ...]] | None = None,
) -> None:
    """A worker's life: explore until told to stop; an error is sent back, not printed."""
    # Ctrl-C is the coordinator's to handle (it stops the workers and reports); SIGTERM
    # (sent by `terminate()`) just ends a worker, whatever handler it inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(coordinator)
    try:
        _explore(me, workers, system, transport, inboxes, commands, results, premises)
    except BaseException as exc:
        kind = (
            "spec"
            if isinstance(exc, SpecError)
            else "memory"
            if isinstance(exc, MemoryError)
            else "other"
        )
        exc.__traceback__ = None  # free what the failed search held before sending
        message = str(exc) if kind == "spec" else f"{type(exc).__name__}: {exc}"
        results.put(_Failed(me, kind, message))
        results.close()
        results.join_thread()
        os._exit(1)


def _explore(
    me: int,
    workers: int,
    system: TransitionSystem,
    transport: Transport,
    inboxes: list[Any],
    commands: Any,
    results: Any,
    premises: Callable[[], tuple[int, ...]] | None = None,
) -> None:
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
                None if premises is None else premises(),
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
