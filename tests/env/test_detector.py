"""Failure detectors (evcheck.env.detectors): `self.suspects(r)` under a perfect or an
eventually perfect detector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from evcheck import (
    Fail,
    Replica,
    Spec,
    SpecError,
    field,
    invariant,
    load_spec,
    operation,
    timer,
    verify_spec,
)
from evcheck.cli import main
from evcheck.env.tables import SUSPECTS
from evcheck.models import SuspectingFailover, at_most_one_primary
from tests.bruteforce import detector_counts
from tests.conftest import SPECS
from tests.env.faulty import actions, reachable
from tests.support import System


class Watcher(Replica):
    """Records whom it suspected each time it looks."""

    saw = field(frozenset())

    @operation()
    def look(self) -> None:
        self.saw = self.saw | {r for r in self.peers if self.suspects(r)}


@invariant
def anything(w: Any) -> bool:
    """always true (the tests count states)"""
    return True


def watcher(detector: str | None = "perfect", **faults: int) -> Spec:
    return Spec(
        Watcher,
        replicas=3,
        max_ops=2,
        detector=detector,
        faults={"crash": 1, **faults},
        properties=[anything],
    )


def counts(spec: Spec) -> tuple[int, int]:
    result = verify_spec(spec, engine="python")
    assert result.ok
    return result.stats.states, result.stats.transitions


# ---------------------------------------------------------------- declaring one


def test_suspects_without_a_detector_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="declares no failure detector: pass detector='perfect'"):
        verify_spec(watcher(detector=None))


def test_suspects_without_a_detector_exits_2(tmp_path: Path) -> None:
    spec = tmp_path / "nodetector.py"
    spec.write_text(
        "from evcheck import Spec\n"
        "from evcheck.models import SuspectingFailover, at_most_one_primary\n"
        "spec = Spec(SuspectingFailover, replicas=2, values=('a',), max_ops=1,\n"
        "            faults={'crash': 1}, properties=[at_most_one_primary])\n"
    )
    result = CliRunner().invoke(main, ["verify", str(spec)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "declares no failure detector" in result.stderr
    assert "Traceback" not in result.stderr


def test_detector_declarations_are_checked() -> None:
    with pytest.raises(SpecError, match="detector='omniscient': use one of 'perfect'"):
        watcher(detector="omniscient")
    with pytest.raises(SpecError, match="false_suspicion=1 needs an eventually perfect"):
        watcher(false_suspicion=1)
    with pytest.raises(SpecError, match="needs an eventually perfect"):
        watcher(detector=None, false_suspicion=1)
    with pytest.raises(SpecError, match="needs an eventually perfect"):
        watcher().with_faults({"false_suspicion": 2})
    assert (
        watcher("eventually_perfect").with_faults({"false_suspicion": 2}).faults.false_suspicion
        == 2
    )


def test_suspects_checks_its_argument() -> None:
    class Confused(Replica):
        flag = field(False)

        @operation()
        def look(self) -> None:
            self.flag = self.suspects("r2")  # type: ignore[arg-type]

    spec = Spec(Confused, replicas=2, max_ops=1, detector="perfect", properties=[anything])
    with pytest.raises(SpecError, match=r"self.suspects\('r2'\): not a replica"):
        verify_spec(spec)


def test_symmetry_and_liveness_are_refused_with_a_detector() -> None:
    with pytest.raises(SpecError, match="symmetry reduction is not supported with a failure"):
        verify_spec(watcher().with_symmetry("replicas"))
    # Chosen automatically, it is dropped instead.
    from evcheck import eventual_convergence

    spec = Spec(
        Watcher,
        replicas=2,
        max_ops=1,
        detector="perfect",
        faults={"crash": 1},
        properties=[eventual_convergence],
    )
    with pytest.raises(SpecError, match="liveness and sometimes properties are not supported"):
        verify_spec(spec)


# ---------------------------------------------------------------- state counts


@pytest.mark.parametrize(
    ("detector", "crash", "false_suspicion"),
    [
        ("perfect", 1, 0),
        ("perfect", 2, 0),
        ("eventually_perfect", 1, 1),
        ("eventually_perfect", 0, 2),
        ("eventually_perfect", 1, 2),
    ],
)
def test_state_counts_match_a_brute_force_enumeration(
    detector: str, crash: int, false_suspicion: int
) -> None:
    faults = {"crash": crash}
    if false_suspicion:
        faults["false_suspicion"] = false_suspicion
    spec = Spec(
        Watcher,
        replicas=3,
        max_ops=2,
        detector=detector,
        faults=faults,
        properties=[anything],
    )
    expected = detector_counts(
        3, 2, crash, false_suspicion, eventual=detector == "eventually_perfect"
    )
    assert counts(spec) == expected


def test_state_counts_by_hand() -> None:
    """Two replicas, one look, one crash, a perfect detector. A state is (what r1 and r2
    saw, who is down, crash spent, looks done). Before the crash (nobody down): no look,
    or one look, which saw nobody (r1's and r2's are the same state): 2. With r1 or r2
    down (x2): no look; a look before the crash, which saw nobody; the survivor's look,
    which saw the crashed one: 6. After the recovery, the same three with nobody down:
    4, as the two looks that saw nobody are one state. 2 + 6 + 4 = 12."""
    spec = Spec(
        Watcher,
        replicas=2,
        max_ops=1,
        detector="perfect",
        faults={"crash": 1},
        properties=[anything],
    )
    assert counts(spec)[0] == 12 == detector_counts(2, 1, 1)[0]


@pytest.mark.parametrize("detector", ["perfect", "eventually_perfect"])
def test_incremental_fingerprints_match_fingerprints_from_scratch(detector: str) -> None:
    faults = {"crash": 2, "crash_inbox": "wait"}
    if detector == "eventually_perfect":
        faults["false_suspicion"] = 2
    system = System(
        Spec(Watcher, replicas=3, max_ops=2, detector=detector, faults=faults, properties=[])
    )
    states = reachable(system)
    assert len(states) > 100
    for world, fp in states:
        assert system.fingerprint(world) == fp


def test_the_suspicion_a_handler_reads_is_part_of_its_memo_key() -> None:
    """The same fields, looked at with and without r2 down, give different results: were
    the look memoised by fields alone, the second look would repeat the first."""
    system = System(watcher())
    node = system.initial()[0]
    for label in ("look@r1()", "crash r2", "look@r1()"):
        node = system.successors(node)[system.action_labels(node[0]).index(label)]
    assert system.replica_fields(node[0], 0) == {"saw": frozenset({system.ids[1]})}


# ---------------------------------------------------------------- what is suspected


def test_a_perfect_detector_suspects_exactly_the_replicas_that_are_down() -> None:
    system = System(watcher(crash=2))
    states = reachable(system)
    assert len(states) == detector_counts(3, 2, 2)[0]
    for world, _ in states:
        down = system.environment(world)["down"]
        for i, me in enumerate(system.ids):
            seen = system.tables.slots[world[i]][SUSPECTS]
            assert seen == down - {me}


def test_an_eventually_perfect_detector_suspects_every_replica_that_is_down() -> None:
    @invariant(env=True)
    def accurate_on_crashes(w: Any) -> bool | Fail:
        """every replica suspects the replicas that are down"""
        for r in w.replicas:
            for other in r.peers:
                if other in w.down and not r.suspects(other):
                    return Fail(f"{r.id!r} trusts {other!r}, which is down")
        return True

    @invariant(env=True)
    def never_wrong(w: Any) -> bool:
        """nobody suspects a replica that is up"""
        return not any(
            r.suspects(other) and other not in w.down for r in w.replicas for other in r.peers
        )

    spec = Spec(
        Watcher,
        replicas=3,
        max_ops=1,
        detector="eventually_perfect",
        faults={"crash": 1, "false_suspicion": 1},
        properties=[accurate_on_crashes],
    )
    assert verify_spec(spec).ok
    # ... and it is wrong sometimes: one step, spending the budget.
    wrong = Spec(
        Watcher,
        replicas=3,
        max_ops=1,
        detector="eventually_perfect",
        faults={"crash": 1, "false_suspicion": 1},
        properties=[never_wrong],
    )
    assert actions(wrong) == ["r1 suspects r2 (wrongly)"]
    # Under a perfect detector it never is.
    perfect = Spec(
        Watcher,
        replicas=3,
        max_ops=1,
        detector="perfect",
        faults={"crash": 2},
        properties=[never_wrong],
    )
    # A replica that is down is suspected rightly, not wrongly.
    assert verify_spec(perfect).ok


def test_wrong_suspicions_are_budgeted_retracted_and_end_on_a_crash() -> None:
    system = System(watcher("eventually_perfect", false_suspicion=1))
    node = system.initial()[0]
    labels = system.action_labels(node[0])
    wrong = [label for label in labels if "wrongly" in label]
    assert len(wrong) == 6  # every ordered pair of the three replicas
    node = system.successors(node)[labels.index("r1 suspects r2 (wrongly)")]
    labels = system.action_labels(node[0])
    assert not any("wrongly" in label for label in labels)  # the budget is spent
    assert "r1 trusts r2 again" in labels
    view = system.view(node[0])
    assert view.components["r1"]["suspects"] == "r2 (wrongly)"
    assert view.components["r2"]["suspects"] == "nobody"
    assert view.components["environment"]["false_suspicion used"] == "1/1"
    trusted = system.successors(node)[labels.index("r1 trusts r2 again")]
    assert system.view(trusted[0]).components["r1"]["suspects"] == "nobody"
    # r2 crashes: r1's suspicion becomes right; it recovers: r1 stops suspecting it.
    crashed = system.successors(node)[labels.index("crash r2")]
    assert system.view(crashed[0]).components["r1"]["suspects"] == "r2"
    assert "r1 trusts r2 again" not in system.action_labels(crashed[0])
    labels = system.action_labels(crashed[0])
    recovered = system.successors(crashed)[labels.index("recover r2")]
    assert system.view(recovered[0]).components["r1"]["suspects"] == "nobody"
    # The crashed observer's own wrong suspicion ends with it.
    labels = system.action_labels(node[0])
    observer = system.successors(node)[labels.index("crash r1")]
    assert system.view(observer[0]).components["r1"]["suspects"] == "nobody"


def test_a_wrong_suspicion_outstanding_is_not_quiescence() -> None:
    system = System(watcher("eventually_perfect", false_suspicion=1))
    node = system.initial()[0]
    assert system.tables.infos[node[0][system.n]].quiet
    node = system.successors(node)[system.action_labels(node[0]).index("r1 suspects r2 (wrongly)")]
    assert not system.tables.infos[node[0][system.n]].quiet


# ---------------------------------------------------------------- timers and failover


class UnguardedFailover(SuspectingFailover):
    """Checks in the body whether the primary is suspected: the timer fires (and uses up
    its count) while the primary is trusted."""

    failover = None

    @timer(periodic=True)
    def check(self) -> None:
        if not self.primary and self.suspects(self.replicas[0]):
            self.promote()


def test_a_change_of_suspicion_lets_timers_fire_again() -> None:
    """r2's timer fires once (timer_fires=1) as a no-op while r1 is trusted; the crash of
    r1 must let it fire again, or a run that checked too early could never fail over."""
    spec = Spec(
        UnguardedFailover,
        replicas=2,
        values=("a",),
        max_ops=1,
        detector="perfect",
        faults={"crash": 1},
        properties=[at_most_one_primary],
    )
    system = System(spec)
    node = system.initial()[0]
    node = system.successors(node)[system.action_labels(node[0]).index("timer check@r2")]
    assert "timer check@r2" not in system.action_labels(node[0])  # fired its one time
    node = system.successors(node)[system.action_labels(node[0]).index("crash r1")]
    labels = system.action_labels(node[0])
    assert "timer check@r2" in labels
    node = system.successors(node)[labels.index("timer check@r2")]
    assert system.replica_fields(node[0], 1)["primary"] is True
    assert actions(spec) == ["crash r1", "timer check@r2", "recover r1"]


def test_failover_counterexamples() -> None:
    assert actions(load_spec(SPECS / "failover_timeout.py")) == ["timer failover@r2"]
    assert actions(load_spec(SPECS / "failover_perfect.py")) == [
        "crash r1",
        "timer failover@r2",
        "recover r1",
    ]
    assert actions(load_spec(SPECS / "failover_eventual.py")) == [
        "r2 suspects r1 (wrongly)",
        "timer failover@r2",
    ]
    stepdown = verify_spec(load_spec(SPECS / "failover_stepdown.py"))
    assert stepdown.ok and stepdown.stats.states == 27
    assert verify_spec(load_spec(SPECS / "failover_stepdown.py").with_faults({"crash": 2})).ok
    # Without wrong suspicions to spend, an eventually perfect detector is a perfect one.
    accurate = verify_spec(
        load_spec(SPECS / "failover_eventual.py").with_faults({"false_suspicion": 0})
    )
    assert accurate.ok and accurate.stats.states == 27
    assert accurate.stats.transitions == stepdown.stats.transitions == 35


def test_the_native_core_runs_detectors() -> None:
    """Detectors and the failover specs' invariant (it reads `w.down`) run on the native
    core, exploring what the Python engine explores (tests/native/test_differential.py
    compares them step for step)."""
    spec = load_spec(SPECS / "failover_eventual.py")
    python = verify_spec(spec, engine="python")
    result = verify_spec(spec, engine="native")
    assert result.engine == "native", result.engine_note
    assert (result.status, result.stats.states, result.stats.transitions) == (
        python.status,
        python.stats.states,
        python.stats.transitions,
    )
    assert result.faults_exercised == python.faults_exercised


# ---------------------------------------------------------------- trace files


def test_trace_files_round_trip_and_replay(tmp_path: Path) -> None:
    trace = tmp_path / "split.json"
    spec = str(SPECS / "failover_eventual.py")
    runner = CliRunner()
    out = runner.invoke(main, ["verify", spec, "-q", "--trace-out", str(trace)])
    assert out.exit_code == 1
    doc = json.loads(trace.read_text())
    assert doc["spec"]["faults"]["false_suspicion"] == 1
    assert [s["action"] for s in doc["steps"][1:]] == [
        "r2 suspects r1 (wrongly)",
        "timer failover@r2",
    ]
    assert doc["steps"][1]["kind"] == "suspect"
    assert doc["steps"][1]["state"]["r2"]["suspects"] == "r1 (wrongly)"
    replayed = runner.invoke(main, ["replay", spec, str(trace)])
    assert replayed.exit_code == 1 and replayed.stdout.startswith("evcheck replay: same violation")
    # Against the perfect detector the wrong suspicion is no action at all.
    other = runner.invoke(main, ["replay", str(SPECS / "failover_stepdown.py"), str(trace)])
    assert other.exit_code == 3 and "needs an eventually perfect" in other.stdout
    # The budget is recorded for every spec with a detector (and replay restores it).
    plain = tmp_path / "perfect.json"
    out = runner.invoke(
        main, ["verify", str(SPECS / "failover_perfect.py"), "-q", "--trace-out", str(plain)]
    )
    assert out.exit_code == 1
    assert json.loads(plain.read_text())["spec"]["faults"]["false_suspicion"] == 0
    replayed = runner.invoke(main, ["replay", str(SPECS / "failover_perfect.py"), str(plain)])
    assert replayed.exit_code == 1
    # Found with the budget at 0, a trace replays with the budget at 0 (three replicas:
    # both backups suspect the crashed primary and promote themselves).
    zero = tmp_path / "zero.json"
    out = runner.invoke(
        main,
        [
            "verify",
            str(SPECS / "failover_eventual.py"),
            "-q",
            "--faults",
            "false_suspicion=0",
            "--set",
            "replicas=3",
            "--trace-out",
            str(zero),
        ],
    )
    assert out.exit_code == 1
    assert json.loads(zero.read_text())["spec"]["faults"]["false_suspicion"] == 0
    replayed = runner.invoke(main, ["replay", str(SPECS / "failover_eventual.py"), str(zero)])
    assert replayed.exit_code == 1 and "same violation" in replayed.stdout
