"""Judging a recorded history: the library call behind `evcheck check-history`.

Linearizability is decided key by key by the search (`wgl`), and explained by the
longest linearizable prefix and a smallest conflicting set (`explain`); Z3 cross-checks
the verdict when the history is small and explains the conflict. The session
guarantees and strong eventual consistency are decided by the concrete monitors where
they apply (unique writes) and by Z3 where the history is small; when both judge, they
must agree. A judgement stopped by a limit, an interrupt or a Z3 `unknown` is never a
verdict: the report says "stopped".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..consistency import JUDGED_ON_HISTORIES, Op, check_history, op_to_event
from ..consistency.operations import SESSION_KINDS, WRITE
from ..errors import EvcheckError
from ..solver import Undecided, judge
from .explain import Explanation, explain, relaxed
from .jepsen import SetAside
from .read import NON_CLIENTS, History, read_history
from .wgl import SearchStopped, check_key, relevant

Z3_MAX_OPS = 40
EXPLAIN_SECONDS = 10.0


@dataclass(frozen=True)
class Verdict:
    property: str
    holds: bool
    explanation: str = ""
    judges: tuple[str, ...] = ()
    z3: str = ""  # Z3's explanation of a violation (the operations in its unsat core)
    linearizability: Explanation | None = None


@dataclass(frozen=True)
class HistoryReport:
    source: str
    format: str
    ops: list[Op]
    verdicts: list[Verdict]
    status: str  # "holds", "violated" or "stopped"
    seconds: float
    keys: int
    set_aside: list[SetAside] = field(default_factory=list)
    stopped: str = ""  # why the judgement stopped


def check_history_file(
    path: str | Path,
    properties: Iterable[str],
    *,
    fmt: str = "auto",
    initial: Any = None,
    non_clients: frozenset[str] = NON_CLIENTS,
    replicas_forward_writes: bool = False,
    max_seconds: float | None = None,
    z3_max_ops: int = Z3_MAX_OPS,
    cancelled: Callable[[], bool] | None = None,
) -> HistoryReport:
    """Read `path` and judge each property; TraceFormatError for malformed input."""
    started = time.monotonic()
    try:
        history = read_history(path, fmt, non_clients=non_clients)
    except KeyboardInterrupt:
        return HistoryReport(
            str(path), fmt, [], [], "stopped", time.monotonic() - started, 0, stopped="interrupted"
        )
    return check_ops(
        history,
        properties,
        source=str(path),
        initial=initial,
        replicas_forward_writes=replicas_forward_writes,
        max_seconds=max_seconds,
        z3_max_ops=z3_max_ops,
        cancelled=cancelled,
    )


def check_ops(
    history: History,
    properties: Iterable[str],
    *,
    source: str = "",
    initial: Any = None,
    replicas_forward_writes: bool = False,
    max_seconds: float | None = None,
    z3_max_ops: int = Z3_MAX_OPS,
    cancelled: Callable[[], bool] | None = None,
) -> HistoryReport:
    started = time.monotonic()
    deadline = None if max_seconds is None else started + max_seconds
    ops = history.ops
    verdicts: list[Verdict] = []
    stopped = ""
    judging = _Judging(ops, initial, not replicas_forward_writes, deadline, z3_max_ops, cancelled)
    try:
        for prop in properties:
            if prop not in JUDGED_ON_HISTORIES:
                raise EvcheckError(f"unknown history property {prop!r}")
            if prop == "linearizability":
                verdicts.append(judging.linearizability())
            else:
                verdicts.append(judging.other(prop, history.atomic))
    except (SearchStopped, Undecided) as exc:
        stopped = str(exc)
    except KeyboardInterrupt:
        stopped = "interrupted"
    if stopped:
        status = "stopped"
    else:
        status = "holds" if all(v.holds for v in verdicts) else "violated"
    return HistoryReport(
        source,
        history.format,
        ops,
        verdicts,
        status,
        time.monotonic() - started,
        len({op.key for op in ops}),
        history.set_aside,
        stopped,
    )


@dataclass
class _Judging:
    ops: list[Op]
    initial: Any
    own_writes: bool
    deadline: float | None
    z3_max_ops: int
    cancelled: Callable[[], bool] | None

    def _z3_timeout(self) -> int | None:
        if self.deadline is None:
            return None
        return int(max(0.001, self.deadline - time.monotonic()) * 1000)

    def _judge(self, prop: str, ops: Sequence[Op]) -> tuple[bool, str] | None:
        """Z3's verdict, or None where it does not apply (too large, or a kind it does
        not encode)."""
        if len(ops) > self.z3_max_ops:
            return None
        try:
            verdict = judge(
                prop,
                ops,
                initial=self.initial,
                replicas_apply_own_writes=self.own_writes,
                timeout_ms=self._z3_timeout(),
            )
        except ValueError:
            return None
        return verdict.ok, verdict.explanation

    def linearizability(self) -> Verdict:
        keys: dict[Any, list[Op]] = {}
        for op in self.ops:
            keys.setdefault(op.key, []).append(op)
        failed: list[Op] | None = None
        searching = time.monotonic()
        for key_ops in keys.values():
            verdict = check_key(
                key_ops, self.initial, deadline=self.deadline, cancelled=self.cancelled
            )
            if not verdict.ok:
                failed = key_ops
                break
        judges = ["search"]
        z3 = self._judge("linearizability", relevant(self.ops))
        if z3 is not None:
            judges.append("Z3")
            if z3[0] != (failed is None):
                raise EvcheckError(
                    "internal error: the linearizability search and Z3 disagree on this "
                    f"history (search: {'holds' if failed is None else 'violated'}; "
                    f"Z3: {'holds' if z3[0] else 'violated'})"
                )
        if failed is None:
            return Verdict("linearizability", True, judges=tuple(judges))
        # The explanation may take a few times the search that found the violation.
        seconds = max(EXPLAIN_SECONDS, 3 * (time.monotonic() - searching))
        why = explain(failed, self.initial, deadline=self.deadline, seconds=seconds)
        return Verdict(
            "linearizability",
            False,
            self._words(why),
            tuple(judges),
            self._explain_with_z3(why, failed),
            why,
        )

    def _words(self, why: Explanation) -> str:
        by_index = {op.index: op for op in self.ops}
        failing = by_index[why.failing]
        key = "" if why.key is None else f" on key {why.key!r}"
        conflict = "; ".join(by_index[i].describe() for i in why.conflict)
        qualifier = "" if why.minimal else " (not minimised further within the limits)"
        if why.longest:
            where = (
                f"{failing.describe()} cannot be linearized{key}: the longest linearizable "
                f"prefix has {len(why.prefix)} operation(s)"
            )
        else:
            where = (
                f"the history{key} up to {failing.describe()} cannot be linearized: a "
                f"linearizable prefix has {len(why.prefix)} operation(s) (the search for a "
                "longer one ran out of time)"
            )
        return (
            f"{where}; these {len(why.conflict)} cannot be linearized together{qualifier}: "
            f"{conflict}: linearizability violated"
        )

    def _explain_with_z3(self, why: Explanation, key_ops: list[Op]) -> str:
        """Z3's unsat core over the conflict, with the other operations relaxed."""
        conflict = set(why.conflict)
        window = [op for op in key_ops if op.index in conflict] + [
            r for op in key_ops if op.index not in conflict for r in [relaxed(op)] if r is not None
        ]
        if len(window) > self.z3_max_ops:
            window = [op for op in key_ops if op.index in conflict]
        result = self._judge("linearizability", window)
        if result is None or result[0]:
            return ""
        return result[1]

    def other(self, prop: str, atomic: bool) -> Verdict:
        ops = self.ops
        if prop != "strong_eventual_consistency":
            kinds = sorted({op.kind for op in ops} - set(SESSION_KINDS))
            if kinds:
                raise EvcheckError(
                    f"{prop} is judged on reads and writes; this history also has "
                    f"{', '.join(kinds)} (judge it for linearizability)"
                )
            ops = _initial_as_nothing(ops, self.initial)
        elif not any(op.kind == "read" and op.applied is not None for op in ops):
            raise EvcheckError(
                "strong_eventual_consistency needs reads that list the writes their replica "
                'had applied ("applied": [...]); none do'
            )
        writes = [(op.key, op.value) for op in ops if op.kind == WRITE]
        ordered = sorted(ops, key=lambda op: op.start)
        distinct_starts = len({op.start for op in ops}) == len(ops)
        monitors = len(set(writes)) == len(writes) and (atomic or distinct_starts)
        judges = []
        monitor = None
        if monitors:
            judges.append("monitors")
            monitor = check_history(
                prop,
                [op_to_event(op) for op in ordered],
                replicas_apply_own_writes=self.own_writes,
            )
        z3 = self._judge(prop, ordered)
        if z3 is not None:
            judges.append("Z3")
        if not judges:
            raise EvcheckError(
                f"{prop}: this history has more than {self.z3_max_ops} operations and writes "
                "that are not unique, so neither judge applies"
            )
        if monitors and z3 is not None and (monitor is None) != z3[0]:
            raise EvcheckError(
                f"internal error: the {prop} monitor and Z3 disagree on this history"
            )
        holds = monitor is None if monitors else bool(z3 and z3[0])
        z3_words = "" if z3 is None or z3[0] else z3[1]
        return Verdict(prop, holds, monitor or z3_words, tuple(judges), z3_words)


def _initial_as_nothing(ops: list[Op], initial: Any) -> list[Op]:
    """For the session guarantees a read of the initial value saw no write (unless some
    write wrote that value)."""
    if initial is None or any(op.kind == WRITE and op.value == initial for op in ops):
        return ops
    return [
        replace(op, value=None) if op.kind == "read" and op.value == initial else op for op in ops
    ]
