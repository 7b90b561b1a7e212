"""Run a spec: build its transition system, explore it, and turn found paths into traces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .consistency import HISTORY_PROPERTIES, Event, check_history
from .dsl import Spec
from .errors import EvcheckError, ReplayError, SpecError
from .fingerprint import collision_probability
from .model import Node, TransitionSystem
from .search import ENGINES, NO_LIMITS, Limits, Outcome, ProgressFn, Stats, parallel_bfs, simulate
from .search.common import Found
from .shrink import shrink as shrink_labels
from .solver import Op, judge
from .symmetry import Symmetric
from .system import System
from .trace import Trace, replay, replay_labels

if TYPE_CHECKING:
    from .tracefile import SavedTrace


@dataclass(frozen=True)
class Counterexample:
    """A violated property, why, and the trace that leads there.

    `initial` is the index of the initial state the trace starts from;
    `found_length` the length before shrinking (equal when nothing could be dropped);
    `conflict_steps` the steps whose operations Z3 names in a conflict (reports
    highlight them).
    """

    property: str
    description: str
    explanation: str
    trace: Trace
    initial: int = 0
    found_length: int = 0
    conflict_steps: tuple[int, ...] = ()


@dataclass
class Result:
    """The outcome of checking a spec: `ok` when every property holds within the bounds."""

    spec: Spec
    status: str
    stats: Stats
    strategy: str
    bounds: str
    properties: list[str]
    counterexamples: list[Counterexample] = field(default_factory=list)
    stop_reason: str | None = None
    tables: dict[str, int] = field(default_factory=dict)
    faults_declared: list[str] = field(default_factory=list)
    faults_exercised: list[str] = field(default_factory=list)
    seed: int | None = None
    runs: int | None = None
    workers: int = 1
    z3: Z3Report | None = None
    lanes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "holds"

    @property
    def counterexample(self) -> Counterexample | None:
        return self.counterexamples[0] if self.counterexamples else None

    @property
    def violations(self) -> list[Counterexample]:
        return self.counterexamples

    @property
    def trace(self) -> Trace | None:
        """The first counterexample's trace, if any."""
        cex = self.counterexample
        return cex.trace if cex is not None else None

    @property
    def collision_probability(self) -> float:
        return collision_probability(self.stats.states)

    def expect_violation(
        self, prop: str, *, max_length: int | None = None, length: int | None = None
    ) -> Counterexample:
        """Assert that `prop` is violated (within `max_length` steps, or in exactly `length`)."""
        found = [c for c in self.counterexamples if c.property == prop]
        if not found:
            seen = ", ".join(c.property for c in self.counterexamples) or "none"
            raise AssertionError(
                f"expected {prop} to be violated, but the run ended {self.status} "
                f"(violations: {seen})"
            )
        cex = found[0]
        if max_length is not None and len(cex.trace) > max_length:
            raise AssertionError(
                f"{prop} is violated after {len(cex.trace)} steps, more than {max_length}"
            )
        if length is not None and len(cex.trace) != length:
            raise AssertionError(f"{prop} is violated after {len(cex.trace)} steps, not {length}")
        return cex

    def __repr__(self) -> str:
        cex = self.counterexample
        if cex is None:
            return f"<Result {self.spec.name}: {self.status}, {self.stats.states} states>"
        return f"<Result {self.spec.name}: {cex.property} violated after {len(cex.trace)} steps>"

    def report(self) -> str:
        """The full text report, as `evcheck verify` prints it."""
        from .render.text import render_result

        return render_result(self, chart=True)


def verify_spec(
    spec: Spec,
    *,
    strategy: str = "bfs",
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    shrink: bool = True,
    workers: int = 1,
) -> Result:
    """Explore every behaviour of `spec` within its bounds and `limits`.

    With `workers` > 1, breadth-first search runs in that many processes (same states,
    verdict and shortest counterexamples as one)."""
    system = System(spec)
    explored = _explored(system)
    if workers > 1:
        if strategy != "bfs":
            raise SpecError(f"--workers runs breadth-first search only, not {strategy}")
        outcome = parallel_bfs(explored, limits, progress, workers=workers)
    else:
        outcome = ENGINES[strategy](explored, limits, progress)
    result = _result(system, explored, outcome, strategy, shrink)
    result.workers = workers
    return result


