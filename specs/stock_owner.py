"""The last item, coordinated by an owner replica: never oversold.

    evcheck verify specs/stock_owner.py     # holds

Technique: r1 owns the stock; a purchase elsewhere is a request to r1, and only r1's
grant sells (primary-site coordination, at the cost of availability when r1 is
unreachable).
Faults: none. Three replicas, one item in stock.
Properties: `not_oversold`.
Expected: holds (Bailis et al. 2014: invariants that are not I-confluent need
coordination; one owner is the simplest).
"""

from evcheck import Spec
from evcheck.models.inventory import OwnerStock, not_oversold

spec = Spec(
    OwnerStock,
    replicas=3,
    stock=1,
    ops_per_replica=1,
    properties=[not_oversold],
    description="stock owned by one replica",
)
