"""Conflict resolution by priority: of two concurrent versions, the higher-priority value wins.

    evcheck verify specs/priority_register.py     # holds

Technique: version vectors (Parker et al. 1983) separate superseded versions from
concurrent ones; concurrent ones resolve to the value ranked first in `priority` — a
join on a total order (Shapiro et al. 2011), hence commutative, associative, idempotent.
Faults: reordering, one duplicated message. Three replicas, two writes.
Properties: `quiescent_convergence`, `strong_eventual_consistency`.
Expected: holds. Compare specs/merge_register.py and specs/concat_register.py.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.resolution import PriorityRegister

spec = Spec(
    PriorityRegister,
    replicas=3,
    values=("a", "b"),
    priority=("b", "a"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1},
    properties=[quiescent_convergence, strong_eventual_consistency],
    description="register with version vectors, concurrent writes resolved by priority",
)
