"""Conflict resolution: what a replica does with two concurrent versions.

Version vectors (Parker et al. 1983) tell a replica whether an incoming version
supersedes its own, is superseded by it, or is concurrent with it. Superseded versions
are simply dropped; for concurrent ones the replica needs a *resolution function*, as
in Bayou's application merge procedures (Terry et al. 1995). Every replica meets the
same conflicts in some order, so the function decides convergence: it must be
commutative, associative and idempotent — a join (Shapiro et al. 2011) — or replicas
that saw the same writes disagree.

- `PriorityRegister`: the version with the higher priority wins (the spec parameter
  `priority` ranks values) — a join on a total order.
- `UnionRegister`: an application merge: the value is a set of items and concurrent
  versions merge by union.
- `ConcatRegister` (broken on purpose): the value is a sequence (a write stores (v,)),
  and concurrent sequences are merged by appending the incoming one to the local one.
  Not commutative: one replica ends with ('a', 'b'), the other with ('b', 'a'), and
  both believe they are up to date.
"""

from __future__ import annotations

from typing import Any

from evcheck import FrozenDict, Replica, field, message, on, operation


def dominates(a: FrozenDict, b: FrozenDict) -> bool:
    """Version vector `a` has seen everything `b` has (a >= b entrywise)."""
    return all(a.get(r, 0) >= n for r, n in b.items())


@message(carries="state")
class Version:
    """A replica's value with its version vector."""

    value: Any
    vv: FrozenDict


class ResolvingRegister(Replica):
    """A register with version vectors; concurrent versions go through `resolve`."""

    value = field(None)
    vv = field({})

    def fresh(self, v: Any) -> Any:
        """The value a write of `v` stores."""
        return v

    def resolve(self, mine: Any, theirs: Any) -> Any:
        raise NotImplementedError

    @operation(v="values")
    def write(self, v: Any) -> None:
        self.vv[self.id] = self.vv.get(self.id, 0) + 1
        self.value = self.fresh(v)
        self.broadcast(Version(self.value, FrozenDict(self.vv)))

    @on(Version)
    def receive(self, msg: Version) -> None:
        mine = FrozenDict(self.vv)
        if dominates(mine, msg.vv):
            return  # nothing new
        if dominates(msg.vv, mine):
            self.value = msg.value  # supersedes ours
        else:
            self.value = self.resolve(self.value, msg.value)  # concurrent
        for r, n in msg.vv.items():
            self.vv[r] = max(self.vv.get(r, 0), n)

    def observe(self) -> Any:
        return self.value


class PriorityRegister(ResolvingRegister):
    """Concurrent versions resolve to the value of higher priority (`priority` ranks
    values, highest first)."""

    def resolve(self, mine: Any, theirs: Any) -> Any:
        rank = self.params.priority
        return mine if rank.index(mine) <= rank.index(theirs) else theirs


class UnionRegister(ResolvingRegister):
    """An application merge: a write stores the set {v}; concurrent sets merge by union."""

    def fresh(self, v: Any) -> Any:
        return frozenset({v})

    def resolve(self, mine: Any, theirs: Any) -> Any:
        return mine | theirs


class ConcatRegister(ResolvingRegister):
    """A write stores the sequence (v,); concurrent sequences merge by appending the
    incoming one to the local one (broken on purpose: the merge is not commutative)."""

    def fresh(self, v: Any) -> Any:
        return (v,)

    def resolve(self, mine: Any, theirs: Any) -> Any:
        return mine + theirs


__all__ = [
    "ConcatRegister",
    "PriorityRegister",
    "ResolvingRegister",
    "UnionRegister",
    "Version",
    "dominates",
]
