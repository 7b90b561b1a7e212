"""Causal delivery waiting for a lost dependency (broken on purpose).

    evcheck verify specs/causal_lost_dependency.py     # exit 1

r2 applies r1's updates in order. The periodic `announce` re-sends only r1's newest
update, so when r1's first update is lost the second arrives, waits in r2's buffer for
its predecessor, and waits forever: once the loss is over no fair step can help.
"""

from evcheck import Spec, eventual_convergence
from evcheck.models.liveness import CausalBroadcast

spec = Spec(
    CausalBroadcast,
    replicas=2,
    values=("a",),
    max_ops=2,
    faults={"loss": 1},
    properties=[eventual_convergence],
    description="causal broadcast whose repair re-sends only the newest update",
)
