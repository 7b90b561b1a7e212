"""Lamport LWW with periodic anti-entropy under message loss: eventual convergence holds.

    evcheck verify specs/lww_anti_entropy_live.py

From every reachable state, once writes and losses stop, fair delivery and the
anti-entropy timer bring every replica to the same value. See docs/liveness.md for how
`timer_fires` bounds the timer and why two firings per change are enough here.
"""

from evcheck import Spec, eventual_convergence
from evcheck.models import AntiEntropyLWW

spec = Spec(
    AntiEntropyLWW,
    replicas=2,
    values=("a", "b"),
    ops_per_replica=1,
    timer_fires=2,
    faults={"loss": 2},
    properties=[eventual_convergence],
    description="LWW register with anti-entropy, two lost messages",
)
