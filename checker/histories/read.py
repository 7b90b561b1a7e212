"""Reading a history file in any supported format into operations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..consistency.operations import Op
from ..errors import TraceFormatError
from .ednfile import edn_records
from .jepsen import SetAside, pair
from .jsonl import evcheck_ops, is_jepsen, jepsen_records, parse_lines
from .log import is_jepsen_log, log_records
from .source import MAX_BYTES, Source, load

FORMATS = ("auto", "jsonl", "edn", "jepsen-log")
NON_CLIENTS = frozenset({"nemesis"})
# How each format's `:fail` of a cas reads (docs/consistency.md): Knossos and Jepsen
# checkers treat a failed operation as one that did not happen; Porcupine's etcd model
# (the tool that judges Jepsen logs) as a cas whose compare failed.
FAIL_MEANS = {"jsonl": "did-not-happen", "edn": "did-not-happen", "jepsen-log": "compare-failed"}


@dataclass(frozen=True)
class History:
    ops: list[Op]
    format: str
    # True when operations are atomic steps in order (the concrete monitors apply).
    atomic: bool
    set_aside: list[SetAside] = field(default_factory=list)


def read_history(
    path: str | Path,
    fmt: str = "auto",
    *,
    non_clients: frozenset[str] = NON_CLIENTS,
    fail_means: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> History:
    """The operations of a history file; TraceFormatError names the line of any problem."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown history format {fmt!r}")
    source = load(path, max_bytes)
    chosen = detect(source) if fmt == "auto" else fmt
    reading = fail_means or FAIL_MEANS[chosen]
    if chosen == "jsonl":
        lines = parse_lines(source)
        if not is_jepsen(lines):
            ops, atomic = evcheck_ops(source, lines)
            return History(ops, chosen, atomic)
        records = jepsen_records(source, lines)
    elif chosen == "edn":
        records = edn_records(source)
    else:
        records = log_records(source)
    paired = pair(source, records, non_clients, reading)
    if not paired.ops:
        raise TraceFormatError(f"{source.path}: no client operation in the history")
    return History(paired.ops, chosen, False, paired.set_aside)


def detect(source: Source) -> str:
    """The format by content: Jepsen log lines, then EDN (`[`, `(`, `{:`), then JSON."""
    if is_jepsen_log(source.text):
        return "jepsen-log"
    if source.path.suffix == ".edn":
        return "edn"
    head = source.text.lstrip()
    if head.startswith(("[", "(", "#")) or (
        head.startswith("{") and head[1:].lstrip().startswith(":")
    ):
        return "edn"
    return "jsonl"
