"""The pytest integration: verify(), expect_violation(), the plugin, and readable failures."""

from __future__ import annotations

import pytest

from evcheck.testing import expect_violation, verify
from tests.conftest import SPECS

pytest_plugins = ["pytester"]


def test_verify_returns_a_result_to_assert_on() -> None:
    result = verify(SPECS / "lww.py", replicas=2, por=False)
    assert result.ok and result.violations == [] and result.trace is None
    assert result.stats.states == 35
    assert verify(SPECS / "lww.py", replicas=2).stats.states < 35  # reduced by default


def test_expect_violation_pins_property_and_length() -> None:
    cex = expect_violation(SPECS / "lww_no_tiebreak.py", "quiescent_convergence", max_length=6)
    assert len(cex.trace) == 6
    with pytest.raises(AssertionError, match="more than 5"):
        expect_violation(SPECS / "lww_no_tiebreak.py", "quiescent_convergence", max_length=5)
    with pytest.raises(AssertionError, match="expected later_write_wins to be violated"):
        expect_violation(SPECS / "lww.py", "later_write_wins")


def test_overrides_faults_and_properties() -> None:
    result = verify(SPECS / "lww.py", replicas=2, faults={"loss": 1})
    assert result.trace is not None and len(result.trace) == 2
    assert verify(SPECS / "lww_loss.py", faults={"loss": 0}).ok
    assert verify(SPECS / "lww_wallclock.py", properties=["quiescent_convergence"]).ok


def test_failed_assert_shows_the_counterexample(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        from evcheck.testing import verify

        def test_design():
            assert verify({str(SPECS / "lww_no_tiebreak.py")!r}).ok
        """
    )
    outcome = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcome.assert_outcomes(failed=1)
    text = outcome.stdout.str()
    assert "evcheck counterexample" in text
    assert "VIOLATION: quiescent_convergence" in text
    assert "State 6: deliver r2->r3 Update(value='b', stamp=(1, r2))" in text
    assert "violated: quiescent_convergence" in text  # the chart


def test_plugin_parametrises_over_spec_files(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from evcheck.testing import verify

        def test_each(spec_file):
            assert spec_file.suffix == ".py"
        """
    )
    outcome = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--evcheck-specs",
        str(SPECS.relative_to(SPECS.anchor)) + "/lww*.py",
        "--rootdir",
        SPECS.anchor,
        "-v",
    )
    text = outcome.stdout.str()
    assert "test_each[lww.py] PASSED" in text
    assert "test_each[lww_no_tiebreak.py] PASSED" in text
    assert "counter_dup" not in text
