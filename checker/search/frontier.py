"""Frontiers: where discovered states wait to be expanded. The order of the frontier is
the only difference between breadth-first and depth-first search.

A frontier is told each expansion's new successors in discovery order, as a list in
which a violating successor (stored, but never expanded) is None, with the number of
the first one (the successors are numbered consecutively). `drain` hands out
`(node, number, depth)` until the frontier is empty, including what was added while
draining.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from ..model import Node

Item = tuple[Node, int, int]


class Fifo:
    """Breadth first: states leave in discovery order, so the first violation found is at
    minimal depth, and a state's number is its position in the queue: no numbers or
    depths are stored. Two parallel queues hold each node's state and the rest of the
    node (for a plain node, its fingerprint): keeping each node's tuple alive would cost
    56 bytes more per queued state, at up to millions of them."""

    ordered_by_depth = True

    def __init__(self) -> None:
        self._states: deque[Any] = deque()
        self._rests: deque[Any] = deque()
        self._pair = True
        self._added = 0

    def __len__(self) -> int:
        return len(self._states)

    def add(self, children: list[Node | None], first: int, depth: int) -> None:
        self._added += len(children)
        if first == 0:  # the initial nodes: every node of a system has their shape
            self._pair = all(c is None or len(c) == 2 for c in children)
        push_state = self._states.append
        push_rest = self._rests.append
        pair = self._pair
        for child in children:
            if child is None:
                push_state(None)
                push_rest(None)
            else:
                push_state(child[0])
                push_rest(child[1] if pair else child[1:])

    def drain(self) -> Iterator[Item]:
        states = self._states
        pop_state = states.popleft
        pop_rest = self._rests.popleft
        number = 0
        depth = 0
        next_level = self._added  # the first number one level deeper
        while states:
            if number == next_level:
                depth += 1
                next_level = self._added
            state = pop_state()
            rest = pop_rest()
            if state is not None:
                node = (state, rest) if self._pair else (state, *rest)
                yield node, number, depth
            number += 1


class Lifo:
    """Depth first: the last discovered state is expanded next, first successor first.
    Finds the same states as breadth-first search when it runs to completion; with a
    depth bound, a state first met deep is not expanded again when met shallower."""

    ordered_by_depth = False

    def __init__(self) -> None:
        self._stack: list[Item] = []

    def __len__(self) -> int:
        return len(self._stack)

    def add(self, children: list[Node | None], first: int, depth: int) -> None:
        items = [(child, first + j, depth) for j, child in enumerate(children) if child is not None]
        items.reverse()
        self._stack.extend(items)

    def drain(self) -> Iterator[Item]:
        stack = self._stack
        pop = stack.pop
        while stack:
            yield pop()
