"""The linearizability search on hand-written histories whose verdicts follow from the
semantics in docs/consistency.md, and its explanations."""

from __future__ import annotations

from typing import Any

import pytest

from evcheck.consistency import Op
from evcheck.histories.explain import explain
from evcheck.histories.wgl import SearchStopped, check_key


def op(
    index: int,
    kind: str,
    value: Any,
    start: int,
    end: int | None,
    failed: bool = False,
    process: str = "",
) -> Op:
    return Op(index, process or f"p{index}", kind, None, value, start, end, failed=failed)


CASES: dict[str, tuple[list[Op], Any, bool]] = {
    "a read of the initial value": ([op(1, "read", 0, 1, 2)], 0, True),
    "nil is the initial value unless one is given": ([op(1, "read", None, 1, 2)], 0, False),
    "a stale read after a completed write": (
        [op(1, "write", 1, 1, 2), op(2, "write", 2, 3, 4), op(3, "read", 1, 5, 6)],
        None,
        False,
    ),
    "a read overlapping a write sees either value": (
        [op(1, "write", 1, 1, 2), op(2, "write", 2, 3, 6), op(3, "read", 1, 4, 5)],
        None,
        True,
    ),
    "a succeeded cas needs its expected value": (
        [op(1, "write", 1, 1, 2), op(2, "cas", (2, 3), 3, 4)],
        None,
        False,
    ),
    "a failed compare needs another value (Porcupine's reading)": (
        [op(1, "write", 1, 1, 2), op(2, "cas", (1, 3), 3, 4, failed=True)],
        None,
        False,
    ),
    "a failed compare leaves the value": (
        [op(1, "write", 1, 1, 2), op(2, "cas", (2, 3), 3, 4, failed=True), op(3, "read", 1, 5, 6)],
        None,
        True,
    ),
    "an indeterminate write may take effect late": (
        [op(1, "write", 1, 1, None), op(2, "read", None, 2, 3), op(3, "read", 1, 4, 5)],
        None,
        True,
    ),
    "an indeterminate write takes effect at most once": (
        [
            op(1, "write", 1, 1, None),
            op(2, "read", 1, 2, 3),
            op(3, "write", 2, 4, 5),
            op(4, "read", 1, 6, 7),
        ],
        None,
        False,
    ),
    "an indeterminate cas swaps only where the compare holds": (
        [op(1, "cas", (0, 5), 1, None), op(2, "read", 5, 4, 5)],
        0,
        True,
    ),
    "an indeterminate cas cannot swap from the wrong value": (
        [op(1, "write", 1, 1, 2), op(2, "cas", (0, 5), 3, None), op(3, "read", 5, 4, 5)],
        0,
        False,
    ),
    "appends build a list in linearization order": (
        [op(1, "append", "x", 1, 4), op(2, "append", "y", 2, 3), op(3, "read", ("y", "x"), 5, 6)],
        None,
        True,
    ),
    "a list read misses a completed append": (
        [op(1, "append", "x", 1, 2), op(2, "append", "y", 3, 4), op(3, "read", ("y",), 5, 6)],
        None,
        False,
    ),
    "string appends concatenate": (
        [op(1, "append", "ab", 1, 2), op(2, "append", "c", 3, 4), op(3, "read", "abc", 5, 6)],
        "",
        True,
    ),
    "several siblings cannot come from one register": (
        [op(1, "multiread", frozenset({1, 2}), 1, 2)],
        None,
        False,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_known_verdicts(name: str) -> None:
    ops, initial, holds = CASES[name]
    assert check_key(ops, initial).ok == holds


def test_the_order_found_is_a_linearization() -> None:
    ops, initial, _ = CASES["a read overlapping a write sees either value"]
    assert check_key(ops, initial).order == (1, 3, 2)


def test_explanation_prefix_and_minimal_conflict() -> None:
    ops = [
        op(1, "write", 1, 1, 2, process="a"),
        op(2, "read", 1, 3, 4, process="b"),
        op(3, "write", 3, 3, 8, process="c"),  # concurrent, irrelevant
        op(4, "write", 2, 5, 6, process="a"),
        op(5, "read", 1, 7, 9, process="b"),
        op(6, "read", 2, 10, 11, process="a"),
    ]
    why = explain(ops, None)
    assert why.failing == 5
    assert set(why.prefix) == {1, 2, 3, 4}  # everything before the failing completion
    assert why.conflict == (1, 4, 5) and why.minimal
    # Relaxing any one of them makes the rest linearizable; together they are not.
    assert not check_key([o for o in ops if o.index in why.conflict], None).ok


def test_a_cancelled_search_stops() -> None:
    ops = [op(i, "write", i, 2 * i, 2 * i + 1) for i in range(1, 6000)]
    with pytest.raises(SearchStopped):
        check_key(ops, None, cancelled=lambda: True)


def test_many_timeouts_stay_tractable() -> None:
    """Forty indeterminate writes of two values before a contradiction: the reductions
    (interchangeable timeouts, subsumed configurations) keep the search small."""
    ops = [op(i, "write", i % 2, i, None) for i in range(1, 41)]
    ops += [op(41, "write", 7, 50, 51), op(42, "read", 9, 52, 53)]
    assert not check_key(ops, None, max_steps=2_000_000).ok
