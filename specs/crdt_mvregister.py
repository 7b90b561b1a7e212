"""MV-register (multi-value register) CRDT under duplication, reordering and loss.

    evcheck verify specs/crdt_mvregister.py     # holds

Technique: a set of (value, version vector) siblings; a write supersedes every sibling
its replica holds, a merge keeps the union minus the dominated ones (Shapiro et al.
2011, the MV-register; the same structure as Dynamo's siblings, specs/siblings.py).
Faults: one duplicated and one lost message, reordering. Three replicas, two writes.
Properties: `mvregister_semantics` (a replica shows exactly the values of the writes
it applied that no other write has seen), strong eventual consistency, convergence.
Expected: holds.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import MVRegister, mvregister_semantics

spec = Spec(
    MVRegister,
    replicas=3,
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[mvregister_semantics, strong_eventual_consistency, quiescent_convergence],
    description="MV-register CRDT with anti-entropy",
)
