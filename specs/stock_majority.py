"""The last item, coordinated by a majority vote: never oversold.

    evcheck verify specs/stock_majority.py     # holds

Technique: a replica sells the last item only with the votes of a majority; each
replica votes once, and any two majorities intersect (Gifford 1979, weighted voting;
Thomas 1979, majority consensus).
Faults: none. Three replicas, one item in stock.
Properties: `not_oversold`.
Expected: holds.
"""

from evcheck import Spec
from evcheck.models.inventory import MajorityStock, not_oversold

spec = Spec(
    MajorityStock,
    replicas=3,
    stock=1,
    ops_per_replica=1,
    properties=[not_oversold],
    description="stock sold by majority vote",
)
