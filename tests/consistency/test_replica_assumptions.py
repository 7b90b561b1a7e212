"""Issue 10 item 7: a violation caused by the replica assumptions (a replica applies its
own writes, never forgets one) is named as such, separately from the guarantee; and
declaring that replicas forward writes drops the first assumption, in both judges."""

from __future__ import annotations

import random

import pytest

from evcheck.consistency import SESSION_PROPERTIES, Event, check_history, event_to_op
from evcheck.solver import judge


def w(i: int, session: str, value: str, replica: str) -> Event:
    return Event(i, session, replica, "write", None, value)


def r(i: int, session: str, value: str | None, replica: str) -> Event:
    return Event(i, session, replica, "read", None, value)


FORWARDED = [w(1, "s1", "a", "r2"), r(2, "s2", None, "r2")]


@pytest.mark.parametrize("prop", SESSION_PROPERTIES)
def test_a_forwarded_write_blames_the_assumption_not_the_guarantee(prop: str) -> None:
    explanation = check_history(prop, FORWARDED)
    assert explanation is not None
    assert explanation.startswith("replica assumption violated: session s2 read None")
    assert "r2 did not apply its own write 'a'" in explanation
    assert f"not {prop} itself" in explanation
    assert not judge(prop, [event_to_op(e) for e in FORWARDED]).ok


@pytest.mark.parametrize("prop", SESSION_PROPERTIES)
def test_replicas_that_forward_writes_drop_the_assumption(prop: str) -> None:
    assert check_history(prop, FORWARDED, replicas_apply_own_writes=False) is None
    ops = [event_to_op(e) for e in FORWARDED]
    assert judge(prop, ops, replicas_apply_own_writes=False).ok


def test_a_forgetting_replica_is_named() -> None:
    history = [
        w(1, "s1", "a", "r1"),
        r(2, "s2", "a", "r2"),
        r(3, "s3", None, "r2"),
    ]
    explanation = check_history("read_your_writes", history, replicas_apply_own_writes=False)
    assert explanation is not None and "r2 showed less than it had applied before" in explanation


def test_a_real_guarantee_violation_is_still_the_guarantee() -> None:
    history = [w(1, "s1", "a", "r1"), r(2, "s1", None, "r2")]
    explanation = check_history("read_your_writes", history)
    assert explanation is not None
    assert explanation.endswith("read_your_writes violated")
    assert check_history("read_your_writes", history, replicas_apply_own_writes=False)


@pytest.mark.parametrize("seed", [11, 12])
def test_both_judges_agree_when_replicas_forward_writes(seed: int) -> None:
    rng = random.Random(seed)
    violated = 0
    for _ in range(120):
        events: list[Event] = []
        written: list[str] = []
        for i in range(1, rng.randint(2, 6) + 1):
            session, replica = rng.choice("ab"), rng.choice(["r1", "r2"])
            if rng.random() < 0.45:
                written.append(f"w{i}")
                events.append(w(i, session, f"w{i}", replica))
            else:
                events.append(r(i, session, rng.choice([*written, None]), replica))
        ops = [event_to_op(e) for e in events]
        for prop in SESSION_PROPERTIES:
            monitor = check_history(prop, events, replicas_apply_own_writes=False) is None
            assert monitor == judge(prop, ops, replicas_apply_own_writes=False).ok, (prop, events)
            violated += not monitor
    assert violated > 0
