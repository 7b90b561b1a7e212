"""An LWW register used by a session that moves between replicas (broken on purpose).

    evcheck verify specs/register_roaming.py     # exit 1

The session writes at r1, then reads at r2 before r2 has heard of the write: it does
not read its own write.
"""

from evcheck import Spec, read_your_writes
from evcheck.models import LWWRegister

spec = Spec(
    LWWRegister,
    replicas=2,
    sessions={"s1": "*"},
    ops_per_session=2,
    properties=[read_your_writes],
    description="LWW register, one roaming session",
)
