"""Conflict resolution by an application merge function: concurrent versions merge by union.

    evcheck verify specs/merge_register.py     # holds

Technique: version vectors detect concurrent versions and the application merges them,
as Bayou's merge procedures do (Terry et al. 1995); here the value is a set of items and
the merge is union, a join (Shapiro et al. 2011).
Faults: reordering, one duplicated message. Three replicas, two writes.
Properties: `quiescent_convergence`, `strong_eventual_consistency`.
Expected: holds. Compare specs/concat_register.py, whose merge is not commutative.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.resolution import UnionRegister

spec = Spec(
    UnionRegister,
    replicas=3,
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1},
    properties=[quiescent_convergence, strong_eventual_consistency],
    description="register with version vectors, concurrent writes merged by union",
)
