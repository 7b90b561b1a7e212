"""Canonical encoding, freezing and thawing (property-based)."""

from __future__ import annotations

import enum
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from evcheck import FrozenDict, ReplicaId, message
from evcheck.values import Interner, UnencodableValue, encode, freeze, thaw

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.floats(allow_nan=False),
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.tuples(inner, inner),
        st.frozensets(scalars, max_size=4),
        st.dictionaries(st.text(max_size=3), inner, max_size=3).map(FrozenDict),
    ),
    max_leaves=12,
)


def same(a: Any, b: Any) -> bool:
    """Equal as values *and* of the same types throughout (1, True and 1.0 differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, FrozenDict):
        return set(map(encode, a)) == set(map(encode, b)) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, frozenset):
        return {encode(x) for x in a} == {encode(y) for y in b}
    return bool(a == b)


@given(values, values)
def test_encoding_is_injective_on_values_and_types(a: Any, b: Any) -> None:
    assert (encode(a) == encode(b)) == same(a, b)


@given(values)
def test_freeze_is_idempotent_and_hashable(v: Any) -> None:
    frozen = freeze(v)
    assert freeze(frozen) == frozen
    hash(frozen)


@given(st.lists(st.integers(), max_size=6), st.sets(st.integers(), max_size=6))
def test_thaw_then_freeze_round_trips(items: list[int], members: set[int]) -> None:
    assert freeze(thaw(freeze(items), list)) == tuple(items)
    assert freeze(thaw(freeze(members), set)) == frozenset(members)
    as_dict = {str(i): i for i in items}
    assert thaw(freeze(as_dict), dict) == as_dict


@given(st.dictionaries(st.integers(), st.integers(), max_size=6))
def test_frozen_dict_order_does_not_matter(d: dict[int, int]) -> None:
    reversed_items = dict(reversed(list(d.items())))
    assert FrozenDict(d) == FrozenDict(reversed_items)
    assert encode(FrozenDict(d)) == encode(FrozenDict(reversed_items))
    assert hash(FrozenDict(d)) == hash(FrozenDict(reversed_items))


def test_equal_values_of_different_types_encode_differently() -> None:
    codes = {encode(1), encode(True), encode(1.0), encode(ReplicaId(1))}
    assert len(codes) == 4
    assert encode((1, "a")) != encode(("1", "a"))
    assert encode(0.0) == encode(-0.0)  # equal floats of one type stay one value


def test_interning_keeps_types_apart() -> None:
    interner = Interner()
    assert interner.intern(1) == (0, True)
    assert interner.intern(ReplicaId(1)) == (1, True)
    assert interner.intern((1, True)) == (2, True)
    assert interner.intern((True, 1)) == (3, True)
    assert interner.intern(1) == (0, False)


def test_replica_ids_compare_as_ints_and_print_as_names() -> None:
    assert repr(ReplicaId(3)) == "r3"
    assert (1, ReplicaId(2)) < (1, ReplicaId(3))
    assert str((2, ReplicaId(1))) == "(2, r1)"


def test_messages_and_enums_encode_by_name() -> None:
    @message
    class Put:
        key: str

    class Color(enum.Enum):
        RED = 1

    assert encode(Put("k")) == encode(Put("k"))
    assert encode(Put("k")) != encode(("k",))
    assert encode(Color.RED) != encode(1)


def test_objects_without_canonical_form_are_rejected() -> None:
    class Opaque:
        pass

    try:
        encode(Opaque())
    except UnencodableValue as exc:
        assert "Opaque" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected UnencodableValue")


def test_encodings_are_pinned() -> None:
    """Fingerprints are built from these bytes: a faster encoder must give the same ones
    (the exact-type fast path and the general checks agree)."""
    from evcheck.models.lww import Update

    pinned = [
        (None, "4e"),
        (True, "6231"),
        (0, "490100000000"),
        (-1, "4901000000ff"),
        (2**40, "4906000000000000000001"),
        (1.5, "46140000003078312e38303030303030303030303030702b30"),
        (-0.0, "46080000003078302e30702b30"),
        ("é", "5302000000c3a9"),
        (b"x", "420100000078"),
        ((1, "a"), "5402000000490100000001530100000061"),
        (frozenset({2, 1}), "5a02000000490100000001490100000002"),
        (ReplicaId(3), "520100000003"),
        (FrozenDict({"k": (1,)}), "440100000053010000006b5401000000490100000001"),
        (
            Update("a", (1, ReplicaId(2))),
            "4306000000557064617465020000005301000000615402000000490100000001520100000002",
        ),
    ]
    for value, code in pinned:
        assert encode(value).hex() == code, value
