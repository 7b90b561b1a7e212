"""A version-vector store that keeps only one version of a conflict (broken on purpose).

    evcheck verify specs/siblings_lww.py     # exit 1

Technique: as specs/siblings.py, but a replica that meets a concurrent version keeps
only the incoming one instead of both.
Faults: as specs/siblings.py.
Properties: `mvregister_semantics`, convergence, strong eventual consistency.
Expected: violated — a write concurrent with the replica's own is kept instead of
both: a write is lost (Dynamo keeps siblings precisely so that no concurrent write is
lost, DeCandia et al. 2007, section 4.4), and crossing writes leave replicas apart.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import mvregister_semantics
from evcheck.models.dynamo import LastSiblingWins

spec = Spec(
    LastSiblingWins,
    replicas=3,
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[mvregister_semantics, quiescent_convergence, strong_eventual_consistency],
    description="version-vector store that keeps one version of a conflict",
)
