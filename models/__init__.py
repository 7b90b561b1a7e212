"""The protocol library: replication techniques written in the evcheck DSL (public API only)."""

from .lww import LamportLWW, NoTiebreakLWW, Update

__all__ = ["LamportLWW", "NoTiebreakLWW", "Update"]
