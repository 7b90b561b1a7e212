"""A small Raft whose leader commits on its own copy loses a committed write (broken on
purpose).

    evcheck verify specs/raft_self_commit.py     # exit 1: linearizability

Technique: as specs/raft.py, but the leader commits an entry (and answers its request)
as soon as it holds it itself, without waiting for a majority. When a follower wrongly
suspects it and wins the next term with the votes of replicas that never saw the write,
the new leader's log lacks a write that had completed.
Faults, sessions, properties: as specs/raft.py.
Expected: violated — write, election, then a read through the new leader that misses it.
"""

from evcheck import Spec, linearizability, session
from evcheck.models.consensus import SelfCommitRaft

spec = Spec(
    SelfCommitRaft,
    replicas=3,
    max_term=2,
    sessions={"writer": session("*", ops=["put"]), "reader": session("*", ops=["get"])},
    ops_per_session=1,
    detector="eventually_perfect",
    faults={"false_suspicion": 1},
    properties=[linearizability],
    description="Raft, leader commits alone",
)
