"""A key-value store of LWW registers over a reordering network (broken on purpose).

    evcheck verify specs/store_monotonic_writes.py     # exit 1

Session s1 writes x, then y, at r1. The network delivers y to r2 first; session s2
reads y there, then x, and finds nothing: r2 has the session's later write but not
its earlier one. Monotonic writes needs causal (or at least FIFO) delivery.
"""

from evcheck import Spec, monotonic_writes
from evcheck.models import LWWStore

spec = Spec(
    LWWStore,
    replicas=2,
    sessions={"s1": "r1", "s2": "r2"},
    ops_per_session=2,
    keys=("x", "y"),
    properties=[monotonic_writes],
    description="LWW key-value store, sessions pinned, reordering network",
)
