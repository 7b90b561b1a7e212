"""Traces: rebuilt by replaying action indices from an initial state (engines store no paths)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ReplayError
from .model import Action, Inspectable, Node, StateView


@dataclass(frozen=True)
class Step:
    """State number `index` of a trace, reached by `action` (None for the initial state)."""

    index: int
    action: str | None
    state: Any
    view: StateView
    detail: Action | None = None


@dataclass(frozen=True)
class Trace:
    steps: tuple[Step, ...]

    @property
    def actions(self) -> list[str]:
        return [s.action for s in self.steps[1:] if s.action is not None]

    def __len__(self) -> int:
        """The number of actions (transitions) in the trace."""
        return len(self.steps) - 1


def replay(system: Inspectable, path: tuple[int, ...]) -> Trace:
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
        detail = system.actions(node[0])[action]
        node = succs[action]
        steps.append(Step(number, detail.label, node[0], system.view(node[0]), detail))
    return Trace(tuple(steps))


@dataclass(frozen=True)
class LabelReplay:
    """The outcome of following recorded action labels from an initial state.

    `trace` holds the steps that applied; when an action was not enabled, `stuck_at`
    is its step number and `enabled` lists what was enabled instead. `violation` is
    the first (step, property index) where the system's check failed, if any.
    """

    trace: Trace
    stuck_at: int | None = None
    stuck_action: str | None = None
    enabled: tuple[str, ...] = ()
    violation: tuple[int, int] | None = None


def replay_labels(
    system: Inspectable,
    initial: int,
    labels: Sequence[str],
    stop_at_violation: bool = True,
    skip_disabled: bool = False,
) -> LabelReplay:
    """Follow actions by label (not index, so traces survive unrelated spec changes).

    With `skip_disabled`, an action that is not enabled is left out instead of
    stopping the replay (shrinking uses this: dropping a send drops its deliveries).
    """
    nodes = system.initial()
    if not 0 <= initial < len(nodes):
        raise ReplayError(f"initial state {initial} does not exist ({len(nodes)} initial states)")
    node: Node = nodes[initial]
    steps = [Step(0, None, node[0], system.view(node[0]))]
    violation: tuple[int, int] | None = None
    prop = system.check(node[0])
    if prop is not None:
        violation = (0, prop)
        if stop_at_violation:
            return LabelReplay(Trace(tuple(steps)), violation=violation)
    for number, label in enumerate(labels, start=1):
        actions = system.actions(node[0])
        index = next((k for k, a in enumerate(actions) if a.label == label), None)
        if index is None and skip_disabled:
            continue
        if index is None:
            return LabelReplay(
                Trace(tuple(steps)),
                stuck_at=number,
                stuck_action=label,
                enabled=tuple(a.label for a in actions),
                violation=violation,
            )
        node = system.successors(node)[index]
        step_number = len(steps)
        steps.append(Step(step_number, label, node[0], system.view(node[0]), actions[index]))
        if violation is None:
            prop = system.check(node[0])
            if prop is not None:
                violation = (step_number, prop)
                if stop_at_violation:
                    break
    return LabelReplay(Trace(tuple(steps)), violation=violation)
