"""The Z3 judge: consistency properties decided from their axioms. The only module that
imports z3.

For the session properties it asks Z3 whether a visibility relation `vis` (Booleans
per write and operation) and an arbitration order `ar` (distinct integers per write)
exist that satisfy the register rule — a read returns the `ar`-latest visible write to
its key, or None when it sees none; a multi-value read returns the latest ones, as
siblings — and the property's axioms (see `evcheck.consistency`).

Linearizability asks for a position per operation (distinct integers) that respects
real time (an operation that completed before another started comes first) and a
Boolean per pending operation (did it take effect). Each operation then observes the
state left by the latest effective operation before it: a read returns it, a cas
compares against it, a list read returns the effective appends before it, in order.
Values are concrete, so every rule is a finite formula over positions. The search in
`evcheck.histories` decides the same question; tests compare the two.

Every axiom instance is asserted under a name, so when no explanation exists the unsat
core says which operations are in conflict. Values written need not be unique: a read
may read from any write of its value.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from .consistency import JUDGED_ON_HISTORIES, Op
from .consistency.operations import APPEND, CAS, MULTIREAD, READ, SESSION_KINDS, WRITE
from .errors import EvcheckError

Track = Callable[[Any, str, tuple[int, ...]], None]


class Undecided(EvcheckError):
    """Z3 answered `unknown` (a time limit or an interrupt): no verdict either way."""


@dataclass(frozen=True)
class Judgement:
    """Z3's verdict: `ok`, or why not (the operations in the unsat core)."""

    ok: bool
    explanation: str = ""
    core: tuple[int, ...] = field(default=())


def judge(
    prop: str,
    ops: Sequence[Op],
    *,
    initial: Any = None,
    replicas_apply_own_writes: bool = True,
    timeout_ms: int | None = None,
) -> Judgement:
    """Decide `prop` for the history `ops`; raises Undecided when Z3 cannot.

    `initial` is every key's value before the first operation (linearizability);
    `replicas_apply_own_writes=False` drops that replica assumption (session properties).
    """
    if prop not in JUDGED_ON_HISTORIES:
        raise ValueError(f"unknown history property {prop!r}")
    solver = z3.Solver()
    if timeout_ms is not None:
        solver.set("timeout", max(1, timeout_ms))
    names: dict[str, tuple[int, ...]] = {}

    def track(expr: Any, label: str, involved: tuple[int, ...]) -> None:
        name = f"{label}{len(names)}"
        names[name] = involved
        solver.assert_and_track(expr, z3.Bool(name))

    if prop == "linearizability":
        _linearizable(ops, initial, track)
    elif prop == "strong_eventual_consistency":
        _convergent(ops, track)
    else:
        unsupported = sorted({op.kind for op in ops} - set(SESSION_KINDS))
        if unsupported:
            raise ValueError(f"{prop} is defined on reads and writes, not {', '.join(unsupported)}")
        _session(prop, ops, track, keep_replicas=replicas_apply_own_writes)
    answer = solver.check()
    if answer == z3.unknown:
        raise Undecided(f"Z3 could not decide {prop}: {solver.reason_unknown()}")
    if answer == z3.sat:
        return Judgement(True)
    involved = sorted({i for name in solver.unsat_core() for i in names[str(name)]})
    by_index = {op.index: op for op in ops}
    parts = "; ".join(by_index[i].describe() for i in involved)
    return Judgement(
        False, f"no explanation satisfies {prop}; the conflict involves: {parts}", tuple(involved)
    )


