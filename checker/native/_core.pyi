"""Type stubs of the compiled exploration core (native/src/lib.rs)."""

from collections.abc import Callable, Sequence
from typing import Any

class Core:
    def __init__(
        self,
        adapter: Any,
        n: int,
        por: bool,
        conv: int,
        slot_props: bool,
        has_timers: bool,
        max_time: int,
        group: int,
        requests: bool = False,
        env_props: bool = False,
        expected: bool = False,
        record: bool = False,
    ) -> None: ...
    @property
    def exercised(self) -> int: ...
    @property
    def store_bytes(self) -> int: ...
    @property
    def partial(self) -> tuple[int, int, int, int]: ...
    @property
    def premises(self) -> tuple[int, int, int, list[int]]: ...
    @property
    def initial_nodes(self) -> list[int]: ...
    def graph(self) -> Graph: ...
    def nodes_of(self, fps: list[int]) -> list[int]: ...
    def explore(
        self,
        initial: Sequence[tuple[Sequence[int], int]],
        dfs: bool,
        max_states: int,
        max_depth: int,
        max_seconds: float,
        workers: int,
        violation: Callable[[int, tuple[int, ...], tuple[int, ...] | None, int | None], bool],
        progress: Callable[[int, int, int, float, int], str | None] | None,
        progress_every: int,
        predicates: tuple[int, Callable[[tuple[int, ...]], int] | None, bool] | None = None,
    ) -> tuple[str, int, int, int, int, int, str | None]: ...
    def simulate(
        self,
        initial: Sequence[tuple[Sequence[int], int]],
        runs: int,
        depth: int,
        mt_state: Sequence[int],
        mt_pos: int,
        max_states: int,
        max_seconds: float,
        violation: Callable[[int, tuple[int, ...], tuple[int, ...] | None, int | None], bool],
        progress: Callable[[int, int, int, float, int], str | None] | None = None,
    ) -> tuple[str, int, int, int, int, str | None]: ...

def mt_randbelow(
    words: Sequence[int], index: int, bounds: Sequence[int]
) -> tuple[list[int], list[int], int]: ...

class Graph:
    def __init__(
        self,
        first: bytes,
        last: bytes,
        targets: bytes,
        kinds: bytes,
        bits: bytes,
        expanded: bytes,
    ) -> None: ...
    def __len__(self) -> int: ...
    @property
    def edges(self) -> int: ...
    def array(self, which: int) -> bytes: ...
    def components(
        self, allowed: bytes, edge_ok: bytes, roots: list[int] | None = None
    ) -> list[list[int]]: ...
    def fair_ends(
        self,
        allowed: bytes,
        edge_ok: bytes,
        class_of: list[int],
        weak: int,
        strong: int,
    ) -> list[list[int]]: ...
    def stops(self, fair: bytes) -> list[int]: ...
    def count(self, mask: int) -> int: ...
    def without(self, mask: int) -> bytes: ...
