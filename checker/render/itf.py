"""ITF, the Informal Trace Format of Apalache and Quint, so their trace viewers read ours.

Each state is a record of variables: one per replica (a record of its fields), plus
`in_flight` (a list of records src/dst/msg) and `action_taken` (the label of the
step that led there). Python values map to ITF as: int -> number (or `#bigint`
beyond 2**53), str/bool -> themselves, tuple -> `#tup`, frozenset -> `#set`, dict ->
`#map`, message -> record with a `tag`, None -> `#unserializable`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..results import Counterexample, Result
from ..values import FrozenDict, ReplicaId

SAFE = 2**53


def itf_value(value: Any) -> Any:
    """A Python state value as an ITF JSON value."""
    if isinstance(value, ReplicaId):
        return repr(value)
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if -SAFE < value < SAFE else {"#bigint": str(value)}
    if isinstance(value, tuple):
        return {"#tup": [itf_value(v) for v in value]}
    if isinstance(value, frozenset):
        return {"#set": [itf_value(v) for v in sorted(value, key=repr)]}
    if isinstance(value, (FrozenDict, dict)):
        return {"#map": [[itf_value(k), itf_value(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        record = {"tag": type(value).__name__}
        record.update(
            {f.name: itf_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
        )
        return record
    return {"#unserializable": repr(value)}


def itf_document(result: Result, cex: Counterexample) -> dict[str, Any]:
    lanes = list(cex.trace.steps[0].view.values) if cex.trace.steps else []
    states = []
    for step in cex.trace.steps:
        state: dict[str, Any] = {"#meta": {"index": step.index}}
        for lane, fields in step.view.values.items():
            state[lane] = {name: itf_value(v) for name, v in fields.items()}
        state["in_flight"] = [
            {"src": src, "dst": dst, "msg": itf_value(msg)} for src, dst, msg in step.view.messages
        ]
        state["action_taken"] = step.action or "init"
        states.append(state)
    return {
        "#meta": {
            "format": "ITF",
            "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
            "source": result.spec.name,
            "description": f"evcheck counterexample: {cex.property} violated: {cex.explanation}",
        },
        "vars": [*lanes, "in_flight", "action_taken"],
        "states": states,
    }
