"""Frozen values, replica identities and the canonical encoding of state values.

World states are built from interned, hashable values. Handlers may work with
ordinary mutable containers on their scratch copy; `freeze` turns the result back
into an immutable, hashable form and `thaw` gives a handler a mutable copy again.
`encode` is the canonical byte encoding that fingerprints hash: equal values must
encode equally in every process, so it never relies on `hash()` or `id()`.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import struct
from collections.abc import Callable, Iterator, Mapping
from typing import Any


class ReplicaId(int):
    """A replica's identity: an int (1-based, so stamps compare as numbers) that prints as `r1`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"r{int(self)}"

    __str__ = __repr__


class UnorderedError(TypeError):
    """A symmetric value was ordered: symmetry reduction would be unsound."""


class GuardedReplicaId(ReplicaId):
    """A replica id under replica symmetry: equal-comparable, but ordering it is an error,
    because a protocol that orders replica ids (tie-breaks by id) is not symmetric."""

    __slots__ = ()

    def _ordered(self, other: object) -> bool:
        raise UnorderedError(
            f"the protocol orders replica ids ({self!r} vs {other!r}); replica symmetry is "
            "unsound for it: run without --symmetry replicas"
        )

    __lt__ = __le__ = __gt__ = __ge__ = _ordered
    __hash__ = ReplicaId.__hash__


class ModelValue:
    """An interchangeable value (like TLC's model values): prints as its name, compares
    equal only to itself, and cannot be ordered, so permuting values is sound."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModelValue) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("ModelValue", self.name))

    def __repr__(self) -> str:
        return repr(self.name)

    def _ordered(self, other: object) -> bool:
        raise UnorderedError(
            f"symmetric value {self!r} was ordered against {other!r}; symmetric values can "
            "only be compared for equality (use plain values if order matters)"
        )

    __lt__ = __le__ = __gt__ = __ge__ = _ordered


def symmetric_values(*names: str) -> tuple[ModelValue, ...]:
    """Interchangeable values for a spec parameter: `values=symmetric_values("a", "b")`.

    Executions that differ only by a permutation of these values are explored once.
    """
    return tuple(ModelValue(name) for name in names)


def rename(
    value: Any, replicas: Mapping[int, ReplicaId] | None, values: Mapping[Any, Any] | None
) -> Any:
    """`value` with replica ids and model values replaced (a symmetry permutation)."""
    if isinstance(value, ReplicaId):
        return replicas[int(value)] if replicas is not None else value
    if isinstance(value, ModelValue):
        return values.get(value, value) if values is not None else value
    if isinstance(value, tuple):
        items = [rename(v, replicas, values) for v in value]
        return tuple(items) if type(value) is tuple else type(value)(*items)
    if isinstance(value, frozenset):
        return frozenset(rename(v, replicas, values) for v in value)
    if isinstance(value, FrozenDict):
        return FrozenDict(
            {rename(k, replicas, values): rename(v, replicas, values) for k, v in value.items()}
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: rename(getattr(value, f.name), replicas, values)
            for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


class FrozenDict(Mapping[Any, Any]):
    """An immutable, hashable mapping with a canonical item order (sorted by encoding)."""

    __slots__ = ("_hash", "_items", "_map")

    def __init__(self, items: Mapping[Any, Any] | None = None) -> None:
        source = dict(items or {})
        ordered = sorted(source.items(), key=lambda kv: encode(kv[0]))
        self._items: tuple[tuple[Any, Any], ...] = tuple(ordered)
        self._map = dict(ordered)
        self._hash: int | None = None

    def __getitem__(self, key: Any) -> Any:
        return self._map[key]

    def __iter__(self) -> Iterator[Any]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self._items)
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self._map == other._map
        return NotImplemented

    def __repr__(self) -> str:
        inner = ", ".join(f"{k!r}: {v!r}" for k, v in self._items)
        return "{" + inner + "}"

    def items_tuple(self) -> tuple[tuple[Any, Any], ...]:
        return self._items


def freeze(value: Any) -> Any:
    """Return an immutable equivalent of `value` (list->tuple, set->frozenset, dict->FrozenDict)."""
    if isinstance(value, (int, str, bytes, float, type(None), enum.Enum)):
        return value
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(freeze(v) for v in value)
    if isinstance(value, dict):
        return FrozenDict({freeze(k): freeze(v) for k, v in value.items()})
    return value


def thaw(value: Any, like: type) -> Any:
    """Give a handler a mutable copy of a frozen field whose declared initial value was a `like`."""
    if like is list and isinstance(value, tuple):
        return list(value)
    if like is set and isinstance(value, frozenset):
        return set(value)
    if like is dict and isinstance(value, FrozenDict):
        return dict(value.items_tuple())
    return value


class UnencodableValue(TypeError):
    """A value of a type evcheck cannot encode canonically (so cannot fingerprint stably)."""


def encode(value: Any) -> bytes:
    """Canonical, process-independent bytes for a state value.

    The encoding is injective on values *and their types*: `1`, `1.0`, `True` and the
    replica id `r1` compare equal in Python but encode differently, and so never share
    an interned id or a fingerprint. Otherwise a field set to `self.id` on one path and
    to `1` on another would become one local state, and a trace would show a value the
    handler never wrote.
    """
    out: list[bytes] = []
    _encode_into(value, out)
    return b"".join(out)


_pack_len = struct.Struct("<I").pack


def encode_pair(first: bytes, second: bytes) -> bytes:
    """`encode((a, b))` from `encode(a)` and `encode(b)` (no second walk of either)."""
    return b"T" + _pack_len(2) + first + second


def _int_bytes(number: int) -> bytes:
    """Two's complement, little-endian, as short as it gets (no decimal conversion: Python
    refuses to print ints of more than 4,300 digits)."""
    return number.to_bytes((number + (number < 0)).bit_length() // 8 + 1, "little", signed=True)


def _encode_none(value: Any, out: list[bytes]) -> None:
    out.append(b"N")


def _encode_bool(value: Any, out: list[bytes]) -> None:
    out.append(b"b1" if value else b"b0")


def _encode_int(value: Any, out: list[bytes]) -> None:
    data = _int_bytes(int.__int__(value))
    out.append(b"I" + _pack_len(len(data)) + data)


def _encode_float(value: Any, out: list[bytes]) -> None:
    text = (value + 0.0).hex().encode()  # + 0.0 folds -0.0 into 0.0, which it equals
    out.append(b"F" + _pack_len(len(text)) + text)


def _encode_str(value: Any, out: list[bytes]) -> None:
    data = value.encode("utf-8", "surrogatepass")
    out.append(b"S" + _pack_len(len(data)) + data)


def _encode_bytes(value: Any, out: list[bytes]) -> None:
    out.append(b"B" + _pack_len(len(value)) + value)


def _encode_tuple(value: Any, out: list[bytes]) -> None:
    out.append(b"T" + _pack_len(len(value)))
    for item in value:
        _encode_into(item, out)


def _encode_frozenset(value: Any, out: list[bytes]) -> None:
    parts = sorted(encode(item) for item in value)
    out.append(b"Z" + _pack_len(len(parts)))
    out.extend(parts)


def _encode_dict(value: Any, out: list[bytes]) -> None:
    out.append(b"D" + _pack_len(len(value)))
    for k, v in value.items_tuple():
        _encode_into(k, out)
        _encode_into(v, out)


@functools.cache
def _dataclass_layout(cls: type) -> tuple[bytes, tuple[str, ...]]:
    """A dataclass's header (name, field count) and field names, worked out once per class."""
    name = cls.__qualname__.encode()
    names = tuple(f.name for f in dataclasses.fields(cls))
    return b"C" + _pack_len(len(name)) + name + _pack_len(len(names)), names


