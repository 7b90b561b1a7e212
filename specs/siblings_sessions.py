"""Dynamo-style siblings read by client sessions: pinned sessions get their session
guarantees; a read returns every sibling and sees each of them.

    evcheck verify specs/siblings_sessions.py     # holds

Technique: the version-vector store of specs/siblings.py (concurrent writes kept as
siblings; DeCandia et al., "Dynamo", SOSP 2007, section 4.4); a get returns all the
siblings the replica holds (a multi-value read, `@operation(reads="siblings")`), and
the session guarantees judge it as a read that sees each value it returns
(docs/consistency.md).
Faults: reordering only. Sessions: s1 at r1 and s2 at r2, two operations each.
Properties: read_your_writes, monotonic_reads, causal_consistency.
Expected: holds. A session roaming between replicas violates read_your_writes
(specs/siblings_roaming.py).
"""

from evcheck import Spec, causal_consistency, monotonic_reads, read_your_writes
from evcheck.models.dynamo import SessionSiblingStore

spec = Spec(
    SessionSiblingStore,
    replicas=2,
    values=(),
    sessions={"s1": "r1", "s2": "r2"},
    ops_per_session=2,
    properties=[read_your_writes, monotonic_reads, causal_consistency],
    description="sibling store, pinned sessions",
)
