"""Gossip (anti-entropy) repairs lost updates: a versioned store under message loss.

    evcheck verify specs/gossip_store.py     # holds

Technique: each write is mailed to every replica; a periodic anti-entropy timer pushes
the whole store to the next replica around the ring, and the receiver keeps the newer
version of each key (Demers et al. 1987, "Epidemic algorithms for replicated database
maintenance": direct mail plus anti-entropy).
Faults: one lost message, reordering. Three replicas, two writes.
Properties: `quiescent_convergence` (no timer left to fire, nothing in flight: all
replicas agree), `no_older_write_resurrects`.
Expected: holds. Compare specs/gossip_none.py, the same store without anti-entropy.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models.gossip import GossipStore
from evcheck.models.versioning import no_older_write_resurrects

spec = Spec(
    GossipStore,
    replicas=3,
    keys=("x",),
    values=("a", "b"),
    ops_per_replica=1,
    max_ops=2,
    faults={"loss": 1},
    properties=[quiescent_convergence, no_older_write_resurrects],
    description="versioned store with ring anti-entropy, one lost message",
)
