"""A small Raft: leader election with terms and majority commit, linearizable when a
live leader is wrongly suspected and replaced.

    evcheck verify specs/raft.py     # holds

Technique: r1 leads term 1; a replica whose failure detector suspects the leader stands
for election in the next term (here up to term 2), and wins with a majority of votes
from replicas whose logs are no more up to date than its own. Requests, reads as well
as writes, go through the leader's log; an entry commits once a majority holds it and
it belongs to the leader's term (Ongaro and Ousterhout, "In search of an understandable
consensus algorithm", USENIX ATC 2014, sections 5.2-5.4).
Faults: an eventually perfect failure detector with one wrong suspicion (what Raft's
election timeouts provide), and reordering. Sessions: a writer and a reader, each
roaming over the replicas (only a leader accepts requests), one request each.
Properties: linearizability, judged on the requests' intervals.
Expected: holds. specs/raft_faults.py adds a crash, a lost message and a partition;
specs/majority_commit.py checks the commit rule under all five faults together.
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
    faults={"false_suspicion": 1},
    properties=[linearizability],
    description="Raft, 3 replicas, terms <= 2",
)
