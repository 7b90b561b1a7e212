"""Raft-style election, the timer always fires and returns at once where no election
is allowed (the workaround before `when=` guards on timers)."""

from election import NoopElection, election_spec

spec = election_spec(NoopElection, "raft-election-noop")
