"""Strong eventual consistency of an operation-based counter under duplication
(broken on purpose).

    evcheck verify specs/counter_sec.py     # exit 1

Both replicas applied the same single update, r1's increment, but r2 applied it twice:
replicas with the same updates disagree. Every state is judged, not only quiet ones.
"""

from evcheck import Spec, strong_eventual_consistency
from evcheck.models import OpCounter

spec = Spec(
    OpCounter,
    replicas=2,
    ops_per_replica=1,
    faults={"dup": 1},
    properties=[strong_eventual_consistency],
    description="op-based counter, one duplicated message, strong eventual consistency",
)
