"""Primary-backup with synchronous replication and reads at the primary: linearizable,
also when a replica crashes.

    evcheck verify specs/primary_backup_sync.py     # holds

Technique: the primary r1 orders the writes (a version per write), ships each to both
backups and answers the client once both have applied it; reads are served by the
primary (Budhiraja, Marzullo, Schneider and Toueg, "The primary-backup approach", 1993;
Alsberg and Day 1976).
Faults: one crash (fields are durable: a crashed replica comes back with its state).
Sessions: a writer and a reader at the primary, two requests each.
Properties: linearizability, judged on the requests' intervals.
Expected: holds. A write whose backup crashed stays pending until it recovers.
"""

from evcheck import Spec, linearizability, session
from evcheck.models.primary_backup import Backup, SyncPrimary

spec = Spec(
    {SyncPrimary: 1, Backup: 2},
    sessions={"writer": session("r1", ops=["put"]), "reader": session("r1", ops=["get"])},
    ops_per_session=2,
    faults={"crash": 1},
    properties=[linearizability],
    description="primary-backup, synchronous, reads at the primary",
)
