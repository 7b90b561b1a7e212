"""Per-key version numbers: a replica discards an update older than the version it holds.

    evcheck verify specs/versioned_store.py     # holds

Technique: each key carries a version (n, writer); a write takes the next number after
the version its replica holds, and a replica applies an incoming update only if its
version is newer (Thomas's write rule, Thomas 1979; the version checks of Bayou, Terry
et al. 1995, and Dynamo, DeCandia et al. 2007, build on it).
Faults: reordering, one duplicated message. Three replicas, two writes to one key.
Properties: `no_older_write_resurrects` (no replica holds a key at a lower version
number than one it has seen), `quiescent_convergence`.
Expected: holds — versions are totally ordered and a replica only moves forward, so the
order of arrival does not matter. Compare specs/unversioned_store.py.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models.versioning import VersionedStore, no_older_write_resurrects

spec = Spec(
    VersionedStore,
    replicas=3,
    keys=("x",),
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1},
    properties=[no_older_write_resurrects, quiescent_convergence],
    description="versioned key-value store, newer version wins",
)
