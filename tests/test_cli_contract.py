"""The CLI's own error paths keep the exit-code contract: bad output paths and fault
options are a clear message and exit 2, never a traceback (and the report is printed
before a file that cannot be written is complained about); an interrupt is exit 3."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from evcheck import FaultProfile, SpecError
from evcheck.cli import main
from tests.conftest import SPECS


@pytest.mark.parametrize("option", ["--html", "--trace-out", "--itf"])
def test_an_unwritable_report_file_does_not_lose_the_report(tmp_path: Path, option: str) -> None:
    target = tmp_path / "missing-directory" / "report"
    args = ["verify", str(SPECS / "lww_no_tiebreak.py"), option, str(target)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "VIOLATION: quiescent_convergence" in result.stdout
    assert f"evcheck: error: cannot write {target}: No such file or directory" in result.stderr
    assert "Traceback" not in result.output


def test_splits_cannot_be_set_from_the_command_line() -> None:
    args = ["verify", str(SPECS / "lww.py"), "--faults", "splits=1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "--faults cannot set splits" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("splits", [5, [[1, 2]], [[["a"], [2]]], "r1|r2"])
def test_malformed_splits_are_a_spec_error(splits: object) -> None:
    with pytest.raises(SpecError, match="splits must list partition splits"):
        FaultProfile().with_overrides({"splits": splits})


def test_ctrl_c_in_an_unsupervised_command_exits_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("evcheck.cli.read_trace", interrupted)
    trace = tmp_path / "trace.json"
    trace.write_text("{}")
    result = CliRunner().invoke(main, ["replay", str(SPECS / "lww.py"), str(trace)])
    assert result.exit_code == 3
    assert "evcheck: stopped: interrupted" in result.stderr and "Aborted" not in result.output
