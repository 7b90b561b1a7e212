"""Traces: rebuilt by replaying action indices from an initial state (engines store no paths)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ReplayError
from .model import Node, StateView, TransitionSystem


@dataclass(frozen=True)
class Step:
    """State number `index` of a trace, reached by `action` (None for the initial state)."""

    index: int
    action: str | None
    state: Any
    view: StateView


@dataclass(frozen=True)
class Trace:
    steps: tuple[Step, ...]

    @property
    def actions(self) -> list[str]:
        return [s.action for s in self.steps[1:] if s.action is not None]

    def __len__(self) -> int:
        """The number of actions (transitions) in the trace."""
        return len(self.steps) - 1


def replay(system: TransitionSystem, path: tuple[int, ...]) -> Trace:
    """Re-execute a path (initial index, then action indices) and record every state."""
    if not path:
        raise ReplayError("an empty path has no initial state")
    initial = system.initial()
    if not 0 <= path[0] < len(initial):
        raise ReplayError(f"initial state {path[0]} does not exist ({len(initial)} initial states)")
    node: Node = initial[path[0]]
    steps = [Step(0, None, node[0], system.view(node[0]))]
    for number, action in enumerate(path[1:], start=1):
        succs = system.successors(node)
        if not 0 <= action < len(succs):
            raise ReplayError(
                f"step {number}: action {action} does not exist ({len(succs)} enabled)"
            )
        label = system.action_labels(node[0])[action]
        node = succs[action]
        steps.append(Step(number, label, node[0], system.view(node[0])))
    return Trace(tuple(steps))
