"""The stepping-down failover of `failover_stepdown.py` under an eventually perfect
failure detector (broken on purpose: split brain).

    evcheck verify specs/failover_eventual.py     # exit 1

An eventually perfect detector may suspect a replica that is up (here at most once,
`false_suspicion=1`) before it becomes accurate. One wrong suspicion is enough: the
backup suspects the live primary and promotes itself, and two replicas act as primary
with no crash at all.
"""

from evcheck import Spec
from evcheck.models import SteppingDownFailover, at_most_one_primary

spec = Spec(
    SteppingDownFailover,
    replicas=2,
    values=("a",),
    max_ops=1,
    detector="eventually_perfect",
    faults={"crash": 1, "false_suspicion": 1},
    properties=[at_most_one_primary],
    description="primary-backup, promote when suspected, eventually perfect detector",
)
