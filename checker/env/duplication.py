"""Duplication: any in-flight message may be copied, up to `dup=N` messages per execution;
the receiver's handler then sees both copies."""

from __future__ import annotations

from .budget import EnvelopeFault


class Duplication(EnvelopeFault):
    name = "duplication"
    fault = "dup"
    kind = "duplicate"
    removes = False
    view_order = 31
