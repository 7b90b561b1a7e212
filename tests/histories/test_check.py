"""The library calls: judging a recorded history, and confirming a violation with two
judges in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from evcheck.consistency import Event, Op
from evcheck.errors import EvcheckError
from evcheck.histories import check_history_file, confirm_violation


def test_check_history_file(tmp_path: Path) -> None:
    path = tmp_path / "h.edn"
    path.write_text(
        "{:process 0 :type :invoke :f :write :value 1}\n{:process 0 :type :ok :f :write :value 1}\n"
        "{:process 1 :type :invoke :f :read}\n{:process 1 :type :ok :f :read :value 2}\n"
    )
    report = check_history_file(path, ["linearizability"])
    assert report.status == "violated" and report.format == "edn"
    verdict = report.verdicts[0]
    assert verdict.judges == ("search", "Z3")
    assert verdict.linearizability is not None and verdict.linearizability.conflict == (2,)


def test_cancelled_judgement_is_no_verdict(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(
        "\n".join(
            f'{{"process": 0, "type": "{t}", "f": "write", "value": {i}}}'
            for i in range(5000)
            for t in ("invoke", "ok")
        )
    )
    report = check_history_file(path, ["linearizability"], cancelled=lambda: True)
    assert report.status == "stopped" and report.verdicts == []


def test_confirm_violation_on_events_and_on_recorded_operations() -> None:
    events = [Event(1, "s1", "r1", "write", None, "a"), Event(2, "s1", "r2", "read", None, None)]
    text = confirm_violation("read_your_writes", events)
    assert "read_your_writes violated (confirmed by Z3: " in text
    ops = [Op(1, "p0", "write", None, 1, 1, 2), Op(2, "p1", "read", None, 2, 3, 4)]
    assert "confirmed by Z3" in confirm_violation("linearizability", ops)


def test_confirm_violation_refuses_a_history_that_holds() -> None:
    events = [Event(1, "s1", "r1", "write", None, "a"), Event(2, "s1", "r1", "read", None, "a")]
    with pytest.raises(
        EvcheckError, match="internal error: the read_your_writes monitor and Z3 disagree"
    ):
        confirm_violation("read_your_writes", events)
