"""The environment a protocol runs in, one part per module: client operations
(`clients`, `sessions`), `timers`, the `network`, the faults (`loss`, `duplication`,
`crashes`, `partitions`, `clocks`) and the failure `detectors`. Each part owns its
state and its actions behind `Part`; `evcheck.semantics` composes them into a
transition system.
"""

from .clients import ReplicaClients
from .clocks import Clocks
from .crashes import Crashes
from .detectors import Detectors
from .duplication import Duplication
from .envelope import Envelope, envelope_key
from .loss import Loss
from .network import Network
from .part import EnvInfo, Part, ViewItem
from .partitions import Partitions
from .sessions import Sessions
from .tables import HandlerFailure, Tables
from .timers import Timers

__all__ = [
    "Clocks",
    "Crashes",
    "Detectors",
    "Duplication",
    "EnvInfo",
    "Envelope",
    "HandlerFailure",
    "Loss",
    "Network",
    "Part",
    "Partitions",
    "ReplicaClients",
    "Sessions",
    "Tables",
    "Timers",
    "ViewItem",
    "envelope_key",
]
