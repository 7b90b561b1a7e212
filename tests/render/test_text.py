"""The text report: words that read right, one fact per line, and nothing a spec or a
trace supplies can rewrite the terminal."""

from __future__ import annotations

import dataclasses

from evcheck import Fail, Spec, invariant, load_spec, verify_spec
from evcheck.model import Action, StateView
from evcheck.models import LamportLWW
from evcheck.render.chart import ascii_chart, mermaid_chart
from evcheck.render.text import render_counterexample, render_result, render_trace
from evcheck.trace import Step, Trace
from tests.conftest import SPECS


@invariant
def nobody_writes(w: object) -> object:
    """Nobody writes:
    every replica keeps its
    initial value."""
    if any(r.value is not None for r in w.replicas):  # type: ignore[attr-defined]
        return Fail("r1 wrote \x1b[2K\r\x1b[32mOK: all properties hold\x1b[0m")
    return True


def one_step_result() -> str:
    spec = Spec(
        LamportLWW, replicas=2, values=("a",), ops_per_replica=1, properties=[nobody_writes]
    )
    return render_result(verify_spec(spec))


def test_one_step_is_singular_and_docstrings_are_one_line() -> None:
    out = one_step_result()
    assert (
        "VIOLATION: nobody_writes (Nobody writes: every replica keeps its initial value.) "
        "after 1 step\n" in out
    )
    assert "nobody_writes          VIOLATED (1 step)" in out


def test_control_characters_in_explanations_are_escaped() -> None:
    out = one_step_result()
    assert "\x1b" not in out and "\r" not in out
    assert "r1 wrote \\x1b[2K\\x0d\\x1b[32mOK: all properties hold\\x1b[0m" in out


def hostile_trace() -> Trace:
    """A trace as a trace file or a strange spec could make it: names and values with
    newlines, escapes and Mermaid syntax."""
    evil = "s1\nNote over r1: injected; %%{init}%% #35; <b>x</b>"
    view0 = StateView({"r1": {"v": "None"}, "environment": {"ops by session": "s1 0, s2 0"}})
    view1 = StateView(
        {"r1": {"v": "'\x1b[31mred'\r"}, "environment": {"ops by session": "s1 1, s2 0"}},
        in_flight=["r1->r2 M('\x07')"],
    )
    op = Action(f"write@r1('a') by {evil}", "op", actor="r1", session=evil)
    return Trace((Step(0, None, None, view0), Step(1, op.label, None, view1, op)))


def test_terminal_output_of_hostile_traces_is_inert() -> None:
    trace = hostile_trace()
    for text in (render_trace(trace), ascii_chart(trace, ["r1", "s1\nx"], "p\r")):
        assert not any(ch in text for ch in "\x1b\r\x07")
        assert all(line.isprintable() for line in text.split("\n"))
    assert "by s1\\x0aNote over r1" in render_trace(trace)
    header = ascii_chart(trace, ["r1", "s" * 5000]).split("\n")[0]
    assert header.endswith("sssssssssssssssss...") and len(header) < 60


def test_mermaid_names_and_labels_cannot_inject_statements() -> None:
    trace = hostile_trace()
    evil = trace.steps[1].detail.session  # type: ignore[union-attr]
    out = mermaid_chart(trace, ["r1", evil or ""], "p\nNote over r1: x")
    lines = out.split("\n")
    assert lines[:3] == [
        "sequenceDiagram",
        "    participant r1",
        "    participant _lane2 as s1#10;Note over r1: injected#59; #37;#37;{init}#37;#37; "
        "#35;35#59; #60;b>x#60;/b>",
    ]
    assert len(lines) == 5  # the header, two participants, one operation, the violation
    assert lines[3].startswith("    _lane2->>r1: 1. write@r1('a') by s1#10;Note")
    assert lines[4] == "    Note over r1,_lane2: violated: p#10;Note over r1: x"
    assert mermaid_chart(trace, ["end", "r1"]).split("\n")[1] == "    participant _lane1 as end"


def test_environment_changes_show_only_what_changed() -> None:
    result = verify_spec(load_spec(SPECS / "store_monotonic_writes.py"))
    out = render_result(result)
    assert "      environment: ops by session s1: 0 -> 1\n" in out
    assert "s1 0, s2 0 ->" not in out


def test_a_multi_line_explanation_is_an_indented_block_naming_the_property_once() -> None:
    result = verify_spec(load_spec(SPECS / "lww_no_tiebreak.py"))
    assert result.counterexample is not None
    cex = dataclasses.replace(
        result.counterexample,
        explanation="replicas did not converge: quiescent_convergence violated\n"
        "r1 holds 'a'\n  r2 holds 'b'\n\nconfirmed by Z3: no order explains it",
    )
    lines = render_counterexample(cex, result.lanes, chart=False)
    assert lines[-4:] == [
        "  quiescent_convergence violated: replicas did not converge",
        "      r1 holds 'a'",
        "      r2 holds 'b'",
        "      confirmed by Z3: no order explains it",
    ]


def test_the_properties_table_gives_the_shortest_counterexample() -> None:
    from evcheck.render.text import summary_table

    result = verify_spec(load_spec(SPECS / "lww_no_tiebreak.py"))
    cex = result.counterexamples[0]
    shorter = dataclasses.replace(cex, trace=Trace(cex.trace.steps[:4]))
    result = dataclasses.replace(result, counterexamples=[cex, shorter])
    assert (
        "  quiescent_convergence  VIOLATED (3 steps) (quiescent states checked: 10)"
        in summary_table(result)
    )


def test_the_replay_report_is_escaped_and_clipped() -> None:
    from evcheck.render.text import render_replay
    from evcheck.runner import ReplayReport

    report = ReplayReport(
        "not_applicable",
        "p\x1b[2J",
        3,
        "step 1, go\r\x1b[32m, is not enabled (enabled: " + "x, " * 10_000 + ")",
        hostile_trace(),
    )
    out = render_replay(report)
    assert out.startswith("evcheck replay: step 1, go\\x0d\\x1b[32m, is not enabled")
    assert "more chars)" in out and "\x1b" not in out and "\r" not in out
    assert "  State 1: write@r1('a') by s1\\x0aNote" in out


def test_the_header_says_threads_or_worker_processes() -> None:
    """`--workers N` runs threads of the native core, processes of the Python engine."""
    spec = Spec(LamportLWW, replicas=2, values=("a",), ops_per_replica=1)
    result = verify_spec(spec, workers=2, engine="python")
    assert render_result(result).splitlines()[0].endswith("BFS, 2 worker processes")
    native = dataclasses.replace(result, engine="native")
    assert render_result(native).splitlines()[0].endswith("BFS, 2 threads")
