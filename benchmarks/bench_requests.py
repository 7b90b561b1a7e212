"""The cost of judging requests: each request spec with and without its history
monitors (states, transitions, time).

    python benchmarks/bench_requests.py [--engine python|native|auto]

Without the monitors the state is the protocol's and the environment's alone; with
them, the sessions' component also holds each monitor's summary. The interval
linearizability monitor keeps, per key, the pending operations and the configurations
they allow, never the history, so its summary is bounded by the concurrency of the
sessions, not by the length of the run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from evcheck import load_spec, verify_spec
from evcheck.consistency import HISTORY_PROPERTIES

SPECS = Path(__file__).resolve().parent.parent / "specs"
REQUEST_SPECS = (
    "quorum.py",
    "quorum_sloppy.py",
    "primary_backup_sync.py",
    "majority_commit.py",
    "raft.py",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="auto")
    engine = parser.parse_args().engine
    print(f"{'spec':24} {'monitors':9} {'states':>11} {'transitions':>13} {'time s':>7}")
    for name in REQUEST_SPECS:
        spec = load_spec(SPECS / name)
        kept = [p.name for p in spec.properties if p.name not in HISTORY_PROPERTIES]
        for label, variant in (("with", spec), ("without", spec.select_properties(kept))):
            start = time.perf_counter()
            result = verify_spec(variant, engine=engine)
            seconds = time.perf_counter() - start
            s = result.stats
            print(
                f"{name:24} {label:9} {s.states:>11,} {s.transitions:>13,} {seconds:>7.2f}  "
                f"{result.status}",
                flush=True,
            )


if __name__ == "__main__":
    main()
