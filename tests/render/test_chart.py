"""Sequence charts: lanes, arrows for deliveries, marks for local events, faults drawn."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from evcheck import Spec, verify_spec
from evcheck.model import StateView
from evcheck.models import AntiEntropyLWW, LamportLWW, NoTiebreakLWW, OpCounter
from evcheck.render.chart import ascii_chart, mermaid_chart
from evcheck.runner import Result


def violated(s: Spec) -> Result:
    result = verify_spec(s)
    assert result.counterexample is not None
    return result


def test_ascii_chart_of_the_classic_bug() -> None:
    result = violated(
        Spec(NoTiebreakLWW, replicas=2, ops_per_replica=1, values=("a", "b"), por=False)
    )
    cex = result.counterexample
    assert cex is not None
    assert ascii_chart(cex.trace, result.lanes, cex.property) == "\n".join(
        [
            "     r1          r2",
            "      |           |",
            "  1   *           |      write@r1('a')",
            "  2   |           *      write@r2('b')",
            "  3   |---------->|      Update(value='a', stamp=(1, r1))",
            "  4   |<----------|      Update(value='b', stamp=(1, r2))",
            "    ==================   violated: quiescent_convergence",
        ]
    )


def test_faults_are_drawn() -> None:
    result = violated(
        Spec(
            AntiEntropyLWW,
            replicas=2,
            ops_per_replica=1,
            values=("a",),
            faults={"loss": 1, "partition": 1, "partition_mode": "drop"},
        )
    )
    cex = result.counterexample
    assert cex is not None
    chart = ascii_chart(cex.trace, result.lanes)
    assert "|~~~~~~~~~~~|      partition {r1}|{r2}" in chart
    assert "|----------x|      drop r1->r2 Update(value='a', stamp=(1, r1)) (partitioned)" in chart
    assert "  o           |      timer anti_entropy@r1" in chart.replace("  5   o", "  o")


def test_duplicates_and_crashes_are_drawn() -> None:
    dup = violated(Spec(OpCounter, replicas=2, ops_per_replica=1, faults={"dup": 1}))
    assert dup.counterexample is not None
    assert "|..........>|      dup r1->r2 Increment()" in ascii_chart(
        dup.counterexample.trace, dup.lanes
    )
    crash = violated(
        Spec(LamportLWW, replicas=2, ops_per_replica=1, values=("a",), faults={"crash": 1})
    )
    assert crash.counterexample is not None
    chart = ascii_chart(crash.counterexample.trace, crash.lanes)
    assert "X      crash r2" in chart and "^      recover r2" in chart
    assert "lost r1->r2 Update(value='a', stamp=(1, r1)) (r2 is down)" in chart


def test_mermaid_sequence_diagram() -> None:
    result = violated(
        Spec(LamportLWW, replicas=2, ops_per_replica=1, values=("a",), faults={"loss": 1})
    )
    cex = result.counterexample
    assert cex is not None
    assert mermaid_chart(cex.trace, result.lanes, cex.property) == "\n".join(
        [
            "sequenceDiagram",
            "    participant r1",
            "    participant r2",
            "    Note over r1: 1. write@r1('a')",
            "    r1-xr2: 2. drop r1->r2 Update(value='a', stamp=(1, r1))",
            "    Note over r1,r2: violated: quiescent_convergence",
        ]
    )


def test_mermaid_escapes_its_special_characters() -> None:
    from evcheck.render.chart import _mermaid_text

    assert _mermaid_text("a;b#c") == "a#59;b#35;c"


def test_sessions_have_lanes() -> None:
    from evcheck import load_spec
    from tests.conftest import SPECS

    result = verify_spec(load_spec(SPECS / "register_roaming.py"))
    cex = result.counterexample
    assert cex is not None
    assert result.lanes == ["r1", "r2", "s1"]
    chart = ascii_chart(cex.trace, result.lanes, cex.property)
    assert "  1   *<======================|      write@r1('s1.1') by s1" in chart
    assert "s1->>r2: 2. read@r2() by s1 -> None" in mermaid_chart(cex.trace, result.lanes)


def test_a_lost_message_reaches_its_receiver_past_the_lanes_between() -> None:
    """10.11: r1->r3 lost is drawn to r3's lane with an x at the tip, not ended on r2's."""
    from evcheck import load_spec
    from tests.conftest import SPECS

    result = violated(load_spec(SPECS / "lww_loss.py").with_settings({"replicas": 3}))
    cex = result.counterexample
    assert cex is not None
    chart = ascii_chart(cex.trace, result.lanes, cex.property)
    assert (
        "  3   |----------------------x|      drop r1->r3 Update(value='a', stamp=(1, r1))"
        in chart.split("\n")
    )
    assert "    r1-xr3: 3. drop r1->r3 Update(value='a', stamp=(1, r1))" in mermaid_chart(
        cex.trace, result.lanes
    ).split("\n")


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_mermaid_text_is_one_inert_line(text: str) -> None:
    from evcheck.render.chart import _mermaid_text

    out = _mermaid_text(text)
    assert out.isprintable() and "\n" not in out
    assert not any(ch in re.sub(r"#\d+;", "", out) for ch in "<&%;#")


@given(st.lists(st.text(min_size=1), min_size=1, max_size=4, unique=True))
@settings(max_examples=100, deadline=None)
def test_mermaid_participants_are_one_statement_each(lanes: list[str]) -> None:
    from evcheck.trace import Step, Trace

    out = mermaid_chart(Trace((Step(0, None, None, StateView({})),)), lanes, "p")
    lines = out.split("\n")
    assert len(lines) == 2 + len(lanes)
    assert all(line.startswith("    participant ") for line in lines[1:-1])
