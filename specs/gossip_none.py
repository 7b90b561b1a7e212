"""Direct mail without anti-entropy, under message loss (broken on purpose).

    evcheck verify specs/gossip_none.py     # exit 1

Technique: the versioned store of specs/versioned_store.py, each write mailed once to
every replica, nothing else.
Faults: one lost message, reordering. Three replicas, two writes.
Properties: `quiescent_convergence`, `no_older_write_resurrects`.
Expected: violated — one lost update leaves a replica behind for good: nothing is in
flight and nothing will ever repair it (Demers et al. 1987: direct mail alone is not
reliable; anti-entropy is). Compare specs/gossip_store.py.
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
    faults={"loss": 1},
    properties=[quiescent_convergence, no_older_write_resurrects],
    description="versioned store without anti-entropy, one lost message",
)
