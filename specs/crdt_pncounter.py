"""PN-Counter CRDT under duplication, reordering and loss, with anti-entropy.

    evcheck verify specs/crdt_pncounter.py     # holds

Technique: two G-Counters, one for increments and one for decrements (Shapiro et al.
2011); state broadcast on every operation plus ring anti-entropy.
Faults: one duplicated and one lost message, reordering. Three replicas, two operations.
Properties: `counts_its_updates` (a replica shows increments minus decrements applied,
in every state), `strong_eventual_consistency`, `quiescent_convergence`.
Expected: holds.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import PNCounter, counts_its_updates

spec = Spec(
    PNCounter,
    replicas=3,
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[counts_its_updates, strong_eventual_consistency, quiescent_convergence],
    description="PN-Counter CRDT with anti-entropy",
)
