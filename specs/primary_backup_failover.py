"""Asynchronous primary-backup with failover: the promoted backup has never seen a write
the old primary acknowledged (broken on purpose).

    evcheck verify specs/primary_backup_failover.py     # exit 1: linearizability

Technique: the primary r1 answers a write at once and ships it to the backups in the
background; a backup whose failure detector suspects the primary promotes itself and
serves reads. A perfect detector is used, so the takeover happens only after a real
crash — and still the write the primary acknowledged before crashing is gone (the
"lost acknowledged writes" of asynchronous replication; Budhiraja et al. 1993;
Kleppmann, "Designing data-intensive applications", 2017, chapter 5).
Faults: one crash; a perfect failure detector. Sessions: a writer at the primary, a
reader roaming over every replica that serves reads.
Properties: linearizability.
Expected: violated — write acknowledged, primary crashes, a backup takes over and the
read returns the value before the write.
"""

from evcheck import Spec, linearizability, session
from evcheck.models.primary_backup import AsyncPrimary, PromotingBackup

spec = Spec(
    {AsyncPrimary: 1, PromotingBackup: 2},
    sessions={"writer": session("r1", ops=["put"]), "reader": session("*", ops=["get"])},
    ops_per_session=1,
    detector="perfect",
    faults={"crash": 1},
    properties=[linearizability],
    description="asynchronous primary-backup, failover on a perfect detector",
)
