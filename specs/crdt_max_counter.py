"""A counter merged by the maximum of totals (broken on purpose).

    evcheck verify specs/crdt_max_counter.py     # exit 1

Technique: one total per replica, merged by maximum. The merge is a join, so the
replicas converge — to the wrong value.
Faults: as specs/crdt_gcounter.py.
Properties: `counts_its_updates`, `strong_eventual_consistency`, `quiescent_convergence`.
Expected: violated — r1 and r2 increment concurrently; r2 receives r1's total, 1, and
keeps max(1, 1) = 1 after two increments. A counter needs one entry per replica
(Shapiro et al. 2011, the G-Counter); merging totals loses concurrent increments.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import MaxTotalCounter, counts_its_updates

spec = Spec(
    MaxTotalCounter,
    replicas=3,
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[counts_its_updates, strong_eventual_consistency, quiescent_convergence],
    description="counter merged by the maximum of totals",
)
