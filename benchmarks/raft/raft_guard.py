"""Raft-style election, the election timer guarded by `when=` (no step where it may
not fire)."""

from election import GuardedElection, election_spec

spec = election_spec(GuardedElection, "raft-election-guard")
