"""Random simulation on the native core against the Python engine, the reference: the
core's port of CPython's Mersenne Twister and `randrange` draws what Python draws, and
so, seed for seed, the core takes the same walks as `evcheck.search.simulate`, with the
same runs, statistics, stop reasons and counterexamples, on every spec it covers."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from evcheck import load_spec, simulate_spec, symmetric_values
from evcheck.cli import main
from evcheck.errors import SpecError
from evcheck.native import available, randbelow
from evcheck.results import Result
from evcheck.search import Limits

ROOT = Path(__file__).resolve().parent.parent.parent
SPECS = sorted(p.name for p in (ROOT / "specs").glob("*.py"))

pytestmark = pytest.mark.skipif(not available(), reason="native core not built")


def summary(result: Result) -> tuple[Any, ...]:
    s = result.stats
    cexs = [
        (c.property, c.initial, c.found_length, tuple(c.trace.actions)) for c in result.violations
    ]
    return (
        result.status,
        result.runs,
        s.states,
        s.transitions,
        s.depth,
        result.stop_reason,
        cexs,
        result.faults_exercised,
    )


def both(path: str, seed: int, runs: int = 30, depth: int = 40, **kw: Any) -> tuple[Result, Result]:
    spec = kw.pop("spec", None) or load_spec(str(ROOT / "specs" / path))
    python = simulate_spec(spec, runs=runs, depth=depth, seed=seed, engine="python", **kw)
    native = simulate_spec(spec, runs=runs, depth=depth, seed=seed, engine="native", **kw)
    assert python.engine == "python"
    return python, native


# -- the generator ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 7, 12345, 2**32 - 1, 2**70 + 3])
def test_randrange_port_draws_what_python_draws(seed: int) -> None:
    """Bounds of every bit length up to 32 (powers of two and their neighbours, where
    rejection is most and least likely), n=1 (which still consumes a word), and enough
    draws to run through several twists of the 624-word state."""
    picker = random.Random(seed)
    bounds = [1, 2, 3, 4, 5, 7, 8, 9, 100, 255, 256, 257, 65_535, 65_536, 2**31, 2**32 - 1]
    bounds += [picker.randrange(1, 2 ** picker.randrange(1, 33)) for _ in range(3000)]
    python, native = random.Random(seed), random.Random(seed)
    expected = [python.randrange(n) for n in bounds]
    assert randbelow(native, bounds) == expected
    assert native.getstate() == python.getstate()  # the same words consumed


def test_randrange_port_continues_any_position() -> None:
    python = random.Random(3)
    for _ in range(500):
        python.getrandbits(32)  # mid-way through the state words
    native = random.Random()
    native.setstate(python.getstate())
    bounds = [1, 6, 1, 1, 40, 2, 3] * 200
    assert randbelow(native, bounds) == [python.randrange(n) for n in bounds]
    assert native.getstate() == python.getstate()


# -- every spec ------------------------------------------------------------------------


@pytest.mark.parametrize("path", SPECS)
@pytest.mark.parametrize("seed", [1, 2024])
def test_every_spec_simulates_identically(path: str, seed: int) -> None:
    try:
        python, native = both(path, seed)
    except SpecError as e:  # liveness and `sometimes` properties need `verify`
        pytest.skip(str(e))
    if native.engine != "native":
        assert native.engine_note and "does not cover" in native.engine_note
        pytest.skip(native.engine_note)
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", ["lww.py", "gcounter.py", "lww_anti_entropy.py", "quorum.py"])
def test_long_walks(path: str) -> None:
    python, native = both(path, seed=5, runs=60, depth=200)
    assert native.engine == "native"
    assert python.stats.transitions > 60  # the walks went somewhere
    assert summary(native) == summary(python)


@pytest.mark.parametrize(
    ("path", "variant"),
    [("gcounter.py", "replicas"), ("lww.py", "values"), ("lww_no_tiebreak.py", "values")],
)
def test_symmetry(path: str, variant: str) -> None:
    """Distinct states are counted by canonical fingerprint, as the Python engine does."""
    spec = load_spec(str(ROOT / "specs" / path))
    if variant == "replicas":
        spec = spec.with_symmetry(["replicas"])
    else:
        spec = spec.with_settings({"values": symmetric_values("a", "b")})
    python, native = both(path, seed=11, runs=80, spec=spec)
    assert native.engine == "native"
    assert summary(native) == summary(python)


def test_without_partial_order_reduction() -> None:
    spec = load_spec(str(ROOT / "specs" / "lww_no_tiebreak.py")).with_por(False)
    python, native = both("", seed=4, runs=50, spec=spec)
    assert native.engine == "native"
    assert summary(native) == summary(python)


# -- limits and several counterexamples ------------------------------------------------


@pytest.mark.parametrize("max_states", [0, 1, 25, 300])
def test_state_limit(max_states: int) -> None:
    python, native = both(
        "lww_anti_entropy.py", seed=3, runs=200, limits=Limits(max_states=max_states)
    )
    assert python.status == "stopped"
    assert python.stop_reason == f"state limit of {max_states} reached"
    assert summary(native) == summary(python)


def test_time_limit_stops_before_the_first_run() -> None:
    python, native = both("lww_anti_entropy.py", seed=3, limits=Limits(max_seconds=0.0))
    assert native.engine == "native"
    assert native.status == "stopped"
    assert native.stop_reason == "time limit of 0s reached"
    assert summary(native) == summary(python)


@pytest.mark.parametrize("path", ["lww_no_tiebreak.py", "counter_dup.py", "lww_loss.py"])
@pytest.mark.parametrize("count", [2, 5])
def test_several_counterexamples(path: str, count: int) -> None:
    python, native = both(path, seed=9, runs=100, limits=Limits(max_counterexamples=count))
    assert native.engine == "native"
    assert len(python.violations) >= 2
    assert summary(native) == summary(python)


def test_progress_is_reported_every_hundred_runs() -> None:
    spec = load_spec(str(ROOT / "specs" / "lww.py"))
    seen: dict[str, list[tuple[int, int, int, int]]] = {"python": [], "native": []}
    for engine, calls in seen.items():
        simulate_spec(
            spec,
            runs=350,
            depth=10,
            seed=2,
            engine=engine,
            progress=lambda s, left, calls=calls: calls.append(  # type: ignore[misc]
                (s.states, s.transitions, s.depth, left)
            ),
        )
    assert [left for *_, left in seen["python"]] == [250, 150, 50]
    assert seen["native"] == seen["python"]


def test_a_stop_requested_by_progress_gives_partial_statistics() -> None:
    from evcheck.errors import StopRequested

    def stop(*_: Any) -> None:
        raise StopRequested("memory limit reached")

    spec = load_spec(str(ROOT / "specs" / "lww.py"))
    results = [
        simulate_spec(spec, runs=500, depth=10, seed=2, engine=engine, progress=stop)
        for engine in ("python", "native")
    ]
    assert results[0].status == "stopped"
    assert results[0].stop_reason == "memory limit reached"
    assert results[0].runs == 100
    assert summary(results[1]) == summary(results[0])


def test_unknown_engine_is_refused() -> None:
    spec = load_spec(str(ROOT / "specs" / "lww.py"))
    with pytest.raises(SpecError, match="unknown engine"):
        simulate_spec(spec, runs=1, depth=1, seed=1, engine="fast")


def test_auto_runs_the_native_core() -> None:
    spec = load_spec(str(ROOT / "specs" / "lww.py"))
    result = simulate_spec(spec, runs=5, depth=5, seed=1)
    assert result.engine == "native"
    assert result.engine_note is None


# -- the command line ------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _untimed(out: str) -> str:
    return "\n".join(line for line in out.splitlines() if not re.search(r"\btime: ", line))


def test_cli_engines_print_the_same() -> None:
    spec = str(ROOT / "specs" / "lww_no_tiebreak.py")
    code_n, native = _cli("simulate", spec, "--seed", "3", "--engine", "native")
    code_p, python = _cli("simulate", spec, "--seed", "3", "--engine", "python")
    assert code_n == code_p == 1
    assert "VIOLATED" in native
    assert _untimed(native) == _untimed(python)


def test_cli_engines_print_the_same_when_nothing_is_found() -> None:
    spec = str(ROOT / "specs" / "lww.py")
    args = ("simulate", spec, "--seed", "8", "--runs", "40", "--depth", "12")
    code_n, native = _cli(*args, "--engine", "native")
    code_p, python = _cli(*args, "--engine", "python")
    assert code_n == code_p == 0
    assert _untimed(native) == _untimed(python)


def test_cli_state_limit_exits_3() -> None:
    spec = str(ROOT / "specs" / "lww_anti_entropy.py")
    args = ("simulate", spec, "--seed", "1", "--max-states", "50")
    code_n, native = _cli(*args, "--engine", "native")
    code_p, python = _cli(*args, "--engine", "python")
    assert code_n == code_p == 3
    assert _untimed(native) == _untimed(python)
