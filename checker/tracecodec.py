"""Spec settings as tagged JSON, so that `evcheck replay` gets back exactly the values a
counterexample was found with.

`repr` plus `ast.literal_eval` (the `evcheck.trace/1` way) loses every setting that is
not a Python literal: enum members, `range(...)`, symmetric values. Here each value is
plain JSON when JSON has the type (null, booleans, ints, strings) and otherwise a
one-key object naming it:

    {"tuple": [...]}  {"list": [...]}  {"set": [...]}  {"frozenset": [...]}
    {"dict": [[key, value], ...]}  {"frozendict": [[key, value], ...]}
    {"range": [start, stop, step]}  {"float": "0x1.8p+1"}
    {"enum": "Colour.RED"}  {"model_value": "a"}  {"replica": 1}

An enum member is stored by its class's qualified name and member name, and resolved
against the enum classes that the spec's own settings use (the trace names the
member; the spec, not the file, supplies the class, so reading a trace imports nothing).

A trace file is untrusted input: decoding enforces `LIMITS` (nesting, size, digits),
and every failure is a `CodecError` naming where in the value it occurred.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .display import name
from .values import FrozenDict, ModelValue, ReplicaId


class CodecError(ValueError):
    """A setting cannot be encoded, or an encoded one is malformed or beyond the limits."""


@dataclass(frozen=True)
class CodecLimits:
    depth: int = 16  # nesting of containers
    items: int = 1_000  # scalars and containers in all settings, ranges counted by length
    text: int = 1_000  # characters of one string
    digits: int = 100  # digits of one int


LIMITS = CodecLimits()


def encode_setting(value: Any) -> Any:
    """`value` as tagged JSON; raises CodecError for a type the format cannot hold."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, ReplicaId):
        return {"replica": int(value)}
    if isinstance(value, enum.Enum):
        return {"enum": f"{type(value).__qualname__}.{value.name}"}
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return {"float": value.hex()}
    if isinstance(value, ModelValue):
        return {"model_value": value.name}
    if isinstance(value, range):
        return {"range": [value.start, value.stop, value.step]}
    if type(value) in (tuple, list):
        return {type(value).__name__: [encode_setting(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        items = sorted((encode_setting(v) for v in value), key=repr)
        return {"frozenset" if isinstance(value, frozenset) else "set": items}
    if isinstance(value, (dict, FrozenDict)):
        tag = "dict" if isinstance(value, dict) else "frozendict"
        return {tag: [[encode_setting(k), encode_setting(v)] for k, v in value.items()]}
    raise CodecError(f"a {type(value).__name__} cannot be recorded in a trace file")


def enum_classes(settings: Mapping[str, Any]) -> dict[str, type[enum.Enum]]:
    """The enum classes used anywhere in `settings`, by qualified name."""
    found: dict[str, type[enum.Enum]] = {}
    for value in settings.values():
        for item in _walk(value, 0):
            if isinstance(item, enum.Enum):
                found[type(item).__qualname__] = type(item)
    return found


def _walk(value: Any, depth: int) -> Iterator[Any]:
    yield value
    if depth > LIMITS.depth:
        return
    if isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, (dict, FrozenDict)):
        for key, item in value.items():
            yield from _walk(key, depth + 1)
            yield from _walk(item, depth + 1)


class Decoder:
    """Decodes settings within `LIMITS` (one decoder for all the settings of a trace, so
    the item count bounds their sum: replay builds one action per replica and combination
    of operation arguments); `enums` resolves `{"enum": ...}` references."""

    def __init__(self, enums: Mapping[str, type[enum.Enum]] | None) -> None:
        self.enums = enums
        self.items = 0

    def decode(self, data: Any, depth: int = 0) -> Any:
        self.items += 1
        if self.items > LIMITS.items:
            raise CodecError(f"more than {LIMITS.items:,} values")
        if depth > LIMITS.depth:
            raise CodecError(f"nested deeper than {LIMITS.depth}")
        if data is None or isinstance(data, bool):
            return data
        if isinstance(data, int):
            if data.bit_length() > LIMITS.digits * 3.33:
                raise CodecError(f"an int of more than {LIMITS.digits} digits")
            return data
        if isinstance(data, str):
            if len(data) > LIMITS.text:
                raise CodecError(f"a string longer than {LIMITS.text:,} characters")
            return data
        if not isinstance(data, dict) or len(data) != 1:
            raise CodecError(f"expected a JSON value or a one-key tagged object, got {_kind(data)}")
        ((tag, body),) = data.items()
        method = getattr(self, f"_{tag}", None) if tag in TAGS else None
        if method is None:
            raise CodecError(f"unknown tag {tag[:40]!r}; known: {', '.join(TAGS)}")
        return method(body, depth)

    def _items(self, body: Any, depth: int) -> list[Any]:
        if not isinstance(body, list):
            raise CodecError(f"expected a list, got {_kind(body)}")
        return [self.decode(item, depth + 1) for item in body]

    def _tuple(self, body: Any, depth: int) -> tuple[Any, ...]:
        return tuple(self._items(body, depth))

    def _list(self, body: Any, depth: int) -> list[Any]:
        return self._items(body, depth)

    def _set(self, body: Any, depth: int) -> set[Any]:
        return set(self._hashable(self._items(body, depth)))

    def _frozenset(self, body: Any, depth: int) -> frozenset[Any]:
        return frozenset(self._hashable(self._items(body, depth)))

    def _dict(self, body: Any, depth: int) -> dict[Any, Any]:
        if not isinstance(body, list) or not all(isinstance(p, list) and len(p) == 2 for p in body):
            raise CodecError("a dict is a list of [key, value] pairs")
        keys = self._hashable([self.decode(k, depth + 1) for k, _ in body])
        return dict(zip(keys, (self.decode(v, depth + 1) for _, v in body), strict=True))

    def _frozendict(self, body: Any, depth: int) -> FrozenDict:
        return FrozenDict(self._dict(body, depth))

    def _range(self, body: Any, depth: int) -> range:
        bounds = self._items(body, depth)
        if len(bounds) != 3 or not all(type(b) is int for b in bounds) or bounds[2] == 0:
            raise CodecError("a range is [start, stop, step] with ints and a non-zero step")
        result = range(*bounds)
        self.items += len(result)
        if self.items > LIMITS.items:
            raise CodecError(f"a range of more than {LIMITS.items:,} values")
        return result

    def _float(self, body: Any, depth: int) -> float:
        if isinstance(body, str) and len(body) < 40:
            try:
                return float.fromhex(body)
            except (ValueError, OverflowError):
                pass
        raise CodecError(f"not a hexadecimal float: {str(body)[:40]!r}")

    def _model_value(self, body: Any, depth: int) -> ModelValue:
        return ModelValue(self._text(body, depth))

    def _replica(self, body: Any, depth: int) -> ReplicaId:
        number = self.decode(body, depth + 1)
        if type(number) is not int or number < 1:
            raise CodecError("a replica is a positive int")
        return ReplicaId(number)

    def _enum(self, body: Any, depth: int) -> enum.Enum:
        text = self._text(body, depth)
        cls_name, _, member = text.rpartition(".")
        if self.enums is None:
            raise CodecError(f"enum member {name(text)} can only be resolved against the spec")
        cls = self.enums.get(cls_name)
        if cls is None:
            known = ", ".join(self.enums) or "none"
            raise CodecError(f"the spec uses no enum {name(cls_name)} (its enums: {known})")
        try:
            return cls[member]
        except KeyError:
            raise CodecError(f"enum {cls_name} has no member {name(member)}") from None

    def _text(self, body: Any, depth: int) -> str:
        text = self.decode(body, depth + 1)
        if not isinstance(text, str):
            raise CodecError(f"expected a string, got {_kind(body)}")
        return text

    @staticmethod
    def _hashable(items: list[Any]) -> list[Any]:
        for item in items:
            try:
                hash(item)
            except TypeError:
                raise CodecError(f"a {_kind(item)} cannot be a set element or dict key") from None
        return items


TAGS = ("tuple", "list", "set", "frozenset", "dict", "frozendict", "range", "float", "enum",
        "model_value", "replica")  # fmt: skip


def _kind(data: Any) -> str:
    names: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}
    return names.get(type(data), type(data).__name__)
