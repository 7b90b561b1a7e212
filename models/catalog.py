"""The protocol library as a catalog: every spec of `specs/`, its family, its variant and
the verdict evcheck gives at the spec's default bounds.

`evcheck list` prints it; `evcheck verify --model NAME` runs one entry; the test suite
pins every verdict (and, for a broken variant, the violated property and the length of
the shortest counterexample) from it; docs/library.md is its map.

Adding an entry is one line in `CATALOG`:

    holds("quorum", "quorum", "R + W > N", "quorum.py"),
    violated("quorum-sloppy", "quorum", "R + W <= N", "quorum_sloppy.py", "linearizability", 6),

The spec file lives in `specs/`, which is installed with evcheck as the package data of
`evcheck.specs`, so entries resolve in an installed (non-editable) copy too. A new
family shows after the known ones unless it is added to `FAMILIES` (which already
places "quorum", "primary-backup" and "consensus" between gossip and causal delivery).
"""

from __future__ import annotations

import difflib
import importlib.resources
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evcheck import Spec


@dataclass(frozen=True)
class Entry:
    """One variant of one technique: the spec file that shows it and what evcheck says.

    `violated` is the property the shortest counterexample breaks and `length` its
    number of steps (for a liveness lasso: prefix plus cycle), both None when every
    property holds. `slow` marks an entry whose check takes more than a few seconds.
    """

    name: str
    family: str
    variant: str
    spec: str
    violated: str | None = None
    length: int | None = None
    slow: bool = False

    @property
    def verdict(self) -> str:
        return "holds" if self.violated is None else "violated"

    @property
    def expectation(self) -> str:
        """The expected verdict in words."""
        if self.violated is None:
            return "holds"
        return f"violated: {self.violated} in {self.length} steps"

    def path(self) -> Path:
        """The spec file, as installed with evcheck (package data of `evcheck.specs`)."""
        return spec_path(self.spec)

    def load(self) -> Spec:
        """The entry's Spec, loaded from its file."""
        from evcheck import load_spec

        return load_spec(self.path())


def holds(name: str, family: str, variant: str, spec: str, *, slow: bool = False) -> Entry:
    """An entry whose properties all hold at the spec's bounds."""
    return Entry(name, family, variant, spec, slow=slow)


def violated(name: str, family: str, variant: str, spec: str, prop: str, length: int) -> Entry:
    """An entry whose shortest counterexample violates `prop` in `length` steps."""
    return Entry(name, family, variant, spec, violated=prop, length=length)


# Families in the order of the map (docs/library.md), each with a one-line summary.
FAMILIES: dict[str, str] = {
    "versioning": "per-key version numbers: discard what is older than what you hold",
    "last-writer-wins": "a total order of stamps picks one write",
    "conflict resolution": "version vectors find conflicts; a function resolves them",
    "siblings": "version vectors keep concurrent writes side by side (Dynamo)",
    "crdt": "replicated data types whose merge is a join",
    "gossip": "anti-entropy repairs what the network loses",
    "quorum": "reads and writes that meet a quorum of replicas",
    "primary-backup": "one replica orders the writes, the others follow",
    "consensus": "replicas agree on one order of writes",
    "causal delivery": "deliver a message after everything that happened before it",
    "application invariants": "invariants across replicas need coordination",
    "sessions": "what one client observes",
    "availability": "what a partition does to a write (CAP)",
}

