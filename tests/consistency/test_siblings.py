"""Multi-value (Dynamo sibling) reads: the read sees each value it returns, and those are
the arbitration-latest of the writes it sees. Both judges, hand-written and random."""

from __future__ import annotations

import random

import pytest

from evcheck.consistency import HISTORY_PROPERTIES, Event, check_history, event_to_op
from evcheck.solver import judge

RYW, MR, MW, WFR, CC, LIN = HISTORY_PROPERTIES


def w(i: int, session: str, value: str, replica: str = "") -> Event:
    return Event(i, session, replica, "write", None, value)


def siblings(i: int, session: str, *values: str, replica: str = "") -> Event:
    return Event(i, session, replica, "multiread", None, frozenset(values))


def r(i: int, session: str, value: str | None) -> Event:
    return Event(i, session, "", "read", None, value)


CASES: dict[str, tuple[list[Event], set[str]]] = {
    "concurrent writes read as siblings": (
        [w(1, "s1", "a"), w(2, "s2", "b"), siblings(3, "s3", "a", "b")],
        {LIN},
    ),
    "a sibling read is not 'a value no earlier operation wrote'": (
        [w(1, "s1", "a"), siblings(2, "s1", "a")],
        set(),
    ),
    "siblings that include a value never written": (
        [w(1, "s1", "a"), siblings(2, "s2", "a", "z")],
        set(HISTORY_PROPERTIES),
    ),
    "own write missing: no siblings returned": (
        [w(1, "s1", "a"), siblings(2, "s1")],
        {RYW, CC, LIN},
    ),
    "a sibling overwrites the session's own write": (
        [w(1, "s1", "a"), w(2, "s2", "b"), siblings(3, "s1", "b")],
        set(),
    ),
    "siblings, then an older value": (
        [w(1, "s1", "a"), w(2, "s2", "b"), siblings(3, "s3", "a", "b"), r(4, "s3", None)],
        {MR, CC, LIN},
    ),
    "no siblings: nothing written seen": ([siblings(1, "s1")], set()),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("prop", HISTORY_PROPERTIES)
def test_known_verdicts(name: str, prop: str) -> None:
    events, violated = CASES[name]
    assert (check_history(prop, events) is None) == (prop not in violated)
    assert judge(prop, [event_to_op(e) for e in events]).ok == (prop not in violated)


def test_random_sibling_histories_agree() -> None:
    rng = random.Random(4)
    violated = 0
    for _ in range(150):
        events: list[Event] = []
        written: list[str] = []
        for i in range(1, rng.randint(2, 6) + 1):
            session, replica = rng.choice("ab"), rng.choice(["r1", "r2", ""])
            roll = rng.random()
            if roll < 0.4:
                written.append(f"w{i}")
                events.append(w(i, session, f"w{i}", replica))
            elif roll < 0.7 and written:
                chosen = rng.sample(written, rng.randint(1, min(2, len(written))))
                events.append(siblings(i, session, *chosen, replica=replica))
            else:
                events.append(
                    Event(i, session, replica, "read", None, rng.choice([*written, None]))
                )
        ops = [event_to_op(e) for e in events]
        for prop in HISTORY_PROPERTIES:
            monitor = check_history(prop, events) is None
            assert monitor == judge(prop, ops).ok, (prop, events)
            violated += not monitor
    assert violated > 0
