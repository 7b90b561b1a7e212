"""Premise counts: how often each property's premise occurred, pinned on small specs,
against an independent enumeration, equal in every engine, and a vacuous "holds" that
says so (README, "Premise counts")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from evcheck import (
    Replica,
    Spec,
    field,
    invariant,
    linearizability,
    load_spec,
    message,
    on,
    operation,
    quiescent_convergence,
    read_your_writes,
    session,
    strong_eventual_consistency,
    verify_spec,
)
from evcheck.models import LamportLWW, LWWRegister
from evcheck.native import available
from evcheck.render.html import html_report
from evcheck.render.json import result_to_dict
from evcheck.render.text import headline, render_result
from evcheck.search import Limits
from tests.bruteforce import lww_quiescent
from tests.conftest import SPECS


def lww(n: int, writes: int | None, **kw: Any) -> Spec:
    kw.setdefault("values", (1, 2))
    kw.setdefault("por", False)
    kw.setdefault("properties", [quiescent_convergence])
    return Spec(LamportLWW, replicas=n, ops_per_replica=writes, **kw)


def test_quiescent_states_pinned_by_hand() -> None:
    # 2 replicas, one write each from {1, 2}: nothing is in flight in the initial state;
    # after one write delivered and the other replica idle (2 values x 2 writers); and
    # after both writes delivered: r1 first and seen by r2 before it writes, r2 first
    # and seen by r1 before it writes, or concurrent (r2's stamp wins), 2 values each.
    # 1 + 4 + 6 = 11.
    result = verify_spec(lww(2, 1))
    assert result.ok
    assert result.premises["quiescent_convergence"] == "quiescent states checked: 11"
    assert result.premise_counts["quiescent_convergence"] == 11
    assert result.premises["handlers_do_not_raise"] == "states checked: 35"


@pytest.mark.parametrize(
    ("n", "writes", "max_ops"), [(2, 1, None), (3, 1, None), (2, None, 3), (2, 2, None)]
)
def test_quiescent_states_match_an_independent_enumeration(
    n: int, writes: int | None, max_ops: int | None
) -> None:
    result = verify_spec(lww(n, writes, max_ops=max_ops))
    assert result.ok
    assert result.premise_counts["quiescent_convergence"] == lww_quiescent(
        n, writes, max_ops=max_ops
    )


def test_counts_stop_with_the_search_and_skip_what_a_violating_state_is_not_judged_on() -> None:
    @invariant
    def always_true(w: Any) -> bool:
        return True

    def spec(*properties: Any) -> Spec:
        return Spec(
            LamportLWW,
            replicas=2,
            ops_per_replica=1,
            values=("a", "b"),
            por=False,
            properties=list(properties),
        )

    complete = verify_spec(spec(quiescent_convergence, always_true))
    assert complete.premises["always_true"] == "states checked: 35"

    @invariant
    def never_b(w: Any) -> bool:
        return all(r.value != "b" for r in w.replicas)

    broken = verify_spec(spec(never_b, always_true), engine="python")
    assert not broken.ok
    states = broken.stats.states
    # The violating state was judged by never_b, and by nothing after it.
    assert broken.premise_counts["never_b"] == states
    assert broken.premise_counts["always_true"] == states - 1
    if available():
        native = verify_spec(spec(never_b, always_true), engine="native")
        assert native.engine == "native"
        assert native.premise_counts == broken.premise_counts


@message(carries="nothing")
class Gossip:
    value: Any


class ForgetfulGossip(Replica):
    """Gossips its value in a message that carries no updates: no replica ever applies
    what another one wrote, so strong eventual consistency has nothing to compare."""

    value = field(None)

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.value = v
        self.broadcast(Gossip(v))

    @on(Gossip)
    def receive(self, msg: Gossip) -> None:
        self.value = msg.value

    def observe(self) -> Any:
        return self.value


def test_strong_eventual_consistency_counts_replicas_with_the_same_updates() -> None:
    carried = verify_spec(
        Spec(
            LamportLWW,
            replicas=2,
            ops_per_replica=1,
            values=("a", "b"),
            properties=[strong_eventual_consistency],
        )
    )
    assert carried.ok
    assert carried.premise_counts["strong_eventual_consistency"] == 16
    vacuous = verify_spec(
        Spec(
            ForgetfulGossip,
            replicas=2,
            ops_per_replica=1,
            values=("a", "b"),
            properties=[strong_eventual_consistency],
        )
    )
    assert vacuous.ok
    assert vacuous.premise_counts["strong_eventual_consistency"] == 0
    text = render_result(vacuous)
    assert (
        "strong_eventual_consistency  holds vacuously: no two replicas ever applied the same "
        "updates (states where two replicas applied the same updates: 0)"
    ) in text


def sessions_spec(ops: list[str]) -> Spec:
    return Spec(
        LWWRegister,
        replicas=2,
        sessions={"s1": session("r1", ops=ops), "s2": session("r2", ops=ops)},
        ops_per_session=2,
        properties=[read_your_writes, linearizability],
    )


def test_history_properties_count_the_reads_judged() -> None:
    both = verify_spec(sessions_spec(["write", "read"]).select_properties(["read_your_writes"]))
    assert both.ok
    assert both.premises["read_your_writes"] == "reads judged: 179"
    writes_only = verify_spec(sessions_spec(["write"]))
    assert writes_only.ok and writes_only.premise_counts["linearizability"] == 0
    assert headline(writes_only).endswith(
        "; WARNING: read_your_writes, linearizability hold(s) vacuously, the premise never occurred"
    )
    assert (
        "read_your_writes       holds vacuously: no client session read anything (reads judged: 0)"
        in (render_result(writes_only))
    )


def test_a_quiescent_state_never_reached_is_a_vacuous_holds() -> None:
    # Starting partitioned, the initial state is not quiescent; at depth 0 nothing else is
    # explored, so the run holds within its bounds without judging convergence once.
    spec = lww(2, 1, values=("a",), faults={"start_split": [[1], [2]]})
    result = verify_spec(spec, limits=Limits(max_depth=0))
    assert result.status == "holds"
    assert result.premise_counts["quiescent_convergence"] == 0
    line = "quiescent_convergence  holds vacuously: no quiescent state was reached"
    assert f"{line} (quiescent states checked: 0)" in render_result(result)
    assert "WARNING: quiescent_convergence hold(s) vacuously" in headline(result)
    data = json.loads(json.dumps(result_to_dict(result)))
    assert data["premise_counts"]["quiescent_convergence"] == {"count": 0, "vacuous": True}
    assert data["premise_counts"]["handlers_do_not_raise"] == {"count": 1, "vacuous": False}
    assert data["premises"]["quiescent_convergence"] == "quiescent states checked: 0"
    assert 'class="vacuous">holds vacuously: no quiescent state was reached' in html_report(result)
    # Explored fully, the partition heals and quiescent states are judged.
    full = verify_spec(spec)
    assert full.ok and full.premise_counts["quiescent_convergence"] == 6
    assert "WARNING" not in headline(full)


def test_a_violated_property_with_no_premise_is_not_called_vacuous() -> None:
    result = verify_spec(load_spec(SPECS / "counter_sec.py"))
    assert not result.ok
    assert "vacuously" not in render_result(result)
    for entry in result_to_dict(result)["premise_counts"].values():
        assert entry["vacuous"] is False


@pytest.mark.parametrize("engine", ["python", "native"])
@pytest.mark.parametrize("workers", [1, 2])
def test_every_engine_counts_the_same(engine: str, workers: int) -> None:
    if engine == "native" and not available():
        pytest.skip("native core not built")
    for name in ("gcounter.py", "register_sessions.py"):
        spec = load_spec(SPECS / name)
        reference = verify_spec(spec, engine="python")
        result = verify_spec(spec, engine=engine, workers=workers)
        assert result.engine == engine
        assert result.premises == reference.premises, name
        assert result.premise_counts == reference.premise_counts, name
    counts = verify_spec(load_spec(SPECS / "gcounter.py"), engine=engine, workers=workers)
    assert counts.premise_counts == {
        "handlers_do_not_raise": 75_580,
        "quiescent_convergence": 44,
        "strong_eventual_consistency": 44_115,
    }


def test_random_simulation_reports_no_counts() -> None:
    from evcheck.runner import simulate_spec

    result = simulate_spec(load_spec(SPECS / "lww.py"), runs=2, depth=3, seed=1)
    assert result.premises == {} and result_to_dict(result)["premise_counts"] == {}
