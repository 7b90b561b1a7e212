"""Liveness on the explored graph: pinned verdicts, lassos, premise counts, fairness,
reductions, and the graph algorithms against networkx."""

from __future__ import annotations

import json
import random
from array import array
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from evcheck import (
    Spec,
    SpecError,
    always_eventually,
    eventual_convergence,
    eventually,
    leads_to,
    load_spec,
    quiescent_convergence,
    sometimes,
    symmetric_values,
    timer,
)
from evcheck.liveness import (
    DELIVER,
    FAULT,
    HEAL,
    OP,
    RECOVER,
    TIMER,
    Fairness,
    Graph,
    Recorder,
    components,
    fair_ends,
)
from evcheck.models import AntiEntropyLWW, LamportLWW, RetryLWW
from evcheck.models.liveness import (
    QuorumRegister,
)
from evcheck.models.lww import Update
from evcheck.plan import compile_plan
from evcheck.render.graph import graph_text
from evcheck.render.itf import itf_document
from evcheck.render.json import result_to_dict
from evcheck.results import Result
from evcheck.runner import replay_saved, simulate_spec, verify_spec
from evcheck.semantics import Semantics
from evcheck.testing import verify
from evcheck.tracefile import read_trace, trace_document
from tests.conftest import SPECS

LWW2 = {"replicas": 2, "values": ("a", "b"), "ops_per_replica": 1}


def lasso_closes(result: Result) -> bool:
    cex = result.counterexample
    assert cex is not None and cex.loop is not None
    steps = cex.trace.steps
    return steps[cex.loop].state == steps[-1].state


def test_gossip_ping_pong_is_a_four_step_cycle_after_two_writes() -> None:
    result = verify(SPECS / "gossip_pingpong.py")
    cex = result.expect_violation("eventual_convergence", length=6)
    assert cex.loop == 2  # two writes, then four deliveries that return to state 2
    assert lasso_closes(result)
    assert all(a.startswith("deliver") for a in cex.trace.actions[2:])
    assert result.premises["eventual_convergence"] == "fair ends checked: 10"
    # Something is always in flight, so the safety form never looks: it holds.
    assert [c.property for c in result.counterexamples] == ["eventual_convergence"]


def test_causal_delivery_waits_forever_for_a_lost_dependency() -> None:
    result = verify(SPECS / "causal_lost_dependency.py")
    cex = result.expect_violation("eventual_convergence", length=7)
    assert cex.loop == 7  # it ends where nothing fair is enabled: it stays there
    assert cex.trace.actions[-1].startswith("drop r1->r2 Ordered(seq=1")
    last = cex.trace.steps[-1].view.components["r2"]
    assert "(r1, 2, 'a')" in last["buffer"]


def test_anti_entropy_under_loss_converges_eventually() -> None:
    result = verify(SPECS / "lww_anti_entropy_live.py")
    assert result.ok
    assert result.premises["eventual_convergence"] == "fair ends checked: 31"


@pytest.mark.parametrize(
    ("spec", "holds", "premise"),
    [
        ("cap_quorum.py", False, 20),
        ("cap_local.py", True, 8),
        ("cap_quorum_healing.py", True, 30),
        ("cap_local_healing.py", True, 12),
    ],
)
def test_cap_pair(spec: str, holds: bool, premise: int) -> None:
    result = verify(SPECS / spec)
    assert result.ok is holds
    assert result.premises["minority_write_completes"] == (
        f"states where the premise holds: {premise}"
    )
    if not holds:
        cex = result.expect_violation("minority_write_completes", length=2)
        assert cex.trace.actions == ["write@r1('a')", "partition {r1}|{r2,r3}"]
        assert cex.loop == 2


def test_without_delivery_fairness_a_message_may_stay_in_flight_forever() -> None:
    fair = verify_spec(Spec(LamportLWW, **LWW2, properties=[eventual_convergence]))
    assert fair.ok
    unfair = eventual_convergence.under({"deliver": None})
    result = verify_spec(Spec(LamportLWW, **LWW2, properties=[unfair]))
    cex = result.expect_violation("eventual_convergence", length=1)
    assert cex.loop == 1 and cex.trace.actions == ["write@r1('a')"]


