"""Gossip without an order on values (broken on purpose): a liveness bug.

    evcheck verify specs/gossip_pingpong.py     # exit 1, a lasso

Each replica adopts any value different from its own and passes it on. After two
concurrent writes the values can chase each other forever: r1 takes r2's value as r2
takes r1's, and the swap repeats. No state is wrong on its own and something is always
in flight, so `quiescent_convergence` holds; `eventual_convergence` finds the cycle.
"""

from evcheck import Spec, eventual_convergence, quiescent_convergence
from evcheck.models.liveness import SwapGossip

spec = Spec(
    SwapGossip,
    replicas=2,
    values=("a", "b"),
    ops_per_replica=1,
    properties=[quiescent_convergence, eventual_convergence],
    description="gossip that forwards whatever it adopts",
)
