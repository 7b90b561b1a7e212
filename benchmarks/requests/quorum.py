"""Dynamo-style quorum register with client requests (issue 17 item 3's measurement):
3 replicas, N=3, R=W=2, two sessions pinned to r1 (2 requests) and r2 (1 request):
puts and gets that complete when a quorum has answered (`self.reply`)."""

from evcheck import Spec, read_your_writes, session
from evcheck.models.quorum import QuorumReplica

spec = Spec(
    QuorumReplica,
    replicas=3,
    R=2,
    W=2,
    sessions={"s1": session("r1", max_ops=2), "s2": session("r2", max_ops=1)},
    properties=[read_your_writes],
    name="quorum-requests",
    description="quorum register, 3 replicas, R=W=2, sessions of 2 and 1 requests",
)
