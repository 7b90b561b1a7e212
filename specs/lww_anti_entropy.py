"""Lamport LWW with periodic anti-entropy and resync on recovery: survives loss,
partitions that drop messages, and crashes that lose a replica's inbox.

    evcheck verify specs/lww_anti_entropy.py
    evcheck verify specs/lww_anti_entropy.py --faults loss=2 --set timer_fires=2

Each replica's anti-entropy timer may fire `timer_fires` times in a row without its
state changing (the count resets on every change, heal and recovery). One round is
not enough here: the partition can drop the first round and the lost-message budget
the second (`--set timer_fires=1` shows that 7-step counterexample); two are.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models import AntiEntropyLWW

spec = Spec(
    AntiEntropyLWW,
    replicas=2,
    values=("a", "b"),
    ops_per_replica=1,
    timer_fires=2,
    faults={"loss": 1, "partition": 1, "partition_mode": "drop", "crash": 1},
    properties=[quiescent_convergence],
    description="LWW register with anti-entropy and resync on recovery",
)
