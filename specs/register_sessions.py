"""An LWW register read and written by client sessions pinned to their replicas.

    evcheck verify specs/register_sessions.py
    evcheck verify specs/register_sessions.py --property linearizability   # exit 1

Pinned sessions get every session guarantee from a Lamport LWW register: a replica
applies its own writes at once and only ever moves to newer stamps. Linearizability
does not hold: a read is served by the local replica, which may not have heard of a
write another session completed earlier.
"""

from evcheck import (
    Spec,
    causal_consistency,
    monotonic_reads,
    monotonic_writes,
    read_your_writes,
    writes_follow_reads,
)
from evcheck.models import LWWRegister

spec = Spec(
    LWWRegister,
    replicas=2,
    sessions={"s1": "r1", "s2": "r2"},
    ops_per_session=2,
    properties=[
        read_your_writes,
        monotonic_reads,
        monotonic_writes,
        writes_follow_reads,
        causal_consistency,
    ],
    description="LWW register, sessions pinned to replicas",
)
