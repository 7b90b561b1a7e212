"""The native core against the Python engine, the reference: on every spec in `specs/`
(and variants: no reduction, depth-first, depth bounds, several counterexamples, two
threads), identical verdicts, state and transition counts, depth, frontier left, fault
kinds exercised, premise counts and counterexamples, step for step. Specs written here
exercise what the core covers since issue 17 item 3: enabling conditions on handlers
and timers, per-operation budgets, request operations completed by replies, failure
detectors, invariants that read the environment, and convergence to an expected value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evcheck import (
    Fail,
    Replica,
    Spec,
    eventual_convergence,
    field,
    invariant,
    linearizability,
    load_spec,
    message,
    on,
    operation,
    quiescent_convergence,
    read_your_writes,
    strong_eventual_consistency,
    symmetric_values,
    timer,
    verify_spec,
)
from evcheck.errors import SpecError, StopRequested
from evcheck.models import GCounter, LamportLWW, SteppingDownFailover, SuspectingFailover
from evcheck.models.consensus import RaftReplica, SelfCommitRaft
from evcheck.models.quorum import CountingQuorumReplica, SloppyQuorumReplica
from evcheck.native import available
from evcheck.native_tables import unsupported
from evcheck.results import Result
from evcheck.search import Limits
from tests.differential.cases import REQUEST_SPECS
from tests.support import System

ROOT = Path(__file__).resolve().parent.parent.parent
SPECS = sorted(p.name for p in (ROOT / "specs").glob("*.py"))
# Large state spaces are compared up to a state limit (which compares the limit too).
CAP = 20_000

pytestmark = pytest.mark.skipif(not available(), reason="native core not built")


def summary(result: Result) -> tuple[Any, ...]:
    s = result.stats
    cexs = [
        (c.property, c.initial, c.found_length, c.loop, tuple(c.trace.actions))
        for c in result.violations
    ]
    return (
        result.status,
        s.states,
        s.transitions,
        s.depth,
        s.frontier_left,
        s.depth_bounded,
        result.stop_reason,
        cexs,
        result.faults_exercised,
        result.premises,
    )


def both(path: str, **kw: Any) -> tuple[Result, Result]:
    spec = load_spec(str(ROOT / "specs" / path))
    python = verify_spec(spec, engine="python", **{k: v for k, v in kw.items() if k != "workers"})
    native = verify_spec(spec, engine="native", **kw)
    return python, native


@pytest.mark.parametrize("path", SPECS)
def test_every_spec_explores_identically(path: str) -> None:
    python, native = both(path, limits=Limits(max_states=CAP))
    assert python.engine == "python"
    if native.engine == "python":
        assert native.engine_note and "does not cover" in native.engine_note
    assert summary(native) == summary(python)


@pytest.mark.parametrize(
    "path", ["lww.py", "lww_no_tiebreak.py", "lww_volatile_stamp.py", "counter_dup.py"]
)
def test_without_partial_order_reduction(path: str) -> None:
    spec = load_spec(str(ROOT / "specs" / path)).with_por(False)
    python = verify_spec(spec, engine="python")
    native = verify_spec(spec, engine="native")
    assert native.engine == "native"
    assert summary(native) == summary(python)


@pytest.mark.parametrize(
    "path", ["lww.py", "lww_no_tiebreak.py", "lww_wallclock.py", "gcounter.py"]
)
def test_depth_first(path: str) -> None:
    python, native = both(path, strategy="dfs", limits=Limits(max_states=CAP), shrink=False)
    assert native.engine == "native"
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", SPECS)
def test_every_spec_explores_identically_in_two_threads(path: str) -> None:
    try:
        python, native = both(path, limits=Limits(max_states=CAP), workers=2)
    except SpecError as e:  # liveness and `sometimes` properties need one worker
        pytest.skip(str(e))
    if native.engine != "native":
        pytest.skip("not covered by the native core (two workers are processes there)")
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", ["lww_anti_entropy.py", "lww.py", "gcounter.py"])
@pytest.mark.parametrize(("strategy", "workers"), [("bfs", 1), ("dfs", 1), ("bfs", 2)])
def test_depth_bound(path: str, strategy: str, workers: int) -> None:
    python, native = both(path, strategy=strategy, limits=Limits(max_depth=6), workers=workers)
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", ["lww_no_tiebreak.py", "counter_dup.py", "lww_loss.py"])
@pytest.mark.parametrize("workers", [1, 2])
def test_several_counterexamples(path: str, workers: int) -> None:
    python, native = both(path, limits=Limits(max_counterexamples=3), workers=workers)
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", ["lww.py", "lww_no_tiebreak.py", "lww_retry.py", "gcounter.py"])
def test_two_threads_give_one_threads_results(path: str) -> None:
    spec = load_spec(str(ROOT / "specs" / path)).with_por(False)
    one = verify_spec(spec, engine="native", limits=Limits(max_states=CAP))
    two = verify_spec(spec, engine="native", limits=Limits(max_states=CAP), workers=2)
    python = verify_spec(spec, engine="python", limits=Limits(max_states=CAP))
    assert summary(one) == summary(two) == summary(python)


def test_time_limit_stops_with_partial_statistics() -> None:
    spec = load_spec(str(ROOT / "specs" / "lww_anti_entropy.py"))
    result = verify_spec(spec, engine="native", limits=Limits(max_seconds=0.0))
    assert result.status == "stopped"
    assert result.stop_reason == "time limit of 0s reached"
    assert result.stats.states > 0


def test_unsupported_features_fall_back_to_python() -> None:
    spec = Spec(
        LamportLWW,
        replicas=2,
        values=("a", "b"),
        ops_per_replica=1,
        properties=[quiescent_convergence, eventual_convergence],
    )
    python = verify_spec(spec, engine="python", strategy="dfs")
    result = verify_spec(spec, engine="native", strategy="dfs")
    assert result.engine == "python"
    assert result.engine_note is not None
    assert "recording the state graph with strategy dfs" in result.engine_note
    assert summary(result) == summary(python)


@pytest.mark.parametrize(
    ("path", "variant"),
    [("gcounter.py", "replicas"), ("lww.py", "values"), ("lww_no_tiebreak.py", "values")],
)
@pytest.mark.parametrize("workers", [1, 2])
def test_symmetry(path: str, variant: str, workers: int) -> None:
    spec = load_spec(str(ROOT / "specs" / path))
    if variant == "replicas":
        spec = spec.with_symmetry(["replicas"])
    else:
        spec = spec.with_settings({"values": symmetric_values("a", "b")})
    python = verify_spec(spec, engine="python", limits=Limits(max_states=CAP))
    native = verify_spec(spec, engine="native", limits=Limits(max_states=CAP), workers=workers)
    assert native.engine == "native"
    assert summary(native) == summary(python)


# -- features the core covers since issue 17 item 3 ------------------------------------


@message
class Offer:
    value: Any


class Patient(Replica):
    """Writes once; an offer waits until its receiver wrote (a guarded handler)."""

    value = field(None)

    @operation(v=("a", "b"), when=lambda self, v: self.value is None)
    def write(self, v: Any) -> None:
        self.value = v
        self.broadcast(Offer(v))

    @on(Offer, when=lambda self, msg: self.value is not None)
    def adopt(self, msg: Offer) -> None:
        self.value = max(self.value, msg.value)

    def observe(self) -> Any:
        return self.value


class Announcer(Replica):
    """Announces its value once per write, by a guarded periodic timer: quiescence needs
    the timer disabled, and a lost announcement leaves the replicas apart."""

    value = field(None)
    told = field(True)

    @operation(v=("a", "b"))
    def write(self, v: Any) -> None:
        self.value = v if self.value is None else max(self.value, v)
        self.told = False

    @timer(periodic=True, when=lambda self: not self.told)
    def announce(self) -> None:
        self.told = True
        self.broadcast(Offer(self.value))

    @on(Offer)
    def hear(self, msg: Offer) -> None:
        if self.value is None or msg.value > self.value:
            self.value = msg.value

    def observe(self) -> Any:
        return self.value


class Brittle(Announcer):
    """Broken: the announcement's enabling condition raises once the value is 'b'."""

    @timer(periodic=True, when=lambda self: {"a": not self.told}[self.value or "a"])
    def announce(self) -> None:
        Announcer.announce(self)