def simulate_spec(
    spec: Spec,
    *,
    runs: int,
    depth: int,
    seed: int,
    limits: Limits = NO_LIMITS,
    shrink: bool = True,
    progress: ProgressFn | None = None,
) -> Result:
    """Random walks through `spec`'s state space (reproducible from `seed`)."""
    system = System(spec)
    explored = _explored(system)
    outcome = simulate(explored, runs, depth, seed, limits, progress)
    result = _result(system, explored, outcome, "simulation", shrink)
    result.seed, result.runs = seed, outcome.runs
    return result


def history_of(trace: Trace) -> list[Event]:
    """The client operations of a trace, with the step each happened at."""
    events = []
    updates: dict[tuple[str, int], Any] = {}  # (replica, n-th update there) -> value written
    made: dict[str, int] = {}
    for step in trace.steps[1:]:
        detail = step.detail
        if detail is None or detail.kind != "op":
            continue
        replica = detail.actor or ""
        is_read = detail.event is not None and detail.event[1] == "read"
        if not is_read:
            made[replica] = made.get(replica, 0) + 1
        if detail.event is None or detail.session is None:
            continue
        _, kind, key, value = detail.event
        if kind == "write":
            updates[(replica, made[replica])] = value
        applied = None
        raw = step.view.values.get(replica, {})
        if kind == "read" and "applied" in raw:
            applied = frozenset(
                updates[(repr(r), k)] for r, k in raw["applied"] if (repr(r), k) in updates
            )
        events.append(Event(step.index, detail.session, replica, kind, key, value, applied))
    return events


def _confirmed(prop: str, events: list[Event]) -> str:
    """The monitor's explanation of a history violation, confirmed by the Z3 judge.

    The two judges decide the same axioms independently; a disagreement is a bug in
    evcheck, reported as such rather than as a verdict."""
    explanation = check_history(prop, events)
    verdict = judge(prop, [_op(e) for e in events])
    if explanation is None or verdict.ok:
        raise EvcheckError(
            f"internal error: the {prop} monitor and Z3 disagree on this history "
            f"(monitor: {explanation or 'holds'}; Z3: {'holds' if verdict.ok else 'violated'}): "
            + "; ".join(e.describe() for e in events)
        )
    return f"{explanation} (confirmed by Z3: {verdict.explanation})"


def _op(event: Event) -> Op:
    return Op(
        event.index,
        event.session,
        event.kind,
        event.key,
        event.value,
        event.index,
        event.index,
        event.replica,
        event.applied,
    )


def _explored(system: System) -> TransitionSystem:
    """The system the engine explores: with symmetry, canonical fingerprints on top.

    Either way the successor order is the system's own, so paths found replay on it."""
    return Symmetric(system) if system.symmetry else system


def _result(
    system: System, explored: TransitionSystem, outcome: Outcome, strategy: str, shrink: bool
) -> Result:
    group = explored.size if isinstance(explored, Symmetric) else 1
    result = Result(
        spec=system.spec,
        status=outcome.status,
        stats=outcome.stats,
        strategy=strategy,
        bounds=system.describe_bounds(symmetry_group=group),
        properties=list(system.property_names),
        stop_reason=outcome.stop_reason,
        tables=system.table_sizes(),
        lanes=list(system.lanes),
    )
    result.faults_declared, result.faults_exercised = system.faults_report()
    result.counterexamples = [
        _counterexample(system, found, shrink) for found in outcome.violations
    ]
    return result


def _counterexample(system: System, found: Found, shrink: bool) -> Counterexample:
    trace = replay(system, found.path)
    initial = found.path[0]
    found_length = len(trace)
    if shrink and len(trace) > 1:
        labels = shrink_labels(system, initial, trace.actions, found.prop)
        if len(labels) < len(trace):
            trace = replay_labels(system, initial, labels).trace
    last = trace.steps[-1].state
    name = system.property_names[found.prop]
    explanation = system.explain(last, found.prop)
    if name in HISTORY_PROPERTIES:
        explanation = _confirmed(name, history_of(trace))
    return Counterexample(
        property=name,
        description=system.property_descriptions[found.prop],
        explanation=explanation,
        trace=trace,
        initial=initial,
        found_length=found_length,
    )


@dataclass(frozen=True)
class ReplayReport:
    """What re-executing a saved trace against a spec showed.

    `outcome` is one of: `same_violation` (the recorded property fails at the recorded
    step), `different_violation`, `no_violation` (every step applied and nothing
    failed: the bug is fixed), `not_applicable` (some step's action is no longer
    enabled, or the recorded settings no longer fit the spec).
    """

    outcome: str
    expected_property: str
    expected_length: int
    message: str
    trace: Trace | None = None
    violated_property: str | None = None
    violated_step: int | None = None


