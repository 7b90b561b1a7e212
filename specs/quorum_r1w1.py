"""Dynamo-style quorum register, N=3 with R=1 and W=1: a session misses its own write.

    evcheck verify specs/quorum_r1w1.py     # exit 1: read_your_writes

Technique: a put goes to all three replicas and completes after W=1 acknowledgement; a
get asks all three and completes with the newest of the first R=1 answers. With
R + W <= N a read quorum need not meet the write quorum (DeCandia et al., "Dynamo",
SOSP 2007, section 4.5; Gifford 1979).
Faults: reordering only. One client session at r1: a put, then a get (requests: each
completes when the coordinator replies).
Properties: read_your_writes.
Expected: violated — the put completes on r1's own acknowledgement, and the get is
answered by r2, which has not seen it yet.
"""

from evcheck import Spec, read_your_writes
from evcheck.models.quorum import QuorumReplica

spec = Spec(
    QuorumReplica,
    replicas=3,
    R=1,
    W=1,
    sessions={"s1": "r1"},
    ops_per_session=2,
    properties=[read_your_writes],
    description="Dynamo quorum, N=3, R=W=1",
)