class Elections(Replica):
    """Two operations, one under a budget of its own (max_calls)."""

    term = field(0)
    writes = field(0)

    @operation()
    def elect(self) -> None:
        self.term += 1
        self.broadcast(Offer(self.term))

    @operation()
    def write(self) -> None:
        self.writes += 1

    @on(Offer)
    def hear(self, msg: Offer) -> None:
        self.term = max(self.term, msg.value)

    def observe(self) -> Any:
        return self.term


class Watcher(Replica):
    """Records whom it suspected each time it looks (tests/env/test_detector.py)."""

    saw = field(frozenset())

    @operation()
    def look(self) -> None:
        self.saw = self.saw | {r for r in self.peers if self.suspects(r)}

    def observe(self) -> Any:
        return len(self.saw)


@invariant
def one_primary(w: Any) -> bool | Fail:
    """At most one replica believes it is the primary, crashed ones included (a replica
    invariant: the failover specs' own reads `w.down`, which the core does not cover)."""
    leading = [r.id for r in w.replicas if r.primary]
    return len(leading) <= 1 or Fail(f"{leading} all act as primary")


@invariant(network=True)
def few_in_flight(w: Any) -> bool:
    """at most four messages in flight"""
    return len(w.network) <= 4


@invariant(env=True)
def within_budgets(w: Any) -> bool | Fail:
    """no more faults than declared, and at most one replica down (reads the environment
    but not the network: the core keeps its verdicts per replica slots and global state)"""
    if len(w.down) > 1 or (w.partition is not None and len(w.partition) > 2):
        return Fail(f"down {sorted(w.down, key=int)}, partition {w.partition}")
    return w.faults["loss"] <= 1 and w.faults["crash"] <= 1


