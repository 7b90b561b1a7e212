"""Moving worlds between processes (the parallel engine).

Interned ids mean nothing to another process, and re-sending every value with every
state would cost more than exploring it. A world therefore travels as the sender's
ids, and the value behind each id travels once, the first time that peer needs it;
the receiver keeps a translation table per sender. Values are re-interned by their
canonical encoding, so the same world gets the same ids' meaning in every process.
"""

from __future__ import annotations

from typing import Any

from .env.tables import Tables

SLOT, GLOB, ENVELOPE = range(3)


class Packer:
    """Dictionary coding of worlds sent to one other process."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self._sent: tuple[set[int], set[int], set[int]] = (set(), set(), set())

    def pack(self, world: tuple[int, ...], defs: list[tuple[int, int, Any]]) -> tuple[int, ...]:
        """The world as ids; definitions the peer lacks are appended to `defs`."""
        tables = self.tables
        n = tables.n
        slots, globs, envs = self._sent
        for s in world[:n]:
            if s not in slots:
                slots.add(s)
                defs.append((SLOT, s, tables.slots[s]))
        g = world[n]
        if g not in globs:
            globs.add(g)
            defs.append((GLOB, g, tables.globs[g]))
        for e in world[n + 1 :]:
            if e not in envs:
                envs.add(e)
                defs.append((ENVELOPE, e, tables.envs[e]))
        return world


class Unpacker:
    """Decodes worlds from one other process's `Packer` into this process's ids."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self._maps: tuple[dict[int, int], dict[int, int], dict[int, int]] = ({}, {}, {})

    def define(self, defs: list[tuple[int, int, Any]]) -> None:
        tables = self.tables
        slots, globs, envs = self._maps
        for kind, their_id, value in defs:
            if kind == SLOT:
                slots[their_id] = tables.intern_slot(value)
            elif kind == GLOB:
                globs[their_id] = tables.intern_glob(value)
            else:
                envs[their_id] = tables.intern_env(value)

    def unpack(self, packed: tuple[int, ...]) -> tuple[int, ...]:
        n = self.tables.n
        slots, globs, envs = self._maps
        return (
            *[slots[s] for s in packed[:n]],
            globs[packed[n]],
            *sorted([envs[e] for e in packed[n + 1 :]]),
        )


class Transport:
    """Coders of worlds for the parallel engine: one packer and unpacker per peer."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def packer(self) -> Packer:
        return Packer(self.tables)

    def unpacker(self) -> Unpacker:
        return Unpacker(self.tables)
