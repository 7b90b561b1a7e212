"""A leader that commits on its own acknowledgement loses a committed write
(broken on purpose).

    evcheck verify specs/majority_self_commit.py     # exit 1: linearizability

Technique: as specs/majority_commit.py, but the leader answers a request as soon as its
own (in-memory) log holds the entry. It crashes before any follower has the entry; the
recovered leader rebuilds its log from the followers, and a later read returns the
initial value although the write had completed.
Faults: as specs/majority_commit.py.
Properties: linearizability.
Expected: violated — write, crash, recovery, then a read that misses the write.
"""

from evcheck import Spec, linearizability, session
from evcheck.models.consensus import Follower, SelfCommitLeader

spec = Spec(
    {SelfCommitLeader: 1, Follower: 2},
    sessions={"writer": session("r1", ops=["put"]), "reader": session("r1", ops=["get"])},
    ops_per_session=1,
    faults={"loss": 1, "dup": 1, "partition": 1, "crash": 1},
    properties=[linearizability],
    description="leader commits on its own acknowledgement",
)
