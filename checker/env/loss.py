"""Message loss: any in-flight message may vanish, up to `loss=N` messages per execution."""

from __future__ import annotations

from .budget import EnvelopeFault


class Loss(EnvelopeFault):
    name = "loss"
    fault = "loss"
    kind = "drop"
    removes = True
    view_order = 30
