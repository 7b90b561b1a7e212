"""Graph helpers of the monitors: reachability and cycles, iterative (histories can be
long; recursion would overflow)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def closure(start: Iterable[Any], deps: Mapping[Any, Iterable[Any]]) -> set[Any]:
    """Everything reachable from `start` through `deps`, `start` included."""
    out: set[Any] = set()
    todo = list(start)
    while todo:
        node = todo.pop()
        if node in out:
            continue
        out.add(node)
        todo.extend(deps.get(node, ()))
    return out


def find_cycle(edges: Iterable[tuple[Any, Any]]) -> list[Any] | None:
    """A cycle (first node repeated at the end), deterministic for equal edge sets."""
    graph: dict[Any, list[Any]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    for successors in graph.values():
        successors.sort(key=repr)
    done = object()
    colour: dict[Any, int] = {}  # 1: on the current path, 2: done
    for root in sorted(graph, key=repr):
        if root in colour:
            continue
        path = [root]
        colour[root] = 1
        iterators = [iter(graph.get(root, ()))]
        while iterators:
            nxt = next(iterators[-1], done)
            if nxt is done:
                colour[path.pop()] = 2
                iterators.pop()
                continue
            if colour.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in colour:
                colour[nxt] = 1
                path.append(nxt)
                iterators.append(iter(graph.get(nxt, ())))
    return None
