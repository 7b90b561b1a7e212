"""The CAP trade-off as a check: LocalRegister, r1 cut off from r2 and r3 by a partition that heals.

    evcheck verify specs/cap_local_healing.py     # holds

Property: a write requested at r1 (the minority side) eventually completes. The
partition is a fault, so it may or may not happen, at any point; healing is fair: every partition eventually heals.
Compare specs/cap_quorum.py, cap_local.py, cap_quorum_healing.py and cap_local_healing.py.
"""

from evcheck import Spec, leads_to
from evcheck.models.liveness import (
    LocalRegister,
    minority_write_completed,
    minority_write_requested,
)

spec = Spec(
    LocalRegister,
    replicas=3,
    values=("a",),
    max_ops=1,
    faults={"partition": 1, "partition_mode": "wait", "splits": [[[1], [2, 3]]]},
    properties=[
        leads_to(
            minority_write_requested, minority_write_completed, name="minority_write_completes"
        )
    ],
    description="eventually consistent register, healing minority partition",
)
