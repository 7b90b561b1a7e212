"""Version vectors with siblings, Dynamo style: concurrent writes are all kept.

    evcheck verify specs/siblings.py     # holds

Technique: each version carries a version vector; a write supersedes the versions its
replica holds, concurrent writes are kept side by side as siblings for the reader to
reconcile (DeCandia et al. 2007, section 4.4; version vectors: Parker et al. 1983).
Faults: reordering, one duplicated message, one lost message with periodic
anti-entropy around the ring. Three replicas, two writes.
Properties: `mvregister_semantics` (every replica shows exactly the values of the
writes no other write has seen: none lost, none superseded shown), convergence and
strong eventual consistency.
Expected: holds. Compare specs/siblings_lww.py, which keeps one version of a conflict.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import mvregister_semantics
from evcheck.models.dynamo import SiblingStore

spec = Spec(
    SiblingStore,
    replicas=3,
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[mvregister_semantics, quiescent_convergence, strong_eventual_consistency],
    description="Dynamo-style store: version vectors and siblings",
)
