"""An application invariant under eventual consistency: never sell more than the stock.

Convergence says nothing about invariants that span replicas. With one item left, two
replicas that each see it in stock both sell it: every replica later agrees the stock
is -1 — converged, and wrong. Such invariants need coordination (the CAP/CALM point:
Gilbert and Lynch 2002; Bailis et al. 2014, "Coordination avoidance in database
systems", where "stock >= 0" under concurrent decrements is the standard example of an
invariant that is not I-confluent).

- `LocalStock`: a purchase at any replica checks the local count and sells.
- `OwnerStock`: one replica (r1) owns the stock; a purchase elsewhere asks it, and
  only the owner's answer sells.
- `MajorityStock`: the last item is sold by the replica that gathers the votes of a
  majority; each replica votes once, and two majorities always intersect.

`sold` is what each replica sold (it counts the sales its clients were told about);
`not_oversold` compares their sum with the initial stock.
"""

from __future__ import annotations

from typing import Any

from evcheck import Fail, Replica, ReplicaId, field, invariant, message, on, operation


@message
class Sold:
    """One unit sold at the sender."""


class Stock(Replica):
    """What every variant keeps: its view of the stock, the initial stock, its sales."""

    stock = field(factory=lambda self: self.params.stock)
    initial = field(factory=lambda self: self.params.stock)
    sold = field(0)

    def observe(self) -> Any:
        return self.sold


class LocalStock(Stock):
    """Each replica sells from its own view of the stock and tells the others."""

    @operation(when=lambda self: self.stock > 0)
    def buy(self) -> None:
        self.stock -= 1
        self.sold += 1
        self.broadcast(Sold())

    @on(Sold)
    def apply(self, msg: Sold) -> None:
        self.stock -= 1


@message
class Reserve:
    """A purchase request sent to the owner."""


@message
class Granted:
    """The owner's answer: sold to you."""


class OwnerStock(Stock):
    """r1 owns the stock: it sells on its own purchases and on requests it grants; any
    other replica sells only when the owner has granted its request."""

    asked = field(False)

    @operation(when=lambda self: not self.asked and (self.id != self.replicas[0] or self.stock > 0))
    def buy(self) -> None:
        if self.id == self.replicas[0]:
            self.stock -= 1
            self.sold += 1
        else:
            self.asked = True
            self.send(self.replicas[0], Reserve())

    @on(Reserve)
    def reserve(self, msg: Reserve, src: ReplicaId) -> None:
        if self.stock > 0:
            self.stock -= 1
            self.send(src, Granted())

    @on(Granted)
    def granted(self, msg: Granted) -> None:
        self.sold += 1


@message
class VoteRequest:
    """A replica asks for votes to sell the last item."""


@message
class Vote:
    """A vote for the requester."""


class MajorityStock(Stock):
    """The last item goes to the replica that gathers a majority of votes; each replica
    votes once (for itself, if it asks first)."""

    voted = field(False)
    votes = field(0)
    asked = field(False)

    @operation(when=lambda self: not self.asked)
    def buy(self) -> None:
        self.asked = True
        if not self.voted:
            self.voted = True
            self.votes = 1
        self.broadcast(VoteRequest())

    @on(VoteRequest)
    def vote(self, msg: VoteRequest, src: ReplicaId) -> None:
        if not self.voted:
            self.voted = True
            self.send(src, Vote())

    @on(Vote)
    def counted(self, msg: Vote) -> None:
        self.votes += 1
        if 2 * self.votes > len(self.replicas) and self.sold == 0:
            self.sold = 1
            self.stock -= 1


@invariant
def not_oversold(w: Any) -> Any:
    """the replicas together never sell more than the initial stock"""
    total = sum(r.sold for r in w.replicas)
    initial = w.replicas[0].initial
    if total > initial:
        sellers = ", ".join(f"{r.id!r} sold {r.sold}" for r in w.replicas if r.sold)
        return Fail(f"{total} sold from a stock of {initial}: {sellers}")
    return True


__all__ = [
    "Granted",
    "LocalStock",
    "MajorityStock",
    "OwnerStock",
    "Reserve",
    "Sold",
    "Stock",
    "Vote",
    "VoteRequest",
    "not_oversold",
]
