"""Run a spec: build its transition system, explore it, and turn found paths into traces."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any

from .checking import describe_premises
from .consistency import HISTORY_PROPERTIES, Event, Op, as_siblings, check_history, event_to_op
from .dsl import Spec
from .errors import EvcheckError, ReplayError, SpecError
from .histories import confirm
from .liveness import Graph, Predicates, Recorder, check_recordable, decide, graph_properties
from .model import Node, TransitionSystem
from .native import (
    StatePredicates,
    graph_kernel,
    native_bfs,
    native_bfs_graph,
    native_dfs,
    native_simulate,
)
from .native import available as native_available
from .native_tables import NativeTables, unsupported
from .plan import compile_plan
from .properties import EventualConvergence, Property
from .results import Counterexample, GraphStats, ReplayReport, Result, Z3Report
from .search import ENGINES, NO_LIMITS, Limits, Outcome, ProgressFn, parallel_bfs, simulate
from .search.common import Found, Signature
from .semantics import Semantics
from .shrink import shrink as shrink_labels
from .solver import judge
from .symmetry import Symmetric
from .trace import Step, Trace, replay, replay_labels
from .tracefile import SavedTrace
from .transfer import Transport


def verify_spec(
    spec: Spec,
    *,
    strategy: str = "bfs",
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
    shrink: bool = True,
    workers: int = 1,
    engine: str = "auto",
    record_graph: bool = False,
) -> Result:
    """Explore every behaviour of `spec` within its bounds and `limits`.

    `engine` is "native" (the compiled core), "python" (the reference engine) or "auto"
    (native where it covers the spec, Python otherwise); both give the same states,
    verdicts and shortest counterexamples. With `workers` > 1, breadth-first search runs
    in that many threads of the native core, or processes of the Python engine. With
    `record_graph` (or liveness properties) the explored graph is kept in
    `result.state_graph`; both engines record it (the native core breadth-first, in one
    thread)."""
    system = Semantics(compile_plan(spec))
    on_graph = graph_properties(system.plan.properties)
    recorder: Recorder | None = None
    recording = bool(on_graph) or record_graph
    explored = _explored(system)
    if record_graph and (workers > 1 or isinstance(explored, Symmetric)):
        raise SpecError("--graph records the concrete graph: use --workers 1 and --symmetry none")
    if on_graph and workers > 1:
        raise SpecError("liveness and sometimes properties are checked with --workers 1")
    if on_graph and limits.max_depth is not None:
        raise SpecError(
            "liveness and sometimes properties need the whole state graph: drop --max-depth"
        )
    predicates = Predicates(system, on_graph)
    if recording:
        check_recordable(system, len(predicates.functions))
    signature = _last_action(system)
    native, note = _native_engine(system, explored, engine, strategy, recording)
    if recording and native is None:
        recorder = Recorder(system, predicates.functions)
        explored = recorder
    graph: Graph | None = None
    node_of: Callable[[list[int]], list[int]] | None = None
    if native is not None and recording:
        user = predicates.user if predicates.user_bits else None
        wanted = StatePredicates(predicates.conv_mask, user, predicates.network)
        outcome, recorded = native_bfs_graph(native, wanted, limits, progress, signature)
        if recorded is not None:
            graph = Graph.from_native(recorded.graph, recorded.initial)
            node_of = recorded.nodes_of
    elif native is not None:
        if workers > 1 and strategy != "bfs":
            raise SpecError(f"--workers runs breadth-first search only, not {strategy}")
        if strategy == "bfs":
            outcome = native_bfs(native, limits, progress, signature, workers)
        else:
            outcome = native_dfs(native, limits, progress, signature)
    elif workers > 1:
        if strategy != "bfs":
            raise SpecError(f"--workers runs breadth-first search only, not {strategy}")
        transport = Transport(system.tables)
        outcome = parallel_bfs(
            explored, transport, limits, progress, workers, signature, system.premise_counts
        )
    else:
        outcome = ENGINES[strategy](explored, limits, progress, signature)
    if native is None and workers == 1:  # counted by the Python semantics themselves
        outcome.premises = system.premise_counts()
    if recorder is not None:
        graph, node_of = recorder.graph(), recorder.nodes_of
    result = _result(spec, system, explored, outcome, strategy, shrink)
    _premises(system, outcome, result)
    result.workers = workers
    result.engine = "python" if native is None else "native"
    result.engine_note = note
    if graph is not None and node_of is not None:
        if on_graph and outcome.status == "holds":
            _decide_graph(system, graph, on_graph, predicates, result)
        if record_graph:
            result.state_graph = graph
            cex = result.counterexample
            if cex is not None:
                fingerprint = system.fingerprint
                nodes = node_of([fingerprint(step.state) for step in cex.trace.steps])
                result.graph_path = [v for v in nodes if v >= 0]
    return result


ENGINE_CHOICES = ("auto", "native", "python")


def _native_engine(
    system: Semantics, explored: TransitionSystem, engine: str, strategy: str, recording: bool
) -> tuple[NativeTables | None, str | None]:
    """The native view of `system` when the native core explores it (`recording` the
    state graph), else None, with a note saying why the Python engine runs instead of a
    requested or default native one."""
    if engine not in ENGINE_CHOICES:
        raise SpecError(f"unknown engine {engine!r} (choose from {', '.join(ENGINE_CHOICES)})")
    if engine == "python":
        return None, None
    if strategy not in ("bfs", "dfs", "simulation"):
        reason: str | None = f"strategy {strategy}"
    elif recording and strategy != "bfs":
        reason = f"recording the state graph with strategy {strategy}"
    elif not native_available():
        reason = "an install without the compiled core"
    else:
        reason = unsupported(system, recording)
    if reason is not None:
        return None, f"the native engine does not cover {reason}: running the Python engine"
    symmetric = explored if isinstance(explored, Symmetric) else None
    return NativeTables(system, symmetric, recording), None


def _premises(system: Semantics, outcome: Outcome, result: Result) -> None:
    """How often each safety property's premise occurred, from the engine's counters."""
    if outcome.premises is None:
        return
    described = describe_premises(system.plan, outcome.premises, outcome.stats.states)
    for name, (what, count, never) in described.items():
        result.set_premise(name, what, count, never)


def _decide_graph(
    system: Semantics,
    graph: Graph,
    on_graph: list[tuple[int, Property]],
    predicates: Predicates,
    result: Result,
) -> None:
    """Decide liveness and sometimes properties on the recorded graph (the search found
    no safety violation, so every state was expanded), with the native core's graph
    algorithms where it is installed."""
    start = time.perf_counter()
    graph = graph.with_kernel(graph_kernel())
    verdicts = decide(system, graph, on_graph, predicates)
    result.graph = GraphStats(len(graph), graph.edges, time.perf_counter() - start)
    for verdict in verdicts:
        name = system.property_names[verdict.prop]
        description = system.property_descriptions[verdict.prop]
        result.premises[name] = verdict.premise
        result.premise_counts[name] = verdict.count
        if verdict.count == 0:
            result.vacuity[name] = verdict.vacuity
        if verdict.lasso is None:
            if not verdict.holds:  # sometimes, never witnessed
                result.counterexamples.append(
                    Counterexample(name, description, verdict.explanation, replay(system, (0,)))
                )
            continue
        trace = replay(system, verdict.lasso.path)
        explanation = verdict.explanation
        if not verdict.holds and isinstance(
            system.plan.properties[verdict.prop - 1], EventualConvergence
        ):
            loop = verdict.lasso.loop or 0
            explanation += f"; in state {loop}: {system.checker.holdings(trace.steps[loop].state)}"
        cex = Counterexample(
            property=name,
            description=description,
            explanation=explanation,
            trace=trace,
            initial=verdict.lasso.initial,
            found_length=len(trace),
            loop=verdict.lasso.loop,
        )
        (result.witnesses if verdict.holds else result.counterexamples).append(cex)
    if result.counterexamples:
        result.status = "violated"


def simulate_spec(
    spec: Spec,
    *,
    runs: int,
    depth: int,
    seed: int,
    limits: Limits = NO_LIMITS,
    shrink: bool = True,
    progress: ProgressFn | None = None,
    engine: str = "auto",
) -> Result:
    """Random walks through `spec`'s state space (reproducible from `seed`).

    `engine` as for `verify_spec`: the native core continues the Python engine's random
    generator, so both take the same walks for a seed and report the same runs, states
    and counterexamples."""
    system = Semantics(compile_plan(spec))
    if graph_properties(system.plan.properties):
        raise SpecError(
            "liveness and sometimes properties are decided on the whole state graph: "
            "use `evcheck verify`, not simulation"
        )
    explored = _explored(system)
    signature = _last_action(system)
    native, note = _native_engine(system, explored, engine, "simulation", False)
    if native is not None:
        outcome = native_simulate(native, runs, depth, seed, limits, progress, signature)
    else:
        outcome = simulate(explored, runs, depth, seed, limits, progress, signature)
    result = _result(spec, system, explored, outcome, "simulation", shrink)
    result.seed, result.runs = seed, outcome.runs
    result.engine = "python" if native is None else "native"
    result.engine_note = note
    return result


def history_of(trace: Trace) -> list[Event] | list[Op]:
    """The client operations of a trace, with the step each happened at: atomic events,
    or, when the trace has requests, operations with intervals (invocation to reply)."""
    events: list[Event] = []
    updates: dict[tuple[str, int], Any] = {}  # (replica, n-th update there) -> value written
    made: dict[str, int] = {}
    ops: list[Op] = []
    open_requests: dict[tuple[str, int], int] = {}  # (session, number) -> position in ops
    for step in trace.steps[1:]:
        detail = step.detail
        if detail is None:
            continue
        if detail.kind == "op":
            _record_operation(step, detail, events, ops, open_requests, updates, made)
        for session, number, value, completed in detail.replies:
            at = open_requests.pop((session, number), None) if completed else None
            if at is None:
                continue
            op = ops[at]
            if op.kind in ("read", "multiread"):
                result = as_siblings(value) if op.kind == "multiread" else value
                ops[at] = replace(op, value=result, end=step.index)
            else:
                failed = op.kind == "cas" and value is not True
                ops[at] = replace(op, end=step.index, failed=failed)
    if not any(s.detail is not None and s.detail.request is not None for s in trace.steps):
        return events
    return ops


def _record_operation(
    step: Any,
    detail: Any,
    events: list[Event],
    ops: list[Op],
    open_requests: dict[tuple[str, int], int],
    updates: dict[tuple[str, int], Any],
    made: dict[str, int],
) -> None:
    replica = detail.actor or ""
    is_read = detail.event is not None and detail.event[1] in ("read", "multiread")
    if not is_read:
        made[replica] = made.get(replica, 0) + 1
    if detail.event is None or detail.session is None:
        return
    where, kind, key, value, failed = detail.event
    if detail.request is not None:
        open_requests[(detail.session, detail.request)] = len(ops)
        ops.append(Op(len(ops), detail.session, kind, key, value, step.index, None, where))
        return
    if kind == "write":
        updates[(replica, made[replica])] = value
    applied = None
    raw = step.view.values.get(replica, {})
    if is_read and "applied" in raw:
        applied = frozenset(
            updates[(repr(u.replica), u.seq)]
            for u in raw["applied"]
            if (repr(u.replica), u.seq) in updates
        )
    event = Event(step.index, detail.session, replica, kind, key, value, applied, failed=failed)
    events.append(event)
    ops.append(replace(event_to_op(event), index=len(ops)))


def _last_action(system: Semantics) -> Signature:
    """Violations count as distinct by the label of their last action."""

    def label(parent: Any, action: int | None) -> Hashable:
        return None if action is None else system.actions(parent)[action].label

    return label


def _explored(system: Semantics) -> TransitionSystem:
    """The system the engine explores: with symmetry, canonical fingerprints on top.

    Either way the successor order is the system's own, so paths found replay on it."""
    return Symmetric(system) if system.plan.symmetry else system


