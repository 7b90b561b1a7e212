"""How values and foreign text read in every report: one formatter, one terminal escaper.

Reports show values that protocols, trace files and histories supply, so nothing about
them can be trusted: `repr` raises on an int of more than 4,300 digits and on a value
nested a few thousand deep, and a string may carry terminal escape sequences. `show`
never raises and never recurses deeper than `MAX_DEPTH`; `terminal` makes any text
inert on a terminal. This module sits at the bottom of the layers (it imports only
`values`), so the semantics that build state views can use it as well as the renderers.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import unicodedata
from typing import Any

from .values import FrozenDict, ModelValue, ReplicaId

MAX_DEPTH = 12  # deeper parts of a value show as `...`
MAX_ITEMS = 200  # elements of one container shown before `...`
MAX_CHARS = 2000  # characters of one value shown before the `...(N chars)` marker
ELLIPSIS = "..."


def show(value: Any, limit: int = MAX_CHARS) -> str:
    """`value` as people read it: sets as `{...}`, messages as `Name(field=...)`, replica
    ids as `r1`; clipped to about `limit` characters with a marker saying so."""
    return _render(value, 0, limit)


def _render(value: Any, depth: int, limit: int) -> str:
    out: list[str] = []
    _Writer(out, limit).write(value, depth)
    return clip("".join(out), limit)


def clip(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters and a marker with how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}{ELLIPSIS}({len(text) - limit:,} more chars)"


def name(text: str, limit: int = 60) -> str:
    """A name read from a file (a field, a setting, an enum member) for a message: as it
    is when short and printable, else quoted, escaped and clipped like any value."""
    return text if len(text) <= limit and text.isprintable() else show(text, limit)


def plural(count: int, noun: str) -> str:
    """`1 step`, `6 steps`."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def one_line(text: str) -> str:
    """Collapse runs of whitespace (a multi-line docstring) into single spaces."""
    return " ".join(text.split())


class _Writer:
    """Appends the rendering of a value to `out`, stopping once `budget` characters are out."""

    def __init__(self, out: list[str], budget: int) -> None:
        self.out = out
        self.budget = budget + 1  # one more than shown, so `clip` knows text was left out

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.budget -= len(text)

    def write(self, value: Any, depth: int) -> None:
        if self.budget <= 0:
            return
        if depth > MAX_DEPTH:
            self.emit(ELLIPSIS)
            return
        if isinstance(value, ReplicaId):
            self.emit(f"r{int(value)}")
        elif isinstance(value, ModelValue):
            self.emit(_atom(value.name))
        elif isinstance(value, enum.Enum):
            self.emit(f"{type(value).__name__}.{value.name}")
        elif isinstance(value, bool) or value is None:
            self.emit(str(value))
        elif isinstance(value, int):
            self.emit(_integer(value))
        elif isinstance(value, (str, bytes, float)):
            self.emit(_atom(value))
        elif isinstance(value, tuple) and hasattr(value, "_fields"):
            self.record(type(value).__name__, zip(value._fields, value, strict=False), depth)
        elif isinstance(value, tuple):
            self.sequence("(", ")", value, depth, trailing_comma=len(value) == 1)
        elif isinstance(value, list):
            self.sequence("[", "]", value, depth)
        elif isinstance(value, (set, frozenset)):
            self.sequence("{", "}", _sorted(value, depth + 1), depth)
        elif isinstance(value, (FrozenDict, dict)):
            self.mapping(value, depth)
        elif getattr(type(value), "_evc_atom", False):
            self.emit(repr(value))  # a value with a name of its own (a client request)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
            self.record(type(value).__name__, fields, depth)
        else:
            self.emit(_foreign(value))

    def sequence(
        self, open_: str, close: str, items: Any, depth: int, trailing_comma: bool = False
    ) -> None:
        self.emit(open_)
        for k, item in enumerate(items):
            if self.budget <= 0:
                return
            if k:
                self.emit(", ")
            if k >= MAX_ITEMS:
                self.emit(ELLIPSIS)
                break
            self.write(item, depth + 1)
        self.emit(("," if trailing_comma else "") + close)

    def mapping(self, value: Any, depth: int) -> None:
        self.emit("{")
        for k, (key, item) in enumerate(value.items()):
            if self.budget <= 0:
                return
            if k:
                self.emit(", ")
            if k >= MAX_ITEMS:
                self.emit(ELLIPSIS)
                break
            self.write(key, depth + 1)
            self.emit(": ")
            self.write(item, depth + 1)
        self.emit("}")

    def record(self, name: str, fields: Any, depth: int) -> None:
        self.emit(f"{name}(")
        for k, (field, item) in enumerate(fields):
            if self.budget <= 0:
                return
            self.emit(f"{', ' if k else ''}{field}=")
            self.write(item, depth + 1)
        self.emit(")")


def _integer(value: int) -> str:
    """Digits, or for an int too long to print (Python refuses beyond 4,300 digits, and
    nobody reads that many) its sign and size."""
    if value.bit_length() < 4000:
        return str(value)
    digits = math.floor(value.bit_length() * math.log10(2)) + 1
    return f"<{'-' if value < 0 else ''}int of about {digits:,} digits>"


def _atom(value: str | bytes | float) -> str:
    """The repr of a string, bytes or float, clipped before it is built in full."""
    if isinstance(value, (str, bytes)) and len(value) > MAX_CHARS:
        return repr(value[:MAX_CHARS]) + ELLIPSIS
    return repr(value)


def _sorted(items: Any, depth: int) -> list[Any]:
    """A set's elements in a stable order (by their rendering), so reports are reproducible."""
    if len(items) > MAX_ITEMS:
        return list(items)
    return sorted(items, key=lambda item: _render(item, depth, 200))


def _foreign(value: Any) -> str:
    """Anything else: its own repr when that works, else its type."""
    try:
        return clip(repr(value), MAX_CHARS)
    except Exception:  # a hostile or broken __repr__ must not take the report down
        return f"<{type(value).__name__}>"


# Bidirectional overrides reorder what a terminal shows ("Trojan Source"); line and
# paragraph separators break lines like `\n`. The rest of category C is escaped too.
_VISIBLE_FORMAT = {"\u200d"}  # the zero-width joiner inside emoji sequences is harmless


def terminal(text: str) -> str:
    """`text` made inert for a terminal: control characters (C0 including CR, backspace,
    ESC and newline; DEL; C1), bidirectional overrides and line separators are written
    as Python escapes, so no input can move the cursor, recolour or hide a line. A
    renderer applies it to each line it builds and joins the lines itself."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in _VISIBLE_FORMAT else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if unicodedata.category(ch) == "Zs":  # an exotic space: keep it, as a space
        return " "
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