def test_unknown_fairness_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="unknown fairness kind 'delivery'"):
        eventual_convergence.under({"delivery": "weak"})
    with pytest.raises(SpecError, match="no such timer"):
        verify_spec(
            Spec(LamportLWW, **LWW2, properties=[eventual_convergence.under({"timer:x": None})])
        )


def written(w: object) -> bool:
    return any(r.value is not None for r in w.replicas)  # type: ignore[attr-defined]


def agreed_on_b(w: object) -> bool:
    return all(r.value == "b" for r in w.replicas)  # type: ignore[attr-defined]


def test_eventually_fails_when_clients_may_never_write() -> None:
    result = verify_spec(Spec(LamportLWW, **LWW2, properties=[eventually(written)]))
    cex = result.expect_violation("eventually_written", length=0)
    assert cex.loop == 0  # clients are not fair: nobody has to write
    assert result.premises["eventually_written"] == "states where the premise holds: 34"


def test_leads_to_and_always_eventually() -> None:
    spec = Spec(
        LamportLWW,
        **LWW2,
        properties=[leads_to(written, written, name="trivial"), always_eventually(agreed_on_b)],
    )
    result = verify_spec(spec)
    names = [c.property for c in result.counterexamples]
    assert names == ["always_eventually_agreed_on_b"]
    assert result.premises["trivial"] == "states where the premise holds: 34"


def test_sometimes_gives_a_shortest_witness_and_reports_a_premise_that_never_occurs() -> None:
    def r1_holds_b(w: object) -> bool:
        return w.replicas[0].value == "b"  # type: ignore[attr-defined]

    def impossible(w: object) -> bool:
        return w.replicas[0].value == "c"  # type: ignore[attr-defined]

    result = verify_spec(Spec(LamportLWW, **LWW2, properties=[sometimes(r1_holds_b)]))
    assert result.ok
    [witness] = result.witnesses
    assert witness.trace.actions == ["write@r1('b')"]
    assert result.premises["sometimes_r1_holds_b"] == "states where it holds: 16"
    never = verify_spec(Spec(LamportLWW, **LWW2, properties=[sometimes(impossible)]))
    assert never.expect_violation("sometimes_impossible", length=0)
    assert never.premises["sometimes_impossible"] == "states where it holds: 0"


def test_a_predicate_must_return_a_bool() -> None:
    def sloppy(w: object) -> object:
        return None

    with pytest.raises(SpecError, match="must return True or False"):
        verify_spec(Spec(LamportLWW, **LWW2, properties=[eventually(sloppy)]))


def test_reductions_are_refused_or_off_and_verdicts_agree() -> None:
    with pytest.raises(SpecError, match="symmetry reduction is not supported with liveness"):
        verify_spec(
            Spec(
                LamportLWW,
                **LWW2,
                symmetry="values",
                properties=[eventual_convergence],
            ).with_settings({"values": symmetric_values("a", "b")})
        )
    with pytest.raises(SpecError, match="partial-order reduction is only sound"):
        verify_spec(Spec(LamportLWW, **LWW2, por=True, properties=[eventual_convergence]))
    # "auto" turns both off for liveness: same graph as asking for none.
    auto = verify(SPECS / "gossip_pingpong.py", values=symmetric_values("a", "b"))
    plain = verify(load_spec(SPECS / "gossip_pingpong.py").with_symmetry("none"))
    assert auto.stats.states == plain.stats.states == 47
    assert auto.counterexample is not None and plain.counterexample is not None
    assert auto.counterexample.loop == plain.counterexample.loop == 2


def test_liveness_needs_the_whole_graph() -> None:
    from evcheck.search import Limits

    spec = Spec(LamportLWW, **LWW2, properties=[eventual_convergence])
    with pytest.raises(SpecError, match="drop --max-depth"):
        verify_spec(spec, limits=Limits(max_depth=2))
    with pytest.raises(SpecError, match="--workers 1"):
        verify_spec(spec, workers=2)
    with pytest.raises(SpecError, match="not simulation"):
        simulate_spec(spec, runs=1, depth=3, seed=1)


