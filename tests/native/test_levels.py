"""Several threads of the native core explore level by level, with no numbering and no
parent store, whenever nothing depends on the single-threaded order (`levels.rs`); on a
violation the numbering search starts over. Here: which loop each run takes, and that
the results are those of one thread and of the Python engine, the reference, on every
spec (complete, depth-bounded, violated, stopped, interrupted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import evcheck.native as native_bindings
from evcheck import (
    Replica,
    Spec,
    field,
    invariant,
    load_spec,
    message,
    on,
    operation,
    symmetric_values,
    verify_spec,
)
from evcheck.errors import SpecError, StopRequested
from evcheck.models import LamportLWW
from evcheck.results import Result
from evcheck.search import Limits, Stats
from tests.native.test_differential import StopsLate, summary

ROOT = Path(__file__).resolve().parent.parent.parent
SPECS = sorted(p.name for p in (ROOT / "specs").glob("*.py"))

pytestmark = pytest.mark.skipif(not native_bindings.available(), reason="native core not built")


@pytest.fixture
def loops(monkeypatch: pytest.MonkeyPatch) -> Loops:
    """The loop each native run of the test took (`Core.search`), in order."""
    made: list[Any] = []
    core_of = native_bindings._core_of

    def spy(system: Any) -> Any:
        core = core_of(system)
        made.append(core)
        return core

    monkeypatch.setattr(native_bindings, "_core_of", spy)
    return Loops(made)


class Loops:
    """The cores a test made, read back as the loops their last runs took."""

    def __init__(self, cores: list[Any]) -> None:
        self.cores = cores

    def __getitem__(self, i: int) -> str:
        return str(self.cores[i].search)


def spec_of(path: str) -> Spec:
    return load_spec(str(ROOT / "specs" / path))


def two_threads(spec: Spec, **kw: Any) -> Result:
    return verify_spec(spec, engine="native", workers=2, **kw)


@pytest.mark.parametrize("path", SPECS)
def test_every_spec_to_a_depth_bound_matches_python(path: str, loops: Loops) -> None:
    spec = spec_of(path)
    limits = Limits(max_depth=6)
    try:
        native = two_threads(spec, limits=limits)
    except SpecError as refused:  # liveness and `sometimes` properties need the graph
        pytest.skip(str(refused))
    python = verify_spec(spec, engine="python", limits=limits)
    assert summary(native) == summary(python)
    expected = "levels" if python.status != "violated" else "levels, then numbered"
    assert loops[-1] == expected


@pytest.mark.parametrize("path", SPECS)
def test_every_spec_matches_one_thread(path: str, loops: Loops) -> None:
    spec = spec_of(path)
    limits = Limits(max_depth=9)
    try:
        two = two_threads(spec, limits=limits)
    except SpecError as refused:
        pytest.skip(str(refused))
    one = verify_spec(spec, engine="native", limits=limits)
    assert summary(two) == summary(one)
    assert loops[0].startswith("levels") and loops[1] == "single"


@pytest.mark.parametrize(
    ("path", "states", "transitions"),
    [
        # Past 2^20 x 0.85 states: the visited set grows while both threads insert.
        ("lww_anti_entropy.py", 1_149_465, 7_604_602),
        ("gcounter.py", 75_580, 299_337),
    ],
)
@pytest.mark.parametrize("workers", [2, 3])
def test_whole_graphs(path: str, states: int, transitions: int, workers: int, loops: Loops) -> None:
    spec = spec_of(path)
    two = verify_spec(spec, engine="native", workers=workers)
    assert loops[-1] == "levels"
    assert (two.status, two.stats.states, two.stats.transitions) == ("holds", states, transitions)
    one = verify_spec(spec, engine="native")
    assert summary(two) == summary(one)


def test_lww_4x1_without_reductions_has_its_known_size(loops: Loops) -> None:
    spec = spec_of("lww.py").with_settings({"replicas": 4, "ops_per_replica": 1, "values": (1, 2)})
    result = two_threads(spec.with_por(False))
    assert loops[-1] == "levels"
    s = result.stats
    assert (result.status, s.states, s.transitions, s.depth) == ("holds", 1_146_587, 6_289_272, 16)
    # No parent store: the visited set alone, at most 16 bytes per state.
    assert s.store_bytes / s.states <= 16


@pytest.mark.parametrize("path", ["lww_no_tiebreak.py", "counter_dup.py", "lww_loss.py"])
@pytest.mark.parametrize("k", [1, 3])
def test_a_violation_is_found_again_by_the_numbering_search(
    path: str, k: int, loops: Loops
) -> None:
    spec = spec_of(path)
    limits = Limits(max_counterexamples=k)
    two = two_threads(spec, limits=limits)
    assert loops[-1] == "levels, then numbered"
    python = verify_spec(spec, engine="python", limits=limits)
    assert summary(two) == summary(python)


def test_a_state_limit_takes_the_numbering_loop(loops: Loops) -> None:
    spec = spec_of("gcounter.py")
    limits = Limits(max_states=5_000)
    two = two_threads(spec, limits=limits)
    assert loops[-1] == "numbered"
    assert summary(two) == summary(verify_spec(spec, engine="python", limits=limits))


@message
class Bump:
    pass


class RaisesLate(Replica):
    """A handler that raises only in states several levels deep: a counterexample found
    by whichever thread expands such a state first."""

    n = field(0)

    @operation()
    def bump(self) -> None:
        self.n += 1
        self.broadcast(Bump())

    @on(Bump)
    def on_bump(self, msg: Bump) -> None:
        if self.n >= 3:
            raise ValueError("three bumps")
        self.n += 1

    def observe(self) -> Any:
        return self.n


def test_a_handler_that_raises_is_the_same_counterexample(loops: Loops) -> None:
    spec = Spec(RaisesLate, replicas=3, ops_per_replica=2)
    two = two_threads(spec)
    python = verify_spec(spec, engine="python")
    assert two.status == "violated"
    assert two.violations[0].property == "handlers_do_not_raise"
    assert summary(two) == summary(python)
    assert loops[-1] == "levels, then numbered"


def test_time_limit_stops_with_partial_statistics(loops: Loops) -> None:
    spec = spec_of("lww_anti_entropy.py")
    result = two_threads(spec, limits=Limits(max_seconds=0.05))
    assert loops[-1] == "levels"
    assert result.status == "stopped"
    assert result.stop_reason == "time limit of 0.05s reached"
    s = result.stats
    assert 0 < s.states < 1_149_465
    assert 0 < s.transitions < 7_604_602
    assert s.frontier_left and s.frontier_left > 0


def test_a_stop_from_progress_reports_what_was_explored(loops: Loops) -> None:
    spec = spec_of("lww_anti_entropy.py")
    seen: list[int] = []

    def progress(stats: Stats, left: int) -> None:
        seen.append(stats.states)
        if stats.states > 200_000:
            raise StopRequested("enough")

    result = verify_spec(spec, engine="native", workers=2, progress=progress)
    assert loops[-1] == "levels"
    assert result.status == "stopped" and result.stop_reason == "enough"
    assert seen == sorted(seen)
    assert 200_000 < result.stats.states < 1_149_465


@invariant
def not_settled_high(w: Any) -> bool:
    """Fails only about halfway down the graph: every replica holds the same stamp, of
    counter 6 or more."""
    stamps = {r.stamp for r in w.replicas}
    return not (len(stamps) == 1 and next(iter(stamps))[0] >= 6)


def test_a_deep_violation_matches_one_thread(loops: Loops) -> None:
    spec = Spec(
        LamportLWW, replicas=3, values=(1, 2), ops_per_replica=2, properties=[not_settled_high]
    ).with_por(False)
    two = two_threads(spec, shrink=False)
    assert loops[-1] == "levels, then numbered"
    one = verify_spec(spec, engine="native", shrink=False)
    assert (two.status, two.stats.states, two.violations[0].found_length) == (
        "violated",
        690_885,
        10,
    )
    assert summary(two) == summary(one)


@invariant(env=True)
def bounded_network(w: Any) -> bool:
    """Reads the network: checked by Python on every state."""
    return len(w.network) < 99


def test_checks_in_python_on_every_state_run_in_one_thread(loops: Loops) -> None:
    spec = Spec(
        LamportLWW, replicas=3, values=("a", "b"), ops_per_replica=1, properties=[bounded_network]
    )
    two = two_threads(spec)
    assert loops[-1] == "levels, then single"
    assert summary(two) == summary(verify_spec(spec, engine="python"))


def test_a_stop_inside_a_handler_keeps_partial_statistics(loops: Loops) -> None:
    """The handler runs on the calling thread, which stops the others and reports what
    they explored together."""
    spec = Spec(StopsLate, replicas=3, ops_per_replica=2, properties=[])
    result = two_threads(spec)
    assert loops[-1] == "levels"
    assert result.status == "stopped"
    assert result.stop_reason == "stop requested in a handler"
    s = result.stats
    assert s.states > 1 and s.transitions >= s.states - 1 and s.depth > 0


@pytest.mark.parametrize(
    ("path", "variant"),
    [("gcounter.py", "replicas"), ("lww.py", "values"), ("lww_no_tiebreak.py", "values")],
)
def test_symmetry(path: str, variant: str, loops: Loops) -> None:
    """The threads insert canonical fingerprints: the reduced graph is the same."""
    spec = spec_of(path)
    if variant == "replicas":
        spec = spec.with_symmetry(["replicas"])
    else:
        spec = spec.with_settings({"values": symmetric_values("a", "b")})
    limits = Limits(max_depth=8)
    two = two_threads(spec, limits=limits)
    assert loops[-1].startswith("levels")
    assert summary(two) == summary(verify_spec(spec, engine="python", limits=limits))
