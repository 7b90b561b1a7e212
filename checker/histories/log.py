"""Jepsen log lines, as Jepsen's logger prints operations and Porcupine's etcd test data
holds them: `INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]` (process, type, function,
value in EDN). Lines without `jepsen.util - ` (setup chatter) are skipped."""

from __future__ import annotations

import re

from .edn import EdnError, parse
from .jepsen import Record
from .source import Source

_MARK = "jepsen.util - "
_OP = re.compile(r"(\S+)\s+:(\w+)\s+:?([\w-]+)\s*(.*)$")


def is_jepsen_log(text: str) -> bool:
    return _MARK in text[:100_000]


def log_records(source: Source) -> list[Record]:
    records = []
    for number, line in enumerate(source.text.splitlines(), start=1):
        at = line.find(_MARK)
        if at < 0:
            continue
        match = _OP.match(line[at + len(_MARK) :].strip())
        if match is None:
            source.fail(number, "expected `process :type :f value` after 'jepsen.util - '")
        process_text, kind, function, value_text = match.groups()
        process: int | str = (
            int(process_text) if process_text.isdigit() else process_text.lstrip(":")
        )
        try:
            forms = parse(value_text).forms if value_text.strip() else []
        except EdnError as exc:
            source.fail(number, f"the value is not EDN: {exc}")
        if len(forms) > 1:
            source.fail(number, f"expected one value, got {value_text!r}")
        value = forms[0][1] if forms else None
        records.append(Record(number, process, kind, function, value))
    if not records:
        source.fail(1, "no Jepsen operation lines ('jepsen.util - process :type :f value')")
    return records