# Encoders by exact type, for the types states are mostly made of (subclasses, enums,
# replica ids, named tuples and dataclasses go through the checks below).
_BY_TYPE: dict[type, Callable[[Any, list[bytes]], None]] = {
    type(None): _encode_none,
    bool: _encode_bool,
    int: _encode_int,
    float: _encode_float,
    str: _encode_str,
    bytes: _encode_bytes,
    tuple: _encode_tuple,
    frozenset: _encode_frozenset,
}


def _encode_into(value: Any, out: list[bytes]) -> None:
    encoder = _BY_TYPE.get(type(value))
    if encoder is not None:
        encoder(value, out)
    elif value is None:
        out.append(b"N")
    elif isinstance(value, ModelValue):
        name = value.name.encode()
        out.append(b"M" + _pack_len(len(name)) + name)
    elif isinstance(value, enum.Enum):
        name = f"{type(value).__qualname__}.{value.name}".encode()
        out.append(b"E" + _pack_len(len(name)) + name)
    elif isinstance(value, bool):
        _encode_bool(value, out)
    elif isinstance(value, ReplicaId):
        data = _int_bytes(int.__int__(value))
        out.append(b"R" + _pack_len(len(data)) + data)
    elif isinstance(value, int):
        _encode_int(value, out)
    elif isinstance(value, float):
        _encode_float(value, out)
    elif isinstance(value, str):
        _encode_str(value, out)
    elif isinstance(value, bytes):
        _encode_bytes(value, out)
    elif isinstance(value, tuple):
        if type(value) is tuple:
            _encode_tuple(value, out)
            return
        # a NamedTuple: its type is part of its identity
        name = type(value).__qualname__.encode()
        out.append(b"U" + _pack_len(len(name)) + name + _pack_len(len(value)))
        for item in value:
            _encode_into(item, out)
    elif isinstance(value, frozenset):
        _encode_frozenset(value, out)
    elif isinstance(value, FrozenDict):
        _encode_dict(value, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        header, names = _dataclass_layout(type(value))
        out.append(header)
        for field_name in names:
            _encode_into(getattr(value, field_name), out)
    else:
        raise UnencodableValue(
            f"a value of type {type(value).__name__} ({value!r}) cannot be part of a state: "
            "use None, bool, int, float, str, bytes, tuples, lists, sets, dicts, enums, "
            "@message classes or frozen dataclasses of those"
        )


class Interner:
    """Small ints for values, by type and value: equal values of different types (`1`,
    `True`, `r1`) get different ids (see `encode`). The canonical encoding is the key, so
    interning costs one encoding per new lookup; callers intern only on table misses."""

    __slots__ = ("_ids", "codes", "values")

    def __init__(self) -> None:
        self._ids: dict[bytes, int] = {}
        self.values: list[Any] = []
        self.codes: list[bytes] = []  # each value's canonical encoding, by id

    def __len__(self) -> int:
        return len(self.values)

    def intern(self, value: Any) -> tuple[int, bool]:
        """The id of `value`, and whether it is new."""
        code = encode(value)
        known = self._ids.get(code)
        if known is not None:
            return known, False
        number = len(self.values)
        self._ids[code] = number
        self.values.append(value)
        self.codes.append(code)
        return number, True
