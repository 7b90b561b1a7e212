"""The linearizability search and Z3 decide the same question from different sides (a
search over configurations, a formula over positions); on random small histories of
every operation kind they must agree."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from evcheck.consistency import Op
from evcheck.histories.wgl import check_key
from evcheck.solver import judge

from .strategies import list_history, register_history


def search_holds(ops: list[Op], initial: Any = None) -> bool:
    keys: dict[Any, list[Op]] = {}
    for op in ops:
        keys.setdefault(op.key, []).append(op)
    return all(check_key(key_ops, initial).ok for key_ops in keys.values())


@settings(max_examples=300, deadline=None)
@given(register_history(), st.sampled_from([None, 0]))
def test_registers(ops: list[Op], initial: Any) -> None:
    assert search_holds(ops, initial) == judge("linearizability", ops, initial=initial).ok


@settings(max_examples=100, deadline=None)
@given(register_history(max_ops=8, keys=("x", "y")))
def test_keys_are_judged_apart(ops: list[Op]) -> None:
    assert search_holds(ops) == judge("linearizability", ops).ok


@settings(max_examples=200, deadline=None)
@given(list_history())
def test_lists(ops: list[Op]) -> None:
    assert search_holds(ops) == judge("linearizability", ops).ok
