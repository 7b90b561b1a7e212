"""Envelopes: messages in flight.

The network is part of the world state as a canonical multiset (a sorted tuple of
interned envelope ids); reordering is the baseline semantics, since any in-flight
envelope may be delivered next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..display import show
from ..fingerprint import key
from ..values import ReplicaId


@dataclass(frozen=True)
class Envelope:
    """A message from `src` to `dst`."""

    src: ReplicaId
    dst: ReplicaId
    msg: Any
    # Ghost, tracked only when strong eventual consistency is checked: the updates whose
    # effect this message carries.
    payload: frozenset[Any] = frozenset()

    def __str__(self) -> str:
        return f"{self.src!r}->{self.dst!r} {show(self.msg)}"


# The destination of replies: the client sessions, not a replica. A reply is interned as
# an envelope to CLIENT so that memoised handler results carry it like any send; the
# composer takes it out of the network in the step that made it (it completes a request
# at once, it never travels).
CLIENT = ReplicaId(0)


@dataclass(frozen=True)
class Reply:
    """A handler's reply to a client request (see `Replica.reply`)."""

    request: Any
    value: Any

    def __repr__(self) -> str:
        return f"reply {self.value!r} to {self.request!r}"


def envelope_key(env: Envelope) -> int:
    """An envelope's fingerprint key; the ghost payload counts only when tracked."""
    parts: tuple[Any, ...] = (env.src, env.dst, env.msg)
    if env.payload:
        parts += (env.payload,)
    return key(b"evcheck.env", parts)
