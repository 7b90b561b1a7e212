"""Client sessions in specs: pinned and roaming sessions, pinned counterexamples, both
judges over every distinct history of small models, and definition errors."""

from __future__ import annotations

from typing import Any

import pytest

from evcheck import (
    Replica,
    Spec,
    SpecError,
    field,
    linearizability,
    load_spec,
    monotonic_reads,
    monotonic_writes,
    operation,
    read_your_writes,
    unique,
    verify_spec,
)
from evcheck.consistency import HISTORY_PROPERTIES
from evcheck.models import LWWRegister, LWWStore, UnorderedStore
from evcheck.runner import history_of, z3_all
from tests.conftest import SPECS


def test_pinned_sessions_get_the_session_guarantees() -> None:
    assert verify_spec(load_spec(SPECS / "register_sessions.py")).ok


def test_roaming_session_misses_its_own_write() -> None:
    result = verify_spec(load_spec(SPECS / "register_roaming.py"))
    cex = result.counterexample
    assert cex is not None and cex.property == "read_your_writes"
    assert cex.trace.actions == ["write@r1('s1.1') by s1", "read@r2() by s1 -> None"]
    assert cex.explanation.startswith(
        "session s1 read None at step 2 on r2, but it must see 's1.1'"
    )
    assert "confirmed by Z3" in cex.explanation


def test_reordering_breaks_monotonic_writes_in_a_store() -> None:
    result = verify_spec(load_spec(SPECS / "store_monotonic_writes.py"))
    cex = result.counterexample
    assert cex is not None and cex.property == "monotonic_writes"
    assert cex.trace.actions == [
        "put@r1('x', 's1.1') by s1",
        "put@r1('y', 's1.2') by s1",
        "deliver r1->r2 KeyUpdate(key='y', value='s1.2', stamp=(2, r1))",
        "get@r2('y') by s2 -> 's1.2'",
        "get@r2('x') by s2 -> None",
    ]
    events = history_of(cex.trace)
    assert [(e.index, e.session, e.kind, e.key, e.value) for e in events] == [
        (1, "s1", "write", "x", "s1.1"),
        (2, "s1", "write", "y", "s1.2"),
        (4, "s2", "read", "y", "s1.2"),
        (5, "s2", "read", "x", None),
    ]


def test_lww_is_not_linearizable() -> None:
    spec = load_spec(SPECS / "register_sessions.py").select_properties(["linearizability"])
    cex = verify_spec(spec).counterexample
    assert cex is not None and len(cex.trace) == 2


def test_a_replica_that_applies_older_writes_breaks_monotonic_reads() -> None:
    spec = Spec(
        UnorderedStore,
        replicas=2,
        sessions={"s1": "r1", "s2": "r2"},
        ops_per_session=3,
        keys=("x",),
        properties=[monotonic_reads],
    )
    cex = verify_spec(spec).counterexample
    assert cex is not None and cex.property == "monotonic_reads"
    assert "confirmed by Z3" in cex.explanation
    assert verify_spec(
        Spec(
            LWWStore,
            replicas=2,
            sessions={"s1": "r1", "s2": "r2"},
            ops_per_session=3,
            keys=("x",),
            properties=[monotonic_reads],
        )
    ).ok


@pytest.mark.parametrize(
    "spec",
    [
        Spec(
            LWWRegister,
            replicas=2,
            sessions={"s1": "r1", "s2": "r2"},
            ops_per_session=2,
            properties=[],
        ),
        Spec(LWWRegister, replicas=2, sessions={"s1": "*"}, ops_per_session=3, properties=[]),
        pytest.param(
            Spec(
                LWWStore,
                replicas=2,
                sessions={"s1": "r1", "s2": "r2"},
                ops_per_session=2,
                keys=("x", "y"),
                properties=[],
            ),
            marks=pytest.mark.slow,
        ),
        pytest.param(
            Spec(
                UnorderedStore,
                replicas=2,
                sessions={"s1": "r1", "s2": "*"},
                ops_per_session=2,
                keys=("x",),
                properties=[],
            ),
            marks=pytest.mark.slow,
        ),
    ],
    ids=["register-pinned", "register-roaming", "store-pinned", "unordered-store"],
)
def test_both_judges_agree_on_every_distinct_history(spec: Spec) -> None:
    spec = spec.select_properties(list(HISTORY_PROPERTIES))
    report = z3_all(spec)
    assert report.complete and report.histories > 10
    assert report.disagreements == []
    assert report.violations > 0  # linearizability at least fails somewhere


