"""Lamport LWW without any repair, under message loss (broken on purpose).

    evcheck verify specs/lww_loss.py     # exit 1

One lost Update is enough: the writer holds the value, the peer never hears of it,
and nothing is left in flight to fix it. Compare specs/lww_anti_entropy.py.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models import LamportLWW

spec = Spec(
    LamportLWW,
    replicas=3,
    values=("a", "b"),
    ops_per_replica=1,
    faults={"loss": 1},
    properties=[quiescent_convergence],
    description="LWW register without anti-entropy, one lost message",
)