def replay_saved(spec: Spec, saved: SavedTrace) -> ReplayReport:
    """Re-execute `saved` against `spec` under the settings and faults it was found with."""
    expected = (saved.property, len(saved.actions))
    try:
        spec = spec.with_settings(saved.settings).with_faults(saved.faults)
    except SpecError as exc:
        return ReplayReport(
            "not_applicable", *expected, f"the recorded settings no longer apply: {exc}"
        )
    system = System(spec)
    try:
        replayed = replay_labels(system, saved.initial, saved.actions)
    except ReplayError as exc:
        return ReplayReport("not_applicable", *expected, str(exc))
    if replayed.violation is not None:
        step, prop = replayed.violation
        name = system.property_names[prop]
        explanation = system.explain(replayed.trace.steps[-1].state, prop)
        same = name == saved.property and step == len(saved.actions)
        where = f"{name} fails at step {step}"
        message = (
            f"same violation: {where}, as recorded: {explanation}"
            if same
            else f"different outcome: {where} (recorded: {saved.property} at step "
            f"{len(saved.actions)}): {explanation}"
        )
        outcome = "same_violation" if same else "different_violation"
        return ReplayReport(outcome, *expected, message, replayed.trace, name, step)
    if replayed.stuck_at is not None:
        enabled = ", ".join(replayed.enabled) or "nothing"
        return ReplayReport(
            "not_applicable",
            *expected,
            f"the trace no longer applies: step {replayed.stuck_at}, {replayed.stuck_action}, "
            f"is not enabled (enabled: {enabled})",
            replayed.trace,
        )
    return ReplayReport(
        "no_violation",
        *expected,
        f"no violation: all {len(saved.actions)} steps apply and every property holds along "
        f"the trace (recorded: {saved.property} at step {len(saved.actions)})",
        replayed.trace,
    )


@dataclass
class Z3Report:
    """What `--z3-all` found: distinct histories judged by Z3 and by the monitors."""

    histories: int = 0
    judgements: int = 0
    violations: int = 0
    seconds: float = 0.0
    complete: bool = True
    disagreements: list[str] = field(default_factory=list)

    @property
    def histories_per_second(self) -> float:
        return self.histories / self.seconds if self.seconds > 0 else 0.0


def z3_all(spec: Spec, max_histories: int = 20_000) -> Z3Report:
    """Judge every distinct client history of `spec` with Z3 and with the monitors.

    Histories belong to paths, not states (two paths to one state may record different
    operations), so this search runs over (state, history) pairs; each distinct history
    is judged once per history property and the verdicts are compared.
    """
    import time

    props = [p.name for p in spec.properties if p.name in HISTORY_PROPERTIES]
    report = Z3Report()
    if not props:
        return report
    system = System(spec.with_por(False))
    start = time.perf_counter()
    judged: set[tuple[Any, ...]] = set()
    seen: set[tuple[int, tuple[Any, ...]]] = set()
    stack: list[tuple[Node, tuple[Any, ...]]] = [(node, ()) for node in system.initial()]
    while stack:
        node, history = stack.pop()
        actions = system.actions(node[0])
        for action, nxt in zip(actions, system.successors(node), strict=True):
            extended = history
            if action.event is not None and action.session is not None:
                extended = (*history, (action.session, *action.event))
            if (nxt[1], extended) in seen:
                continue
            seen.add((nxt[1], extended))
            if extended is not history and extended not in judged:
                if len(judged) >= max_histories:
                    report.complete = False
                    stack.clear()
                    break
                judged.add(extended)
                _judge_both(props, extended, report)
            if system.check(nxt[0]) is None:
                stack.append((nxt, extended))
    report.histories = len(judged)
    report.seconds = time.perf_counter() - start
    return report


def _judge_both(props: list[str], history: tuple[Any, ...], report: Z3Report) -> None:
    events = [
        Event(i, session, replica, kind, key, value)
        for i, (session, replica, kind, key, value) in enumerate(history, start=1)
    ]
    for prop in props:
        monitor_ok = check_history(prop, events) is None
        z3_ok = judge(prop, [_op(e) for e in events]).ok
        report.judgements += 1
        report.violations += not z3_ok
        if monitor_ok != z3_ok:
            report.disagreements.append(
                f"{prop}: monitor {'holds' if monitor_ok else 'violated'}, Z3 "
                f"{'holds' if z3_ok else 'violated'}: " + "; ".join(e.describe() for e in events)
            )
