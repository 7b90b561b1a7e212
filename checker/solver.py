"""The Z3 judge: consistency properties decided from their axioms. The only module that
imports z3.

For a history it asks Z3 whether a visibility relation `vis` (Booleans per write and
operation) and an arbitration order `ar` (distinct integers per write) exist that
satisfy the register rule — a read returns the `ar`-latest visible write to its key,
or None when it sees none — and the property's axioms (see `evcheck.consistency`).
Linearizability instead asks for a total order of the operations that respects real
time (an operation that completed before another started comes first). Every axiom
instance is asserted under a name, so when no explanation exists the unsat core says
which operations are in conflict. Values written need not be unique here: a read may
read from any write of its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from .consistency import JUDGED_ON_HISTORIES


@dataclass(frozen=True)
class Op:
    """An operation of a recorded history: invoked at `start`, completed at `end` (None if
    its outcome is unknown), on `key`, writing or returning `value`."""

    index: int
    session: str
    kind: str  # "write" or "read"
    key: Any
    value: Any
    start: int
    end: int | None
    replica: str = ""
    applied: frozenset[Any] | None = None  # writes (by value) a read's replica had applied

    def describe(self) -> str:
        what = f"wrote {self.value!r}" if self.kind == "write" else f"read {self.value!r}"
        key = "" if self.key is None else f" (key {self.key!r})"
        where = f" on {self.replica}" if self.replica else ""
        return f"session {self.session} {what}{key} at step {self.start}{where}"


@dataclass(frozen=True)
class Judgement:
    """Z3's verdict: `ok`, or why not (the operations in the unsat core)."""

    ok: bool
    explanation: str = ""
    core: tuple[int, ...] = field(default=())


def judge(prop: str, ops: Sequence[Op]) -> Judgement:
    """Decide `prop` for the history `ops`."""
    if prop not in JUDGED_ON_HISTORIES:
        raise ValueError(f"unknown history property {prop!r}")
    solver = z3.Solver()
    names: dict[str, tuple[int, ...]] = {}

    def track(expr: Any, label: str, involved: tuple[int, ...]) -> None:
        name = f"a{len(names)}"
        names[name] = involved
        solver.assert_and_track(expr, z3.Bool(name))

    if prop == "linearizability":
        _linearizable(ops, track)
    elif prop == "strong_eventual_consistency":
        _convergent(ops, track)
    else:
        _session(prop, ops, track)
    if solver.check() == z3.sat:
        return Judgement(True)
    involved = sorted({i for name in solver.unsat_core() for i in names[str(name)]})
    by_index = {op.index: op for op in ops}
    parts = "; ".join(by_index[i].describe() for i in involved)
    return Judgement(
        False, f"no explanation satisfies {prop}; the conflict involves: {parts}", tuple(involved)
    )


def _session(prop: str, ops: Sequence[Op], track: Any) -> None:
    writes = [op for op in ops if op.kind == "write"]
    reads = [op for op in ops if op.kind == "read"]
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

    # The register rule.
    for r in reads:
        same = [w for w in writes if w.key == r.key]
        if r.value is None:
            for w in same:
                track(z3.Not(v(w, r)), "rval", (r.index,))
            continue
        sources = [w for w in same if w.value == r.value]
        choices = []
        for src in sources:
            latest = z3.And(
                v(src, r),
                *[z3.Implies(v(w, r), ar[w.index] < ar[src.index]) for w in same if w is not src],
            )
            choices.append(latest)
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
    # Replicas apply their own writes and never forget one (where replicas are known).
    for a in ops:
        for b in ops:
            if a is b or not a.replica or a.replica != b.replica or a.start >= b.start:
                continue
            if a.kind == "write":
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
        if ryw and a.kind == "write":
            track(v(a, b), "ryw", (a.index, b.index))
        if mr:
            for w in writes:
                if w is not a and w is not b:
                    track(z3.Implies(v(w, a), v(w, b)), "mr", (a.index, b.index, w.index))
        if mw and a.kind == "write" and b.kind == "write":
            track(ar[a.index] < ar[b.index], "mw-order", (a.index, b.index))
            for e in ops:
                if e is not a and e is not b:
                    track(z3.Implies(v(b, e), v(a, e)), "mw-vis", (a.index, b.index, e.index))
        if wfr and b.kind == "write":
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


def _convergent(ops: Sequence[Op], track: Any) -> None:
    """Visibility is what each read's replica had applied; one arbitration order must
    explain every read (so replicas with equal applied sets read equal values)."""
    writes = [op for op in ops if op.kind == "write"]
    ar = {w.index: z3.Int(f"ar_{w.index}") for w in writes}
    if len(writes) > 1:
        track(z3.Distinct(*ar.values()), "ar-total", ())
    for r in ops:
        if r.kind != "read" or r.applied is None:
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


def _linearizable(ops: Sequence[Op], track: Any) -> None:
    pos = {op.index: z3.Int(f"p_{op.index}") for op in ops}
    if len(ops) > 1:
        track(z3.Distinct(*pos.values()), "total", ())
    for a in ops:
        for b in ops:
            if a is not b and a.end is not None and a.end < b.start:
                track(pos[a.index] < pos[b.index], "real-time", (a.index, b.index))
    writes = [op for op in ops if op.kind == "write"]
    for r in ops:
        if r.kind != "read":
            continue
        same = [w for w in writes if w.key == r.key]
        if r.value is None:
            track(z3.And(*[pos[r.index] < pos[w.index] for w in same]), "initial", (r.index,))
            continue
        choices = []
        for src in (w for w in same if w.value == r.value):
            choices.append(
                z3.And(
                    pos[src.index] < pos[r.index],
                    *[
                        z3.Or(pos[w.index] < pos[src.index], pos[r.index] < pos[w.index])
                        for w in same
                        if w is not src
                    ],
                )
            )
        track(z3.Or(*choices) if choices else z3.BoolVal(False), "latest", (r.index,))


__all__ = ["Judgement", "Op", "judge"]
