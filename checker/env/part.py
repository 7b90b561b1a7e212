"""The interface every part of the environment implements.

A world is a flat tuple of small ints: one interned local state ("slot") per replica,
one interned global state, then the in-flight envelopes as a sorted multiset:

    (slot_1, ..., slot_n, global, envelope, envelope, ...)

The global state is `(failure, component, component, ...)`: each part that needs
global state (a fault budget spent, who is down, the active partition, the client
sessions) owns one component and nothing else; the semantics composes them. A part
contributes its actions to a state's successors (`expand`), may restrict which
messages can be delivered (`link`), says whether its state lets the system be quiet
(`quiet`), shows its state in traces (`view`) and reports which fault kind it
exercised. Adding a fault kind is one new part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..plan import Plan
from .info import DELIVER, DROP, HOLD, LOSE, NO_STATE, Distinct, EnvInfo, Labels, Successors
from .tables import Tables

__all__ = [
    "DELIVER",
    "DROP",
    "HOLD",
    "LOSE",
    "NO_STATE",
    "Distinct",
    "EnvInfo",
    "Labels",
    "Part",
    "Successors",
    "ViewItem",
]


@dataclass(frozen=True)
class ViewItem:
    """One line of a state as people read it: `order` sorts items from different parts."""

    order: int
    name: str
    shown: str
    raw: Any = None
    has_raw: bool = False


class Part:
    """Base class of an environment part (see the module docstring)."""

    name = "part"
    fault: str | None = None  # the fault kind it injects (for "exercised" reports)

    def __init__(self, plan: Plan, tables: Tables) -> None:
        self.plan = plan
        self.tables = tables
        self.n = plan.n
        self.gindex = -1  # position of this part's component in the global state
        self.exercised = False

    # -- global state -------------------------------------------------------------

    def start(self) -> Any:
        """The initial global component, or NO_STATE."""
        return NO_STATE

    def up(self, component: Any) -> tuple[bool, ...] | None:
        """Which replicas are up, if this part decides it."""
        return None

    def link(self, component: Any, src: int, dst: int) -> int:
        """The fate of a message from `src` to `dst` (0-based) under this component."""
        return DELIVER

    def quiet(self, component: Any) -> bool:
        """Whether this component lets the system count as quiescent."""
        return True

    def active(self, component: Any) -> bool:
        """Whether this part may have actions in a global state with this component (a
        spent budget rules a fault out for every state below it, so it is asked once per
        global state, not once per state)."""
        return True

    def step(self, component: Any, event: Any) -> Any:
        """The component after `event` (one of the events this part passes to `gmove`)."""
        raise NotImplementedError(f"{self.name} has no global events")

    def permute(self, component: Any, positions: Sequence[int]) -> Any:
        """The component with replica i moved to `positions[i]` (replica symmetry)."""
        return component

    # -- transitions --------------------------------------------------------------

    def expand(
        self,
        world: tuple[int, ...],
        fp: int,
        info: EnvInfo,
        distinct: Distinct,
        out: Successors,
        labels: Labels,
    ) -> None:
        """Append this part's successors of `world` (and their Actions, if `labels`).
        `distinct` lists (position, envelope) of the first copy of each in-flight envelope."""

    # -- presentation -------------------------------------------------------------

    def view_env(self, world: tuple[int, ...], component: Any) -> list[ViewItem]:
        """This part's lines of the environment in a trace."""
        return []

    def view_replica(self, i: int, slot: Any, component: Any) -> list[ViewItem]:
        """This part's lines of replica i's state in a trace."""
        return []

    def component(self, g: int) -> Any:
        """This part's component of global state `g`."""
        return self.tables.globs[g][self.gindex]
