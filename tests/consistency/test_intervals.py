"""The interval linearizability monitor (a model's requests) against the WGL search of
recorded histories and against Z3: the same verdict on every history, hand-written and
random (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from evcheck.consistency import Op, check_history
from evcheck.histories.confirm import interval_events
from evcheck.histories.wgl import check_key
from evcheck.solver import judge


def monitor(ops: list[Op]) -> bool:
    return check_history("linearizability", interval_events(ops)) is None


def test_a_pending_write_may_or_may_not_have_taken_effect() -> None:
    write = Op(0, "w", "write", None, "a", 1, None)
    for seen in (None, "a"):
        read = Op(1, "r", "read", None, seen, 2, 3)
        assert monitor([write, read])
    # ... but once seen, it has taken effect for every later read.
    history = [write, Op(1, "r", "read", None, "a", 2, 3), Op(2, "r", "read", None, None, 4, 5)]
    assert not monitor(history)


def test_real_time_orders_operations_that_do_not_overlap() -> None:
    write = Op(0, "w", "write", None, "a", 1, 2)
    assert not monitor([write, Op(1, "r", "read", None, None, 3, 4)])
    assert monitor([write, Op(1, "r", "read", None, None, 2, 4)])  # overlapping at step 2
    assert monitor([Op(1, "r", "read", None, None, 1, 3), Op(0, "w", "write", None, "a", 2, 4)])


def test_the_explanation_names_what_the_read_could_have_returned() -> None:
    write = Op(0, "w", "write", None, "a", 1, 2)
    read = Op(1, "r", "read", None, None, 3, 4)
    why = check_history("linearizability", interval_events([write, read]))
    assert why is not None and "could have returned 'a'" in why


def test_cas_succeeds_fails_or_is_indeterminate() -> None:
    def cas(k: int, s: str, expected: Any, new: Any, start: int, end: int | None, ok: bool) -> Op:
        return Op(k, s, "cas", None, (expected, new), start, end, failed=not ok)

    write = Op(0, "w", "write", None, 1, 1, 2)
    assert monitor([write, cas(1, "c", 1, 2, 3, 4, True), Op(2, "r", "read", None, 2, 5, 6)])
    assert not monitor([write, cas(1, "c", 1, 2, 3, 4, False)])  # the compare must succeed
    assert monitor([write, cas(1, "c", 5, 2, 3, 4, False), Op(2, "r", "read", None, 1, 5, 6)])
    pending = cas(1, "c", 1, 2, 3, None, True)
    for seen in (1, 2):
        assert monitor([write, pending, Op(2, "r", "read", None, seen, 5, 6)])


def test_a_multi_value_read_sees_exactly_the_register() -> None:
    write = Op(0, "w", "write", None, "a", 1, 2)
    assert monitor([write, Op(1, "r", "multiread", None, frozenset({"a"}), 3, 4)])
    assert not monitor([write, Op(1, "r", "multiread", None, frozenset({"a", "b"}), 3, 4)])
    assert not monitor([write, Op(1, "r", "multiread", None, frozenset(), 3, 4)])


@st.composite
def histories(draw: st.DrawFn) -> list[Op]:
    """Sequential sessions of writes (unique values), reads and cas on one register:
    each operation gets an interval, the last of a session may be pending."""
    sessions = draw(st.integers(1, 3))
    ops: list[Op] = []
    # Interleave session steps: a list of session numbers, each entry one event.
    plan = draw(st.lists(st.integers(0, sessions - 1), min_size=1, max_size=10))
    step = 0
    open_ops: dict[int, int] = {}
    counts = [0] * sessions
    values = ["a", "b", "c", None]
    for s in plan:
        step += 1
        if s in open_ops:  # complete the pending operation of session s
            k = open_ops.pop(s)
            done = ops[k]
            if done.kind == "read":
                ops[k] = Op(
                    k, done.session, "read", None, draw(st.sampled_from(values)), done.start, step
                )
            elif done.kind == "cas":
                ops[k] = Op(
                    k,
                    done.session,
                    "cas",
                    None,
                    done.value,
                    done.start,
                    step,
                    failed=draw(st.booleans()),
                )
            else:
                ops[k] = Op(k, done.session, "write", None, done.value, done.start, step)
            continue
        counts[s] += 1
        kind = draw(st.sampled_from(["write", "read", "cas"]))
        if kind == "write":
            value: Any = f"s{s}.{counts[s]}"
        elif kind == "cas":
            value = (draw(st.sampled_from(values)), f"s{s}.{counts[s]}")
        else:
            value = None
        open_ops[s] = len(ops)
        ops.append(Op(len(ops), f"s{s}", kind, None, value, step, None))
    # What is still open stays pending (reads returned nothing the judges could use).
    return ops


@settings(max_examples=300, deadline=None)
@given(histories())
def test_the_interval_monitor_agrees_with_the_search_and_with_z3(ops: list[Op]) -> None:
    by_monitor = monitor(ops)
    by_search = check_key(ops).ok
    assert by_monitor == by_search, [o.describe() for o in ops]
    assert judge("linearizability", ops).ok == by_monitor
