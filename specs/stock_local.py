"""The last item sold to two buyers: stock checked locally under eventual consistency (broken on purpose).

    evcheck verify specs/stock_local.py     # exit 1

Technique: a purchase at any replica checks the replica's own stock count, sells, and
broadcasts the sale.
Faults: none (concurrency is enough). Three replicas, one item in stock.
Properties: `not_oversold` (all replicas together sell at most the initial stock).
Expected: violated in two steps — two replicas each see the item in stock and sell it.
"stock >= 0" under concurrent decrements is the standard invariant that cannot be kept
without coordination (Bailis et al. 2014, I-confluence; Gilbert and Lynch 2002, CAP).
"""

from evcheck import Spec
from evcheck.models.inventory import LocalStock, not_oversold

spec = Spec(
    LocalStock,
    replicas=3,
    stock=1,
    ops_per_replica=1,
    properties=[not_oversold],
    description="stock sold from local counts",
)