def _session(prop: str, ops: Sequence[Op], track: Track, keep_replicas: bool) -> None:
    writes = [op for op in ops if op.kind == WRITE]
    ar = {w.index: z3.Int(f"ar_{w.index}") for w in writes}
    if len(writes) > 1:
        track(z3.Distinct(*ar.values()), "ar-total", ())
    vis = {
        (w.index, e.index): z3.Bool(f"vis_{w.index}_{e.index}")
        for w in writes
        for e in ops
        if e is not w
    }

    def v(w: Op, e: Op) -> Any:
        return z3.BoolVal(False) if w is e else vis[(w.index, e.index)]

    # The register rule: each returned value comes from a visible write that every other
    # visible write to the key (not returned) is arbitrated before.
    for r in ops:
        if r.kind == WRITE:
            continue
        same = [w for w in writes if w.key == r.key]
        returned = set(r.value) if r.kind == MULTIREAD else ({r.value} - {None})
        if not returned:
            for w in same:
                track(z3.Not(v(w, r)), "rval", (r.index,))
            continue
        for value in sorted(returned, key=repr):
            sources = [w for w in same if w.value == value]
            choices = [
                z3.And(
                    v(src, r),
                    *[
                        z3.Implies(v(w, r), ar[w.index] < ar[src.index])
                        for w in same
                        if w.value not in returned
                    ],
                )
                for src in sources
            ]
            track(
                z3.Or(*choices) if choices else z3.BoolVal(False),
                "rval",
                (r.index, *[w.index for w in sources]),
            )
    # Session order.
    sessions: dict[str, list[Op]] = {}
    for op in ops:
        sessions.setdefault(op.session, []).append(op)
    so = [(a, b) for seq in sessions.values() for i, a in enumerate(seq) for b in seq[i + 1 :]]
    # Replicas apply their own writes (unless they forward them) and never forget one.
    for a in ops:
        for b in ops:
            if a is b or not a.replica or a.replica != b.replica or a.start >= b.start:
                continue
            if a.kind == WRITE and keep_replicas:
                track(v(a, b), "replica-own", (a.index, b.index))
            for w in writes:
                if w is not a and w is not b:
                    track(
                        z3.Implies(v(w, a), v(w, b)), "replica-keeps", (a.index, b.index, w.index)
                    )
    ryw = prop in ("read_your_writes", "causal_consistency")
    mr = prop in ("monotonic_reads", "causal_consistency")
    mw = prop == "monotonic_writes"
    wfr = prop == "writes_follow_reads"
    for a, b in so:
        if ryw and a.kind == WRITE:
            track(v(a, b), "ryw", (a.index, b.index))
        if mr:
            for w in writes:
                if w is not a and w is not b:
                    track(z3.Implies(v(w, a), v(w, b)), "mr", (a.index, b.index, w.index))
        if mw and a.kind == WRITE and b.kind == WRITE:
            track(ar[a.index] < ar[b.index], "mw-order", (a.index, b.index))
            for e in ops:
                if e is not a and e is not b:
                    track(z3.Implies(v(b, e), v(a, e)), "mw-vis", (a.index, b.index, e.index))
        if wfr and b.kind == WRITE:
            for w in writes:
                if w is a or w is b:
                    continue
                track(
                    z3.Implies(v(w, a), ar[w.index] < ar[b.index]),
                    "wfr-order",
                    (a.index, b.index, w.index),
                )
                for e in ops:
                    if e is not b and e is not w:
                        track(
                            z3.Implies(z3.And(v(w, a), v(b, e)), v(w, e)),
                            "wfr-vis",
                            (a.index, b.index, w.index, e.index),
                        )
    if prop == "causal_consistency":
        for w1 in writes:
            for w2 in writes:
                if w1 is w2:
                    continue
                track(
                    z3.Implies(v(w1, w2), ar[w1.index] < ar[w2.index]),
                    "causal-ar",
                    (w1.index, w2.index),
                )
                for e in ops:
                    if e is not w1 and e is not w2:
                        track(
                            z3.Implies(z3.And(v(w1, w2), v(w2, e)), v(w1, e)),
                            "causal-vis",
                            (w1.index, w2.index, e.index),
                        )


def _convergent(ops: Sequence[Op], track: Track) -> None:
    """Visibility is what each read's replica had applied; one arbitration order must
    explain every read (so replicas with equal applied sets read equal values)."""
    writes = [op for op in ops if op.kind == WRITE]
    ar = {w.index: z3.Int(f"ar_{w.index}") for w in writes}
    if len(writes) > 1:
        track(z3.Distinct(*ar.values()), "ar-total", ())
    for r in ops:
        if r.kind != READ or r.applied is None:
            continue
        seen = [w for w in writes if w.key == r.key and w.value in r.applied]
        if r.value is None:
            track(z3.BoolVal(not seen), "sec-initial", (r.index, *[w.index for w in seen]))
            continue
        choices = [
            z3.And(*[ar[w.index] < ar[src.index] for w in seen if w is not src])
            for src in seen
            if src.value == r.value
        ]
        track(
            z3.Or(*choices) if choices else z3.BoolVal(False),
            "sec-latest",
            (r.index, *[w.index for w in seen]),
        )


