"""Failover on a timeout that may fire at any time (broken on purpose).

    evcheck verify specs/failover_timeout.py     # exit 1

Without a failure detector, "the primary has failed" is a timer that may fire in any
state: the backup promotes itself while the primary is alive, and the counterexample
(one step) has no crash in it. Compare `failover_perfect.py`.
"""

from evcheck import Spec
from evcheck.models import TimeoutFailover, at_most_one_primary

spec = Spec(
    TimeoutFailover,
    replicas=2,
    values=("a",),
    max_ops=1,
    faults={"crash": 1},
    properties=[at_most_one_primary],
    description="primary-backup, the backup promotes on a timeout",
)
