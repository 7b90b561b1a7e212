"""History properties: hand-written histories with known verdicts, judged by both the
concrete monitors and Z3, plus a randomized differential between the two judges."""

from __future__ import annotations

import random

import pytest

from evcheck.consistency import HISTORY_PROPERTIES, Event, check_history
from evcheck.solver import Op, judge


def w(i: int, session: str, value: str, key: str | None = None, replica: str = "") -> Event:
    return Event(i, session, replica, "write", key, value)


def r(i: int, session: str, value: str | None, key: str | None = None, replica: str = "") -> Event:
    return Event(i, session, replica, "read", key, value)


def ops(events: list[Event]) -> list[Op]:
    return [
        Op(e.index, e.session, e.kind, e.key, e.value, e.index, e.index, e.replica, e.applied)
        for e in events
    ]


RYW, MR, MW, WFR, CC, LIN = HISTORY_PROPERTIES

# (history, properties it violates); every other property holds.
CASES: dict[str, tuple[list[Event], set[str]]] = {
    "empty register read": ([r(1, "s1", None)], set()),
    "own write read back": ([w(1, "s1", "a"), r(2, "s1", "a")], set()),
    "own write missing": ([w(1, "s1", "a"), r(2, "s1", None)], {RYW, CC, LIN}),
    "stale read of another session's write": (
        [w(1, "s1", "a"), w(2, "s1", "b"), r(3, "s2", "a")],
        {LIN},
    ),
    "reads go back in time": (
        [w(1, "s1", "a"), w(2, "s1", "b"), r(3, "s2", "a"), r(4, "s2", "b"), r(5, "s2", "a")],
        {MR, CC, LIN},
    ),
    "a replica shows an older write of a session after a newer one": (
        [
            w(1, "s1", "a", "x", "r1"),
            w(2, "s1", "b", "y", "r1"),
            r(3, "s2", "b", "y", "r2"),
            r(4, "s2", None, "x", "r2"),
        ],
        {MW, CC, LIN},
    ),
    "a write is seen without the write it followed": (
        [
            w(1, "s1", "a", "x", "r1"),
            r(2, "s2", "a", "x", "r2"),
            w(3, "s2", "b", "y", "r2"),
            r(4, "s3", "b", "y", "r3"),
            r(5, "s3", None, "x", "r3"),
        ],
        {WFR, CC, LIN},
    ),
    "read of a value never written": ([r(1, "s1", "z")], set(HISTORY_PROPERTIES)),
    "concurrent writes read in either order by different sessions": (
        [w(1, "s1", "a"), w(2, "s2", "b"), r(3, "s3", "a"), r(4, "s4", "b")],
        {LIN},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("prop", HISTORY_PROPERTIES)
def test_known_verdicts(name: str, prop: str) -> None:
    events, violated = CASES[name]
    monitor = check_history(prop, events)
    z3 = judge(prop, ops(events))
    assert (monitor is None) == (prop not in violated), monitor
    assert z3.ok == (prop not in violated), z3.explanation


def test_explanations_name_steps_and_the_conflict() -> None:
    events = CASES["reads go back in time"][0]
    explanation = check_history(MR, events)
    assert explanation is not None
    assert "session s2 read 'a' at step 5" in explanation
    assert "'a' before 'b' before 'a'" in explanation
    z3 = judge(MR, ops(events))
    assert z3.core == (1, 2, 3, 4, 5)
    assert "session s2 read 'b' at step 4" in z3.explanation


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_histories_get_the_same_verdict_from_both_judges(seed: int) -> None:
    rng = random.Random(seed)
    violated = dict.fromkeys(HISTORY_PROPERTIES, 0)
    for _ in range(150):
        events: list[Event] = []
        written: dict[str, list[str]] = {}
        for i in range(1, rng.randint(2, 7) + 1):
            session, key, replica = (
                rng.choice("abc"),
                rng.choice("xy"),
                rng.choice(["r1", "r2", ""]),
            )
            if rng.random() < 0.45:
                value = f"w{i}"
                written.setdefault(key, []).append(value)
                events.append(w(i, session, value, key, replica))
            else:
                events.append(
                    r(i, session, rng.choice([*written.get(key, []), None]), key, replica)
                )
        for prop in HISTORY_PROPERTIES:
            monitor_ok = check_history(prop, events) is None
            assert monitor_ok == judge(prop, ops(events)).ok, (prop, events)
            violated[prop] += not monitor_ok
    assert all(count > 0 for count in violated.values()), violated  # no vacuous property


def test_z3_handles_duplicate_values_and_real_time_intervals() -> None:
    # Jepsen-style: the read overlaps both writes, so either value is linearizable.
    overlapping = [
        Op(1, "p0", "write", None, 1, 1, 4),
        Op(2, "p1", "read", None, 2, 2, 3),
        Op(3, "p2", "write", None, 2, 2, 5),
    ]
    assert judge(LIN, overlapping).ok
    stale = [
        Op(1, "p0", "write", None, 1, 1, 2),
        Op(2, "p0", "write", None, 2, 3, 4),
        Op(3, "p1", "read", None, 1, 5, 6),
    ]
    assert not judge(LIN, stale).ok
    duplicate = [
        Op(1, "p0", "write", None, 1, 1, 1),
        Op(2, "p1", "write", None, 1, 2, 2),
        Op(3, "p2", "read", None, 1, 3, 3),
    ]
    assert judge(LIN, duplicate).ok


def sec_read(i: int, replica: str, value: str | None, applied: set[str]) -> Event:
    return Event(i, f"c{i}", replica, "read", None, value, frozenset(applied))


SEC = "strong_eventual_consistency"
SEC_CASES: dict[str, tuple[list[Event], bool]] = {
    "same writes, same value": (
        [
            w(1, "s1", "a"),
            w(2, "s2", "b"),
            sec_read(3, "r1", "b", {"a", "b"}),
            sec_read(4, "r2", "b", {"a", "b"}),
        ],
        True,
    ),
    "same writes, different values": (
        [
            w(1, "s1", "a"),
            w(2, "s2", "b"),
            sec_read(3, "r1", "a", {"a", "b"}),
            sec_read(4, "r2", "b", {"a", "b"}),
        ],
        False,
    ),
    "different writes, different values": (
        [
            w(1, "s1", "a"),
            w(2, "s2", "b"),
            sec_read(3, "r1", "a", {"a"}),
            sec_read(4, "r2", "b", {"b"}),
        ],
        True,
    ),
    "returns a write it had not applied": ([w(1, "s1", "a"), sec_read(2, "r1", "a", set())], False),
    "nothing although a write was applied": (
        [w(1, "s1", "a"), sec_read(2, "r1", None, {"a"})],
        False,
    ),
}


@pytest.mark.parametrize("name", sorted(SEC_CASES))
def test_strong_eventual_consistency_on_histories(name: str) -> None:
    events, holds = SEC_CASES[name]
    assert (check_history(SEC, events) is None) == holds
    assert judge(SEC, ops(events)).ok == holds


def test_strong_eventual_consistency_random_differential() -> None:
    rng = random.Random(5)
    violations = 0
    for _ in range(300):
        events: list[Event] = []
        written: list[str] = []
        for i in range(1, rng.randint(2, 8) + 1):
            if rng.random() < 0.4:
                written.append(f"w{i}")
                events.append(w(i, "s", f"w{i}"))
            else:
                applied = {x for x in written if rng.random() < 0.6}
                value = (
                    rng.choice([*sorted(applied), None])
                    if rng.random() < 0.9
                    else rng.choice([*written, None])
                )
                events.append(sec_read(i, rng.choice(["r1", "r2"]), value, applied))
        monitor_ok = check_history(SEC, events) is None
        assert monitor_ok == judge(SEC, ops(events)).ok, events
        violations += not monitor_ok
    assert violations > 0
