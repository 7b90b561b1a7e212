"""Symmetry reduction: worlds that differ only by renaming replicas or symmetric values
are explored once.

The reduction is a canonicalisation of fingerprints, not of states. A node becomes
(world, canonical fingerprint, concrete fingerprint): the canonical fingerprint (the
smallest over the symmetry group) is what the explorer's visited set sees, while the
world stays the concrete one reached. Every stored state is therefore a real state, and
a counterexample found in the reduced space replays as a concrete execution with no
extra work. Soundness needs the protocol and properties to treat the permuted things
alike: renaming replicas (or symmetric values) before a step must give the renamed
result of the step. `Equivariance` checks exactly that for every handler run the
tables memoise, for `observe()` on every local state and for invariants on every
combination of replica states they judge; symmetric values and replica ids also
refuse to be ordered, which names the offending comparison. A protocol that uses a
replica id as a number or a position (`vv[self.id - 1]`) therefore stops with an
error instead of producing a wrong verdict.

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
from .env.tables import FIELDS, ROLE, Slot, glob_key
from .errors import SpecError
from .execution import Effects
from .fingerprint import MASK, key
from .model import Node
from .semantics import Semantics
from .values import ModelValue, ReplicaId, encode, rename


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

    def describe(self) -> str:
        """`r1 and r2 swap places`-style: what the renaming does."""
        moves = [
            f"{a}->{b!r}"
            for a, b in ((f"r{k}", v) for k, v in self.replicas.items())
            if a != repr(b)
        ]
        moves += [f"{a!r}->{b!r}" for a, b in self.values.items() if a != b]
        return "renaming " + ", ".join(moves)


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
        classes = system.plan.classes
        position_perms = (
            [
                p
                for p in itertools.permutations(range(self.n))
                if all(classes[p[i]] is classes[i] for i in range(self.n))
            ]
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
        Equivariance(system, self._others)

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


class Equivariance:
    """Refuses a protocol or property that singles out a replica or a symmetric value.

    For each group element g, running a handler on the renamed state at the renamed
    replica with renamed arguments must give g applied to the original result; the same
    for what `observe()` returns and for the verdicts of invariants. The checks run
    once per memoised handler run, per local state and per judged combination of
    replica states, so their cost is paid on table misses only.
    """

    def __init__(self, system: Semantics, group: Sequence[Permutation]) -> None:
        self.system = system
        self.tables = system.tables
        self.group = group
        self.protocol = system.plan.protocol.__name__
        if not group or self.tables.symmetry_checked:
            return
        self.tables.symmetry_checked = True
        self.tables.run_watchers.append(self._check_run)
        self.tables.on_new_slot(self._check_observe)
        system.checker.invariant_watchers.append(self._check_invariants)
        if any(getattr(p, "sees_network", False) for p in system.plan.properties):
            raise SpecError(
                "symmetry reduction does not support invariants that see the network: "
                "drop the symmetry or make the invariant read only the replicas",
                location=system.plan.location,
            )

    def _check_run(
        self,
        i: int,
        fields: tuple[Any, ...],
        time: tuple[int, int] | None,
        fn: Any,
        args: tuple[Any, ...],
        where: str,
        label: str,
        outcome: Effects,
    ) -> None:
        runner = self.tables.runner
        for perm in self.group:
            moved = runner.run(
                perm.positions[i], perm.rename(fields), time, fn, perm.rename(args), where
            )
            if not isinstance(moved, Effects) or not _same_outcome(moved, outcome, perm):
                raise SpecError(
                    f"symmetry reduction is unsound for {self.protocol}: {label} gives a "
                    f"different result when {perm.describe()} (expected the same step, "
                    f"renamed; got {_show_outcome(moved)} instead of "
                    f"{_show_outcome(outcome, perm)}). The protocol treats a replica id "
                    "or symmetric value as more than a name (arithmetic, an index, an "
                    "order, iteration order): run without --symmetry",
                    location=where,
                )

    def _check_observe(self, sid: int, slot: Slot) -> None:
        runner = self.tables.runner
        time = self.tables.time(slot)
        roles = self.system.plan.role_numbers
        for i in range(self.system.n):
            if roles[i] != slot[ROLE]:
                continue
            seen = runner.observe(i, slot[FIELDS], time)
            for perm in self.group:
                moved = runner.observe(perm.positions[i], perm.rename(slot[FIELDS]), time)
                if encode(moved) != encode(perm.rename(seen)):
                    raise SpecError(
                        f"symmetry reduction is unsound for {self.protocol}: observe() "
                        f"returns {moved!r} when {perm.describe()}, not the renamed "
                        f"{perm.rename(seen)!r}: what replicas expose singles one out; "
                        "run without --symmetry",
                        location=self.system.plan.location,
                    )

    def _check_invariants(self, slots: tuple[int, ...], verdict: int) -> None:
        tables = self.tables
        checker = self.system.checker
        for perm in self.group:
            moved = [0] * len(slots)
            for i, sid in enumerate(slots):
                moved[perm.positions[i]] = tables.intern_slot(perm.rename(tables.slots[sid]))
            other = checker.invariant_verdict(tuple(moved))
            if other != verdict:
                names = checker.plan.property_names
                which = names[verdict if verdict >= 0 else other]
                raise SpecError(
                    f"symmetry reduction is unsound: the invariant {which} judges two "
                    f"states that differ only when {perm.describe()} differently; "
                    "properties must not single out a replica or a symmetric value",
                    location=self.system.plan.location,
                )


def _same_outcome(moved: Effects, original: Effects, perm: Permutation) -> bool:
    if encode(moved.fields) != encode(perm.rename(original.fields)):
        return False
    if moved.timer_ops != original.timer_ops:
        return False
    if encode(moved.result) != encode(perm.rename(original.result)):
        return False
    sends = sorted(encode(perm.rename(send)) for send in original.sends)
    return sorted(encode(send) for send in moved.sends) == sends


def _show_outcome(outcome: Any, perm: Permutation | None = None) -> str:
    if not isinstance(outcome, Effects):
        return repr(outcome)
    fields = perm.rename(outcome.fields) if perm else outcome.fields
    sends = [perm.rename(s) if perm else s for s in outcome.sends]
    return f"fields {fields!r}, sends {sends!r}"
