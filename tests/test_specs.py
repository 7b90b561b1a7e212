"""Every spec in specs/ keeps its verdict: the correct designs verify, and each broken one
keeps producing its counterexample (property and shortest length pinned)."""

from __future__ import annotations

import pytest

from evcheck import load_spec, verify_spec
from tests.conftest import SPECS

EXPECTED = {
    "lww.py": ("holds", None, None),
    "lww_no_tiebreak.py": ("violated", "quiescent_convergence", 6),
    "lww_loss.py": ("violated", "quiescent_convergence", 3),
    "lww_anti_entropy.py": ("holds", None, None),
    "lww_retry.py": ("holds", None, None),
    "lww_volatile_stamp.py": ("violated", "quiescent_convergence", 6),
    "lww_wallclock.py": ("violated", "later_write_wins", 4),
    "counter_dup.py": ("violated", "quiescent_convergence", 4),
    "gcounter.py": ("holds", None, None),
}


def test_every_spec_has_an_expectation() -> None:
    assert sorted(p.name for p in SPECS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_spec_verdict(name: str) -> None:
    status, prop, length = EXPECTED[name]
    result = verify_spec(load_spec(SPECS / name))
    assert result.status == status
    if prop is None:
        assert result.counterexample is None
    else:
        assert result.counterexample is not None
        assert (result.counterexample.property, len(result.counterexample.trace)) == (prop, length)
