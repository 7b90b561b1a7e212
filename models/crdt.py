"""State-based CRDTs (Shapiro, Preguiça, Baquero, Zawirski 2011), with anti-entropy.

Every replica keeps a state that only grows in a join-semilattice; an operation
inflates the local state and broadcasts it, a periodic `anti_entropy` timer
re-broadcasts it (repairing lost messages), and a receiver merges by the join. A join
is commutative, associative and idempotent, so duplication and reordering do not
matter and replicas that received the same updates agree (strong eventual
consistency).

Converging is not enough: a counter that converges everywhere to 1 after two
increments is wrong. So each data type is also judged against its *specification*:

- counters with `strong_eventual_consistency.expecting(...)`: the value must be the
  number of increments (minus decrements) the replica has applied;
- the set and the register by an invariant over a ghost *history*: every operation
  is recorded as an event (its dot, operation, argument, and the dots of the events
  its replica had seen when it was made — the visibility relation). The history
  travels with the state, is never read by the protocol, and lets the invariant
  compute what the data type must show (Burckhardt et al. 2014 style specifications):
  add-wins for the OR-Set, the causally maximal writes for the MV-register, and for
  the LWW-element-set, "a causally later operation wins".

The broken variants: an OR-Set that tags an add with the element instead of a unique
tag (a remove kills adds it never saw), a counter merged by the maximum of totals
(concurrent increments are lost), and an LWW-element-set stamped by a local clock that
ignores the stamps it receives (a remove made after seeing an add loses to it).
"""

from __future__ import annotations

from typing import Any

from evcheck import (
    Fail,
    FrozenDict,
    Replica,
    field,
    invariant,
    message,
    on,
    operation,
    timer,
)

from .counter import CounterState, GCounter
from .gossip import ring_successor

# ----------------------------------------------------------------- ghost histories
#
# An event is (dot, operation, argument, seen, stamp): `dot` = (replica, n) names it,
# `seen` is the frozenset of dots its replica had applied when it was made, `stamp`
# is the protocol's stamp when it has one (the LWW-element-set), else None.


class Witnessed(Replica):
    """A replica that records a ghost history of the operations it has applied."""

    history = field(frozenset())
    made = field(0)

    def state(self) -> Any:
        """The message that carries this replica's whole state."""
        raise NotImplementedError

    def share(self) -> None:
        """Send the whole state to every peer (after an operation)."""
        self.broadcast(self.state())

    def record(self, operation: str, arg: Any, stamp: Any = None) -> None:
        self.made += 1
        seen = frozenset(event[0] for event in self.history)
        self.history = self.history | {((self.id, self.made), operation, arg, seen, stamp)}


def _visible(history: frozenset[Any]) -> dict[Any, frozenset[Any]]:
    return {event[0]: event[3] for event in history}


def orset_spec(history: frozenset[Any]) -> frozenset[Any]:
    """Add-wins set: e is in the set iff some add(e) was not seen by any remove(e)."""
    removes = [event for event in history if event[1] == "remove"]
    return frozenset(
        event[2]
        for event in history
        if event[1] == "add" and not any(r[2] == event[2] and event[0] in r[3] for r in removes)
    )


def mvregister_spec(history: frozenset[Any]) -> frozenset[Any]:
    """Multi-value register: the values of the writes no other write has seen."""
    return frozenset(
        event[2] for event in history if not any(event[0] in other[3] for other in history)
    )


def lwwset_spec(history: frozenset[Any]) -> frozenset[Any]:
    """LWW-element-set: for each element, its causally latest operations decide (an
    operation that has seen another one overrides it); only among concurrent ones does
    the larger stamp win."""
    present = set()
    for element in {event[2] for event in history}:
        ops = [event for event in history if event[2] == element]
        latest = [e for e in ops if not any(e[0] in other[3] for other in ops)]
        if max(latest, key=lambda e: e[4])[1] == "add":
            present.add(element)
    return frozenset(present)


def shows_specification(w: Any, spec: Any, what: str) -> Any:
    """True if every replica of `w` shows `spec(its ghost history)`, else a Fail naming
    the first that does not, with the operations it applied."""
    for r in w.replicas:
        expected = spec(r.history)
        shown = r.observe()
        if shown != expected:
            ops = ", ".join(
                f"{op}({arg!r})@{dot[0]!r}#{dot[1]}"
                + (f" seeing {sorted(f'{d[0]!r}#{d[1]}' for d in seen)}" if seen else "")
                for dot, op, arg, seen, _ in sorted(r.history, key=repr)
            )
            return Fail(
                f"{r.id!r} shows {sorted(shown, key=repr)} but {what} calls for "
                f"{sorted(expected, key=repr)} after {ops}"
            )
    return True


@invariant
def orset_semantics(w: Any) -> Any:
    """every replica shows the add-wins set of the operations it applied"""
    return shows_specification(w, orset_spec, "the add-wins specification")


