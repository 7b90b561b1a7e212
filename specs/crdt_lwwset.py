"""LWW-element-set CRDT with Lamport stamps, under duplication, reordering and loss.

    evcheck verify specs/crdt_lwwset.py     # holds

Technique: per element the largest add and remove stamps; an element is in the set if
its add stamp is the larger (Shapiro et al. 2011). Stamps are Lamport stamps (counter,
replica id): the counter moves past every stamp received (Lamport 1978), so an
operation made after seeing another is stamped above it.
Faults: one duplicated and one lost message, reordering. Three replicas, two operations.
Properties: `lwwset_semantics` (a causally later operation on an element wins; only
concurrent ones are decided by stamp), strong eventual consistency, convergence.
Expected: holds. Compare specs/crdt_lwwset_local_clock.py.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import LWWElementSet, lwwset_semantics

spec = Spec(
    LWWElementSet,
    replicas=3,
    elements=("x",),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[lwwset_semantics, strong_eventual_consistency, quiescent_convergence],
    description="LWW-element-set CRDT, Lamport stamps",
)
