"""Fixed models at fixed bounds: states explored, wall time, states/s, peak memory.

python benchmarks/bench.py [NAME ...] [--list] [--strategy bfs|dfs] [--engine native|python]
                           [--workers N]

`--reference` instead builds (cargo, on demand) and runs the hand-written native BFS of
the LWW model in `benchmarks/reference` for the chosen LWW configurations without
reductions (lww-4x1, lww-3x2): the physical floor the engine is compared with.

`--engine` picks the explorer (default: native where it covers the model, as
`evcheck verify` does); `--workers N` overrides the configuration's workers (threads
of the native core, processes of the Python engine).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Config:
    name: str
    spec: str
    settings: dict[str, object]
    note: str


CONFIGS = [
    Config(
        "lww-4x1",
        "specs/lww.py",
        {"replicas": 4, "ops_per_replica": 1, "values": (1, 2)},
        "LWW, 4 replicas x 1 write from {1,2} (1,146,587 states)",
    ),
    Config(
        "lww-3x2",
        "specs/lww.py",
        {"replicas": 3, "ops_per_replica": 2, "values": (1, 2)},
        "LWW, 3 replicas x 2 writes from {1,2} (7,745,547 states)",
    ),
    Config(
        "lww-4x1-por",
        "specs/lww.py",
        {"replicas": 4, "ops_per_replica": 1, "values": (1, 2), "por": True},
        "LWW 4x1, partial-order reduction",
    ),
    Config(
        "lww-3x2-por",
        "specs/lww.py",
        {"replicas": 3, "ops_per_replica": 2, "values": (1, 2), "por": True},
        "LWW 3x2, partial-order reduction",
    ),
    Config(
        "lww-3x2-default",
        "specs/lww.py",
        {"replicas": 3, "ops_per_replica": 2, "symmetric_values": ["a", "b"], "por": True},
        "LWW 3x2, default reductions: symmetric values + partial-order reduction",
    ),
    Config(
        "lww-4x1-2workers",
        "specs/lww.py",
        {"replicas": 4, "ops_per_replica": 1, "values": (1, 2), "workers": 2},
        "LWW 4x1, no reductions, 2 workers (native threads; processes on --engine python)",
    ),
    Config(
        "lww-3x2-2workers",
        "specs/lww.py",
        {"replicas": 3, "ops_per_replica": 2, "values": (1, 2), "workers": 2},
        "LWW 3x2, no reductions, 2 workers (native threads; processes on --engine python)",
    ),
    Config(
        "lww-4x1-sym",
        "specs/lww.py",
        {"replicas": 4, "ops_per_replica": 1, "symmetric_values": ["a", "b"]},
        "LWW 4x1, values symmetric (group of 2)",
    ),
    Config(
        "lww-3x2-sym",
        "specs/lww.py",
        {"replicas": 3, "ops_per_replica": 2, "symmetric_values": ["a", "b"]},
        "LWW 3x2, values symmetric (group of 2)",
    ),
    Config(
        "ae-faults",
        "specs/lww_anti_entropy.py",
        {},
        "LWW + anti-entropy, 2 replicas, loss=1, partition=1 (drop), crash=1, timers x2",
    ),
    Config(
        "raft-noop",
        "benchmarks/raft/raft_noop.py",
        {},
        "Raft-style election x3, max_term=2, periodic timer that returns where no election is allowed",
    ),
    Config(
        "raft-guard",
        "benchmarks/raft/raft_guard.py",
        {},
        "the same election, the timer guarded by when= (no no-op firings)",
    ),
    Config(
        "quorum-requests",
        "benchmarks/requests/quorum.py",
        {},
        "quorum register x3, R=W=2, request operations (2 + 1) completed by replies",
    ),
    Config(
        "failover-detector",
        "specs/failover_stepdown.py",
        {"max_ops": 5, "values": ["a", "b"], "faults": {"crash": 2, "dup": 3, "loss": 2}},
        "stepping-down failover x2, perfect detector, environment invariant (w.down), "
        "5 writes, crash=2, dup=3, loss=2",
    ),
    Config(
        "gcounter-faults",
        "specs/gcounter.py",
        {"faults": {"dup": 2, "partition": 1, "crash": 1, "crash_inbox": "wait"}},
        "G-Counter, 3 replicas x 1 increment, dup=2, partition=1, crash=1 (inbox waits)",
    ),
    Config(
        "gcounter-faults-sym",
        "specs/gcounter.py",
        {
            "faults": {"dup": 2, "partition": 1, "crash": 1, "crash_inbox": "wait"},
            "symmetry": ["replicas"],
        },
        "the same, replica symmetry (group of 6)",
    ),
]

CHILD = """
import json, sys
from evcheck import load_spec, verify_spec
from evcheck.search import Limits
spec_path, settings, strategy = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
engine, workers_override = sys.argv[4], int(sys.argv[5])
from evcheck import symmetric_values
faults = settings.pop("faults", None)
symmetry = settings.pop("symmetry", None)
por = settings.pop("por", False)
workers = settings.pop("workers", 1)
if workers_override:
    workers = workers_override
