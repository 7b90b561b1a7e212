"""LWW (specs/lww.py, values {1,2}, no reductions) at any size on the native core: one
JSON line with states, transitions, depth, search seconds, peak RSS, the bytes of the
visited set and parent store per state, and the frontier left on a stop.

    python benchmarks/scale.py R W [--workers N] [--max-seconds S] [--max-states N]

The figures of docs/performance.md, "Time and memory against the state count".
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from evcheck import load_spec, verify_spec
from evcheck.search import Limits

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("replicas", type=int)
    parser.add_argument("writes", type=int, help="writes per replica")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=None)
    parser.add_argument("--max-states", type=int, default=None)
    args = parser.parse_args()
    spec = (
        load_spec(str(ROOT / "specs" / "lww.py"))
        .with_settings(
            {"replicas": args.replicas, "ops_per_replica": args.writes, "values": (1, 2)}
        )
        .with_por(False)
    )
    limits = Limits(max_seconds=args.max_seconds, max_states=args.max_states)
    result = verify_spec(spec, workers=args.workers, engine="native", limits=limits)
    s = result.stats
    print(
        json.dumps(
            {
                "model": f"lww {args.replicas}x{args.writes}",
                "workers": args.workers,
                "status": result.status,
                "states": s.states,
                "transitions": s.transitions,
                "depth": s.depth,
                "seconds": round(s.seconds, 2),
                "peak_MiB": s.peak_memory_bytes >> 20,
                "store_MiB": round(s.store_bytes / 2**20, 1),
                "B_per_state": round(s.store_bytes / s.states, 2) if s.states else None,
                "frontier_left": s.frontier_left,
                "reason": result.stop_reason,
            }
        )
    )


if __name__ == "__main__":
    main()
