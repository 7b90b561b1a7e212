"""The cases the differential suite runs: every spec file in specs/ and every protocol of
the library, each at a small bound.

Spec files are found by glob, so a new spec is covered without editing this module. Its
bound is computed, not listed: the first rung of a fixed ladder of ever smaller settings
whose whole state graph (every property dropped, so nothing stops the search) fits in
`STATE_CAP` states. A spec that does not fit even at the last rung is an error raised
when its case is built, never a skip. Library protocols get a hand-written small spec
each; `test_every_library_protocol_has_a_case` (in test_engines.py) fails when a new
protocol is exported without one.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evcheck import (
    Limits,
    Replica,
    Spec,
    SpecError,
    linearizability,
    load_spec,
    monotonic_reads,
    monotonic_writes,
    quiescent_convergence,
    read_your_writes,
    session,
    strong_eventual_consistency,
    verify_spec,
    writes_follow_reads,
)
from evcheck import models as library
from evcheck.models import (
    AntiEntropyLWW,
    Failover,
    GCounter,
    LamportLWW,
    LWWRegister,
    LWWStore,
    NoTiebreakLWW,
    OpCounter,
    RetransmittingCounter,
    RetryLWW,
    SteppingDownFailover,
    SuspectingFailover,
    TimeoutFailover,
    UnorderedStore,
    VolatileStampLWW,
    WallClockLWW,
    at_most_one_primary,
    later_write_wins,
)
from evcheck.models.consensus import SelfCommitRaft
from evcheck.models.primary_backup import AsyncPrimary, Backup, SyncPrimary
from evcheck.models.quorum import CountingQuorumReplica, QuorumReplica
from evcheck.properties import Liveness, Sometimes
from tests.conftest import SPECS

# The CLI installed next to the interpreter running the tests (for subprocess checks).
EVCHECK = Path(sys.executable).with_name("evcheck")

# Largest whole state graph a case may have: keeps every run of every engine well under a
# second, so the suite can afford dozens of runs per case.
STATE_CAP = 2_000

FAULT_KINDS = ("loss", "dup", "partition", "crash", "skew")


@dataclass(frozen=True)
class Case:
    """One spec to compare engines and reductions on: `name` for test ids, `origin` for
    messages (the spec file or the library class), `bound` saying which settings apply."""

    name: str
    origin: str
    spec: Spec
    bound: str


def spec_files() -> list[Path]:
    return sorted(SPECS.glob("*.py"))


def _capped(value: int | None, cap: int) -> int | None:
    return None if value is None else min(value, cap)


def _ladder(spec: Spec) -> Iterator[tuple[str, Spec]]:
    """Ever smaller versions of `spec`, each step keeping the previous ones' cuts."""
    settings: dict[str, Any] = {
        "replicas": min(spec.replicas, 2),
        "ops_per_replica": _capped(spec.ops_per_replica, 1),
        "max_ops": _capped(spec.max_ops, 2),
        "ops_per_session": _capped(spec.ops_per_session, 2),
    }
    try:
        current = spec.with_settings(settings)
        cut = "replicas<=2, 1 op per replica, 2 per session"
    except SpecError:  # roles or explicit partition splits fix the number of replicas
        del settings["replicas"]
        current = spec.with_settings(settings)
        cut = "1 op per replica, 2 per session"
    yield cut, current
    shorter = {k: v[:1] for k, v in current.params.items() if isinstance(v, tuple) and len(v) > 1}
    if shorter:
        current = current.with_settings(shorter)
        yield f"one value for {', '.join(shorter)}", current
    if current.timer_fires > 1:
        current = current.with_settings({"timer_fires": 1})
        yield "timers fire once per change", current
    budgets = {k: 1 for k in FAULT_KINDS if getattr(current.faults, k) > 1}
    if budgets:
        current = current.with_faults(budgets)
        yield "fault budgets of 1", current
    if current.ops_per_replica is not None and current.replicas > 1:
        current = current.with_settings({"ops_per_replica": None, "max_ops": 1})
        yield "1 op in total", current
    if current.ops_per_session is not None and current.ops_per_session > 1:
        current = current.with_settings({"ops_per_session": 1})
        yield "1 op per session", current
    for kind in FAULT_KINDS:
        if getattr(current.faults, kind):
            current = current.with_faults({kind: 0})
            yield f"no {kind}", current