def test_lasso_in_json_itf_and_trace_files_and_replay(tmp_path: Path) -> None:
    result = verify(SPECS / "gossip_pingpong.py")
    cex = result.counterexample
    assert cex is not None
    assert result_to_dict(result)["counterexample"]["loop"] == 2
    assert itf_document(result, cex)["loop"] == 2
    path = tmp_path / "lasso.json"
    path.write_text(json.dumps(trace_document(result, cex)))
    saved = read_trace(path)
    assert saved.loop == 2
    report = replay_saved(result.spec, saved)
    assert report.outcome == "same_violation"
    assert "steps 3-6 lead back to state 2" in report.message


def test_graph_export_marks_the_counterexample_and_refuses_large_graphs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = verify_spec(
        Spec(QuorumRegister, replicas=3, values=("a",), max_ops=1), record_graph=True
    )
    dot = graph_text(result, str(tmp_path / "g.dot"))
    assert dot.startswith("digraph evcheck {") and dot.count("->") == result.stats.transitions
    graphml = graph_text(result, str(tmp_path / "g.graphml"))
    parsed = nx.read_graphml(tmp_path.joinpath("x.graphml").open("w") and _write(tmp_path, graphml))
    assert parsed.number_of_nodes() == result.stats.states
    monkeypatch.setattr("evcheck.render.graph.MAX_NODES", 5)
    with pytest.raises(SpecError, match="--graph writes at most 5"):
        graph_text(result, str(tmp_path / "g.dot"))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "g.graphml"
    path.write_text(text)
    return path


def _random_graph(seed: int, size: int, edges: int) -> Graph:
    rng = random.Random(seed)
    out: list[list[tuple[int, int]]] = [[] for _ in range(size)]
    for _ in range(edges):
        out[rng.randrange(size)].append((rng.randrange(size), rng.choice([DELIVER, TIMER])))
    first, last, targets, kinds = array("q"), array("q"), array("i"), bytearray()
    for v in range(size):
        first.append(len(targets))
        for w, kind in out[v]:
            targets.append(w)
            kinds.append(kind)
        last.append(len(targets))
    bits = array("I", [0]) * size
    return Graph(first, last, targets, kinds, bits, bytearray([1]) * size, [0])


@pytest.mark.parametrize("seed", range(20))
def test_strongly_connected_sets_match_networkx(seed: int) -> None:
    graph = _random_graph(seed, 40, 55)
    g = nx.DiGraph()
    g.add_nodes_from(range(len(graph)))
    for v in range(len(graph)):
        for e in range(graph.first[v], graph.last[v]):
            g.add_edge(v, graph.targets[e])
    expected = {
        frozenset(c)
        for c in nx.strongly_connected_components(g)
        if len(c) > 1 or g.has_edge(next(iter(c)), next(iter(c)))
    }
    every = bytearray([1]) * len(graph)
    assert {frozenset(c) for c in components(graph, every, bytes([1]) * 256)} == expected


def test_strong_fairness_removes_states_that_enable_an_untaken_kind() -> None:
    # 0 <-> 1 by timer steps; delivery is enabled in 0 only, and leaves the set.
    first, last = array("q", [0, 2, 3]), array("q", [2, 3, 3])
    targets, kinds = array("i", [1, 2, 0]), bytearray([TIMER, DELIVER, TIMER])
    graph = Graph(first, last, targets, kinds, array("I", [0, 0, 0]), bytearray(b"\1\1\1"), [0])
    everything = bytearray([1]) * 3
    weak = Fairness(
        (("deliver", "weak"), ("heal", "weak"), ("recover", "weak"), ("timers", "weak")), ["t"]
    )
    strong = Fairness(
        (("deliver", "strong"), ("heal", "weak"), ("recover", "weak"), ("timers", "weak")), ["t"]
    )
    assert [sorted(e) for e in fair_ends(graph, everything, bytes([1]) * 256, weak)] == [[0, 1]]
    assert fair_ends(graph, everything, bytes([1]) * 256, strong) == []


