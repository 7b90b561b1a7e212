"""Last-writer-wins register whose stamps compare by counter only (broken on purpose).

    evcheck verify specs/lww_no_tiebreak.py     # exit 1

Two replicas write concurrently, both stamping counter 1; every receiver keeps its
own value on a tie, so after all deliveries r1 and r2 still disagree. The shortest
counterexample has two writes and the 2*(replicas-1) deliveries that follow.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models import NoTiebreakLWW

spec = Spec(
    NoTiebreakLWW,
    replicas=3,
    values=("a", "b"),
    ops_per_replica=1,
    properties=[quiescent_convergence],
    description="LWW register comparing stamps by counter only",
)
