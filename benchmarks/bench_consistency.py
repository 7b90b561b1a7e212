"""The cost of the history monitors and of --z3-all.

    python benchmarks/bench_consistency.py

An LWW register with three sessions pinned to three replicas, two operations each:
states/s with no history property, then with each monitor alone; then Z3 judging every
distinct history of a smaller model (histories/s).
"""

from __future__ import annotations

import time

from evcheck import Spec, verify_spec
from evcheck.consistency import HISTORY_PROPERTIES
from evcheck.models import LWWRegister
from evcheck.runner import z3_all


def main() -> None:
    base = Spec(
        LWWRegister, replicas=3, sessions=["r1", "r2", "r3"], ops_per_session=2, properties=[]
    )
    print(f"{'monitor':22} {'states':>9} {'transitions':>12} {'time s':>7} {'states/s':>9}")
    for prop in [None, *HISTORY_PROPERTIES]:
        spec = base if prop is None else base.select_properties([prop])
        start = time.perf_counter()
        result = verify_spec(spec)
        seconds = time.perf_counter() - start
        s = result.stats
        print(
            f"{prop or '(none)':22} {s.states:>9,} {s.transitions:>12,} {seconds:>7.2f} "
            f"{s.states / seconds:>9,.0f}  {result.status}",
            flush=True,
        )
    small = Spec(LWWRegister, replicas=2, sessions=["r1", "r2"], ops_per_session=2, properties=[])
    report = z3_all(small.select_properties(list(HISTORY_PROPERTIES)))
    print(
        f"\n--z3-all on 2 pinned sessions x 2 ops: {report.histories:,} distinct histories, "
        f"{report.judgements:,} judgements in {report.seconds:.1f}s "
        f"({report.histories_per_second:,.0f} histories/s, "
        f"{report.judgements / report.seconds:,.0f} judgements/s); disagreements: "
        f"{len(report.disagreements)}"
    )


if __name__ == "__main__":
    main()
