"""Stable 64-bit fingerprints.

A world's fingerprint is the sum (mod 2**64) of one key per component: a replica
slot keyed by its position and value, the global slot, and one key per in-flight
envelope (a sum, so the network is hashed as a multiset). Keys come from BLAKE2b over
the canonical encoding, so every process computes the same fingerprint for the same
world, whatever order it interned values in. Because the fingerprint is a sum, a
transition's effect on it is a constant delta that the semantics caches with the
transition itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .values import encode

MASK = (1 << 64) - 1


def key(domain: bytes, value: Any) -> int:
    """The 64-bit key of `value` in `domain` (domains keep equal values in different roles apart)."""
    return key_of_encoding(domain, encode(value))


def key_of_encoding(domain: bytes, code: bytes) -> int:
    """`key(domain, value)` from `encode(value)`, when the encoding is at hand."""
    digest = hashlib.blake2b(code, digest_size=8, person=domain[:16]).digest()
    return int.from_bytes(digest, "little")


def collision_probability(states: int) -> float:
    """Probability that two of `states` distinct states share a 64-bit fingerprint (birthday bound)."""
    return states * (states - 1) / 2 / 2.0**64
