"""A Raft-style leader election, for issue 13 item 2's measurement: periodic election
timers, terms bounded by `max_term`, election safety (at most one leader per term).

The same protocol in two forms, differing only in how the election timer is disabled
where an election is not allowed (a leader, or the last term reached):

- `NoopElection`, the old workaround: the timer is always armed and fires; its body
  returns at once when an election is not allowed. Each such firing is a step that
  changes nothing but the timer's fire count.
- `GuardedElection`: `@timer(periodic=True, when=...)`; where the condition is false
  the timer does not fire at all.

`raft_noop.py` and `raft_guard.py` next to this module are the two specs.
"""

from evcheck import Fail, Replica, Spec, field, invariant, message, on, timer


@message(carries="nothing")
class RequestVote:
    term: int


@message(carries="nothing")
class Vote:
    term: int
    granted: bool


class Election(Replica):
    term = field(0)
    voted_for = field(None)
    leader = field(False)
    votes = field(frozenset())

    def may_elect(self) -> bool:
        return not self.leader and self.term < self.params.max_term

    def start_election(self) -> None:
        self.term += 1
        self.voted_for = self.id
        self.leader = False
        self.votes = frozenset({self.id})
        self.broadcast(RequestVote(self.term))

    @on(RequestVote)
    def on_request(self, msg, src):
        if msg.term > self.term:
            self.term = msg.term
            self.voted_for = None
            self.leader = False
            self.votes = frozenset()
        granted = msg.term == self.term and self.voted_for in (None, src)
        if granted:
            self.voted_for = src
        self.send(src, Vote(msg.term, granted))

    @on(Vote)
    def on_vote(self, msg, src):
        if msg.term > self.term:
            self.term = msg.term
            self.voted_for = None
            self.leader = False
            self.votes = frozenset()
        elif msg.term == self.term and msg.granted and not self.leader:
            self.votes = self.votes | {src}
            if 2 * len(self.votes) > len(self.replicas):
                self.leader = True


class NoopElection(Election):
    @timer(periodic=True)
    def election(self):
        if not self.may_elect():
            return
        self.start_election()


class GuardedElection(Election):
    @timer(periodic=True, when=lambda self: self.may_elect())
    def election(self):
        self.start_election()


@invariant
def election_safety(w):
    """At most one leader per term."""
    leaders: dict[int, object] = {}
    for r in w.replicas:
        if r.leader:
            if r.term in leaders:
                return Fail(f"{leaders[r.term]!r} and {r.id!r} both lead term {r.term}")
            leaders[r.term] = r.id
    return True


def election_spec(protocol: type[Election], name: str) -> Spec:
    return Spec(
        protocol,
        replicas=3,
        max_term=2,
        properties=[election_safety],
        name=name,
        description="Raft-style election, 3 replicas, periodic election timer",
    )
