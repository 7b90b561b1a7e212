"""The state graph recorded by the native core against the Python recorder, and the
native graph algorithms against their Python reference (`evcheck.liveness`).

The graph of a spec must come out identical, array for array: node numbers, edges in
successor order, action kinds (delivery, faults, heal, recovery, each timer by name),
predicate bits, and which states were expanded; liveness verdicts, premise counts and
lassos follow. Random graphs (hypothesis) hold `components`, `fair_ends` and the
stopping-state scan to the Python functions."""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evcheck import (
    Replica,
    Spec,
    always_eventually,
    eventual_convergence,
    eventually,
    field,
    leads_to,
    load_spec,
    message,
    on,
    operation,
    quiescent_convergence,
    session,
    sometimes,
    timer,
    verify_spec,
)
from evcheck.liveness import (
    DELIVER,
    EVERYTHING,
    FAULT,
    HEAL,
    OP,
    PROGRESS,
    RECOVER,
    TIMER,
    Fairness,
    Graph,
    _stops,
    components,
    fair_ends,
)
from evcheck.models import AntiEntropyLWW, LamportLWW, RetryLWW
from evcheck.models.quorum import QuorumReplica
from evcheck.native import available, graph_kernel
from evcheck.render.graph import graph_text
from evcheck.results import Result
from evcheck.search import Limits

ROOT = Path(__file__).resolve().parent.parent.parent
LIVE_SPECS = [
    "cap_local.py",
    "cap_local_healing.py",
    "cap_quorum.py",
    "cap_quorum_healing.py",
    "causal_lost_dependency.py",
    "gossip_pingpong.py",
    "lww_anti_entropy_live.py",
]

pytestmark = pytest.mark.skipif(not available(), reason="native core not built")


def arrays(result: Result) -> tuple[Any, ...]:
    graph = result.state_graph
    assert graph is not None
    return (
        list(graph.first),
        list(graph.last),
        list(graph.targets),
        bytes(graph.kinds),
        list(graph.bits),
        bytes(graph.expanded),
        graph.initial,
        result.graph_path,
    )


def outcome(result: Result) -> tuple[Any, ...]:
    found = [
        (c.property, c.initial, c.loop, tuple(c.trace.actions))
        for c in (*result.counterexamples, *result.witnesses)
    ]
    return (result.status, result.stats.states, result.stats.transitions, result.premises, found)


def both(spec: Spec, **kw: Any) -> tuple[Result, Result]:
    python = verify_spec(spec, engine="python", record_graph=True, **kw)
    native = verify_spec(spec, engine="native", record_graph=True, **kw)
    assert python.engine == "python"
    assert native.engine == "native", native.engine_note
    return python, native


@pytest.mark.parametrize("path", LIVE_SPECS)
def test_library_graphs_are_recorded_identically(path: str) -> None:
    python, native = both(load_spec(str(ROOT / "specs" / path)))
    assert outcome(native) == outcome(python)
    assert arrays(native) == arrays(python)


# -- specs that reach every kind of action ---------------------------------------------


@message
class Offer:
    value: Any


class Patient(Replica):
    """A replica accepts an offer only once it wrote itself (a guarded handler): until
    then the offer waits in the network, which is not a delivery fairness can demand."""

    value = field(None)
    seen = field(None)

    @operation(v=("a", "b"), when=lambda self, v: self.value is None)
    def write(self, v: Any) -> None:
        self.value = v
        self.broadcast(Offer(v))

    @on(Offer, when=lambda self, msg, src: self.value is not None)
    def offered(self, msg: Offer, src: Any) -> None:
        self.seen = msg.value

    def observe(self) -> Any:
        return self.value


class Listening(AntiEntropyLWW):
    """Anti-entropy, and offers are heard (and ignored)."""

    @on(Offer)
    def heard(self, msg: Offer, src: Any) -> None:
        pass


class Chatty(Listening):
    """A second periodic timer under another name: two timer kinds."""

    @timer(periodic=True)
    def announce(self) -> None:
        if self.value is not None:
            self.broadcast(Offer(self.value))


