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
    """A state as people read it: named components with their fields, plus what is in flight.

    `values` and `messages` carry the same content as Python values (for ITF and
    other machine formats); `components` and `in_flight` are their renderings.
    """

    components: dict[str, dict[str, str]]
    in_flight: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: list[tuple[str, str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Action:
    """An action as people read it, with what a sequence chart needs to draw it.

    `kind` is one of: op, timer, deliver, drop, lose, duplicate, crash, recover,
    partition, heal, tick (or anything a non-DSL system invents). `actor` is the
    lane of a local event; `src`/`dst`/`message` describe a message's path; `session`
    and `event` describe a client operation for the history.
    """

    label: str
    kind: str
    actor: str | None = None
    src: str | None = None
    dst: str | None = None
    message: str | None = None
    session: str | None = None  # the client session that issued an operation
    event: tuple[Any, ...] | None = None  # (replica, "read"/"write", key, value) for the history


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

    def actions(self, state: State) -> list[Action]:
        """The actions of `state`, in the same order as `successors`."""
        ...

    def packer(self) -> Any:
        """For the parallel engine: an object whose `pack(state, defs)` codes a state for one
        other process (returning something picklable, appending definitions to `defs`)."""
        ...

    def unpacker(self) -> Any:
        """The matching decoder: `define(defs)` then `unpack(packed)` gives the state here."""
        ...

    @property
    def lanes(self) -> Sequence[str]:
        """The components a sequence chart draws a lane for (replicas, sessions)."""
        ...

    def explain(self, state: State, prop: int) -> str:
        """Why `state` violates property `prop`, in words."""
        ...

    def view(self, state: State) -> StateView:
        """The state for display."""
        ...
