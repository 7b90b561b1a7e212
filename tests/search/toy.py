"""A transition system written without the DSL: the engines must need nothing more."""

from __future__ import annotations

from typing import ClassVar

from evcheck.model import Action, Node, StateView


class Grid:
    """A walker on a w x h grid, moving right or up; `bad` cells violate property 0."""

    property_names: ClassVar[list[str]] = ["avoid"]

    def __init__(self, w: int, h: int, bad: frozenset[tuple[int, int]] = frozenset()) -> None:
        self.w, self.h, self.bad = w, h, bad

    def initial(self) -> list[Node]:
        return [((0, 0), 0)]

    def successors(self, node: Node) -> list[Node]:
        (x, y), _ = node
        out = []
        if x + 1 < self.w:
            out.append(((x + 1, y), (x + 1) * 1000 + y))
        if y + 1 < self.h:
            out.append(((x, y + 1), x * 1000 + y + 1))
        return out

    def check(self, state: tuple[int, int]) -> int | None:
        return 0 if state in self.bad else None

    lanes: ClassVar[list[str]] = ["walker"]

    def actions(self, state: tuple[int, int]) -> list[Action]:
        x, y = state
        moves = (["right"] if x + 1 < self.w else []) + (["up"] if y + 1 < self.h else [])
        return [Action(m, "move", actor="walker") for m in moves]

    def explain(self, state: tuple[int, int], prop: int) -> str:
        return f"reached {state}"

    def view(self, state: tuple[int, int]) -> StateView:
        return StateView({"walker": {"x": str(state[0]), "y": str(state[1])}})
