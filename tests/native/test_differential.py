"""The native core against the Python engine, the reference: on every spec in `specs/`
(and variants: no reduction, depth-first, depth bounds, several counterexamples, two
threads), identical verdicts, state and transition counts, depth, frontier left, fault
kinds exercised, premise counts and counterexamples, step for step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evcheck import Spec, invariant, load_spec, symmetric_values, verify_spec
from evcheck.errors import SpecError
from evcheck.models import LamportLWW
from evcheck.native import available
from evcheck.results import Result
from evcheck.search import Limits

ROOT = Path(__file__).resolve().parent.parent.parent
SPECS = sorted(p.name for p in (ROOT / "specs").glob("*.py"))
# Large state spaces are compared up to a state limit (which compares the limit too).
CAP = 20_000

pytestmark = pytest.mark.skipif(not available(), reason="native core not built")


def summary(result: Result) -> tuple[Any, ...]:
    s = result.stats
    cexs = [
        (c.property, c.initial, c.found_length, tuple(c.trace.actions)) for c in result.violations
    ]
    return (
        result.status,
        s.states,
        s.transitions,
        s.depth,
        s.frontier_left,
        s.depth_bounded,
        result.stop_reason,
        cexs,
        result.faults_exercised,
        result.premises,
    )


def both(path: str, **kw: Any) -> tuple[Result, Result]:
    spec = load_spec(str(ROOT / "specs" / path))
    python = verify_spec(spec, engine="python", **{k: v for k, v in kw.items() if k != "workers"})
    native = verify_spec(spec, engine="native", **kw)
    return python, native


@pytest.mark.parametrize("path", SPECS)
def test_every_spec_explores_identically(path: str) -> None:
    python, native = both(path, limits=Limits(max_states=CAP))
    assert python.engine == "python"
    if native.engine == "python":
        assert native.engine_note and "does not cover" in native.engine_note
    assert summary(native) == summary(python)


@pytest.mark.parametrize(
    "path", ["lww.py", "lww_no_tiebreak.py", "lww_volatile_stamp.py", "counter_dup.py"]
)
def test_without_partial_order_reduction(path: str) -> None:
    spec = load_spec(str(ROOT / "specs" / path)).with_por(False)
    python = verify_spec(spec, engine="python")
    native = verify_spec(spec, engine="native")
    assert native.engine == "native"
    assert summary(native) == summary(python)


@pytest.mark.parametrize(
    "path", ["lww.py", "lww_no_tiebreak.py", "lww_wallclock.py", "gcounter.py"]
)
def test_depth_first(path: str) -> None:
    python, native = both(path, strategy="dfs", limits=Limits(max_states=CAP), shrink=False)
    assert native.engine == "native"
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", SPECS)
def test_every_spec_explores_identically_in_two_threads(path: str) -> None:
    try:
        python, native = both(path, limits=Limits(max_states=CAP), workers=2)
    except SpecError as e:  # liveness and `sometimes` properties need one worker
        pytest.skip(str(e))
    if native.engine != "native":
        pytest.skip("not covered by the native core (two workers are processes there)")
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", ["lww_anti_entropy.py", "lww.py", "gcounter.py"])
@pytest.mark.parametrize(("strategy", "workers"), [("bfs", 1), ("dfs", 1), ("bfs", 2)])
def test_depth_bound(path: str, strategy: str, workers: int) -> None:
    python, native = both(path, strategy=strategy, limits=Limits(max_depth=6), workers=workers)
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", ["lww_no_tiebreak.py", "counter_dup.py", "lww_loss.py"])
@pytest.mark.parametrize("workers", [1, 2])
def test_several_counterexamples(path: str, workers: int) -> None:
    python, native = both(path, limits=Limits(max_counterexamples=3), workers=workers)
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", ["lww.py", "lww_no_tiebreak.py", "lww_retry.py", "gcounter.py"])
def test_two_threads_give_one_threads_results(path: str) -> None:
    spec = load_spec(str(ROOT / "specs" / path)).with_por(False)
    one = verify_spec(spec, engine="native", limits=Limits(max_states=CAP))
    two = verify_spec(spec, engine="native", limits=Limits(max_states=CAP), workers=2)
    python = verify_spec(spec, engine="python", limits=Limits(max_states=CAP))
    assert summary(one) == summary(two) == summary(python)


def test_time_limit_stops_with_partial_statistics() -> None:
    spec = load_spec(str(ROOT / "specs" / "lww_anti_entropy.py"))
    result = verify_spec(spec, engine="native", limits=Limits(max_seconds=0.0))
    assert result.status == "stopped"
    assert result.stop_reason == "time limit of 0s reached"
    assert result.stats.states > 0


def test_unsupported_features_fall_back_to_python() -> None:
    @invariant(network=True)
    def few_in_flight(w: Any) -> bool:
        """at most four messages in flight"""
        return len(w.network) <= 4

    spec = Spec(
        LamportLWW, replicas=3, values=("a", "b"), ops_per_replica=1, properties=[few_in_flight]
    )
    python = verify_spec(spec, engine="python")
    result = verify_spec(spec, engine="native")
    assert result.engine == "python"
    assert result.engine_note is not None and "reads the environment" in result.engine_note
    assert summary(result) == summary(python)


@pytest.mark.parametrize(
    ("path", "variant"),
    [("gcounter.py", "replicas"), ("lww.py", "values"), ("lww_no_tiebreak.py", "values")],
)
@pytest.mark.parametrize("workers", [1, 2])
def test_symmetry(path: str, variant: str, workers: int) -> None:
    spec = load_spec(str(ROOT / "specs" / path))
    if variant == "replicas":
        spec = spec.with_symmetry(["replicas"])
    else:
        spec = spec.with_settings({"values": symmetric_values("a", "b")})
    python = verify_spec(spec, engine="python", limits=Limits(max_states=CAP))
    native = verify_spec(spec, engine="native", limits=Limits(max_states=CAP), workers=workers)
    assert native.engine == "native"
    assert summary(native) == summary(python)
