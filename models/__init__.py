"""The protocol library: replication techniques written in the evcheck DSL (public API only)."""

from .counter import (
    CounterState,
    GCounter,
    Increment,
    IncrementAck,
    OpCounter,
    RetransmittingCounter,
    TaggedIncrement,
)
from .failover import (
    Failover,
    Replicate,
    SteppingDownFailover,
    SuspectingFailover,
    TimeoutFailover,
    at_most_one_primary,
)
from .lww import (
    Ack,
    AntiEntropyLWW,
    LamportLWW,
    NoTiebreakLWW,
    RetryLWW,
    SyncRequest,
    TimedUpdate,
    Update,
    VolatileStampLWW,
    WallClockLWW,
    later_write_wins,
)
from .register import KeyUpdate, LWWRegister, LWWStore, UnorderedStore

__all__ = [
    "Ack",
    "AntiEntropyLWW",
    "CounterState",
    "Failover",
    "GCounter",
    "Increment",
    "IncrementAck",
    "KeyUpdate",
    "LWWRegister",
    "LWWStore",
    "LamportLWW",
    "NoTiebreakLWW",
    "OpCounter",
    "Replicate",
    "RetransmittingCounter",
    "RetryLWW",
    "SteppingDownFailover",
    "SuspectingFailover",
    "SyncRequest",
    "TaggedIncrement",
    "TimedUpdate",
    "TimeoutFailover",
    "UnorderedStore",
    "Update",
    "VolatileStampLWW",
    "WallClockLWW",
    "at_most_one_primary",
    "later_write_wins",
]
