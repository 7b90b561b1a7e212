"""Primary-backup with asynchronous replication and reads at the backups: a client
that moves between backups reads a newer value, then an older one.

    evcheck verify specs/primary_backup_async.py     # exit 1: monotonic_reads

Technique: the primary r1 answers a write at once and ships it to the backups in the
background; any backup serves reads from its own copy (the classic master-slave set-up
with read replicas; the anomaly is Terry et al.'s, "Session guarantees for weakly
consistent replicated data", PDIS 1994).
Faults: reordering only. Sessions: a writer at the primary; a reader roaming over the
backups.
Properties: monotonic_reads.
Expected: violated — the reader sees the write at r2, then misses it at r3.
"""

from evcheck import Spec, monotonic_reads, session
from evcheck.models.primary_backup import AsyncPrimary, Backup

spec = Spec(
    {AsyncPrimary: 1, Backup: 2},
    sessions={"writer": session("r1", ops=["put"]), "reader": session(Backup, ops=["get"])},
    ops_per_session=2,
    properties=[monotonic_reads],
    description="primary-backup, asynchronous, reads at the backups",
)
