"""A small reader of EDN, the data notation Jepsen and Knossos write histories in.

It covers what histories use: nil, booleans, numbers, strings, characters, keywords,
symbols, vectors, lists, maps, sets, tagged values (`#inst "..."`, `#jepsen.history.Op
{...}`: the tag is dropped) and the `#_` discard. It is iterative, so hostile nesting
cannot overflow the stack; it refuses nesting deeper than MAX_DEPTH instead.

Keywords become `Keyword` (a str that prints as `:name`), vectors and lists tuples, maps
dicts, sets frozensets. Each map's line is remembered, for error messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 200


class EdnError(ValueError):
    """Malformed EDN at `line`."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class Keyword(str):
    """An EDN keyword such as `:invoke`, held without its colon."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f":{self}"


_DELIMITERS = set('()[]{}"; \t\r\n,') | {"\f", "\v"}
_NUMBER = re.compile(r"[+-]?(\d+)(\.\d*)?([eE][+-]?\d+)?[MN]?$")
_RATIO = re.compile(r"[+-]?\d+/\d+$")
_CHARACTERS = {"newline": "\n", "space": " ", "tab": "\t", "return": "\r"}
_CLOSERS = {"(": ")", "[": "]", "{": "}", "#{": "}"}
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


@dataclass
class _Open:
    opener: str
    line: int
    items: list[Any] = field(default_factory=list)


@dataclass
class Parsed:
    """Top-level forms with the line each starts on; `map_lines` gives each map's line
    (by id, valid while the forms are alive)."""

    forms: list[tuple[int, Any]]
    map_lines: dict[int, int]


def parse(text: str) -> Parsed:
    reader = _Reader(text)
    return Parsed(list(reader.forms()), reader.map_lines)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.map_lines: dict[int, int] = {}

    def forms(self) -> Iterator[tuple[int, Any]]:
        stack: list[_Open] = []
        # Per nesting level: a list of prefixes ("tag" or "discard") awaiting a form.
        prefixes: list[list[str]] = [[]]
        start_line = 1
        while True:
            token = self._token()
            if token is None:
                if stack:
                    raise EdnError(stack[-1].line, f"{stack[-1].opener!r} is never closed")
                if prefixes[-1]:
                    raise EdnError(self.line, "a tag or #_ with nothing after it")
                return
            kind, value, line = token
            if not stack:
                start_line = line
            if kind == "open":
                if len(stack) >= MAX_DEPTH:
                    raise EdnError(line, f"nested deeper than {MAX_DEPTH} levels")
                stack.append(_Open(value, line))
                prefixes.append([])
                continue
            if kind == "prefix":
                prefixes[-1].append(value)
                continue
            if kind == "close":
                if not stack or _CLOSERS[stack[-1].opener] != value:
                    raise EdnError(line, f"unexpected {value!r}")
                if prefixes[-1]:
                    raise EdnError(line, "a tag or #_ with nothing after it")
                prefixes.pop()
                opened = stack.pop()
                value = self._collection(opened)
            # A complete form: apply pending prefixes of this level, innermost first.
            level = prefixes[-1]
            discard = False
            while level:
                if level.pop() == "discard":
                    discard = True
                    break
            if discard:
                continue
            if stack:
                stack[-1].items.append(value)
            else:
                yield start_line, value

    def _collection(self, opened: _Open) -> Any:
        items = opened.items
        if opened.opener in ("(", "["):
            return tuple(items)
        if opened.opener == "#{":
            try:
                return frozenset(items)
            except TypeError:
                raise EdnError(opened.line, "a set element is not hashable") from None
        if len(items) % 2:
            raise EdnError(opened.line, "a map needs an even number of forms")
        result: dict[Any, Any] = {}
        for k, v in zip(items[::2], items[1::2], strict=True):
            try:
                result[k] = v
            except TypeError:
                raise EdnError(opened.line, "a map key is not hashable") from None
        self.map_lines[id(result)] = opened.line
        return result

    def _token(self) -> tuple[str, Any, int] | None:
        text = self.text
        n = len(text)
        while self.pos < n:
            c = text[self.pos]
            if c == "\n":
                self.line += 1
                self.pos += 1
            elif c in " \t\r,\f\v":
                self.pos += 1
            elif c == ";":
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end
            else:
                break
        if self.pos >= n:
            return None
        line = self.line
        c = text[self.pos]
        if c in "([{":
            self.pos += 1
            return "open", c, line
        if c in ")]}":
            self.pos += 1
            return "close", c, line
        if c == '"':
            return "atom", self._string(), line
        if c == "#":
            nxt = text[self.pos + 1 : self.pos + 2]
            if nxt == "{":
                self.pos += 2
                return "open", "#{", line
            if nxt == "_":
                self.pos += 2
                return "prefix", "discard", line
            self.pos += 1
            self._word()
            return "prefix", "tag", line
        if c == "\\":
            self.pos += 1
            word = self._word()
            if not word:  # a delimiter as a character: \( or \,
                word = text[self.pos : self.pos + 1]
                self.pos += len(word)
            return "atom", _character(word, line), line
        word = self._word()
        if not word:
            raise EdnError(line, f"unexpected character {c!r}")
        return "atom", _atom(word, line), line

    def _word(self) -> str:
        start = self.pos
        text = self.text
        n = len(text)
        while self.pos < n and text[self.pos] not in _DELIMITERS:
            self.pos += 1
        return text[start : self.pos]

    def _string(self) -> str:
        text = self.text
        self.pos += 1
        out: list[str] = []
        start_line = self.line
        while True:
            end = self.pos
            while end < len(text) and text[end] not in '"\\':
                end += 1
            chunk = text[self.pos : end]
            self.line += chunk.count("\n")
            out.append(chunk)
            if end >= len(text):
                raise EdnError(start_line, "a string is never closed")
            if text[end] == '"':
                self.pos = end + 1
                return "".join(out)
            escape = text[end + 1 : end + 2]
            if escape == "u":
                digits = text[end + 2 : end + 6]
                try:
                    out.append(chr(int(digits, 16)))
                except ValueError:
                    raise EdnError(self.line, f"bad escape \\u{digits}") from None
                self.pos = end + 6
                continue
            if escape not in _ESCAPES:
                raise EdnError(self.line, f"bad escape \\{escape}")
            out.append(_ESCAPES[escape])
            self.pos = end + 2


def _character(word: str, line: int) -> str:
    if len(word) == 1:
        return word
    if word in _CHARACTERS:
        return _CHARACTERS[word]
    if word.startswith("u") and len(word) == 5:
        try:
            return chr(int(word[1:], 16))
        except ValueError:
            pass
    raise EdnError(line, f"unknown character \\{word}" if word else "a backslash at the end")


def _atom(word: str, line: int) -> Any:
    if word == "nil":
        return None
    if word == "true":
        return True
    if word == "false":
        return False
    if word.startswith(":"):
        if len(word) == 1:
            raise EdnError(line, "an empty keyword")
        return Keyword(word[1:])
    match = _NUMBER.match(word)
    if match:
        digits = word.rstrip("MN")
        if match.group(2) or match.group(3) or (word.endswith("M") and "." in word):
            return float(digits)
        return int(digits)
    if _RATIO.match(word):
        numerator, denominator = word.split("/")
        return int(numerator) / int(denominator)
    return word  # a symbol
