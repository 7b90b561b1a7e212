"""A sloppy quorum with hinted hand-off: R + W > N, and still a stale read.

    evcheck verify specs/quorum_sloppy.py     # exit 1: read_your_writes

Technique: four replicas; the key's preference list is r1 and r2 (N=2), R=W=2. A
coordinator that waited too long for the preference list — it cannot tell a slow
replica from one behind a partition — writes to the stand-ins r3 and r4 instead, which
acknowledge with a hint and hand the write to its home later. The put completes on the
stand-ins' acknowledgements; a get asks the preference list only, so it need not see
the write. Dynamo accepts this anomaly for availability (DeCandia et al., "Dynamo",
SOSP 2007, section 4.6).
Faults: one partition (healable). One client session at r1: a put, then a get.
Properties: read_your_writes.
Expected: violated. The timeout may fire before anything went wrong, so the shortest
counterexample needs no partition: the anomaly is the design's, a partition is only its
most common trigger.
"""

from evcheck import Spec, read_your_writes
from evcheck.models.quorum import SloppyQuorumReplica

spec = Spec(
    SloppyQuorumReplica,
    replicas=4,
    N=2,
    R=2,
    W=2,
    sessions={"s1": "r1"},
    ops_per_session=2,
    faults={"partition": 1},
    properties=[read_your_writes],
    description="sloppy quorum with hinted hand-off, N=2 of 4, R=W=2",
)
