"""Last-writer-wins stamped with physical clocks, under clock skew (broken on purpose).

    evcheck verify specs/lww_wallclock.py                  # exit 1
    evcheck verify specs/lww_wallclock.py --faults none    # verifies without skew

A replica whose clock runs one tick ahead stamps its write higher than a write made
later in real time by a replica with an accurate clock: the later write is lost.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models import WallClockLWW, later_write_wins

spec = Spec(
    WallClockLWW,
    replicas=2,
    values=("a", "b"),
    ops_per_replica=1,
    max_time=2,
    faults={"skew": 1},
    properties=[later_write_wins, quiescent_convergence],
    description="wall-clock LWW register, clocks skewed by up to one tick",
)