@invariant
def mvregister_semantics(w: Any) -> Any:
    """every replica shows exactly the values of the writes no other write has seen"""
    return shows_specification(w, mvregister_spec, "the multi-value register specification")


@invariant
def lwwset_semantics(w: Any) -> Any:
    """every replica shows the LWW set of its operations, where a causally later one wins"""
    return shows_specification(w, lwwset_spec, "last-writer-wins with causality respected")


# ----------------------------------------------------------------- counters


def increments(updates: Any) -> int:
    """The value a counter must show: increments minus decrements applied."""
    return sum(1 if u.operation == "increment" else -1 for u in updates)


def _counts_its_updates(w: Any) -> Any:
    """every replica's counter equals its increments minus decrements applied, in every
    state (strong eventual consistency with the expected value)"""
    for r in w.replicas:
        updates = w.applied[r.id]
        if r.observe() != increments(updates):
            shown = ", ".join(sorted(map(repr, updates))) or "none"
            return Fail(
                f"{r.id!r} shows {r.observe()!r} after applying {len(updates)} update(s) "
                f"({shown}), which call for {increments(updates)}"
            )
    return True


counts_its_updates = invariant(_counts_its_updates, name="counts_its_updates", applied=True)


class AntiEntropyGCounter(GCounter):
    """The G-Counter (per-replica counts merged by maximum) plus periodic anti-entropy."""

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.counts:
            self.send(ring_successor(self), CounterState(FrozenDict(self.counts)))


@message(carries="state")
class PNState:
    """A PN-Counter's state: increments and decrements per replica."""

    p: FrozenDict
    n: FrozenDict


class PNCounter(Replica):
    """PN-Counter: two G-Counters, one for increments and one for decrements."""

    p = field({})
    n = field({})

    @operation()
    def increment(self) -> None:
        self.p[self.id] = self.p.get(self.id, 0) + 1
        self.broadcast(PNState(FrozenDict(self.p), FrozenDict(self.n)))

    @operation()
    def decrement(self) -> None:
        self.n[self.id] = self.n.get(self.id, 0) + 1
        self.broadcast(PNState(FrozenDict(self.p), FrozenDict(self.n)))

    @on(PNState)
    def merge(self, msg: PNState) -> None:
        for replica, count in msg.p.items():
            self.p[replica] = max(self.p.get(replica, 0), count)
        for replica, count in msg.n.items():
            self.n[replica] = max(self.n.get(replica, 0), count)

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.p or self.n:
            self.send(ring_successor(self), PNState(FrozenDict(self.p), FrozenDict(self.n)))

    def observe(self) -> Any:
        return sum(self.p.values()) - sum(self.n.values())


@message(carries="state")
class TotalState:
    """A counter's total, as one number."""

    total: int


class MaxTotalCounter(Replica):
    """A counter that keeps one total and merges by the maximum of totals (broken on
    purpose): idempotent and convergent, but two concurrent increments merge to 1."""

    total = field(0)

    @operation()
    def increment(self) -> None:
        self.total += 1
        self.broadcast(TotalState(self.total))

    @on(TotalState)
    def merge(self, msg: TotalState) -> None:
        self.total = max(self.total, msg.total)

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.total:
            self.send(ring_successor(self), TotalState(self.total))

    def observe(self) -> Any:
        return self.total


# ----------------------------------------------------------------- OR-Set


@message(carries="state")
class ORSetState:
    """An OR-Set's state: (element, tag) pairs added, tags removed; ghost history."""

    adds: frozenset[Any]
    removed: frozenset[Any]
    history: frozenset[Any]


class ORSet(Witnessed):
    """Observed-remove set, add-wins: each add carries a unique tag (replica, n); a remove
    tombstones the tags of the element it has observed, so an add it has not seen
    survives it."""

    adds = field(frozenset())
    removed = field(frozenset())

    def tag(self, e: Any) -> Any:
        return (self.id, self.made + 1)

    @operation(e="elements")
    def add(self, e: Any) -> None:
        self.adds = self.adds | {(e, self.tag(e))}
        self.record("add", e)
        self.share()

    @operation(e="elements")
    def remove(self, e: Any) -> None:
        self.removed = self.removed | {t for x, t in self.adds if x == e}
        self.record("remove", e)
        self.share()

    def state(self) -> ORSetState:
        return ORSetState(self.adds, self.removed, self.history)

    @on(ORSetState)
    def merge(self, msg: ORSetState) -> None:
        self.adds = self.adds | msg.adds
        self.removed = self.removed | msg.removed
        self.history = self.history | msg.history

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.history:
            self.send(ring_successor(self), self.state())

    def observe(self) -> Any:
        return frozenset(e for e, t in self.adds if t not in self.removed)


class UntaggedORSet(ORSet):
    """An OR-Set whose tag is the element itself (broken on purpose): a remove tombstones
    the element for good, killing adds it never saw, even later ones."""

    def tag(self, e: Any) -> Any:
        return e


# ----------------------------------------------------------------- LWW-element-set