def _linearizable(ops: Sequence[Op], initial: Any, track: Track) -> None:
    ops = [op for op in ops if not (op.pending and op.kind in (READ, MULTIREAD))]
    pos = {op.index: z3.Int(f"p_{op.index}") for op in ops}
    eff = {op.index: z3.Bool(f"eff_{op.index}") if op.pending else z3.BoolVal(True) for op in ops}
    if len(ops) > 1:
        track(z3.Distinct(*pos.values()), "total", ())
    for a in ops:
        for b in ops:
            if a is not b and a.end is not None and a.end < b.start:
                track(pos[a.index] < pos[b.index], "real-time", (a.index, b.index))
    keys: dict[Any, list[Op]] = {}
    for op in ops:
        keys.setdefault(op.key, []).append(op)
    for key_ops in keys.values():
        if any(op.kind == APPEND for op in key_ops):
            _list_key(key_ops, initial, pos, eff, track)
        else:
            _register_key(key_ops, initial, pos, eff, track)


def _register_key(
    ops: list[Op], initial: Any, pos: dict[int, Any], eff: dict[int, Any], track: Track
) -> None:
    """Each operation observes the value of the latest effective write or successful cas
    before it (the initial value if none)."""
    setters = [op for op in ops if op.kind in (WRITE, CAS) and not op.failed]

    def sets(op: Op) -> Any:
        return op.value if op.kind == WRITE else op.value[1]

    def observes(r: Op, accepts: Callable[[Any], bool]) -> Any:
        others = [s for s in setters if s is not r]
        choices = []
        if accepts(initial):
            choices.append(
                z3.And(*[z3.Not(z3.And(eff[s.index], pos[s.index] < pos[r.index])) for s in others])
            )
        for s in others:
            if not accepts(sets(s)):
                continue
            latest = [
                z3.Not(
                    z3.And(eff[t.index], pos[s.index] < pos[t.index], pos[t.index] < pos[r.index])
                )
                for t in others
                if t is not s
            ]
            choices.append(z3.And(eff[s.index], pos[s.index] < pos[r.index], *latest))
        return z3.Or(*choices) if choices else z3.BoolVal(False)

    for op in ops:
        if op.kind == READ:
            track(observes(op, _equal_to(op.value)), "read", (op.index,))
        elif op.kind == MULTIREAD:
            if len(op.value) > 1:
                track(z3.BoolVal(False), "siblings", (op.index,))
            else:
                value = next(iter(op.value), None)
                track(observes(op, _equal_to(value)), "read", (op.index,))
        elif op.kind == CAS:
            expected = op.value[0]
            if op.failed:
                track(observes(op, _other_than(expected)), "cas-failed", (op.index,))
            else:
                rule = observes(op, _equal_to(expected))
                track(z3.Implies(eff[op.index], rule), "cas", (op.index,))


def _equal_to(value: Any) -> Callable[[Any], bool]:
    return lambda x: bool(x == value)


def _other_than(value: Any) -> Callable[[Any], bool]:
    return lambda x: bool(x != value)


def _list_key(
    ops: list[Op], initial: Any, pos: dict[int, Any], eff: dict[int, Any], track: Track
) -> None:
    """A list read returns the initial list followed by the effective appends before it,
    in order. Needs unique appended values (each names its append) and no other kinds."""
    if any(op.kind not in (APPEND, READ) for op in ops):
        raise ValueError("Z3 judges a key of appends only with appends and reads on it")
    appends = [op for op in ops if op.kind == APPEND]
    if isinstance(initial, str):
        raise ValueError("Z3 judges appends to lists, not to strings")
    by_value = {a.value: a for a in appends}
    if len(by_value) != len(appends):
        raise ValueError("Z3 judges appends only when every appended value is unique")
    start = tuple(initial) if initial is not None else ()
    for r in ops:
        if r.kind != READ:
            continue
        returned = () if r.value is None else tuple(r.value) if isinstance(r.value, tuple) else None
        if returned is None or returned[: len(start)] != start:
            track(z3.BoolVal(False), "list-read", (r.index,))
            continue
        tail = returned[len(start) :]
        if any(value not in by_value for value in tail) or len(set(tail)) != len(tail):
            track(z3.BoolVal(False), "list-read", (r.index,))
            continue
        for a in appends:
            before = z3.And(eff[a.index], pos[a.index] < pos[r.index])
            track(before if a.value in tail else z3.Not(before), "list-read", (r.index, a.index))
        for x, y in itertools.pairwise(tail):
            track(
                pos[by_value[x].index] < pos[by_value[y].index],
                "list-order",
                (r.index, by_value[x].index, by_value[y].index),
            )


__all__ = ["Judgement", "Op", "Undecided", "judge"]
