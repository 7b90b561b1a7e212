"""Dynamo-style siblings read by a session that moves between replicas: it misses its
own write.

    evcheck verify specs/siblings_roaming.py     # exit 1: read_your_writes

Technique: as specs/siblings_sessions.py. The session writes at r1 and then reads at r2
before r1's state reached it: r2's siblings do not include the write (Terry et al.,
"Session guarantees for weakly consistent replicated data", PDIS 1994).
Faults: reordering only. Sessions: s1 roaming over both replicas.
Properties: read_your_writes.
Expected: violated in 2 steps.
"""

from evcheck import Spec, read_your_writes
from evcheck.models.dynamo import SessionSiblingStore

spec = Spec(
    SessionSiblingStore,
    replicas=2,
    values=(),
    sessions={"s1": "*"},
    ops_per_session=2,
    properties=[read_your_writes],
    description="sibling store, roaming session",
)
