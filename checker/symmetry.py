"""Symmetry reduction: worlds that differ only by renaming replicas or symmetric values
are explored once.

The reduction is a canonicalisation of fingerprints, not of states. A node becomes
(world, canonical fingerprint, concrete fingerprint): the canonical fingerprint (the
smallest over the symmetry group) is what the explorer's visited set sees, while the
world stays the concrete one reached. Every stored state is therefore a real state, and
a counterexample found in the reduced space replays as a concrete execution with no
extra work. Soundness needs the protocol and properties to treat the permuted things
alike: symmetric values (`symmetric_values`) refuse to be ordered, and under replica
symmetry so do replica ids, so a protocol that breaks the symmetry stops with an error
instead of producing a wrong verdict.

Per group element the fingerprint of the permuted world is a sum of per-component keys
(replica slot at its new position, the environment, each envelope), kept in tables that
grow as the system interns new components.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from operator import getitem
from typing import Any

from .env.envelope import Envelope, envelope_key
from .env.tables import glob_key
from .fingerprint import MASK, key
from .model import Node
from .semantics import Semantics
from .values import ModelValue, ReplicaId, rename


class Permutation:
    """One group element: where each replica goes, and how symmetric values are swapped."""

    def __init__(
        self, positions: tuple[int, ...], ids: Sequence[ReplicaId], values: dict[Any, Any]
    ) -> None:
        self.positions = positions  # replica at position i moves to position positions[i]
        self.replicas = {int.__int__(ids[i]): ids[positions[i]] for i in range(len(ids))}
        self.values = values

    def rename(self, value: Any) -> Any:
        return rename(value, self.replicas, self.values)


class Symmetric:
    """A `Semantics` whose fingerprints are canonical under a symmetry group."""

    def __init__(self, system: Semantics) -> None:
        self.system = system
        self.tables = system.tables
        self.n = system.n
        kinds = system.plan.symmetry
        value_sets = [
            list(v)
            for v in system.plan.params.values()
            if "values" in kinds
            and isinstance(v, tuple)
            and v
            and all(isinstance(x, ModelValue) for x in v)
        ]
        position_perms = (
            list(itertools.permutations(range(self.n)))
            if "replicas" in kinds
            else [tuple(range(self.n))]
        )
        value_perms: list[dict[Any, Any]] = [{}]
        for values in value_sets:
            value_perms = [
                {**mapping, **dict(zip(values, perm, strict=True))}
                for mapping in value_perms
                for perm in itertools.permutations(values)
            ]
        self.group = [
            Permutation(positions, system.ids, mapping)
            for positions in position_perms
            for mapping in value_perms
        ]
        # The identity is first; its fingerprint is the concrete one.
        self._others = self.group[1:]
        self._slot_keys: list[list[list[int]]] = [[[] for _ in range(self.n)] for _ in self._others]
        self._glob_keys: list[list[int]] = [[] for _ in self._others]
        self._env_keys: list[list[int]] = [[] for _ in self._others]
        self._tables = list(zip(self._slot_keys, self._env_keys, self._glob_keys, strict=True))
        self.property_names = system.property_names
        self.check = system.check

    @property
    def size(self) -> int:
        return len(self.group)

    # ------------------------------------------------------------------ key tables

    def _grow(self) -> None:
        """Extend the per-permutation key tables to everything the tables have interned."""
        tables = self.tables
        for k, perm in enumerate(self._others):
            rows = self._slot_keys[k]
            for i in range(self.n):
                row = rows[i]
                for sid in range(len(row), len(tables.slots)):
                    moved = perm.rename(tables.slots[sid])
                    row.append(key(b"evcheck.slot", (perm.positions[i], moved)))
            globs = self._glob_keys[k]
            for gid in range(len(globs), len(tables.globs)):
                globs.append(glob_key(self._permute_glob(tables.globs[gid], perm)))
            envs = self._env_keys[k]
            for eid in range(len(envs), len(tables.envs)):
                env = tables.envs[eid]
                moved_env = Envelope(
                    perm.replicas[int.__int__(env.src)],
                    perm.replicas[int.__int__(env.dst)],
                    perm.rename(env.msg),
                    perm.rename(env.payload),
                )
                envs.append(envelope_key(moved_env))

    def keys_of_slot(self, sid: int) -> list[int]:
        """Slot sid's key at each position under every non-identity element, element-major
        (`[k * n + i]`), for the native core's canonical fingerprints."""
        if len(self._slot_keys[0][0]) <= sid:
            self._grow()
        return [rows[i][sid] for rows in self._slot_keys for i in range(self.n)]

    def keys_of_glob(self, g: int) -> list[int]:
        """Global state g's key under every non-identity element."""
        if len(self._glob_keys[0]) <= g:
            self._grow()
        return [globs[g] for globs in self._glob_keys]

    def keys_of_env(self, e: int) -> list[int]:
        """Envelope e's key under every non-identity element."""
        if len(self._env_keys[0]) <= e:
            self._grow()
        return [envs[e] for envs in self._env_keys]

    def _permute_glob(self, value: tuple[Any, ...], perm: Permutation) -> tuple[Any, ...]:
        """The global state with each part's component permuted (replica positions moved,
        symmetric values and replica ids renamed)."""
        moved = list(value)
        for part in self.system.parts:
            if part.gindex >= 0:
                moved[part.gindex] = part.permute(value[part.gindex], perm.positions)
        return perm.rename(tuple(moved))  # type: ignore[no-any-return]

    def canonical(self, world: tuple[int, ...], fp: int) -> int:
        """The smallest fingerprint over the group (the identity's is `fp`)."""
        tables = self.tables
        n = self.n
        if self._others and (
            len(self._slot_keys[0][0]) < len(tables.slots)
            or len(self._glob_keys[0]) < len(tables.globs)
            or len(self._env_keys[0]) < len(tables.envs)
        ):
            self._grow()
        best = fp
        net = world[n + 1 :]
        slots = world[:n]
        g = world[n]
        for rows, envs, globs in self._tables:
            # Sums over C-level maps: this runs for every successor.
            total = (
                globs[g] + sum(map(getitem, rows, slots)) + sum(map(envs.__getitem__, net))
            ) & MASK
            if total < best:
                best = total
        return best

    # ------------------------------------------------------------------ transition system

    def initial(self) -> list[Node]:
        return [(w, self.canonical(w, fp), fp) for w, fp in self.system.initial()]  # type: ignore[misc]

    def successors(self, node: Node) -> list[Node]:
        world, _, fp = node  # type: ignore[misc]
        canonical = self.canonical
        return [
            (w2, canonical(w2, fp2), fp2)  # type: ignore[misc]
            for w2, fp2 in self.system.successors((world, fp))
        ]
