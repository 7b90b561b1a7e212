"""The small Raft of specs/raft.py under a crash, a lost message and a partition as
well: still linearizable.

    evcheck verify specs/raft_faults.py     # holds (about a minute: 78 million states)

Technique: as specs/raft.py (Ongaro and Ousterhout 2014): elections in terms up to 2,
triggered when a failure detector suspects the leader, majority commit of entries of
the leader's term, every field durable.
Faults: one crash (the detector then suspects the crashed replica), one wrong
suspicion, one lost message, one partition (healable); reordering throughout.
Sessions: a writer and a reader roaming over the replicas, one request each.
Properties: linearizability.
Expected: holds. Adding a duplicated message as well takes the state space past 240
million states (beyond this machine in minutes); with a crash, a wrong suspicion and a
duplicate alone it holds in 63 million states. specs/majority_commit.py checks the
commit rule under all five faults together.
"""

from evcheck import Spec, linearizability, session
from evcheck.models.consensus import RaftReplica

spec = Spec(
    RaftReplica,
    replicas=3,
    max_term=2,
    sessions={"writer": session("*", ops=["put"]), "reader": session("*", ops=["get"])},
    ops_per_session=1,
    detector="eventually_perfect",
    faults={"crash": 1, "false_suspicion": 1, "loss": 1, "partition": 1},
    properties=[linearizability],
    description="Raft, 3 replicas, terms <= 2, crash, loss and a partition",
)
