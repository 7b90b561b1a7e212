"""Every spec in specs/ keeps its verdict: the correct designs verify, and each broken one
keeps producing its counterexample. Parametrised by the evcheck pytest plugin over the
`evcheck_specs` files configured in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from evcheck.testing import verify
from tests.conftest import SPECS

# spec file -> (property violated, exact shortest length), or None if it verifies
EXPECTED: dict[str, tuple[str, int] | None] = {
    "lww.py": None,
    "lww_no_tiebreak.py": ("quiescent_convergence", 6),
    "lww_loss.py": ("quiescent_convergence", 3),
    "lww_anti_entropy.py": None,
    "lww_retry.py": None,
    "lww_volatile_stamp.py": ("quiescent_convergence", 6),
    "lww_wallclock.py": ("later_write_wins", 4),
    "counter_dup.py": ("quiescent_convergence", 4),
    "gcounter.py": None,
    "register_sessions.py": None,
    "register_roaming.py": ("read_your_writes", 2),
    "store_monotonic_writes.py": ("monotonic_writes", 5),
    "counter_sec.py": ("strong_eventual_consistency", 4),
    # Liveness: lengths are prefix + cycle (docs/liveness.md); tests/test_liveness.py pins
    # where each cycle starts.
    "gossip_pingpong.py": ("eventual_convergence", 6),
    "lww_anti_entropy_live.py": None,
    "causal_lost_dependency.py": ("eventual_convergence", 7),
    "cap_quorum.py": ("minority_write_completes", 2),
    "cap_local.py": None,
    "cap_quorum_healing.py": None,
    "cap_local_healing.py": None,
    # Failure detectors: a timeout promotes with no crash; a perfect detector needs the
    # crash (and the old primary's recovery); an eventually perfect one a wrong suspicion.
    "failover_timeout.py": ("at_most_one_primary", 1),
    "failover_perfect.py": ("at_most_one_primary", 3),
    "failover_stepdown.py": None,
    "failover_eventual.py": ("at_most_one_primary", 2),
}


def test_every_spec_has_an_expectation() -> None:
    assert sorted(p.name for p in SPECS.glob("*.py")) == sorted(EXPECTED)


def test_spec_keeps_its_verdict(spec_file: Path) -> None:
    expected = EXPECTED[spec_file.name]
    result = verify(spec_file)
    if expected is None:
        assert result.ok
    else:
        prop, length = expected
        result.expect_violation(prop, length=length)
