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
    ) -> None: ...
    @property
    def exercised(self) -> int: ...
    @property
    def store_bytes(self) -> int: ...
    @property
    def partial(self) -> tuple[int, int]: ...
    @property
    def premises(self) -> tuple[int, int, int, list[int]]: ...
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
    ) -> tuple[str, int, int, int, int, int, str | None]: ...
