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
    "GCounter",
    "Increment",
    "IncrementAck",
    "KeyUpdate",
    "LWWRegister",
    "LWWStore",
    "LamportLWW",
    "NoTiebreakLWW",
    "OpCounter",
    "RetransmittingCounter",
    "RetryLWW",
    "SyncRequest",
    "TaggedIncrement",
    "TimedUpdate",
    "UnorderedStore",
    "Update",
    "VolatileStampLWW",
    "WallClockLWW",
    "later_write_wins",
]
