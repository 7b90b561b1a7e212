"""Random simulation, Python engine and native core back to back on one fixed run.

python benchmarks/bench_simulate.py [--spec specs/lww_anti_entropy.py] [--runs 20000]
                                    [--depth 60] [--seed 1]

Both engines take the same walks for a seed (tests/native/test_simulate.py), so the
figures compare the same work: runs, distinct states, transitions, wall time and
states visited per second (transitions, each a state checked, over wall time).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evcheck import load_spec, simulate_spec

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", default="specs/lww_anti_entropy.py")
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--depth", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    spec = load_spec(str(ROOT / args.spec))
    print(f"{args.spec}: --runs {args.runs} --depth {args.depth} --seed {args.seed}")
    seen = {}
    for engine in ("python", "native"):
        result = simulate_spec(
            spec, runs=args.runs, depth=args.depth, seed=args.seed, engine=engine, shrink=False
        )
        s = result.stats
        seen[engine] = (result.status, result.runs, s.states, s.transitions, s.depth)
        print(
            f"  {result.engine:6}  {result.status:8} runs {result.runs:,}  states {s.states:,}  "
            f"transitions {s.transitions:,}  time {s.seconds:.2f}s  "
            f"{s.states_per_second:,.0f} distinct states/s  "
            f"{s.transitions / s.seconds if s.seconds else 0:,.0f} steps/s"
        )
    if seen["python"] != seen["native"]:
        print("  the engines disagree: a bug (see tests/native/test_simulate.py)")
        sys.exit(1)


if __name__ == "__main__":
    main()
