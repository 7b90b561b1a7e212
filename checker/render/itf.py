"""ITF, the Informal Trace Format of Apalache and Quint, so their trace viewers read ours.

Each state is a record of variables: one per replica (a record of its fields), plus
`in_flight` (a list of records src/dst/msg) and `action_taken` (the label of the
step that led there). Python values map to ITF as: int -> number (or `#bigint`
beyond 2**53), str/bool -> themselves, tuple -> `#tup`, frozenset -> `#set`, dict ->
`#map`, message -> record with a `tag`, None -> `#unserializable`. A value ITF cannot
carry faithfully (an int too long to print, a part nested deeper than `MAX_DEPTH`) is
`#unserializable` with its clipped rendering (`display.show`): the export never fails.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..display import MAX_DEPTH, show
from ..results import Counterexample, Result
from ..values import FrozenDict, ReplicaId

SAFE = 2**53


def itf_value(value: Any, depth: int = 0) -> Any:
    """A Python state value as an ITF JSON value."""
    if depth > MAX_DEPTH:
        return {"#unserializable": show(value)}
    inner = depth + 1
    if isinstance(value, ReplicaId):
        return show(value)
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        if -SAFE < value < SAFE:
            return value
        text = show(value)
        return {"#bigint": text} if text.lstrip("-").isdigit() else {"#unserializable": text}
    if isinstance(value, tuple):
        return {"#tup": [itf_value(v, inner) for v in value]}
    if isinstance(value, frozenset):
        return {"#set": [itf_value(v, inner) for v in sorted(value, key=show)]}
    if isinstance(value, (FrozenDict, dict)):
        return {"#map": [[itf_value(k, inner), itf_value(v, inner)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        record = {"tag": type(value).__name__}
        record.update(
            {f.name: itf_value(getattr(value, f.name), inner) for f in dataclasses.fields(value)}
        )
        return record
    return {"#unserializable": show(value)}


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
    document: dict[str, Any] = {
        "#meta": {
            "format": "ITF",
            "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
            "source": result.spec.name,
            "description": f"evcheck counterexample: {cex.property} violated: {cex.explanation}",
        },
        "vars": [*lanes, "in_flight", "action_taken"],
        "states": states,
    }
    if cex.loop is not None:
        # ITF's lasso: after the last state comes state `loop` again. The last state
        # equals that state already, so the closing transition is a stutter.
        document["loop"] = cex.loop
    return document
