"""G-Counter CRDT under duplication, reordering and loss, with anti-entropy.

    evcheck verify specs/crdt_gcounter.py     # holds

Technique: one count per replica, merged by maximum (Shapiro et al. 2011, the
state-based G-Counter); each increment broadcasts the state and a periodic
anti-entropy timer pushes it around the ring r1 -> r2 -> r3 -> r1.
Faults: one duplicated and one lost message, reordering. Three replicas, two increments.
Properties: `counts_its_updates` (in every state a replica shows the number of
increments it has applied: strong eventual consistency with the right value),
`strong_eventual_consistency`, `quiescent_convergence`.
Expected: holds (the merge is a join: commutative, associative, idempotent).
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import AntiEntropyGCounter, counts_its_updates

spec = Spec(
    AntiEntropyGCounter,
    replicas=3,
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[counts_its_updates, strong_eventual_consistency, quiescent_convergence],
    description="G-Counter CRDT with anti-entropy",
)
