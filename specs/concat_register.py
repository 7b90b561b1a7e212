"""A non-commutative merge function: concurrent sequences are concatenated (broken on purpose).

    evcheck verify specs/concat_register.py     # exit 1

Technique: as specs/merge_register.py, but a replica merges a concurrent version by
appending the incoming sequence to its own (a write stores the sequence (v,)).
Faults: reordering, one duplicated message. Three replicas, two writes.
Properties: `quiescent_convergence`, `strong_eventual_consistency`.
Expected: violated — r1 and r2 write concurrently and exchange their writes: r1 holds
('a', 'b'), r2 ('b', 'a'), with equal version vectors, so neither will ever change again. A merge
must be commutative, associative and idempotent (Shapiro et al. 2011, the semilattice
condition; Bayou, Terry et al. 1995, requires merge procedures to be deterministic
across replicas for the same reason).
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.resolution import ConcatRegister

spec = Spec(
    ConcatRegister,
    replicas=3,
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1},
    properties=[strong_eventual_consistency, quiescent_convergence],
    description="register with version vectors, concurrent sequences concatenated",
)