def _result(
    spec: Spec,
    system: Semantics,
    explored: TransitionSystem,
    outcome: Outcome,
    strategy: str,
    shrink: bool,
) -> Result:
    group = explored.size if isinstance(explored, Symmetric) else 1
    result = Result(
        spec=spec,
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


def _counterexample(system: Semantics, found: Found, shrink: bool) -> Counterexample:
    trace = replay(system, found.path)
    initial = found.path[0]
    found_length = len(trace)
    if shrink and len(trace) > 1:
        labels = shrink_labels(system, initial, trace.actions, found.prop)
        if len(labels) < len(trace):
            trace = replay_labels(system, initial, labels).trace
    name = system.property_names[found.prop]
    explanation, conflict = explain_violation(system, trace, found.prop)
    return Counterexample(
        property=name,
        description=system.property_descriptions[found.prop],
        explanation=explanation,
        trace=trace,
        initial=initial,
        found_length=found_length,
        conflict_steps=conflict,
    )


def explain_violation(system: Semantics, trace: Trace, prop: int) -> tuple[str, tuple[int, ...]]:
    """Why `trace` violates property `prop` (by index), and the steps in Z3's conflict.
    A history property's violation is reported only when two independent judges agree
    (evcheck.histories.confirm), on the history with its steps."""
    name = system.property_names[prop]
    if name not in HISTORY_PROPERTIES:
        return system.explain(trace.steps[-1].state, prop), ()
    confirmed = confirm(
        name,
        history_of(trace),
        replicas_apply_own_writes=not system.plan.replicas_forward_writes,
        from_model=True,
    )
    return f"{confirmed.explanation}\nconfirmed by Z3: {confirmed.z3}", confirmed.core


def replay_saved(spec: Spec, saved: SavedTrace) -> ReplayReport:
    """Re-execute `saved` against `spec` under the settings and faults it was found with."""
    expected = (saved.property, len(saved.actions))
    try:
        spec = spec.with_settings(saved.settings).with_faults(saved.faults)
    except SpecError as exc:
        return ReplayReport(
            "not_applicable", *expected, f"the recorded settings no longer apply: {exc}"
        )
    system = Semantics(compile_plan(spec))
    try:
        replayed = replay_labels(system, saved.initial, saved.actions)
    except ReplayError as exc:
        return ReplayReport("not_applicable", *expected, str(exc))
    if saved.loop is not None and replayed.violation is None and replayed.stuck_at is None:
        return _replay_lasso(system, saved, replayed.trace)
    if replayed.violation is not None:
        step, prop = replayed.violation
        name = system.property_names[prop]
        explanation = explain_violation(system, replayed.trace, prop)[0].split("\n")[0]
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


def _replay_lasso(system: Semantics, saved: SavedTrace, trace: Trace) -> ReplayReport:
    """A saved lasso still stands when its steps apply and its cycle still closes: the
    last state is the state the cycle returns to (or, for a stutter, no fair action is
    enabled in it). The property's verdict is the graph's; replay checks the execution."""
    expected = (saved.property, len(saved.actions))
    assert saved.loop is not None
    last = trace.steps[-1].state
    if saved.loop < len(saved.actions):
        closes = trace.steps[saved.loop].state == last
        what = f"steps {saved.loop + 1}-{len(saved.actions)} lead back to state {saved.loop}"
        if not closes:
            what += (
                f" (state {len(saved.actions)} differs from state {saved.loop}: "
                f"{_difference(trace.steps[saved.loop], trace.steps[-1])})"
            )
    else:
        fair = {"deliver", "lose", "heal", "recover", "timer"}
        enabled = [a.label for a in system.actions(last) if a.kind in fair]
        closes = not enabled
        what = f"no fair action is enabled in state {saved.loop}"
        if enabled:
            what = f"state {saved.loop} enables {', '.join(enabled)}"
    if closes:
        return ReplayReport(
            "same_violation",
            *expected,
            f"same lasso: all {len(saved.actions)} steps apply and {what}: "
            f"{saved.property} is still violated by this execution",
            trace,
            saved.property,
            len(saved.actions),
        )
    return ReplayReport(
        "no_violation",
        *expected,
        f"the lasso no longer closes: all {len(saved.actions)} steps apply, but not: {what}",
        trace,
    )


def _difference(start: Step, end: Step) -> str:
    """How state `end` differs from state `start`, as people read them."""
    facts = []
    a, b = start.view.components, end.view.components
    for name in dict.fromkeys([*a, *b]):
        fields_a, fields_b = a.get(name, {}), b.get(name, {})
        for key in dict.fromkeys([*fields_a, *fields_b]):
            was, now = fields_a.get(key, "-"), fields_b.get(key, "-")
            if was != now:
                facts.append(f"{name}.{key} {now} instead of {was}")
    if start.view.in_flight != end.view.in_flight:
        shown = "; ".join(end.view.in_flight) or "nothing"
        facts.append(f"in flight {shown} instead of {'; '.join(start.view.in_flight) or 'nothing'}")
    return ", ".join(facts) or "the states differ in what the report does not show"


def z3_all(spec: Spec, max_histories: int = 20_000) -> Z3Report:
    """Judge every distinct client history of `spec` with Z3 and with the monitors.

    Histories belong to paths, not states (two paths to one state may record different
    operations), so this search runs over (state, history) pairs; each distinct history
    is judged once per history property and the verdicts are compared.
    """
    props = [p.name for p in spec.properties if p.name in HISTORY_PROPERTIES]
    report = Z3Report()
    if not props:
        return report
    system = Semantics(compile_plan(spec.with_por(False)))
    if system.plan.requests:
        raise SpecError(
            "--z3-all cross-checks histories of atomic operations; this spec has requests "
            "(each counterexample is still confirmed by Z3)",
            location=spec.location,
        )
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
                _judge_both(props, extended, report, not system.plan.replicas_forward_writes)
            if system.check(nxt[0]) is None:
                stack.append((nxt, extended))
    report.histories = len(judged)
    report.seconds = time.perf_counter() - start
    return report


def _judge_both(
    props: list[str], history: tuple[Any, ...], report: Z3Report, own_writes: bool
) -> None:
    events = [
        Event(i, session, replica, kind, key, value, failed=failed)
        for i, (session, replica, kind, key, value, failed) in enumerate(history, start=1)
    ]
    for prop in props:
        monitor_ok = check_history(prop, events, replicas_apply_own_writes=own_writes) is None
        z3_ok = judge(
            prop, [event_to_op(e) for e in events], replicas_apply_own_writes=own_writes
        ).ok
        report.judgements += 1
        report.violations += not z3_ok
        if monitor_ok != z3_ok:
            report.disagreements.append(
                f"{prop}: monitor {'holds' if monitor_ok else 'violated'}, Z3 "
                f"{'holds' if z3_ok else 'violated'}: " + "; ".join(e.describe() for e in events)
            )


def checked_z3_all(spec: Spec) -> Z3Report:
    """`--z3-all`: every distinct history judged by Z3 too; a disagreement is a bug in
    evcheck, reported as an error rather than as a verdict."""
    report = z3_all(spec)
    if report.disagreements:
        raise EvcheckError(
            f"internal error: Z3 and the monitors disagree on {len(report.disagreements)} "
            f"history judgement(s); first: {report.disagreements[0]}"
        )
    return report
