"""Protocol designs under regression, in pytest.

    from evcheck.testing import verify, expect_violation

    def test_lww_converges():
        assert verify("specs/lww.py", replicas=3).ok    # a failure prints the counterexample

    def test_no_tiebreak_keeps_failing():
        expect_violation("specs/lww_no_tiebreak.py", "quiescent_convergence", max_length=6)

With the plugin (installed with evcheck), a test that takes a `spec_file` argument
runs once per file matched by the `evcheck_specs` ini option or `--evcheck-specs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .dsl import Spec
from .loader import load_spec
from .results import Counterexample, Result
from .runner import verify_spec
from .search import Limits


def verify(
    spec: Spec | str | Path,
    *,
    strategy: str = "bfs",
    faults: dict[str, Any] | None = None,
    properties: list[str] | None = None,
    max_states: int | None = None,
    max_depth: int | None = None,
    max_counterexamples: int = 1,
    shrink: bool = True,
    por: bool | str = "auto",
    **settings: Any,
) -> Result:
    """Check a spec (object or file) with optional overrides; returns the Result.

    `settings` override bounds and parameters as `--set` does (replicas=3,
    values=("a", "b"), ...). `result.ok`, `result.violations`, `result.stats` and
    `result.trace` are there to assert on; a failing `assert result.ok` shows the
    whole report, counterexample and chart included.
    """
    loaded = spec if isinstance(spec, Spec) else load_spec(spec)
    if settings:
        loaded = loaded.with_settings(settings)
    if faults is not None:
        loaded = loaded.with_faults(faults)
    if properties is not None:
        loaded = loaded.select_properties(properties)
    if por != "auto":
        loaded = loaded.with_por(por)
    limits = Limits(
        max_states=max_states, max_depth=max_depth, max_counterexamples=max_counterexamples
    )
    result = verify_spec(loaded, strategy=strategy, limits=limits, shrink=shrink)
    if _current_test_results is not None:
        _current_test_results.append(result)
    return result


# While the evcheck pytest plugin runs a test, the results `verify` produced in it, so a
# failing assertion can be reported with its counterexample. pytest shortens the repr
# in `assert result.ok`; the plugin adds the full report as a section instead.
_current_test_results: list[Result] | None = None


def collect_results(into: list[Result] | None) -> None:
    """Start (a list) or stop (None) collecting results for the current test."""
    global _current_test_results
    _current_test_results = into


def expect_violation(
    spec: Spec | str | Path,
    prop: str,
    *,
    max_length: int | None = None,
    length: int | None = None,
    **kwargs: Any,
) -> Counterexample:
    """Assert that checking `spec` violates `prop` (within `max_length` steps); returns it."""
    return verify(spec, **kwargs).expect_violation(prop, max_length=max_length, length=length)


__all__ = ["collect_results", "expect_violation", "verify"]
