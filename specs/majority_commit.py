"""Writes committed by a majority of three: linearizable under loss, duplication, a
partition and a crash.

    evcheck verify specs/majority_commit.py     # holds

Technique: one leader (r1) orders client requests, reads as well as writes, in a log
and answers a request once a majority — itself and one follower — hold its entry. The
followers keep the log on disk; the leader's copy is in memory, so a crash loses it,
and the recovered leader (a new epoch, which makes messages of its earlier incarnation
stale) serves nothing until it has every follower's log: a committed entry survives on
at least one of them. This is the commit rule of Paxos and Raft, without elections
(Lamport, "Paxos made simple", 2001; Ongaro and Ousterhout 2014).
Faults: one lost message, one duplicated, one partition (healable), one crash.
Sessions: a writer and a reader at the leader, one request each.
Properties: linearizability, judged on the requests' intervals.
Expected: holds. A request the partition or the crash interrupts stays pending, and may
or may not take effect.
"""

from evcheck import Spec, linearizability, session
from evcheck.models.consensus import Follower, MajorityLeader

spec = Spec(
    {MajorityLeader: 1, Follower: 2},
    sessions={"writer": session("r1", ops=["put"]), "reader": session("r1", ops=["get"])},
    ops_per_session=1,
    faults={"loss": 1, "dup": 1, "partition": 1, "crash": 1},
    properties=[linearizability],
    description="majority commit of three, fixed leader",
)
