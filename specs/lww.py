"""Last-writer-wins register with Lamport stamps (counter, replica id); broadcast on write.

    evcheck verify specs/lww.py

Verifies: every pair of concurrent writes is ordered the same way at every replica,
so once nothing is in flight all replicas hold the same value.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models import LamportLWW

spec = Spec(
    LamportLWW,
    replicas=3,
    values=("a", "b"),
    ops_per_replica=1,
    properties=[quiescent_convergence],
    description="LWW register, Lamport stamps with replica-id tie-break",
)
