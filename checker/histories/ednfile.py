"""Jepsen and Knossos EDN histories: a vector of op maps, or op maps one after another
(as Jepsen's history.edn and Porcupine's key-value logs hold them)."""

from __future__ import annotations

from typing import Any

from .edn import EdnError, Keyword, parse
from .jepsen import Record
from .source import Source


def edn_records(source: Source) -> list[Record]:
    try:
        parsed = parse(source.text)
    except EdnError as exc:
        source.fail(exc.line, f"not EDN: {exc}")
    forms = parsed.forms
    if len(forms) == 1 and isinstance(forms[0][1], tuple):
        line = forms[0][0]
        items = [(parsed.map_lines.get(id(item), line), item) for item in forms[0][1]]
    else:
        items = forms
    records = []
    for line, item in items:
        if not isinstance(item, dict):
            source.fail(line, f"expected an operation map, got {_kind(item)}")
        records.append(_record(source, line, item))
    return records


def _record(source: Source, line: int, item: dict[Any, Any]) -> Record:
    fields = {str(k): v for k, v in item.items() if isinstance(k, Keyword)}
    for name in ("process", "type", "f"):
        if name not in fields:
            source.fail(line, f"missing :{name}")
    kind = fields["type"]
    if not isinstance(kind, str):
        source.fail(line, f":type must be a keyword, got {kind!r}")
    return Record(
        line, fields["process"], str(kind), fields["f"], fields.get("value"), fields.get("key")
    )


def _kind(item: Any) -> str:
    if isinstance(item, tuple):
        return "a vector"
    return repr(item) if len(repr(item)) < 40 else type(item).__name__
