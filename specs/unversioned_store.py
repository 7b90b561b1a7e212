"""A replicated store that applies every update it receives (broken on purpose).

    evcheck verify specs/unversioned_store.py     # exit 1

Technique: the versioned store of specs/versioned_store.py without the version check.
Faults: reordering, one duplicated message. Three replicas, two writes to one key.
Properties: `no_older_write_resurrects`, `quiescent_convergence`,
`strong_eventual_consistency`.
Expected: violated — two writes cross in the network; the replica that made the newer
write then applies the older one it receives: an older write resurrects over a newer
one it had already seen (the anomaly Thomas's write rule, Thomas 1979, prevents).
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.versioning import UnversionedStore, no_older_write_resurrects

spec = Spec(
    UnversionedStore,
    replicas=3,
    keys=("x",),
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1},
    properties=[no_older_write_resurrects, quiescent_convergence, strong_eventual_consistency],
    description="key-value store applying every update, versions ignored",
)