def test_session_definition_errors() -> None:
    with pytest.raises(SpecError, match="placed at 'r3', which is neither a replica"):
        Spec(LWWRegister, replicas=2, sessions={"s1": "r3"}, ops_per_session=1)
    with pytest.raises(SpecError, match="replica symmetry does not apply with client sessions"):
        Spec(LWWRegister, replicas=2, sessions=["r1"], ops_per_session=1, symmetry="replicas")
    with pytest.raises(SpecError, match="need client sessions"):
        Spec(LWWRegister, replicas=2, ops_per_replica=1)
    with pytest.raises(SpecError, match="judges client sessions"):
        from evcheck.models import LamportLWW

        verify_spec(
            Spec(
                LamportLWW,
                replicas=2,
                ops_per_replica=1,
                values=(1,),
                properties=[read_your_writes],
            )
        )
    with pytest.raises(SpecError, match="cannot both read and write"):

        class Both(Replica):
            @operation(v=unique, reads=True, writes="v")
            def op(self, v: Any) -> None:
                pass

    with pytest.raises(SpecError, match="writes='value' names no argument"):

        class Wrong(Replica):
            @operation(v=unique, writes="value")
            def op(self, v: Any) -> None:
                pass


def test_sessions_show_in_labels_and_state() -> None:
    spec = Spec(
        LWWRegister,
        replicas=2,
        sessions=["r1", "*"],
        ops_per_session=1,
        properties=[linearizability],
    )
    cex = verify_spec(spec).counterexample
    assert cex is not None
    assert all(" by s" in action for action in cex.trace.actions if "@" in action)
    assert cex.trace.steps[-1].view.components["environment"]["ops by session"].startswith("s1 ")


def test_session_reads_must_return_hashable_values() -> None:
    class Box:
        def __eq__(self, other: object) -> bool:  # equality without a hash: unhashable
            return isinstance(other, Box)

        __hash__ = None  # type: ignore[assignment]

    class Leaky(Replica):
        items = field([])

        @operation(reads=True)
        def read(self) -> Box:
            return Box()

    with pytest.raises(SpecError, match="not hashable"):
        verify_spec(
            Spec(
                Leaky, replicas=1, sessions=["r1"], ops_per_session=1, properties=[monotonic_writes]
            )
        )


def test_strong_eventual_consistency_in_every_state() -> None:
    from evcheck import strong_eventual_consistency
    from evcheck.models import AntiEntropyLWW, GCounter, LamportLWW, NoTiebreakLWW, OpCounter

    sec = [strong_eventual_consistency]
    assert verify_spec(
        Spec(LamportLWW, replicas=3, ops_per_replica=1, values=("a", "b"), properties=sec)
    ).ok
    assert verify_spec(
        Spec(GCounter, replicas=3, ops_per_replica=1, faults={"dup": 1}, properties=sec)
    ).ok
    assert verify_spec(
        Spec(
            AntiEntropyLWW,
            replicas=2,
            ops_per_replica=1,
            values=("a",),
            faults={"loss": 1, "crash": 1},
            properties=sec,
        )
    ).ok
    broken = verify_spec(
        Spec(NoTiebreakLWW, replicas=2, ops_per_replica=1, values=("a", "b"), properties=sec)
    )
    assert broken.counterexample is not None
    assert broken.counterexample.explanation == (
        "r1 and r2 applied the same updates (r1#1, r2#1) but hold 'a' and 'b': "
        "strong eventual consistency violated"
    )
    doubled = verify_spec(
        Spec(OpCounter, replicas=2, ops_per_replica=1, faults={"dup": 1}, properties=sec)
    )
    assert doubled.counterexample is not None and len(doubled.counterexample.trace) == 4
    assert doubled.counterexample.trace.steps[-1].view.components["r2"]["applied"] == "r1#1"


def test_histories_of_traces_record_what_each_read_had_applied() -> None:
    from evcheck import strong_eventual_consistency
    from evcheck.trace import replay_labels
    from tests.support import System

    spec = Spec(
        UnorderedStore,
        replicas=2,
        sessions=["r1", "r2"],
        ops_per_session=3,
        keys=("x",),
        properties=[strong_eventual_consistency],
    )
    labels = [
        "put@r1('x', 's1.1') by s1",
        "put@r1('x', 's1.2') by s1",
        "deliver r1->r2 KeyUpdate(key='x', value='s1.2', stamp=(2, r1))",
        "get@r2('x') by s2 -> 's1.2'",
        "get@r1('x') by s1 -> 's1.2'",
    ]
    replayed = replay_labels(System(spec), 0, labels, stop_at_violation=False)
    assert replayed.stuck_at is None
    reads = [e for e in history_of(replayed.trace) if e.kind == "read"]
    # r2 has received only r1's second update; r1 made both.
    assert [(e.replica, e.applied) for e in reads] == [
        ("r2", frozenset({"s1.2"})),
        ("r1", frozenset({"s1.1", "s1.2"})),
    ]
