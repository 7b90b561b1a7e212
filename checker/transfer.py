"""Moving worlds between processes (the parallel engine).

Interned ids mean nothing to another process, and re-sending every value with every
state would cost more than exploring it. A world therefore travels as the sender's
ids, and the value behind each id travels once, the first time that peer needs it;
the receiver keeps a translation table per sender.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .system import System


class Packer:
    """Dictionary coding of worlds sent to one other process."""

    def __init__(self, system: System) -> None:
        self.system = system
        self._sent: tuple[set[int], set[int], set[int]] = (set(), set(), set())

    def pack(self, world: tuple[int, ...], defs: list[tuple[int, int, Any]]) -> tuple[int, ...]:
        """The world as ids; definitions the peer lacks are appended to `defs`."""
        system = self.system
        n = system.n
        slots, globs, envs = self._sent
        for s in world[:n]:
            if s not in slots:
                slots.add(s)
                defs.append((0, s, system._slots[s]))
        g = world[n]
        if g not in globs:
            globs.add(g)
            defs.append((1, g, system._globs[g]))
        for e in world[n + 1 :]:
            if e not in envs:
                envs.add(e)
                defs.append((2, e, system._envs[e]))
        return world


class Unpacker:
    """Decodes worlds from one other process's `Packer` into this process's ids."""

    def __init__(self, system: System) -> None:
        self.system = system
        self._maps: tuple[dict[int, int], dict[int, int], dict[int, int]] = ({}, {}, {})

    def define(self, defs: list[tuple[int, int, Any]]) -> None:
        system = self.system
        slots, globs, envs = self._maps
        for kind, their_id, value in defs:
            if kind == 0:
                slots[their_id] = system._intern_slot(value)
            elif kind == 1:
                globs[their_id] = system._intern_glob(value)
            else:
                envs[their_id] = system._intern_env(value)

    def unpack(self, packed: tuple[int, ...]) -> tuple[int, ...]:
        n = self.system.n
        slots, globs, envs = self._maps
        return (
            *[slots[s] for s in packed[:n]],
            globs[packed[n]],
            *sorted([envs[e] for e in packed[n + 1 :]]),
        )
