"""ITF export: the Apalache/Quint trace format."""

from __future__ import annotations

import json

from evcheck import FrozenDict, ReplicaId, load_spec, message, verify_spec
from evcheck.render.itf import itf_document, itf_value
from tests.conftest import SPECS


def test_value_encoding() -> None:
    @message
    class Put:
        key: str
        value: int

    assert itf_value(3) == 3
    assert itf_value(2**60) == {"#bigint": str(2**60)}
    assert itf_value(ReplicaId(2)) == "r2"
    assert itf_value((1, "a")) == {"#tup": [1, "a"]}
    assert itf_value(frozenset({2, 1})) == {"#set": [1, 2]}
    assert itf_value(FrozenDict({"k": 1})) == {"#map": [["k", 1]]}
    assert itf_value(Put("k", 1)) == {"tag": "Put", "key": "k", "value": 1}
    assert itf_value(None) == {"#unserializable": "None"}


def test_document_has_a_state_per_step() -> None:
    result = verify_spec(load_spec(SPECS / "lww_no_tiebreak.py"))
    cex = result.counterexample
    assert cex is not None
    doc = itf_document(result, cex)
    assert doc["#meta"]["format"] == "ITF"
    assert doc["vars"] == ["r1", "r2", "r3", "in_flight", "action_taken"]
    assert len(doc["states"]) == len(cex.trace) + 1
    first, second = doc["states"][0], doc["states"][1]
    assert first["r1"] == {"value": {"#unserializable": "None"}, "stamp": {"#tup": [0, 0]}}
    assert second["action_taken"] == "write@r1('a')"
    assert second["in_flight"][0] == {
        "src": "r1",
        "dst": "r2",
        "msg": {"tag": "Update", "value": "a", "stamp": {"#tup": [1, "r1"]}},
    }
    assert [s["#meta"]["index"] for s in doc["states"]] == list(range(len(cex.trace) + 1))


def test_values_itf_cannot_carry_are_unserializable_not_errors() -> None:
    assert itf_value(2**60) == {"#bigint": str(2**60)}
    assert itf_value(10**5000) == {"#unserializable": "<int of about 5,001 digits>"}
    deep: object = 1
    for _ in range(100_000):
        deep = (deep,)
    out = json.dumps(itf_value(deep))
    assert '"#unserializable"' in out and "..." in out
    assert itf_value(frozenset({"b", "a"})) == {"#set": ["a", "b"]}
    assert itf_value(FrozenDict({1: None})) == {"#map": [[1, {"#unserializable": "None"}]]}
