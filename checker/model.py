"""The transition system: all the explorer ever sees.

A node is a pair (state, fingerprint). States are opaque to the explorer; the
fingerprint is a stable 64-bit int that identifies the state. `successors` returns
nodes in a deterministic order, and a successor's position in that list is the
action index stored in parent pointers: replaying the indices from an initial state
rebuilds a trace without ever storing one.
"""

from __future__ import annotations

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
    # (replica, kind, key, value, failed) for the history; a request's invocation has
    # replica "" and its argument as value.
    event: tuple[Any, ...] | None = None
    request: int | None = None  # the request number, when the operation is a request
    # Replies a handler made in this step: (session, request number, value, completed?);
    # a reply to a request that was no longer pending did not complete it.
    replies: tuple[tuple[str, int, Any, bool], ...] = ()


class TransitionSystem(Protocol):
    """What an engine explores: initial nodes, successors, and a property check.

    Nothing else: symmetry is a wrapper that changes fingerprints, transport between
    processes is handed to the parallel engine separately, and presentation (action
    labels, state views, explanations) belongs to traces and reports.
    """

    def initial(self) -> list[Node]:
        """The initial nodes."""
        ...

    def successors(self, node: Node) -> list[Node]:
        """All successor nodes, in a deterministic order (the action index is the position)."""
        ...

    def check(self, state: State) -> int | None:
        """Index of a property the state violates, or None."""
        ...


class Inspectable(TransitionSystem, Protocol):
    """A transition system whose actions and states can be shown (traces, replay)."""

    def actions(self, state: State) -> list[Action]:
        """The actions of `state`, in the same order as `successors`."""
        ...

    def view(self, state: State) -> StateView:
        """The state for display."""
        ...
