"""The fault profile: which faults an execution may contain, and how many of each.

Budgets keep state spaces finite and make a verdict precise: "converges with up to
2 lost messages, 1 duplicate and 1 crash". The profile lives on the spec and is
overridden from the command line (`--faults loss=2,dup=1,crash=1`); protocols never
mention it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .errors import SpecError

BUDGETS = ("loss", "dup", "partition", "crash", "false_suspicion")
KINDS = {
    "loss": "message loss",
    "dup": "duplication",
    "partition": "partitions",
    "crash": "crash/recovery",
    "skew": "clock skew",
    "false_suspicion": "false suspicions",
}
PARTITION_MODES = ("wait", "drop", "permanent")
CRASH_INBOX_MODES = ("lose", "wait")


@dataclass(frozen=True)
class FaultProfile:
    """Fault budgets for one execution, plus how partitions and crashes treat messages.

    - `loss`: messages that may be dropped; `dup`: messages that may be duplicated.
    - `partition`: partition events (each followed, maybe, by a `heal`). `splits`
      lists the allowed splits as groups of 1-based replica numbers; by default every
      split into two non-empty groups. `partition_mode="wait"` holds messages across
      the cut until it heals; `"drop"` also lets the cut drop them (free of `loss`);
      `"permanent"` holds them and never heals (the CAP setting, for liveness checks).
    - `crash`: crash events; a crashed replica may recover at any later step,
      keeping its durable fields. `crash_inbox="lose"` lets messages that reach a
      crashed replica be lost; `"wait"` holds them until it recovers.
    - `skew`: replica clocks run ahead of real time by 0..skew ticks (needs the
      spec's `max_time`).
    - `false_suspicion`: how often a replica may come to suspect a replica that is up,
      under an eventually perfect failure detector (`Spec(detector="eventually_perfect")`).
    """

    loss: int = 0
    dup: int = 0
    partition: int = 0
    crash: int = 0
    skew: int = 0
    false_suspicion: int = 0
    splits: tuple[tuple[frozenset[int], ...], ...] | None = None
    partition_mode: str = "wait"
    crash_inbox: str = "lose"
    # The partition the run starts in (groups of 1-based replica numbers), healable.
    start_split: tuple[frozenset[int], ...] | None = None

    def __post_init__(self) -> None:
        for name in (*BUDGETS, "skew"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SpecError(f"fault budget {name} must be a non-negative int, got {value!r}")
        if self.partition_mode not in PARTITION_MODES:
            raise SpecError(
                f"partition_mode must be one of {', '.join(PARTITION_MODES)}, got {self.partition_mode!r}"
            )
        if self.crash_inbox not in CRASH_INBOX_MODES:
            raise SpecError(
                f"crash_inbox must be one of {', '.join(CRASH_INBOX_MODES)}, got {self.crash_inbox!r}"
            )

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in (*BUDGETS, "skew")) or bool(self.start_split)

    def start_groups(self, n: int) -> tuple[int, ...] | None:
        """The group number of each replica (0-based) in the starting partition, if any."""
        if not self.start_split:
            return None
        members = [set(g) for g in self.start_split]
        flat = sorted(r for g in members for r in g)
        if flat != list(range(1, n + 1)) or len(members) < 2:
            raise SpecError(
                f"start_split {_show_split(self.start_split)} must place each of replicas "
                f"1..{n} in exactly one of at least two groups"
            )
        group_of = {r: index for index, group in enumerate(members) for r in group}
        numbers: dict[int, int] = {}  # groups numbered by first member, so r1's is 0
        return tuple(numbers.setdefault(group_of[i + 1], len(numbers)) for i in range(n))

    def declared(self) -> list[str]:
        """Fault kinds this profile allows, by their short names."""
        return [name for name in KINDS if getattr(self, name)]

    def describe(self) -> str:
        parts = [f"{name}={getattr(self, name)}" for name in KINDS if getattr(self, name)]
        if self.partition and self.partition_mode != "wait":
            parts.append(f"partition_mode={self.partition_mode}")
        if self.crash and self.crash_inbox != "lose":
            parts.append(f"crash_inbox={self.crash_inbox}")
        if self.start_split:
            parts.append(f"starts partitioned {_show_split(self.start_split)}")
        return ", ".join(parts) if parts else "none"

    def with_overrides(self, overrides: Mapping[str, Any]) -> FaultProfile:
        known = {*KINDS, "partition_mode", "crash_inbox", "splits", "start_split"}
        unknown = [k for k in overrides if k not in known]
        if unknown:
            raise SpecError(f"unknown fault {unknown[0]!r}; faults are: {', '.join(sorted(known))}")
        changes = dict(overrides)
        if changes.get("splits") is not None:
            changes["splits"] = _splits(changes["splits"])
        if changes.get("start_split") is not None:
            try:
                changes["start_split"] = tuple(frozenset(group) for group in changes["start_split"])
            except TypeError:
                raise SpecError(
                    "start_split must list groups of replica numbers, e.g. [[1], [2, 3]]"
                ) from None
        return replace(self, **changes)

    def partition_splits(self, n: int) -> list[tuple[int, ...]]:
        """The allowed splits as group numbers per replica (0-based positions)."""
        if self.splits is None:
            # Every split into two non-empty groups; r1 is always in group 0.
            return [
                tuple(0 if i == 0 else (mask >> (i - 1)) & 1 for i in range(n))
                for mask in range(1, 2 ** (n - 1))
            ]
        out = []
        for groups in self.splits:
            members = [set(g) for g in groups]
            flat = sorted(itertools.chain.from_iterable(members))
            if flat != list(range(1, n + 1)):
                raise SpecError(
                    f"partition split {_show_split(groups)} must place each of replicas "
                    f"1..{n} in exactly one group"
                )
            labels = {r: index for index, group in enumerate(members) for r in group}
            out.append(tuple(labels[i + 1] for i in range(n)))
        return out


def _splits(raw: Any) -> tuple[tuple[frozenset[int], ...], ...]:
    """`splits` as frozen groups of replica numbers; any other shape is a SpecError."""
    shape = (
        "splits must list partition splits, each a list of groups of replica numbers, "
        f"e.g. [[[1], [2, 3]]]; got {raw!r}"
    )
    try:
        splits = tuple(tuple(frozenset(group) for group in split) for split in raw)
    except TypeError:
        raise SpecError(shape) from None
    for split in splits:
        for group in split:
            if any(not isinstance(r, int) or isinstance(r, bool) for r in group):
                raise SpecError(shape)
    return splits


def _show_split(groups: Iterable[Iterable[int]]) -> str:
    return "|".join("{" + ",".join(f"r{r}" for r in sorted(g)) + "}" for g in groups)


def show_partition(groups: tuple[int, ...]) -> str:
    """`{r1}|{r2,r3}` for a group-number-per-replica tuple."""
    by_group: dict[int, list[int]] = {}
    for i, group in enumerate(groups):
        by_group.setdefault(group, []).append(i + 1)
    return _show_split(by_group[g] for g in sorted(by_group))


def parse_faults(text: str) -> dict[str, Any]:
    """`loss=2,dup=1,partition_mode=drop` -> overrides; `none` turns every fault off."""
    text = text.strip()
    if text in ("", "none"):
        return {name: 0 for name in KINDS}
    out: dict[str, Any] = {}
    for part in text.split(","):
        name, sep, raw = part.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name:
            raise SpecError(f"--faults expects name=value pairs separated by commas, got {part!r}")
        if name in ("partition_mode", "crash_inbox"):
            out[name] = raw
            continue
        if name == "splits":
            raise SpecError(
                "--faults cannot set splits (they are lists of replica groups): declare "
                "them in the spec, e.g. faults={'partition': 1, 'splits': [[[1], [2, 3]]]}"
            )
        try:
            out[name] = int(raw)
        except ValueError:
            raise SpecError(f"--faults: {name} must be a whole number, got {raw!r}") from None
    return out
