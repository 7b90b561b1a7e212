"""An operation-based counter without de-duplication, under duplication (broken on purpose).

    evcheck verify specs/counter_dup.py     # exit 1

A duplicated Increment is applied twice: the receiver counts 2 while the sender
counts 1. Compare specs/gcounter.py.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models import OpCounter

spec = Spec(
    OpCounter,
    replicas=2,
    ops_per_replica=1,
    faults={"dup": 1},
    properties=[quiescent_convergence],
    description="op-based counter, one duplicated message",
)
