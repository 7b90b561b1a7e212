"""The command line: exit codes, text and JSON output, settings, help, bad input."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from evcheck.cli import main, parse_setting
from tests.conftest import ROOT, SPECS

GOLDEN = ROOT / "tests" / "golden"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def normalise(text: str) -> str:
    """Blank out what changes between runs: timing, memory, and the collision estimate."""
    text = re.sub(r"(?m)^  time: .*", "  time: <elided>", text)
    return re.sub(r"collision probability: .*", "collision probability: <elided>", text)


def test_lww_verifies() -> None:
    code, out, _ = run("verify", str(SPECS / "lww.py"))
    assert code == 0
    assert "OK: all properties hold within the bounds" in out
    assert "partial-order reduction" in out
    assert "1,629 distinct, 3,106 transitions, depth 9" in out
    code, out, _ = run("verify", str(SPECS / "lww.py"), "--no-por")
    assert code == 0
    assert "2,617 distinct, 7,626 transitions, depth 9" in out


def test_broken_lww_prints_golden_counterexample() -> None:
    code, out, _ = run("verify", str(SPECS / "lww_no_tiebreak.py"))
    assert code == 1
    assert_golden("lww_no_tiebreak.txt", out)


def assert_golden(name: str, out: str) -> None:
    """Compare with tests/golden/NAME; EVCHECK_UPDATE_GOLDEN=1 rewrites it (review the diff)."""
    path = GOLDEN / name
    if os.environ.get("EVCHECK_UPDATE_GOLDEN") == "1":
        path.write_text(normalise(out))
    assert normalise(out) == path.read_text()


def test_json_output_is_one_document() -> None:
    code, out, _ = run("verify", str(SPECS / "lww_no_tiebreak.py"), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["schema"] == "evcheck.result/1"
    assert data["status"] == "violated"
    cex = data["counterexample"]
    assert cex["property"] == "quiescent_convergence"
    assert cex["length"] == 6
    assert [s["action"] for s in cex["trace"]][:2] == [None, "write@r1('a')"]
    assert cex["trace"][-1]["in_flight"] == []
    assert data["stats"]["states"] > 0


def test_replicas_and_set_override_the_spec() -> None:
    code, out, _ = run(
        "verify",
        str(SPECS / "lww.py"),
        "--replicas",
        "2",
        "--set",
        "values=(1, 2)",
        "--no-por",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert (data["stats"]["states"], data["stats"]["transitions"]) == (35, 48)
    code, out, _ = run(
        "verify", str(SPECS / "lww_no_tiebreak.py"), "-n", "2", "--set", "values=x,y"
    )
    assert code == 1
    assert "write@r1('x')" in out


def test_dfs_strategy() -> None:
    code, out, _ = run("verify", str(SPECS / "lww.py"), "--strategy", "dfs")
    assert code == 0
    assert "1,629 distinct, 3,106 transitions" in out


def test_limits_exit_3_with_partial_statistics() -> None:
    code, out, _ = run("verify", str(SPECS / "lww.py"), "--max-states", "50")
    assert code == 3
    assert "STOPPED: state limit of 50 reached" in out
    assert "states:" in out


def test_depth_bound_is_reported() -> None:
    code, out, _ = run("verify", str(SPECS / "lww.py"), "--max-depth", "2")
    assert code == 0
    assert "depth bound reached" in out


def test_property_selection(write_spec: Callable[[str], Path]) -> None:
    source = (
        "from evcheck import Spec, invariant, quiescent_convergence\n"
        "from evcheck.models import LamportLWW\n"
        "@invariant\n"
        "def never_written(w):\n"
        "    return all(r.value is None for r in w.replicas)\n"
        "spec = Spec(LamportLWW, replicas=2, ops_per_replica=1, values=(1,),\n"
        "            properties=[never_written, quiescent_convergence])\n"
    )
    path = str(write_spec(source))
    code, out, _ = run("verify", path)
    assert code == 1 and "VIOLATION: never_written" in out
    code, out, _ = run("verify", path, "--property", "quiescent_convergence")
    assert code == 0
    assert "(handlers_do_not_raise, quiescent_convergence)" in out
    code, _, err = run("verify", path, "--property", "nope")
    assert code == 2
    assert "no property named 'nope'" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify", "missing.py"], "does not exist"),
        (["verify", str(SPECS / "lww.py"), "--set", "bogus=1"], "unknown setting 'bogus'"),
        (
            ["verify", str(SPECS / "lww.py"), "--set", "replicas=0"],
            "replicas must be a positive int",
        ),
    ],
)
def test_errors_exit_2_without_traceback(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_broken_spec_file_exits_2(write_spec: Callable[[str], Path]) -> None:
    path = write_spec("from evcheck import Spec\nspec = Spec(42)\n")
    code, _, err = run("verify", str(path))
    assert code == 2
    assert f"{path}:2" in err and "needs a Replica subclass" in err


def test_usage_error_exits_2() -> None:
    code, _, _ = run("verify", str(SPECS / "lww.py"), "--strategy", "sideways")
    assert code == 2


def test_help_is_complete() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "Exit codes" in out
    for command in ("verify", "simulate", "replay", "check-history"):
        assert command in out
    code, out, _ = run("verify", "--help")
    assert code == 0
    for option in [
        "--replicas",
        "--set",
        "--faults",
        "--property",
        "--strategy",
        "--max-states",
        "--max-depth",
        "--max-time",
        "--max-counterexamples",
        "--no-shrink",
        "--format",
        "--no-chart",
        "--quiet",
        "--html",
        "--trace-out",
        "--itf",
        "--z3-all",
        "--debug",
    ]:
        assert option in out
    code, out, _ = run("simulate", "--help")
    assert code == 0 and "--seed" in out and "--runs" in out and "--depth" in out
    code, out, _ = run("replay", "--help")
    assert code == 0 and "exit 3" in out


def test_faults_option_overrides_the_profile() -> None:
    code, out, _ = run("verify", str(SPECS / "lww.py"), "-n", "2", "--faults", "loss=1")
    assert code == 1
    assert "drop r1->r2" in out
    assert "faults: declared message loss; exercised message loss" in out
    code, out, _ = run("verify", str(SPECS / "lww_loss.py"), "--faults", "none")
    assert code == 0
    assert "faults: none declared" in out
    code, _, err = run("verify", str(SPECS / "lww.py"), "--faults", "skew=1")
    assert code == 2 and "clock skew needs clocks" in err
    code, _, err = run("verify", str(SPECS / "lww.py"), "--faults", "lost=1")
    assert code == 2 and "unknown fault 'lost'" in err


def test_fault_counterexample_golden() -> None:
    code, out, _ = run("verify", str(SPECS / "lww_wallclock.py"))
    assert code == 1
    assert_golden("lww_wallclock.txt", out)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("values=(1, 2)", ("values", (1, 2))),
        ("values=a,b", ("values", ("a", "b"))),
        ("replicas=4", ("replicas", 4)),
        ("name=hello", ("name", "hello")),
    ],
)
def test_parse_setting(text: str, expected: tuple[str, object]) -> None:
    assert parse_setting(text) == expected


def test_output_files_and_replay(tmp_path: Path) -> None:
    trace, itf, html = tmp_path / "t.json", tmp_path / "t.itf.json", tmp_path / "r.html"
    code, out, _ = run(
        "verify",
        str(SPECS / "lww_no_tiebreak.py"),
        "-q",
        "--trace-out",
        str(trace),
        "--itf",
        str(itf),
        "--html",
        str(html),
    )
    assert code == 1
    assert out.startswith("VIOLATION: quiescent_convergence") and out.count("\n") == 1
    assert json.loads(trace.read_text())["schema"] == "evcheck.trace/2"
    assert json.loads(itf.read_text())["#meta"]["format"] == "ITF"
    assert "<svg" in html.read_text()
    code, out, _ = run("replay", str(SPECS / "lww_no_tiebreak.py"), str(trace))
    assert code == 1 and out.startswith("evcheck replay: same violation")
    code, out, _ = run("replay", str(SPECS / "lww.py"), str(trace))
    assert code == 0 and "no violation" in out
    code, out, _ = run("replay", str(SPECS / "counter_dup.py"), str(trace), "--format", "json")
    assert code == 3 and json.loads(out)["outcome"] == "not_applicable"
    trace.write_text("{")
    code, _, err = run("replay", str(SPECS / "lww.py"), str(trace))
    assert code == 2 and "not JSON" in err


def test_trace_files_are_not_written_without_a_counterexample(tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    code, _, err = run("verify", str(SPECS / "lww.py"), "--trace-out", str(trace))
    assert code == 0 and not trace.exists() and "not written" in err


def test_mermaid_format() -> None:
    code, out, _ = run("verify", str(SPECS / "lww_loss.py"), "--format", "mermaid")
    assert code == 1
    assert out.startswith("sequenceDiagram\n    participant r1")
    code, out, _ = run("verify", str(SPECS / "lww.py"), "--format", "mermaid")
    assert code == 0 and out.startswith("%% OK")


def test_no_chart_and_several_counterexamples() -> None:
    code, out, _ = run(
        "verify", str(SPECS / "lww_no_tiebreak.py"), "--no-chart", "--max-counterexamples", "3"
    )
    assert code == 1
    assert "violated: quiescent_convergence" not in out.replace(
        "quiescent_convergence violated", ""
    )
    assert "Counterexample 3: quiescent_convergence" in out
    assert "(and 2 more)" in out


def test_simulate_reports_its_seed() -> None:
    code, out, _ = run("simulate", str(SPECS / "lww_no_tiebreak.py"), "--seed", "7", "--runs", "50")
    assert code == 1
    assert "random simulation, seed 7" in out
    again = run("simulate", str(SPECS / "lww_no_tiebreak.py"), "--seed", "7", "--runs", "50")[1]
    assert normalise(again) == normalise(out)
    code, out, _ = run(
        "simulate", str(SPECS / "lww.py"), "--runs", "20", "--depth", "5", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["runs"] == 20 and isinstance(data["seed"], int)
    code, out, _ = run("simulate", str(SPECS / "lww.py"), "--runs", "20", "--depth", "5")
    assert code == 0
    assert "OK: no violation in 20 random run(s)" in out and "does not prove" in out
    assert "quiescent_convergence  no violation in the runs made" in out


def test_summary_table_lists_every_property() -> None:
    code, out, _ = run("verify", str(SPECS / "lww_wallclock.py"))
    assert code == 1
    assert "  later_write_wins       VIOLATED (4 steps)" in out
    assert "  quiescent_convergence  no violation found (search stopped first)" in out


def test_z3_all_reports_agreement() -> None:
    code, out, _ = run("verify", str(SPECS / "register_roaming.py"), "--z3-all", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["z3_all"]["histories"] > 0 and data["z3_all"]["complete"]
    code, out, _ = run("verify", str(SPECS / "register_sessions.py"), "--z3-all")
    assert code == 0
    assert "the monitors agree" in out
