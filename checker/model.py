"""The transition system: all the explorer ever sees.

A node is a pair (state, fingerprint). States are opaque to the explorer; the
fingerprint is a stable 64-bit int that identifies the state. `successors` returns
nodes in a deterministic order, and a successor's position in that list is the
action index stored in parent pointers: replaying the indices from an initial state
rebuilds a trace without ever storing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

State = Any
Node = tuple[Any, int]


@dataclass(frozen=True)
class StateView:
    """A state as people read it: named components with their fields, plus what is in flight."""

    components: dict[str, dict[str, str]]
    in_flight: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class TransitionSystem(Protocol):
    """What an engine explores. Implemented by `evcheck.system.System` for DSL specs."""

    @property
    def property_names(self) -> Sequence[str]: ...

    def initial(self) -> list[Node]:
        """The initial nodes."""
        ...

    def successors(self, node: Node) -> list[Node]:
        """All successor nodes, in a deterministic order (the action index is the position)."""
        ...

    def check(self, state: State) -> int | None:
        """Index (into `property_names`) of a property the state violates, or None."""
        ...

    def action_labels(self, state: State) -> list[str]:
        """Labels of the actions of `state`, in the same order as `successors`."""
        ...

    def explain(self, state: State, prop: int) -> str:
        """Why `state` violates property `prop`, in words."""
        ...

    def view(self, state: State) -> StateView:
        """The state for display."""
        ...
