"""Dynamo's shopping cart: siblings merged by union bring a removed item back (broken on purpose).

    evcheck verify specs/shopping_cart.py     # exit 1

Technique: a cart kept as version-vector siblings; every change first reconciles the
siblings by union, then adds or removes an item (DeCandia et al. 2007, section 4.4).
Faults: reordering only. Three replicas, three operations on two items.
Properties: `removed_items_stay_removed` (the cart is the add-wins observed-remove set
of the operations applied), `quiescent_convergence`.
Expected: violated — r1 adds milk, then eggs; r2 learns of the milk only and removes
it, while r1's cart (milk and eggs) is concurrent with r2's empty one: the two carts
are siblings and their union holds milk again. The paper itself warns that "deleted
items can resurface"; the OR-Set (specs/crdt_orset.py, Shapiro et al. 2011) is the
fix. The replicas do converge: only the value is wrong.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models.dynamo import ShoppingCart, removed_items_stay_removed

spec = Spec(
    ShoppingCart,
    replicas=3,
    items=("milk", "eggs"),
    ops_per_replica=2,
    max_ops=3,
    properties=[removed_items_stay_removed, quiescent_convergence],
    description="Dynamo shopping cart, siblings merged by union",
)
