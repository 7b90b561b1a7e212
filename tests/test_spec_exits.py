"""Spec code that exits or interrupts is the spec's failure, never a verdict of 'holds';
an invariant answers True, False or Fail, nothing else."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evcheck import Fail, Replica, Spec, SpecError, field, invariant, operation
from evcheck.loader import load_spec
from evcheck.properties import invariant_verdict
from evcheck.runner import verify_spec

RAISERS = {
    "sys.exit(0)": "import sys; sys.exit(0)",
    "raise SystemExit": "raise SystemExit(3)",
    "raise KeyboardInterrupt": "raise KeyboardInterrupt",
}


@pytest.mark.parametrize("statement", RAISERS.values(), ids=RAISERS.keys())
def test_a_handler_that_exits_is_a_counterexample(statement: str) -> None:
    namespace: dict[str, Any] = {}
    exec(f"def write(self):\n    {statement}\n", namespace)

    class Exiting(Replica):
        x = field(0)
        write = operation()(namespace["write"])

    result = verify_spec(Spec(Exiting, replicas=1, ops_per_replica=1))
    cex = result.expect_violation("handlers_do_not_raise", length=1)
    assert cex.trace.actions == ["write@r1()"]


@pytest.mark.parametrize("statement", RAISERS.values(), ids=RAISERS.keys())
def test_a_spec_file_that_exits_while_loading_is_a_spec_error(
    write_spec: Callable[[str], Path], statement: str
) -> None:
    path = write_spec(f"x = 1\n{statement}\n")
    with pytest.raises(SpecError, match=r"loading the spec raised (SystemExit|KeyboardInterrupt)"):
        load_spec(path)


@invariant
def anything(w: Any) -> bool:
    return True


@pytest.mark.parametrize("returned", [True, False, Fail("why")])
def test_an_invariant_verdict_is_true_false_or_fail(returned: Any) -> None:
    assert invariant_verdict(anything, returned) is returned


@pytest.mark.parametrize("returned", [None, "False", 0, 1, math.nan, [False]])
def test_any_other_invariant_result_is_a_spec_error(returned: Any) -> None:
    with pytest.raises(SpecError, match="must return True, False or Fail") as info:
        invariant_verdict(anything, returned)
    assert "test_spec_exits.py:" in str(info.value) and "invariant anything returned" in str(
        info.value
    )


def test_observe_that_exits_is_a_spec_error() -> None:
    class Quitter(Replica):
        x = field(0)

        @operation()
        def write(self) -> None:
            self.x = 1

        def observe(self) -> int:
            raise SystemExit(0)

    with pytest.raises(SpecError, match=r"Quitter.observe\(\) failed .*SystemExit"):
        verify_spec(Spec(Quitter, replicas=1, ops_per_replica=1))