def wrote(w: Any) -> bool:
    return any(r.value is not None for r in w.replicas)


def in_flight(w: Any) -> bool:
    return len(w.network) > 0


KINDS: dict[str, Spec] = {
    # a guarded handler behind a partition that drops, heals and holds
    "guarded-partition": Spec(
        Patient,
        replicas=2,
        ops_per_replica=1,
        faults={"partition": 1},
        properties=[eventual_convergence, sometimes(wrote, name="someone_wrote")],
    ),
    # loss, crash and recovery, a one-shot timer
    "faults": Spec(
        RetryLWW,
        replicas=2,
        values=("a",),
        ops_per_replica=1,
        timer_fires=1,
        faults={"loss": 1, "crash": 1},
        properties=[eventual_convergence, always_eventually(wrote, name="written")],
    ),
    # two timer names across two roles, a dropping partition
    "two-timers": Spec(
        {Listening: 1, Chatty: 1},
        values=("a",),
        ops_per_replica=1,
        timer_fires=1,
        faults={"partition": 1, "partition_mode": "drop"},
        properties=[
            eventual_convergence,
            leads_to(wrote, lambda w: not in_flight(w), name="drains", network=True),
        ],
    ),
    # clock ticks
    "clocks": Spec(
        LamportLWW,
        replicas=2,
        values=("a",),
        ops_per_replica=1,
        max_time=2,
        properties=[eventually(wrote, name="someone_writes"), quiescent_convergence],
    ),
    # client sessions with requests completed by replies
    "requests": Spec(
        {QuorumReplica: 3},
        R=2,
        W=2,
        sessions={"s": session("r1", ops=["put"])},
        ops_per_session=1,
        faults={"loss": 1},
        properties=[sometimes(lambda w: True, name="anything")],
    ),
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_of_action_is_recorded_identically(name: str) -> None:
    python, native = both(KINDS[name])
    assert outcome(native) == outcome(python)
    assert arrays(native) == arrays(python)


def test_kinds_cover_every_code() -> None:
    seen: set[int] = set()
    for spec in KINDS.values():
        graph = verify_spec(spec, engine="native", record_graph=True).state_graph
        assert graph is not None
        seen |= set(graph.kinds)
    assert {OP, DELIVER, FAULT, HEAL, RECOVER, TIMER, TIMER + 1} <= seen


def test_graph_files_are_the_same(tmp_path: Path) -> None:
    spec = load_spec(str(ROOT / "specs" / "gossip_pingpong.py"))
    python, native = both(spec)
    for suffix in (".dot", ".graphml"):
        assert graph_text(native, str(tmp_path / f"g{suffix}")) == graph_text(
            python, str(tmp_path / f"g{suffix}")
        )


def test_graph_of_a_violated_safety_property_stops_where_python_stops() -> None:
    spec = load_spec(str(ROOT / "specs" / "lww_no_tiebreak.py")).with_por(False)
    python, native = both(spec)
    assert native.status == python.status == "violated"
    assert arrays(native) == arrays(python)
    graph = native.state_graph
    assert graph is not None
    never = [v for v in range(len(graph)) if not graph.expanded[v]]
    assert never  # the search stopped with states left unexpanded: they have no edges
    assert all(graph.first[v] == graph.last[v] for v in never)


def test_depth_bounded_graph() -> None:
    spec = load_spec(str(ROOT / "specs" / "lww_anti_entropy.py"))
    python, native = both(spec, limits=Limits(max_depth=5))
    assert arrays(native) == arrays(python)


def test_permanent_partitions_never_heal_natively() -> None:
    """A safety spec with a partition that never heals: the core once offered a heal."""
    spec = Spec(
        AntiEntropyLWW,
        replicas=2,
        values=("a", "b"),
        ops_per_replica=1,
        timer_fires=1,
        faults={"partition": 1, "partition_mode": "permanent"},
        properties=[quiescent_convergence],
    )
    python = verify_spec(spec, engine="python")
    native = verify_spec(spec, engine="native")
    assert native.engine == "native"
    assert (native.stats.states, native.stats.transitions) == (
        python.stats.states,
        python.stats.transitions,
    )
    assert not any("heal" in a for c in native.counterexamples for a in c.trace.actions)


# -- the graph algorithms ------------------------------------------------------------------


@st.composite
def graphs(draw: Any) -> Graph:
    size = draw(st.integers(1, 14))
    first = array("q")
    last = array("q")
    targets = array("i")
    kinds = bytearray()
    expanded = bytearray()
    codes = st.sampled_from([OP, DELIVER, FAULT, HEAL, RECOVER, TIMER, TIMER + 1])
    for _ in range(size):
        if draw(st.integers(0, 9)) == 0:  # never expanded
            first.append(0)
            last.append(0)
            expanded.append(0)
            continue
        edges = draw(st.lists(st.tuples(st.integers(0, size - 1), codes), max_size=4))
        first.append(len(targets))
        for target, code in edges:
            targets.append(target)
            kinds.append(code)
        last.append(len(targets))
        expanded.append(1)
    bits = array("I", draw(st.lists(st.integers(0, 3), min_size=size, max_size=size)))
    return Graph(first, last, targets, kinds, bits, expanded, [0])


LEVELS = st.sampled_from(["weak", "strong", "none"])


@settings(max_examples=400, deadline=None)
@given(graphs(), st.data())
def test_native_graph_algorithms_agree_with_python(graph: Graph, data: Any) -> None:
    native = graph.with_kernel(graph_kernel())
    assert native.native is not None
    allowed = bytearray(
        data.draw(st.lists(st.integers(0, 1), min_size=len(graph), max_size=len(graph)))
    )
    for edge_ok in (EVERYTHING, PROGRESS):
        want = sorted(sorted(c) for c in components(graph, allowed, edge_ok))
        got = sorted(sorted(c) for c in native.native.components(bytes(allowed), edge_ok))
        assert got == want
        levels = (
            ("deliver", data.draw(LEVELS)),
            ("heal", data.draw(LEVELS)),
            ("recover", data.draw(LEVELS)),
            ("timers", data.draw(LEVELS)),
            ("timer:t1", data.draw(LEVELS)),
        )
        fairness = Fairness(levels, ["t0", "t1"])
        want = sorted(sorted(c) for c in fair_ends(graph, allowed, edge_ok, fairness))
        got = sorted(sorted(c) for c in fair_ends(native, allowed, edge_ok, fairness))
        assert got == want
        assert sorted(_stops(native, fairness)) == sorted(_stops(graph, fairness))
    for mask in (1, 2, 3):
        assert native.native.count(mask) == sum(1 for b in graph.bits if b & mask)
        assert native.native.without(mask) == bytes(0 if b & mask else 1 for b in graph.bits)


def test_native_graph_round_trips_its_arrays() -> None:
    spec = load_spec(str(ROOT / "specs" / "gossip_pingpong.py"))
    graph = verify_spec(spec, engine="python", record_graph=True).state_graph
    assert graph is not None
    native = graph.with_kernel(graph_kernel())
    copy = Graph.from_native(native.native, graph.initial)
    assert len(copy) == len(graph) and copy.edges == graph.edges
    for name in ("first", "last", "targets", "kinds", "bits", "expanded"):
        assert list(getattr(copy, name)) == list(getattr(graph, name)), name


def test_malformed_graphs_are_refused() -> None:
    kernel = graph_kernel()
    with pytest.raises(ValueError, match="malformed"):
        kernel(
            array("q", [0]).tobytes(),
            array("q", [1]).tobytes(),
            array("i", [5]).tobytes(),  # a target past the last node
            bytes([DELIVER]),
            array("I", [0]).tobytes(),
            b"\1",
        )
    with pytest.raises(ValueError, match="different lengths"):
        kernel(array("q", [0]).tobytes(), b"", b"", b"", b"", b"")