def test_quiescent_convergence_and_eventual_convergence_agree_without_cycles() -> None:
    # LamportLWW has no cycles: every violation of one is a dead end for the other.
    for values, holds in ((("a", "b"), True),):
        spec = Spec(
            LamportLWW,
            replicas=3,
            values=values,
            ops_per_replica=1,
            faults={"loss": 1},
            properties=[quiescent_convergence, eventual_convergence],
        )
        result = verify_spec(spec)
        assert not result.ok and result.counterexample is not None
        assert result.counterexample.property == "quiescent_convergence"
        live = verify_spec(
            Spec(
                LamportLWW,
                replicas=3,
                values=values,
                ops_per_replica=1,
                faults={"loss": 1},
                properties=[eventual_convergence],
            )
        )
        assert live.expect_violation("eventual_convergence", length=3).loop == 3
        del holds


def test_the_cycle_is_marked_in_text_charts_mermaid_and_html() -> None:
    from evcheck.render.chart import ascii_chart, mermaid_chart
    from evcheck.render.html import html_report
    from evcheck.render.text import render_result

    result = verify(SPECS / "gossip_pingpong.py")
    cex = result.counterexample
    assert cex is not None
    text = render_result(result)
    assert "  -- the cycle starts at state 2: steps 3-6 repeat forever (back to state 2)" in text
    assert "eventual_convergence   VIOLATED (6 steps) (fair ends checked: 10)" in text
    chart = ascii_chart(cex.trace, result.lanes, cex.property, cex.loop).splitlines()
    fence = [i for i, line in enumerate(chart) if "repeat forever" in line]
    assert [chart[i + 1].split()[0] for i in fence[:1]] == ["3"] and len(fence) == 2
    mermaid = mermaid_chart(cex.trace, result.lanes, cex.property, cex.loop).splitlines()
    assert "    loop steps 3-6 repeat forever (back to state 2)" in mermaid
    assert mermaid.index("    end") == len(mermaid) - 2
    assert "<b>Lasso:</b> steps 3-6 repeat forever (back to state 2).</p>" in html_report(result)


class RetryAndAntiEntropy(RetryLWW):
    """Two timers (a one-shot retry and a periodic push): which one fires is decided by
    replica states, so the recorder must classify them one by one."""

    @timer(periodic=True)
    def push(self) -> None:
        if self.value is not None:
            self.broadcast(Update(self.value, self.stamp))


CODES = {"op": OP, "deliver": DELIVER, "lose": DELIVER, "heal": HEAL, "recover": RECOVER}


@pytest.mark.parametrize(
    ("protocol", "faults"),
    [
        (RetryAndAntiEntropy, {"loss": 1}),
        (AntiEntropyLWW, {"loss": 1, "partition": 1, "partition_mode": "drop", "crash": 1}),
        (AntiEntropyLWW, {"dup": 1, "partition": 1, "crash": 1, "crash_inbox": "wait"}),
    ],
)
def test_recorded_kinds_are_the_actions_kinds(protocol: type, faults: dict[str, object]) -> None:
    spec = Spec(protocol, replicas=2, values=("a",), max_ops=1, faults=faults)
    system = Semantics(compile_plan(spec.with_por(False)))
    recorder = Recorder(system, [])
    names = [t.name for t in system.plan.replicas[0].timers]
    seen = set()
    stack = list(recorder.initial())
    while stack:
        node = stack.pop()
        if node[1] in seen:
            continue
        seen.add(node[1])
        out = recorder.successors(node)
        recorded = list(recorder.kinds[len(recorder.kinds) - len(out) :])
        expected = []
        for action in system.actions(node[0]):
            if action.kind == "timer":
                name = action.label.removeprefix("timer ").rsplit("@", 1)[0]
                expected.append(TIMER + names.index(name))
            else:
                expected.append(CODES.get(action.kind, FAULT))
        assert recorded == expected, node
        stack.extend(out)
    assert len(seen) > 100


