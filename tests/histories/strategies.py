"""Hypothesis strategies: small random recorded histories of every operation kind."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from evcheck.consistency import Op

VALUES = (0, 1, 2)


@st.composite
def register_history(
    draw: st.DrawFn, max_ops: int = 7, keys: tuple[Any, ...] = (None,)
) -> list[Op]:
    """Reads, writes, cas (succeeded, compare failed, indeterminate) and multi-value reads
    on registers, with overlapping intervals and indeterminate updates."""
    ops = []
    for index in range(1, draw(st.integers(1, max_ops)) + 1):
        kind = draw(st.sampled_from(["read", "write", "cas", "cas", "multiread"]))
        start = draw(st.integers(0, 12))
        pending = kind in ("write", "cas") and draw(st.integers(0, 5)) == 0
        end = None if pending else start + draw(st.integers(0, 5))
        failed = False
        value: Any
        if kind == "read":
            value = draw(st.sampled_from((None, *VALUES)))
        elif kind == "write":
            value = draw(st.sampled_from(VALUES))
        elif kind == "cas":
            value = (draw(st.sampled_from((None, *VALUES))), draw(st.sampled_from(VALUES)))
            failed = not pending and draw(st.booleans())
        else:
            value = frozenset(draw(st.sets(st.sampled_from(VALUES), max_size=2)))
        key = draw(st.sampled_from(keys))
        ops.append(Op(index, f"p{index % 3}", kind, key, value, start, end, failed=failed))
    return ops


@st.composite
def list_history(draw: st.DrawFn, max_ops: int = 7) -> list[Op]:
    """Appends of unique elements and reads of the list, some appends indeterminate."""
    ops = []
    appended: list[int] = []
    for index in range(1, draw(st.integers(1, max_ops)) + 1):
        start = draw(st.integers(0, 12))
        if draw(st.booleans()):
            appended.append(index)
            pending = draw(st.integers(0, 4)) == 0
            end = None if pending else start + draw(st.integers(0, 5))
            ops.append(Op(index, f"p{index % 3}", "append", "k", index, start, end))
        else:
            chosen = draw(st.lists(st.sampled_from(appended), unique=True)) if appended else []
            value = tuple(chosen) or None
            ops.append(
                Op(
                    index,
                    f"p{index % 3}",
                    "read",
                    "k",
                    value,
                    start,
                    start + draw(st.integers(0, 5)),
                )
            )
    return ops
