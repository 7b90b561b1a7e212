"""One formatter for every report: readable, and never raising whatever the value."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from evcheck.display import MAX_CHARS, one_line, plural, show, terminal
from evcheck.values import FrozenDict, ReplicaId, symmetric_values


class Mode(enum.Enum):
    FAST = 1


@dataclasses.dataclass(frozen=True)
class Update:
    value: object
    stamp: tuple[int, int]


def nested(depth: int, wrap: Any) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = wrap(value)
    return value


def test_values_read_as_people_write_them() -> None:
    assert show(frozenset({2, 1})) == "{1, 2}"
    assert show(frozenset()) == "{}"
    assert show(FrozenDict({"x": ("a", (1, ReplicaId(1)))})) == "{'x': ('a', (1, r1))}"
    assert show((1,)) == "(1,)"
    assert show(Update("a", (1, ReplicaId(2)))) == "Update(value='a', stamp=(1, r2))"
    assert show(Mode.FAST) == "Mode.FAST"
    assert show(symmetric_values("a")) == "('a',)"
    assert show([None, True, 1.5, b"x"]) == "[None, True, 1.5, b'x']"


def test_hostile_values_render_with_a_marker() -> None:
    assert show(10**5000) == "<int of about 5,001 digits>"
    assert show(-(10**5000)) == "<-int of about 5,001 digits>"
    assert show(nested(100_000, lambda v: (v,))).startswith("((((")
    assert "..." in show(nested(100_000, lambda v: frozenset({v})))
    assert "..." in show(nested(100_000, lambda v: {"k": v}))
    wide = show(tuple(range(100_000)))
    assert wide.endswith("...)") and len(wide) < MAX_CHARS + 40
    long = show("x" * 100_000)
    assert len(long) < MAX_CHARS + 40 and long.endswith("more chars)")

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert show(Broken()) == "<Broken>"


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner).map(tuple)
        | st.frozensets(st.integers() | st.text(max_size=3))
        | st.dictionaries(st.text(max_size=3), inner).map(FrozenDict)
    ),
    max_leaves=20,
)


@given(values)
@settings(max_examples=200, deadline=None)
def test_show_never_raises_and_is_bounded(value: Any) -> None:
    text = show(value, 300)
    assert isinstance(text, str) and len(text) <= 300 + 30


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_terminal_text_is_inert(text: str) -> None:
    shown = terminal(text)
    assert shown.isprintable() or all(ch.isprintable() or ch == "\u200d" for ch in shown)
    assert "\x1b" not in shown and "\r" not in shown and "\n" not in shown
    assert terminal(shown) == shown


def test_terminal_escapes_what_moves_the_cursor() -> None:
    assert terminal("a\x1b[32mOK\r\x08\x9b\u202e\u2028b") == (
        "a\\x1b[32mOK\\x0d\\x08\\x9b\\u202e\\u2028b"
    )
    assert terminal("plain 'é' ✓") == "plain 'é' ✓"


def test_words() -> None:
    assert plural(1, "step") == "1 step" and plural(6, "step") == "6 steps"
    assert one_line("  Replicas agree\n    when quiet.\n") == "Replicas agree when quiet."
