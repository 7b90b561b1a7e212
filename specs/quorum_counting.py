"""Dynamo-style quorum register, N=3, R=W=2, whose coordinator counts acknowledgements
instead of distinct replicas (broken on purpose).

    evcheck verify specs/quorum_counting.py     # exit 1: read_your_writes

Technique: as specs/quorum.py, but a put completes after W=2 acknowledgement
*messages*. A duplicated acknowledgement is two messages from one replica, so the put
completes although only one replica stored it, and a read quorum of the two others
misses it (quorum intersection needs W distinct replicas: Gifford 1979).
Faults: one duplicated message.
Properties: read_your_writes.
Expected: violated — the shortest counterexample duplicates r1's acknowledgement.
"""

from evcheck import Spec, read_your_writes
from evcheck.models.quorum import CountingQuorumReplica

spec = Spec(
    CountingQuorumReplica,
    replicas=3,
    R=2,
    W=2,
    sessions={"s1": "r1"},
    ops_per_session=2,
    faults={"dup": 1},
    properties=[read_your_writes],
    description="Dynamo quorum counting acknowledgements, N=3, R=W=2",
)
