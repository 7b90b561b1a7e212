"""The G-Counter CRDT: per-replica counts merged by maximum; idempotent, so duplicates,
reordering and loss-free partitions do not matter: it converges, and replicas that
applied the same increments always agree (strong eventual consistency).

    evcheck verify specs/gcounter.py
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models import GCounter

spec = Spec(
    GCounter,
    replicas=3,
    ops_per_replica=1,
    faults={"dup": 2, "partition": 1},
    properties=[quiescent_convergence, strong_eventual_consistency],
    description="grow-only counter CRDT under duplication and partitions",
)
