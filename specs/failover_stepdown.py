"""Failover when the primary is suspected, the old primary stepping down on recovery,
under a perfect failure detector: at most one primary.

    evcheck verify specs/failover_stepdown.py
    evcheck verify specs/failover_stepdown.py --faults crash=2

`failover_eventual.py` runs the same design under an eventually perfect detector.
"""

from evcheck import Spec
from evcheck.models import SteppingDownFailover, at_most_one_primary

spec = Spec(
    SteppingDownFailover,
    replicas=2,
    values=("a",),
    max_ops=1,
    detector="perfect",
    faults={"crash": 1},
    properties=[at_most_one_primary],
    description="primary-backup, promote when suspected, step down on recovery",
)