def graph_size(spec: Spec, cap: int = STATE_CAP) -> int | None:
    """States of the whole graph of `spec` (no property can stop the search), or None
    when it has more than `cap`."""
    result = verify_spec(spec.select_properties([]), limits=Limits(max_states=cap + 1))
    return result.stats.states if result.status != "stopped" else None


@functools.cache
def file_case(path: Path) -> Case:
    """The spec file at its first ladder rung that fits the cap (an error if none does)."""
    spec = load_spec(path)
    # Liveness and sometimes properties are decided on the whole graph by one process
    # (tests/test_liveness.py); here the engines are compared on the safety properties.
    safety = [p.name for p in spec.properties if not isinstance(p, (Liveness, Sometimes))]
    spec = spec.select_properties(safety)
    tried: list[str] = []
    for cut, small in _ladder(spec):
        tried.append(cut)
        size = graph_size(small)
        if size is not None:
            return Case(
                path.stem, f"specs/{path.name}", small, f"{'; '.join(tried)}: {size} states"
            )
    raise AssertionError(
        f"specs/{path.name}: no small bound fits {STATE_CAP} states (tried: {'; '.join(tried)}); "
        "extend the ladder in tests/differential/cases.py rather than skipping the spec"
    )


AB = ("a", "b")
PINNED = {"s1": "r1", "s2": "r2"}


def failover(protocol: type[Replica], detector: str | None, **faults: int) -> Spec:
    return Spec(
        protocol,
        replicas=3,
        values=("a",),
        max_ops=1,
        detector=detector,
        faults={"crash": 1, **faults},
        properties=[at_most_one_primary],
    )


# One small spec per library protocol, with the faults its technique is about.
MODEL_SPECS: dict[type[Replica], Callable[[], Spec]] = {
    LamportLWW: lambda: Spec(
        LamportLWW, replicas=2, ops_per_replica=1, values=AB, faults={"dup": 1}
    ),
    NoTiebreakLWW: lambda: Spec(NoTiebreakLWW, replicas=2, ops_per_replica=1, values=AB),
    AntiEntropyLWW: lambda: Spec(
        AntiEntropyLWW,
        replicas=2,
        ops_per_replica=1,
        values=("a",),
        faults={"partition": 1, "partition_mode": "drop"},
    ),
    RetransmittingCounter: lambda: Spec(
        RetransmittingCounter, replicas=2, ops_per_replica=1, faults={"loss": 1}
    ),
    RetryLWW: lambda: Spec(
        RetryLWW, replicas=2, ops_per_replica=1, values=("a",), faults={"loss": 1}
    ),
    VolatileStampLWW: lambda: Spec(
        VolatileStampLWW,
        replicas=2,
        ops_per_replica=1,
        values=AB,
        faults={"crash": 1, "crash_inbox": "wait"},
    ),
    WallClockLWW: lambda: Spec(
        WallClockLWW,
        replicas=2,
        ops_per_replica=1,
        values=AB,
        max_time=2,
        faults={"skew": 1},
        properties=[later_write_wins, quiescent_convergence],
    ),
    OpCounter: lambda: Spec(OpCounter, replicas=3, ops_per_replica=1, faults={"loss": 1}),
    GCounter: lambda: Spec(
        GCounter,
        replicas=3,
        max_ops=2,
        faults={"dup": 1},
        properties=[quiescent_convergence, strong_eventual_consistency],
    ),
    LWWRegister: lambda: Spec(
        LWWRegister,
        replicas=2,
        sessions=PINNED,
        ops_per_session=2,
        properties=[read_your_writes, monotonic_reads, monotonic_writes, writes_follow_reads],
    ),
    LWWStore: lambda: Spec(
        LWWStore,
        replicas=2,
        sessions={"s1": "r1", "s2": "*"},
        ops_per_session=2,
        keys=("x",),
        properties=[read_your_writes, monotonic_writes],
    ),
    Failover: lambda: failover(Failover, None),
    TimeoutFailover: lambda: failover(TimeoutFailover, None),
    SuspectingFailover: lambda: failover(SuspectingFailover, "perfect"),
    SteppingDownFailover: lambda: failover(
        SteppingDownFailover, "eventually_perfect", false_suspicion=1
    ),
    UnorderedStore: lambda: Spec(
        UnorderedStore,
        replicas=2,
        sessions=PINNED,
        ops_per_session=2,
        keys=("x",),
        properties=[monotonic_writes],
    ),
}