# fmt: off
CATALOG: tuple[Entry, ...] = (
    # 1. versioning
    holds("versioned-store", "versioning", "newer version wins", "versioned_store.py"),
    violated("unversioned-store", "versioning", "any update applied", "unversioned_store.py", "no_older_write_resurrects", 5),
    # 2. last-writer-wins
    holds("lww", "last-writer-wins", "Lamport stamps, replica-id tie-break", "lww.py"),
    violated("lww-wallclock", "last-writer-wins", "wall-clock stamps, skewed clocks", "lww_wallclock.py", "later_write_wins", 4),
    violated("lww-no-tiebreak", "last-writer-wins", "counter-only stamps", "lww_no_tiebreak.py", "quiescent_convergence", 6),
    violated("lww-volatile-stamp", "last-writer-wins", "stamp lost in a crash", "lww_volatile_stamp.py", "quiescent_convergence", 6),
    # 3. conflict resolution
    holds("priority-register", "conflict resolution", "priority pick", "priority_register.py"),
    holds("merge-register", "conflict resolution", "application merge (union)", "merge_register.py"),
    violated("concat-register", "conflict resolution", "non-commutative merge", "concat_register.py", "strong_eventual_consistency", 4),
    # 4. version vectors with siblings
    holds("siblings", "siblings", "concurrent writes kept as siblings", "siblings.py"),
    violated("siblings-lww", "siblings", "one version of a conflict kept", "siblings_lww.py", "mvregister_semantics", 3),
    violated("shopping-cart", "siblings", "cart merged by union", "shopping_cart.py", "removed_items_stay_removed", 5),
    holds("siblings-sessions", "siblings", "sibling reads, pinned sessions", "siblings_sessions.py"),
    violated("siblings-roaming", "siblings", "sibling reads, roaming session", "siblings_roaming.py", "read_your_writes", 2),
    # 5. CRDTs
    holds("g-counter", "crdt", "G-Counter", "crdt_gcounter.py"),
    holds("pn-counter", "crdt", "PN-Counter", "crdt_pncounter.py"),
    holds("or-set", "crdt", "OR-Set (add-wins)", "crdt_orset.py"),
    holds("lww-set", "crdt", "LWW-element-set, Lamport stamps", "crdt_lwwset.py"),
    holds("mv-register", "crdt", "MV-register", "crdt_mvregister.py"),
    violated("max-counter", "crdt", "counter merged by max of totals", "crdt_max_counter.py", "counts_its_updates", 3),
    violated("or-set-untagged", "crdt", "OR-Set without unique tags", "crdt_orset_untagged.py", "orset_semantics", 5),
    violated("lww-set-local-clock", "crdt", "LWW-set, unsynchronised local clocks", "crdt_lwwset_local_clock.py", "lwwset_semantics", 3),
    holds("g-counter-partitions", "crdt", "G-Counter, duplicates and a partition", "gcounter.py"),
    violated("op-counter-dup", "crdt", "op-based counter, duplicates", "counter_dup.py", "quiescent_convergence", 4),
    violated("op-counter-sec", "crdt", "op-based counter, duplicates (SEC)", "counter_sec.py", "strong_eventual_consistency", 4),
    # 6. gossip / anti-entropy
    holds("gossip-store", "gossip", "direct mail + ring anti-entropy", "gossip_store.py"),
    violated("gossip-none", "gossip", "direct mail only", "gossip_none.py", "quiescent_convergence", 3),
    holds("lww-anti-entropy", "gossip", "LWW + anti-entropy, loss/partition/crash", "lww_anti_entropy.py", slow=True),
    holds("lww-anti-entropy-live", "gossip", "LWW + anti-entropy, eventual convergence", "lww_anti_entropy_live.py"),
    holds("lww-retry", "gossip", "LWW + acknowledgements and retries", "lww_retry.py"),
    violated("lww-loss", "gossip", "LWW without repair", "lww_loss.py", "quiescent_convergence", 3),
    violated("gossip-pingpong", "gossip", "gossip without an order on values", "gossip_pingpong.py", "eventual_convergence", 6),
    # 7. quorum reads and writes (requests)
    violated("quorum-r1w1", "quorum", "N=3, R=W=1", "quorum_r1w1.py", "read_your_writes", 6),
    holds("quorum", "quorum", "N=3, R=W=2, duplication/partition/crash", "quorum.py", slow=True),
    violated("quorum-counting", "quorum", "counts acknowledgements, not replicas", "quorum_counting.py", "read_your_writes", 10),
    violated("quorum-sloppy", "quorum", "sloppy quorum, hinted hand-off", "quorum_sloppy.py", "read_your_writes", 11),
    # 8. primary-backup
    holds("primary-backup-sync", "primary-backup", "synchronous, reads at the primary", "primary_backup_sync.py"),
    violated("primary-backup-async", "primary-backup", "asynchronous, reads at backups", "primary_backup_async.py", "monotonic_reads", 4),
    violated("primary-backup-failover", "primary-backup", "asynchronous, failover loses acknowledged writes", "primary_backup_failover.py", "linearizability", 4),
    # 9. consensus
    holds("majority-commit", "consensus", "majority commit, all faults", "majority_commit.py", slow=True),
    violated("majority-self-commit", "consensus", "leader commits alone", "majority_self_commit.py", "linearizability", 8),
    holds("raft", "consensus", "Raft, a wrongly suspected leader", "raft.py"),
    holds("raft-faults", "consensus", "Raft, crash, loss and a partition", "raft_faults.py", slow=True),
    violated("raft-self-commit", "consensus", "Raft, leader commits alone", "raft_self_commit.py", "linearizability", 6),
    # 8. primary-backup: failover
    violated("failover-timeout", "primary-backup", "failover on a timeout", "failover_timeout.py", "at_most_one_primary", 1),
    violated("failover-perfect", "primary-backup", "failover, perfect detector, no step-down", "failover_perfect.py", "at_most_one_primary", 3),
    holds("failover-stepdown", "primary-backup", "failover, perfect detector, step-down", "failover_stepdown.py"),
    violated("failover-eventual", "primary-backup", "failover, eventually perfect detector", "failover_eventual.py", "at_most_one_primary", 2),
    # 10. causal delivery
    violated("feed-plain", "causal delivery", "plain broadcast", "feed_plain.py", "replies_follow_their_posts", 4),
    violated("feed-fifo", "causal delivery", "FIFO broadcast", "feed_fifo.py", "replies_follow_their_posts", 4),
    holds("feed-causal", "causal delivery", "causal broadcast, vector clocks", "feed_causal.py"),
    violated("causal-lost-dependency", "causal delivery", "repair re-sends the newest only", "causal_lost_dependency.py", "eventual_convergence", 7),
    # 11. application invariants
    violated("stock-local", "application invariants", "stock checked locally", "stock_local.py", "not_oversold", 2),
    holds("stock-owner", "application invariants", "one owner replica", "stock_owner.py"),
    holds("stock-majority", "application invariants", "majority vote", "stock_majority.py"),
    # sessions
    holds("register-sessions", "sessions", "LWW register, pinned sessions", "register_sessions.py"),
    violated("register-roaming", "sessions", "LWW register, roaming session", "register_roaming.py", "read_your_writes", 2),
    violated("store-monotonic-writes", "sessions", "LWW store, reordering network", "store_monotonic_writes.py", "monotonic_writes", 5),
    # availability under partitions
    violated("cap-quorum", "availability", "majority write, permanent partition", "cap_quorum.py", "minority_write_completes", 2),
    holds("cap-local", "availability", "local write, permanent partition", "cap_local.py"),
    holds("cap-quorum-healing", "availability", "majority write, healing partition", "cap_quorum_healing.py"),
    holds("cap-local-healing", "availability", "local write, healing partition", "cap_local_healing.py"),
)
# fmt: on


def spec_path(file_name: str) -> Path:
    """A spec file of the library, found in the installed package `evcheck.specs`."""
    return Path(str(importlib.resources.files("evcheck.specs").joinpath(file_name)))


def entries(family: str | None = None) -> list[Entry]:
    """The catalog in the order of the map: by family (known families first), then as listed."""
    order = {name: index for index, name in enumerate(FAMILIES)}
    chosen = [e for e in CATALOG if family is None or e.family == family]
    return sorted(chosen, key=lambda e: order.get(e.family, len(order)))


def entry(name: str) -> Entry:
    """The entry called `name`; a KeyError that suggests the closest names otherwise."""
    for candidate in CATALOG:
        if candidate.name == name:
            return candidate
    close = difflib.get_close_matches(name, [e.name for e in CATALOG], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `evcheck list` shows them all"
    raise KeyError(f"no model {name!r} in the library{hint}")


__all__ = ["CATALOG", "FAMILIES", "Entry", "entries", "entry", "holds", "spec_path", "violated"]
