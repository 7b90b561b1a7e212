"""Every spec in specs/ keeps its verdict: the correct designs verify, and each broken one
keeps producing its counterexample. Parametrised by the evcheck pytest plugin over the
`evcheck_specs` files configured in pyproject.toml; the expectations are the library
catalog's (evcheck.models.catalog), so `evcheck list` shows what this file pins."""

from __future__ import annotations

from pathlib import Path

from evcheck.models.catalog import CATALOG
from evcheck.testing import verify
from tests.conftest import SPECS

# Every spec file is an entry of the library catalog, which holds its expected verdict:
# the property violated and the exact length of the shortest counterexample, or None if
# every property holds. Liveness lengths are prefix + cycle (docs/liveness.md);
# tests/test_liveness.py pins where each cycle starts.
EXPECTED: dict[str, tuple[str, int] | None] = {
    e.spec: None if e.violated is None else (e.violated, e.length or 0) for e in CATALOG
}


def test_every_spec_has_an_expectation() -> None:
    assert sorted(p.name for p in SPECS.glob("*.py")) == sorted(EXPECTED)
    assert len(EXPECTED) == len(CATALOG), "a spec file is listed twice in the catalog"


def test_spec_keeps_its_verdict(spec_file: Path) -> None:
    expected = EXPECTED[spec_file.name]
    result = verify(spec_file)
    if expected is None:
        assert result.ok
    else:
        prop, length = expected
        result.expect_violation(prop, length=length)