@message(carries="state")
class LWWSetState:
    """An LWW-element-set's state: the largest add and remove stamps per element."""

    adds: FrozenDict
    removes: FrozenDict
    history: frozenset[Any]


class LWWElementSet(Witnessed):
    """LWW-element-set: an add and a remove set of (element -> largest stamp); an element
    is in the set if its add stamp is larger than its remove stamp. Stamps are Lamport
    stamps (counter, replica id): the counter moves past every stamp received, so an
    operation made after seeing another is stamped above it (Lamport 1978)."""

    adds = field({})
    removes = field({})
    lamport = field(0)

    def stamp(self) -> tuple[int, Any]:
        self.lamport += 1
        return (self.lamport, self.id)

    @operation(e="elements")
    def add(self, e: Any) -> None:
        stamp = self.stamp()
        self.adds[e] = max(self.adds.get(e, (0, 0)), stamp)
        self.record("add", e, stamp)
        self.share()

    @operation(e="elements")
    def remove(self, e: Any) -> None:
        stamp = self.stamp()
        self.removes[e] = max(self.removes.get(e, (0, 0)), stamp)
        self.record("remove", e, stamp)
        self.share()

    def state(self) -> LWWSetState:
        return LWWSetState(FrozenDict(self.adds), FrozenDict(self.removes), self.history)

    def witness(self, msg: LWWSetState) -> None:
        """Lamport's receive rule: the clock moves past every stamp received."""
        for stamp in (*msg.adds.values(), *msg.removes.values()):
            self.lamport = max(self.lamport, stamp[0])

    @on(LWWSetState)
    def merge(self, msg: LWWSetState) -> None:
        self.witness(msg)
        for e, stamp in msg.adds.items():
            self.adds[e] = max(self.adds.get(e, (0, 0)), stamp)
        for e, stamp in msg.removes.items():
            self.removes[e] = max(self.removes.get(e, (0, 0)), stamp)
        self.history = self.history | msg.history

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.history:
            self.send(ring_successor(self), self.state())

    def observe(self) -> Any:
        return frozenset(e for e, s in self.adds.items() if s > self.removes.get(e, (0, 0)))


class LocalClockLWWSet(LWWElementSet):
    """An LWW-element-set stamped by each replica's own clock, which never hears of the
    stamps of others (broken on purpose): a replica with a slow clock removes an element
    it has seen added, and the older add wins."""

    def witness(self, msg: LWWSetState) -> None:
        pass


# ----------------------------------------------------------------- MV-register


@message(carries="state")
class MVState:
    """An MV-register's state: its (value, version vector) siblings; ghost history."""

    siblings: frozenset[Any]
    history: frozenset[Any]


def dominates(a: FrozenDict, b: FrozenDict) -> bool:
    """Version vector `a` has seen everything `b` has (a >= b entrywise)."""
    return all(a.get(r, 0) >= n for r, n in b.items())


def sibling_join(mine: frozenset[Any], theirs: frozenset[Any]) -> frozenset[Any]:
    """The union of two sets of (value, version vector) siblings without the dominated ones."""
    both = mine | theirs
    return frozenset(
        (v, vv)
        for v, vv in both
        if not any(vv != other and dominates(other, vv) for _, other in both)
    )


class MVRegister(Witnessed):
    """Multi-value register: a write supersedes every sibling it has seen (its version
    vector dominates theirs); concurrent writes are all kept."""

    siblings = field(frozenset())

    @operation(v="values")
    def write(self, v: Any) -> None:
        vv: dict[Any, int] = {}
        for _, other in self.siblings:
            for r, n in other.items():
                vv[r] = max(vv.get(r, 0), n)
        vv[self.id] = vv.get(self.id, 0) + 1
        self.siblings = frozenset({(v, FrozenDict(vv))})
        self.record("write", v)
        self.share()

    def state(self) -> MVState:
        return MVState(self.siblings, self.history)

    @on(MVState)
    def merge(self, msg: MVState) -> None:
        self.siblings = sibling_join(self.siblings, msg.siblings)
        self.history = self.history | msg.history

    @timer(periodic=True)
    def anti_entropy(self) -> None:
        if self.history:
            self.send(ring_successor(self), self.state())

    def observe(self) -> Any:
        return frozenset(v for v, _ in self.siblings)


__all__ = [
    "AntiEntropyGCounter",
    "LWWElementSet",
    "LWWSetState",
    "LocalClockLWWSet",
    "MVRegister",
    "MVState",
    "MaxTotalCounter",
    "ORSet",
    "ORSetState",
    "PNCounter",
    "PNState",
    "TotalState",
    "UntaggedORSet",
    "Witnessed",
    "counts_its_updates",
    "dominates",
    "increments",
    "lwwset_semantics",
    "lwwset_spec",
    "mvregister_semantics",
    "mvregister_spec",
    "orset_semantics",
    "orset_spec",
    "shows_specification",
    "sibling_join",
]
