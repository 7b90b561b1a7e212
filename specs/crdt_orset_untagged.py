"""An OR-Set without unique tags: the element is its own tag (broken on purpose).

    evcheck verify specs/crdt_orset_untagged.py     # exit 1

Technique: the OR-Set of specs/crdt_orset.py, tagging each add with the element itself.
Faults: as specs/crdt_orset.py. Three replicas, three operations (a remove between two
adds is needed to see the bug).
Properties: `orset_semantics`, strong eventual consistency, convergence.
Expected: violated — a remove tombstones the element's tag, which every later or
concurrent add of it reuses: an add the remove never saw is removed too. Unique tags
are what make the OR-Set add-wins (Shapiro et al. 2011).
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import UntaggedORSet, orset_semantics

spec = Spec(
    UntaggedORSet,
    replicas=3,
    elements=("x",),
    ops_per_replica=1,
    max_ops=3,
    faults={"dup": 1, "loss": 1},
    properties=[orset_semantics, strong_eventual_consistency, quiescent_convergence],
    description="OR-Set tagging adds with the element",
)
