"""Facts the parts of the environment share about a global state, and the shapes of
their results. (Kept apart from `part.py` so that the tables can use them without
importing the parts.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..model import Action

# What happens to a message on a link (src, dst), by the global state. Ordered by
# precedence: the first part that does not answer DELIVER decides.
DELIVER = 0
HOLD = 1  # it stays in flight until the link allows it
LOSE = 2  # it may be lost on arrival: the receiver is down
DROP = 3  # it may be dropped: a partition cuts the link

# Successors are (world, fingerprint); labels (when asked for) are the Actions, in order.
Successors = list[tuple[tuple[int, ...], int]]
Labels = list[Action] | None

Distinct = list[tuple[int, int]]

NO_STATE = object()  # what `start` returns for a part without global state


@dataclass(frozen=True)
class EnvInfo:
    """Facts about one global state that every successor computation reads, computed once
    when the global state is interned."""

    failed: bool
    up: tuple[bool, ...]
    links: tuple[int, ...]  # n*n link verdicts, row = sender
    quiet: bool  # no part holds the system away from quiescence (no partition, nobody down)
    active: tuple[Any, ...]  # the parts that may have actions here, in enumeration order


class Stateful(Protocol):
    """What the tables need of a part: its place in the global state and the functions
    of its component (implemented by `evcheck.env.part.Part`)."""

    gindex: int

    def start(self) -> Any: ...

    def active(self, component: Any) -> bool: ...

    def step(self, component: Any, event: Any) -> Any: ...

    def up(self, component: Any) -> tuple[bool, ...] | None: ...

    def link(self, component: Any, src: int, dst: int) -> int: ...

    def quiet(self, component: Any) -> bool: ...
