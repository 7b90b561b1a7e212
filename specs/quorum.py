"""Dynamo-style quorum register, N=3 with R=2 and W=2: a session reads its own writes
under duplication, a partition and a crash.

    evcheck verify specs/quorum.py     # holds

Technique: a put goes to all three replicas and completes when W=2 distinct replicas
have acknowledged it; a get asks all three and completes with the newest (by Lamport
stamp) of the first R=2 answers. R + W > N: every read quorum meets every write
quorum (DeCandia et al., "Dynamo", SOSP 2007, section 4.5; Gifford 1979).
Faults: one duplicated message, one partition (healable), one crash (stored values are
durable). One client session at r1: two requests.
Properties: read_your_writes.
Expected: holds. A request whose coordinator crashes, or that a partition blocks, stays
pending: its outcome is unknown, and the session issues nothing more.
"""

from evcheck import Spec, read_your_writes
from evcheck.models.quorum import QuorumReplica

spec = Spec(
    QuorumReplica,
    replicas=3,
    R=2,
    W=2,
    sessions={"s1": "r1"},
    ops_per_session=2,
    faults={"dup": 1, "partition": 1, "crash": 1},
    properties=[read_your_writes],
    description="Dynamo quorum, N=3, R=W=2",
)
