"""Failover when the primary is suspected, under a perfect failure detector (broken on
purpose: the old primary comes back still leading).

    evcheck verify specs/failover_perfect.py     # exit 1

The backup promotes only when its detector suspects the primary, and a perfect
detector suspects exactly the replicas that are down: the split brain needs the
crash. Shortest counterexample: crash r1, the backup promotes, r1 recovers believing
it is still the primary. `failover_stepdown.py` fixes the recovery.
"""

from evcheck import Spec
from evcheck.models import SuspectingFailover, at_most_one_primary

spec = Spec(
    SuspectingFailover,
    replicas=2,
    values=("a",),
    max_ops=1,
    detector="perfect",
    faults={"crash": 1},
    properties=[at_most_one_primary],
    description="primary-backup, promote when the primary is suspected (perfect detector)",
)