@invariant(env=True)
def one_fault_at_a_time(w: Any) -> bool | Fail:
    """no partition while a replica is down (false: both may happen)"""
    if w.down and w.partition is not None:
        return Fail(f"{sorted(w.down, key=int)} down during partition {w.partition}")
    return True


@invariant(env=True)
def down_stays_quiet(w: Any) -> bool | Fail:
    """no message in flight to a replica that is down (false: a crash leaves mail)"""
    for env in w.network:
        if env.dst in w.down:
            return Fail(f"{env} is addressed to {env.dst!r}, which is down")
    return True


def count(updates: list[Any]) -> int:
    """A counter's right value: one per increment applied."""
    return len(updates)


def last_by_replica(updates: list[Any]) -> Any:
    """Wrong for last-writer-wins (the highest replica's write, not the latest): a
    convergence to an expected value that fails."""
    return updates[-1].args[0] if updates else None


def detecting(protocol: type[Replica], detector: str, **faults: int) -> Spec:
    return Spec(
        protocol,
        replicas=3,
        values=("a",),
        max_ops=1,
        detector=detector,
        faults={"crash": 1, **faults},
        properties=[one_primary],
    )


FEATURE_SPECS: dict[str, Callable[[], Spec]] = {
    # enabling conditions (when=) on operations, handlers and timers
    "guarded-handler": lambda: Spec(Patient, replicas=3, max_ops=2),
    "guarded-timer": lambda: Spec(
        Announcer, replicas=2, max_ops=2, properties=[quiescent_convergence]
    ),
    "guarded-timer-loss": lambda: Spec(
        Announcer, replicas=2, max_ops=2, faults={"loss": 1}, properties=[quiescent_convergence]
    ),
    "raising-guard": lambda: Spec(Brittle, replicas=2, max_ops=2),
    # per-operation budgets
    "max-calls": lambda: Spec(Elections, replicas=2, max_calls={"elect": 1, "write": 2}),
    "max-calls-and-ops-per-replica": lambda: Spec(
        Elections, replicas=2, max_calls={"elect": 1}, ops_per_replica=2, faults={"dup": 1}
    ),
    "max-calls-guarded": lambda: Spec(Patient, replicas=2, max_calls={"write": 1}),
    # request operations, completed by replies
    "quorum": REQUEST_SPECS["quorum"],
    "quorum-counting-dup": lambda: Spec(
        CountingQuorumReplica,
        replicas=3,
        R=2,
        W=2,
        sessions={"s1": "r1"},
        ops_per_session=2,
        faults={"dup": 1},
        properties=[read_your_writes],
    ),
    "sloppy-quorum": lambda: Spec(
        SloppyQuorumReplica,
        replicas=3,
        N=2,
        R=1,
        W=2,
        sessions={"s1": "r1"},
        ops_per_session=2,
        properties=[read_your_writes],
    ),
    "sync-primary-backup": REQUEST_SPECS["sync_primary_backup"],
    "async-primary-backup": REQUEST_SPECS["async_primary_backup"],
    "raft": lambda: Spec(
        RaftReplica,
        replicas=3,
        max_term=2,
        sessions={"s1": "*"},
        ops_per_session=2,
        detector="eventually_perfect",
        faults={"false_suspicion": 1},
        properties=[linearizability],
    ),
    "raft-self-commit": lambda: Spec(
        SelfCommitRaft,
        replicas=3,
        max_term=2,
        sessions={"s1": "*"},
        ops_per_session=2,
        detector="eventually_perfect",
        faults={"false_suspicion": 1},
        properties=[linearizability],
    ),
    # failure detectors: suspicions in the slots, wrong ones as actions
    "perfect-detector": lambda: Spec(
        Watcher, replicas=3, max_ops=2, detector="perfect", faults={"crash": 1}, properties=[]
    ),
    "eventually-perfect-detector": lambda: Spec(
        Watcher,
        replicas=3,
        max_ops=2,
        detector="eventually_perfect",
        faults={"crash": 2, "false_suspicion": 2},
        properties=[quiescent_convergence],
    ),
    "suspecting-failover": lambda: detecting(SuspectingFailover, "perfect"),
    "stepping-down-failover": lambda: detecting(
        SteppingDownFailover, "eventually_perfect", false_suspicion=1
    ),
    "stepping-down-failover-loss": lambda: Spec(
        SteppingDownFailover,
        replicas=3,
        values=("a",),
        max_ops=2,
        detector="eventually_perfect",
        faults={"crash": 1, "false_suspicion": 1, "loss": 1},
    ),
    # invariants that read the environment
    "network-invariant": lambda: Spec(
        LamportLWW, replicas=3, values=("a", "b"), ops_per_replica=1, properties=[few_in_flight]
    ),
    "environment-invariant": lambda: Spec(
        LamportLWW,
        replicas=2,
        values=("a", "b"),
        ops_per_replica=1,
        faults={"loss": 1, "crash": 1, "partition": 1},
        properties=[within_budgets],
    ),
    "environment-invariant-violated": lambda: Spec(
        LamportLWW,
        replicas=2,
        values=("a", "b"),
        ops_per_replica=1,
        faults={"loss": 1, "crash": 1, "partition": 1},
        properties=[within_budgets, one_fault_at_a_time],
    ),
    "environment-and-network-invariant": lambda: Spec(
        LamportLWW,
        replicas=2,
        values=("a", "b"),
        ops_per_replica=1,
        faults={"crash": 1, "crash_inbox": "wait"},
        properties=[within_budgets, down_stays_quiet],
    ),
    "failover-spec": lambda: load_spec(str(ROOT / "specs" / "failover_eventual.py")),
    # convergence to an expected value
    "expected-quiescent": lambda: Spec(
        GCounter,
        replicas=3,
        max_ops=2,
        faults={"dup": 1},
        properties=[quiescent_convergence.expecting(count)],
    ),
    "expected-strong": lambda: Spec(
        GCounter,
        replicas=3,
        max_ops=2,
        faults={"dup": 1},
        properties=[strong_eventual_consistency.expecting(count)],
    ),
    "expected-both-loss": lambda: Spec(
        GCounter,
        replicas=3,
        max_ops=2,
        faults={"dup": 1, "loss": 1},
        properties=[
            quiescent_convergence.expecting(count),
            strong_eventual_consistency.expecting(count),
        ],
    ),
    "expected-wrong-value": lambda: Spec(
        LamportLWW,
        replicas=2,
        ops_per_replica=1,
        values=("a", "b"),
        properties=[quiescent_convergence.expecting(last_by_replica)],
    ),
}
FEATURE_CAP = 5_000
VARIANTS: dict[str, dict[str, Any]] = {
    "bfs": {},
    "dfs": {"strategy": "dfs", "shrink": False},
    "2 threads": {"workers": 2},
    "3 counterexamples": {"max_counterexamples": 3},
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", FEATURE_SPECS)
def test_newly_covered_features_run_natively(name: str, variant: str) -> None:
    spec = FEATURE_SPECS[name]()
    assert unsupported(System(spec)) is None
    kw = dict(VARIANTS[variant])
    limits = Limits(max_states=FEATURE_CAP, max_counterexamples=kw.pop("max_counterexamples", 1))
    python = verify_spec(
        spec, engine="python", limits=limits, **{k: v for k, v in kw.items() if k != "workers"}
    )
    native = verify_spec(spec, engine="native", limits=limits, **kw)
    assert native.engine == "native", native.engine_note
    assert summary(native) == summary(python)


def test_the_feature_specs_exercise_what_they_name() -> None:
    """Guards disable something, budgets run out, replies complete requests, and broken
    variants break: otherwise the comparisons above would prove little."""
    verdicts = {
        name: verify_spec(make(), engine="native", limits=Limits(max_states=FEATURE_CAP)).status
        for name, make in FEATURE_SPECS.items()
    }
    assert verdicts == {
        "guarded-handler": "holds",
        "guarded-timer": "holds",
        "guarded-timer-loss": "violated",
        "raising-guard": "violated",
        "max-calls": "holds",
        "max-calls-and-ops-per-replica": "holds",
        "max-calls-guarded": "holds",
        "quorum": "holds",
        "quorum-counting-dup": "violated",
        "sloppy-quorum": "violated",
        "sync-primary-backup": "holds",
        "async-primary-backup": "violated",
        "raft": "stopped",
        "raft-self-commit": "violated",
        "perfect-detector": "holds",
        "eventually-perfect-detector": "violated",
        "suspecting-failover": "violated",
        "stepping-down-failover": "violated",
        "stepping-down-failover-loss": "violated",
        "network-invariant": "violated",
        "environment-invariant": "holds",
        "environment-invariant-violated": "violated",
        "environment-and-network-invariant": "violated",
        "failover-spec": "violated",
        "expected-quiescent": "holds",
        "expected-strong": "holds",
        "expected-both-loss": "violated",
        "expected-wrong-value": "violated",
    }
    quorum = verify_spec(FEATURE_SPECS["quorum"](), engine="native")
    assert quorum.premise_counts["read_your_writes"] > 0  # reads completed by replies


class StopsLate(Replica):
    """Counts deliveries; the third one at a replica asks the search to stop, as a time
    limit reaching a handler would."""

    seen = field(0)

    @operation(v=("a", "b"))
    def write(self, v: Any) -> None:
        self.broadcast(Offer(v))

    @on(Offer)
    def offered(self, msg: Offer, src: Any) -> None:
        if self.seen == 2:
            raise StopRequested("stop requested in a handler")
        self.seen += 1


def test_a_stop_inside_a_handler_keeps_partial_statistics() -> None:
    spec = Spec(StopsLate, replicas=3, ops_per_replica=2, properties=[])
    for engine in ("python", "native"):
        result = verify_spec(spec, engine=engine)
        assert result.engine == engine
        assert result.status == "stopped"
        assert result.stop_reason == "stop requested in a handler"
        assert result.stats.states > 1
        assert result.stats.transitions >= result.stats.states - 1
        assert result.stats.depth > 0


@pytest.mark.parametrize("path", ["lww_no_tiebreak.py", "counter_dup.py", "lww_loss.py"])
def test_several_counterexamples_depth_first(path: str) -> None:
    """Depth-first, the core keeps no parents: each counterexample's path is the trail of
    states expanded at each depth, which must be the Python engine's parent chain."""
    python, native = both(
        path, strategy="dfs", limits=Limits(max_counterexamples=3, max_states=CAP), shrink=False
    )
    assert native.engine == "native"
    assert summary(native) == summary(python)
    assert len(native.violations) > 1
