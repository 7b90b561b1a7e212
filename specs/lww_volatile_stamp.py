"""Lamport LWW that keeps its stamp in volatile memory, under crash and recovery
(broken on purpose).

    evcheck verify specs/lww_volatile_stamp.py     # exit 1

After a crash the replica's counter restarts at 0, so its next write is stamped
below values its peers already hold and is ignored by them.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models import VolatileStampLWW

spec = Spec(
    VolatileStampLWW,
    replicas=2,
    values=("a", "b"),
    ops_per_replica=1,
    faults={"crash": 1, "crash_inbox": "wait"},
    properties=[quiescent_convergence],
    description="LWW register with a volatile Lamport counter",
)