def test_the_svg_chart_draws_the_cycle_on_a_band() -> None:
    import dataclasses
    import re

    from evcheck.render.svg import ROW, TOP, svg_chart

    result = verify(SPECS / "gossip_pingpong.py")
    cex = result.counterexample
    assert cex is not None and cex.loop == 2 and len(cex.trace) == 6
    svg = svg_chart(cex, result.lanes)
    band = re.search(
        r'<rect class="cycle-band" x="2" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg
    )
    assert band is not None
    top, height = float(band.group(1)), float(band.group(2))
    # from the top of step 3's row to the bottom of step 6's: the steps that repeat
    assert (top, top + height) == (TOP + 3 * ROW - ROW / 2, TOP + 6 * ROW + ROW / 2)
    assert svg.index("cycle-band") < svg.index('class="row"')  # behind the rows
    assert "cycle repeats forever: steps 3-6, back to state 2</text>" in svg
    cycle_rows = re.findall(r'data-step="(\d+)"[^>]* data-cycle', svg)
    assert cycle_rows == ["3", "4", "5", "6"]
    assert "(cycle repeats forever)</title>" in svg
    # the arrow back from the last step's row to the row of the state it returns to
    assert f'd="M10,{TOP + 6 * ROW} H5 V{TOP + 2 * ROW} H9"' in svg
    # a stutter: the last state stays forever
    stutter = svg_chart(dataclasses.replace(cex, loop=6), result.lanes)
    assert "cycle repeats forever: state 6 stays, no fair action is enabled there" in stutter
    assert re.findall(r'data-step="(\d+)"[^>]* data-cycle', stutter) == ["6"]
    assert "cycle-return" not in stutter
    # a safety counterexample has no cycle
    broken = verify(SPECS / "lww_no_tiebreak.py")
    assert broken.counterexample is not None
    plain = svg_chart(broken.counterexample, broken.lanes)
    assert "cycle-band" not in plain and "data-cycle" not in plain
    assert "cycle-return" not in plain and "cycle repeats" not in plain


def test_replay_checks_that_a_saved_lasso_still_closes(tmp_path: Path) -> None:
    from tests.test_cli import run

    spec = str(SPECS / "gossip_pingpong.py")
    path = tmp_path / "lasso.json"
    code, _, _ = run("verify", spec, "-q", "--trace-out", str(path))
    assert code == 1
    code, out, _ = run("replay", spec, str(path))
    assert code == 1
    assert "same lasso: all 6 steps apply and steps 3-6 lead back to state 2" in out
    document = json.loads(path.read_text())

    def tampered(**changes: Any) -> tuple[int, str]:
        path.write_text(json.dumps({**document, **changes}))
        code, out, _ = run("replay", spec, str(path), "--format", "json")
        report = json.loads(out)
        assert report["violated"] is None
        return code, report["outcome"] + ": " + report["message"]

    # The cycle said to start one state earlier: every step applies, the cycle does not
    # close, and replay says which state differs and how (exit 0, as docs/trace-formats.md).
    code, message = tampered(loop=1)
    assert code == 0
    assert message == (
        "no_violation: the lasso no longer closes: all 6 steps apply, but not: steps 2-6 "
        "lead back to state 1 (state 6 differs from state 1: r2.value 'b' instead of None, "
        "in flight r1->r2 Gossip(value='a'); r2->r1 Gossip(value='b') instead of "
        "r1->r2 Gossip(value='a'))"
    )
    # The last step of the cycle cut off: steps 3-5 end elsewhere than state 2.
    code, message = tampered(steps=document["steps"][:-1], length=5)
    assert code == 0
    assert message.startswith(
        "no_violation: the lasso no longer closes: all 5 steps apply, but not: steps 3-5 "
        "lead back to state 2 (state 5 differs from state 2: "
    )
    # Said to stop in its last state, where deliveries are still enabled (fair ones).
    code, message = tampered(loop=6)
    assert code == 0
    assert message.startswith(
        "no_violation: the lasso no longer closes: all 6 steps apply, but not: state 6 "
        "enables deliver"
    )
