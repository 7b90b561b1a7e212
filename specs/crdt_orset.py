"""OR-Set (observed-remove, add-wins) CRDT under duplication, reordering and loss.

    evcheck verify specs/crdt_orset.py     # holds

Technique: each add carries a unique tag (replica, n); a remove tombstones the tags it
has observed (Shapiro et al. 2011, the OR-Set); state broadcast plus ring anti-entropy.
Faults: one duplicated and one lost message, reordering. Three replicas, two operations.
Properties: `orset_semantics` (every replica shows the add-wins set of the operations
it applied: e is in iff some add(e) was seen by no remove(e)), strong eventual
consistency, convergence.
Expected: holds. Compare specs/crdt_orset_untagged.py.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import ORSet, orset_semantics

spec = Spec(
    ORSet,
    replicas=3,
    elements=("x",),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[orset_semantics, strong_eventual_consistency, quiescent_convergence],
    description="OR-Set CRDT with anti-entropy",
)