def library_protocols() -> list[type[Replica]]:
    """Every replica class `evcheck.models` exports."""
    return [
        obj
        for name in library.__all__
        if inspect.isclass(obj := getattr(library, name)) and issubclass(obj, Replica)
    ]


@functools.cache
def model_case(protocol: type[Replica]) -> Case:
    spec = MODEL_SPECS[protocol]()
    size = graph_size(spec)
    assert size is not None, f"{protocol.__name__}: its case exceeds {STATE_CAP} states"
    return Case(protocol.__name__, f"evcheck.models.{protocol.__name__}", spec, f"{size} states")


# Request operations (completed by replies) and enabling conditions, from models the
# library does not export yet: the engines (the native core by default) must agree on
# them as on the rest.
REQUEST_SPECS: dict[str, Callable[[], Spec]] = {
    "quorum": lambda: Spec(
        QuorumReplica,
        replicas=3,
        R=2,
        W=2,
        sessions={"s1": "r1"},
        ops_per_session=2,
        properties=[read_your_writes, linearizability],
    ),
    "quorum_counting_dup": lambda: Spec(
        CountingQuorumReplica,
        replicas=2,
        R=2,
        W=2,
        sessions={"s1": "r1"},
        ops_per_session=2,
        faults={"dup": 1},
        properties=[read_your_writes],
    ),
    "sync_primary_backup": lambda: Spec(
        {SyncPrimary: 1, Backup: 2},
        sessions={"s": session("*", max_ops=2)},
        faults={"dup": 1},
        properties=[linearizability],
    ),
    "async_primary_backup": lambda: Spec(
        {AsyncPrimary: 1, Backup: 2},
        sessions={"s": session("*", max_ops=3)},
        properties=[monotonic_reads],
    ),
    "raft_self_commit": lambda: Spec(
        SelfCommitRaft,
        replicas=3,
        max_term=1,  # no elections: guarded requests at the first leader
        sessions={"s1": "*"},
        ops_per_session=2,
        properties=[linearizability],
    ),
}


@functools.cache
def request_case(name: str) -> Case:
    spec = REQUEST_SPECS[name]()
    size = graph_size(spec)
    assert size is not None, f"{name}: its case exceeds {STATE_CAP} states"
    return Case(name, f"request spec {name} (tests/differential/cases.py)", spec, f"{size} states")


def case_ids() -> list[str]:
    """Parameter ids, resolved lazily by `case` so collection stays cheap. Spec files are
    named by stem (`lww_anti_entropy`, not `[lww_anti_entropy.py]`, which conftest marks
    slow at default bounds)."""
    return (
        [f"spec:{p.stem}" for p in spec_files()]
        + [f"model:{cls.__name__}" for cls in library_protocols() if cls in MODEL_SPECS]
        + [f"requests:{name}" for name in REQUEST_SPECS]
    )


def case(case_id: str) -> Case:
    kind, name = case_id.split(":", 1)
    if kind == "spec":
        return file_case(SPECS / f"{name}.py")
    if kind == "requests":
        return request_case(name)
    return model_case(getattr(library, name))