symmetric = settings.pop("symmetric_values", None)
settings = {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}
if symmetric:
    settings["values"] = symmetric_values(*symmetric)
spec = load_spec(spec_path).with_settings(settings)
if faults:
    spec = spec.with_faults(faults)
if symmetry:
    spec = spec.with_symmetry(symmetry)
spec = spec.with_por("auto" if por else False)
result = verify_spec(spec, strategy=strategy, workers=workers, engine=engine)
s = result.stats
print(json.dumps({"status": result.status, "states": s.states, "transitions": s.transitions,
                  "depth": s.depth, "seconds": s.seconds, "peak": s.peak_memory_bytes,
                  "store": s.store_bytes, "engine": result.engine}))
"""


def run(config: Config, strategy: str, engine: str = "auto", workers: int = 0) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(ROOT / config.spec),
            json.dumps(config.settings),
            strategy,
            engine,
            str(workers),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


REFERENCE = ROOT / "benchmarks" / "reference"
REFERENCE_SIZES = {"lww-4x1": (4, 1), "lww-3x2": (3, 2)}


def run_reference(names: list[str]) -> None:
    """Build the hand-written LWW BFS (release) and run it on the LWW configurations."""
    subprocess.run(
        [
            "cargo",
            "build",
            "--release",
            "--quiet",
            "--manifest-path",
            str(REFERENCE / "Cargo.toml"),
        ],
        check=True,
    )
    binary = REFERENCE / "target" / "release" / "lww-reference"
    print(f"{'model':20} {'states':>11} {'transitions':>12} {'time s':>8}")
    for name, (r, w) in REFERENCE_SIZES.items():
        if names and name not in names:
            continue
        out = subprocess.run(
            [str(binary), str(r), str(w)], capture_output=True, text=True, check=True
        )
        res = json.loads(out.stdout)
        print(f"{name:20} {res['states']:>11,} {res['transitions']:>12,} {res['seconds']:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="configurations to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list configurations")
    parser.add_argument("--strategy", default="bfs", choices=["bfs", "dfs"])
    parser.add_argument("--engine", default="auto", choices=["auto", "native", "python"])
    parser.add_argument(
        "--reference", action="store_true", help="run the hand-written LWW BFS instead"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="override workers (0: as configured)"
    )
    args = parser.parse_args()
    if args.list:
        for c in CONFIGS:
            print(f"{c.name:20} {c.note}")
        return
    if args.reference:
        run_reference(args.names)
        return
    chosen = [c for c in CONFIGS if not args.names or c.name in args.names]
    print(
        f"{'model':20} {'verdict':8} {'states':>11} {'transitions':>12} {'depth':>5} "
        f"{'time s':>8} {'states/s':>10} {'peak MiB':>9} {'B/state':>7} engine"
    )
    for c in chosen:
        r = run(c, args.strategy, args.engine, args.workers)
        secs = float(r["seconds"])  # type: ignore[arg-type]
        states = int(r["states"])  # type: ignore[call-overload]
        store = int(r.get("store", 0))  # type: ignore[call-overload]
        # Visited set + parent store per state, frontier excluded (native core only).
        per_state = f"{store / states:.1f}" if store and states else "-"
        print(
            f"{c.name:20} {r['status']!s:8} {states:>11,} {int(r['transitions']):>12,} "  # type: ignore[call-overload]
            f"{r['depth']!s:>5} {secs:>8.2f} {states / secs:>10,.0f} "
            f"{int(r['peak']) / 2**20:>9,.0f} {per_state:>7} {r['engine']}",
            flush=True,
        )  # type: ignore[call-overload]


if __name__ == "__main__":
    main()
