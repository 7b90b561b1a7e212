"""An LWW-element-set stamped by unsynchronised local clocks (broken on purpose).

    evcheck verify specs/crdt_lwwset_local_clock.py     # exit 1

Technique: specs/crdt_lwwset.py, but each replica's clock counts only its own
operations and ignores the stamps it receives.
Faults: as specs/crdt_lwwset.py.
Properties: `lwwset_semantics`, strong eventual consistency, convergence.
Expected: violated — r2 adds x (stamp (1, r2)); r1 receives it and removes x with its
own clock's stamp (1, r1), which is smaller: x stays in the set although the remove
was made after seeing the add. Stamps must respect causality (Lamport 1978's clock
condition); the replicas still converge, on the wrong set.
"""

from evcheck import Spec, quiescent_convergence, strong_eventual_consistency
from evcheck.models.crdt import LocalClockLWWSet, lwwset_semantics

spec = Spec(
    LocalClockLWWSet,
    replicas=3,
    elements=("x",),
    ops_per_replica=1,
    max_ops=2,
    faults={"dup": 1, "loss": 1},
    properties=[lwwset_semantics, strong_eventual_consistency, quiescent_convergence],
    description="LWW-element-set stamped by unsynchronised local clocks",
)
