"""A replicated store that applies every update it receives (broken on purpose).

    evcheck verify specs/unversioned_store.py     # exit 1

Technique: the versioned store of specs/versioned_store.py without the version check.
Faults: reordering, one duplicated message. Three replicas, two writes to one key.
Properties: `no_older_write_resurrects`, `quiescent_convergence`.
Expected: violated — r1 writes x (version 1); r2 receives it and writes x again
(version 2); r3 receives version 2 first, then the delayed version 1, and applies it:
an older write resurrects over a newer one r3 had already seen (the anomaly Thomas's
write rule, Thomas 1979, prevents).
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models.versioning import UnversionedStore, no_older_write_resurrects

spec = Spec(
    UnversionedStore,
    replicas=3,
    keys=("x",),
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1},
    properties=[no_older_write_resurrects, quiescent_convergence],
    description="key-value store applying every update, versions ignored",
)
