"""Lamport LWW with acknowledgements and a one-shot retry timer, under message loss.

    evcheck verify specs/lww_retry.py

A writer re-sends to every peer that has not acknowledged its write whenever the
`retry` timer fires, and re-arms it while acknowledgements are missing.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models import RetryLWW

spec = Spec(
    RetryLWW,
    replicas=2,
    values=("a", "b"),
    ops_per_replica=1,
    timer_fires=2,
    faults={"loss": 1},
    properties=[quiescent_convergence],
    description="LWW register with acknowledgements and retries",
)
