"""Version vectors with siblings, Dynamo style (DeCandia et al. 2007).

A replica keeps every version of the value that no other version it holds supersedes:
its *siblings*, each with a version vector. A write is made in the context of what the
replica holds — its version vector dominates every sibling's — so it replaces them; two
writes made without seeing each other are both kept, and a read returns both for the
application to reconcile. Nothing is lost, and replicas converge on the same siblings.

- `SiblingStore`: that store. Its writes are recorded in a ghost history (see
  `evcheck.models.crdt.Witnessed`) so that `mvregister_semantics` can check that a
  replica shows exactly the writes no other write has seen.
- `LastSiblingWins` (broken on purpose): keeps only the incoming version of a conflict,
  as a store without siblings must pick one: concurrent writes cross and the replicas
  end up holding different values.
- `ShoppingCart`: the Dynamo paper's own example. Each sibling is a cart; an operation
  first reconciles the siblings by union, then adds or removes an item. Union is the
  paper's merge, and it is why "deleted items can resurface": a remove concurrent with
  an add of another item leaves a sibling that still holds the removed item, and the
  union brings it back. `removed_items_stay_removed` compares the cart with the
  add-wins observed-remove set (the OR-Set of `evcheck.models.crdt`, the fix).
"""

from __future__ import annotations

from typing import Any

from evcheck import FrozenDict, field, invariant, message, on, operation, unique

from .crdt import MVRegister, MVState, Witnessed, orset_spec, shows_specification, sibling_join


class SiblingStore(MVRegister):
    """A Dynamo-style register: version vectors, concurrent writes kept as siblings."""


class LastSiblingWins(SiblingStore):
    """On a conflict keeps only the incoming version (broken on purpose)."""

    @on(MVState)
    def merge(self, msg: MVState) -> None:
        joined = sibling_join(self.siblings, msg.siblings)
        self.siblings = joined if len(joined) <= 1 else msg.siblings
        self.history = self.history | msg.history


@message(carries="state")
class CartVersions:
    """A replica's cart siblings: (items, version vector); ghost history."""

    siblings: frozenset[Any]
    history: frozenset[Any]


class ShoppingCart(Witnessed):
    """Dynamo's shopping cart: siblings reconciled by union before every change."""

    siblings = field(frozenset())

    def update(self, change: Any) -> None:
        vv: dict[Any, int] = {}
        items: frozenset[Any] = frozenset()
        for cart, other in self.siblings:
            items = items | cart
            for r, n in other.items():
                vv[r] = max(vv.get(r, 0), n)
        vv[self.id] = vv.get(self.id, 0) + 1
        self.siblings = frozenset({(change(items), FrozenDict(vv))})
        self.broadcast(CartVersions(self.siblings, self.history))

    @operation(item="items")
    def add(self, item: Any) -> None:
        self.record("add", item)
        self.update(lambda items: items | {item})

    @operation(item="items")
    def remove(self, item: Any) -> None:
        self.record("remove", item)
        self.update(lambda items: items - {item})

    @on(CartVersions)
    def merge(self, msg: CartVersions) -> None:
        self.siblings = sibling_join(self.siblings, msg.siblings)
        self.history = self.history | msg.history

    def observe(self) -> Any:
        """The cart a read shows: the union of the siblings."""
        items: frozenset[Any] = frozenset()
        for cart, _ in self.siblings:
            items = items | cart
        return items


@invariant
def removed_items_stay_removed(w: Any) -> Any:
    """every replica's cart holds exactly the items added and not removed since (add-wins
    on concurrent add and remove)"""
    return shows_specification(w, orset_spec, "the observed-remove cart")


__all__ = [
    "CartVersions",
    "LastSiblingWins",
    "ShoppingCart",
    "SiblingStore",
    "removed_items_stay_removed",
]


class SessionSiblingStore(SiblingStore):
    """The sibling store as clients use it: unique writes, and a read that returns every
    sibling (a multi-value read: it sees each value it returns)."""

    @operation(v=unique, writes="v")
    def put(self, v: Any) -> None:
        self.write(v)

    @operation(reads="siblings")
    def get(self) -> Any:
        return frozenset(v for v, _ in self.siblings)
