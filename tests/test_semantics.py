"""Semantics: exact state counts against an independent enumeration, canonical worlds,
incremental fingerprints, labels aligned with successors, handler failures."""

from __future__ import annotations

import pytest

from evcheck import (
    Fail,
    Replica,
    Spec,
    SpecError,
    field,
    invariant,
    message,
    on,
    operation,
    quiescent_convergence,
    verify_spec,
)
from evcheck.models import LamportLWW, NoTiebreakLWW
from tests.bruteforce import lww_counts
from tests.support import System


def lww(n: int, writes: int | None, values: tuple[object, ...] = (1, 2), **kw: object) -> Spec:
    """LWW without partial-order reduction: these tests pin the unreduced semantics."""
    kw.setdefault("por", False)
    return Spec(LamportLWW, replicas=n, ops_per_replica=writes, values=values, **kw)  # type: ignore[arg-type]


def explore_all(system: System) -> dict[int, tuple[int, ...]]:
    """Every reachable world by fingerprint (a second, engine-free exploration)."""
    start = system.initial()[0]
    seen = {start[1]: start[0]}
    stack = [start]
    while stack:
        node = stack.pop()
        for nxt in system.successors(node):
            if nxt[1] not in seen:
                seen[nxt[1]] = nxt[0]
                stack.append(nxt)
    return seen


@pytest.mark.parametrize(
    ("n", "writes", "values", "max_ops"),
    [
        (1, 2, (1, 2), None),
        (2, 1, (1, 2), None),
        (2, 2, (1, 2), None),
        (3, 1, (1, 2), None),
        (2, 1, ("a", "b", "c"), None),
        (3, None, (1, 2), 2),
        (2, 2, (1,), 3),
    ],
)
def test_lww_state_counts_match_independent_enumeration(
    n: int, writes: int | None, values: tuple[object, ...], max_ops: int | None
) -> None:
    expected_states, expected_transitions, converged = lww_counts(
        n, writes, values, max_ops=max_ops
    )
    result = verify_spec(lww(n, writes, values, max_ops=max_ops))
    assert result.status == ("holds" if converged else "violated")
    assert (result.stats.states, result.stats.transitions) == (
        expected_states,
        expected_transitions,
    )


def test_pinned_lww_counts() -> None:
    # Hand-checkable anchors: 2 replicas x 1 write from {1, 2} has 35 states, 48 edges.
    assert lww_counts(2, 1) == (35, 48, True)
    result = verify_spec(lww(2, 1))
    assert (result.stats.states, result.stats.transitions, result.stats.depth) == (35, 48, 4)


def test_no_tiebreak_counts_match_when_explored_fully() -> None:
    spec = Spec(
        NoTiebreakLWW, replicas=2, ops_per_replica=1, values=(1, 2), properties=[], por=False
    )
    system = System(spec)
    states, transitions, converged = lww_counts(2, 1, tiebreak=False)
    assert not converged
    assert len(explore_all(system)) == states
    result = verify_spec(spec)
    assert result.ok and result.stats.transitions == transitions


def test_incremental_fingerprints_equal_fingerprints_from_scratch() -> None:
    system = System(lww(3, 1))
    worlds = explore_all(system)
    assert len(worlds) == lww_counts(3, 1)[0]
    for fp, world in worlds.items():
        assert system.fingerprint(world) == fp


def test_worlds_are_canonical_regardless_of_event_order() -> None:
    system = System(lww(3, 1))
    node = system.initial()[0]
    labels = system.action_labels(node[0])
    w1 = labels.index("write@r1(1)")
    w2 = labels.index("write@r2(2)")
    a = system.successors(node)[w1]
    a = system.successors(a)[system.action_labels(a[0]).index("write@r2(2)")]
    b = system.successors(node)[w2]
    b = system.successors(b)[system.action_labels(b[0]).index("write@r1(1)")]
    assert a == b
    assert hash(a[0]) == hash(b[0])


def test_distinct_worlds_have_distinct_fingerprints() -> None:
    system = System(lww(2, 2))
    worlds = explore_all(system)
    assert len(set(worlds.values())) == len(worlds)


def test_labels_align_with_successors() -> None:
    system = System(lww(2, 2))
    for world in explore_all(system).values():
        node = (world, system.fingerprint(world))
        assert len(system.action_labels(world)) == len(system.successors(node))


def test_duplicate_envelopes_are_one_action() -> None:
    @message
    class Ping:
        pass

    class Pinger(Replica):
        count = field(0)

        @operation()
        def ping(self) -> None:
            self.send(self.peers[0], Ping())

        @on(Ping)
        def got(self, msg: Ping) -> None:
            self.count += 1

    spec = Spec(Pinger, replicas=2, max_ops=2, properties=[], por=False)
    system = System(spec)
    worlds = explore_all(system)
    # r1 pings twice: two identical Ping envelopes in flight give one deliver action.
    for world in worlds.values():
        in_flight = system.in_flight(world)
        labels = [lab for lab in system.action_labels(world) if lab.startswith("deliver")]
        assert len(labels) == len(set(map(str, in_flight)))


def test_handler_exception_is_a_counterexample_with_its_location() -> None:
    @message
    class Div:
        by: int

    class Divider(Replica):
        x = field(6)

        @operation(d=(1, 0))
        def divide(self, d: int) -> None:
            self.broadcast(Div(d))

        @on(Div)
        def got(self, msg: Div) -> None:
            self.x = self.x // msg.by

    result = verify_spec(Spec(Divider, replicas=2, ops_per_replica=1))
    assert result.status == "violated"
    cex = result.counterexample
    assert cex is not None
    assert cex.property == "handlers_do_not_raise"
    assert cex.trace.actions == ["divide@r1(0)", "deliver r1->r2 Div(by=0)"]
    assert "ZeroDivisionError" in cex.explanation
    assert "test_semantics.py" in cex.explanation and "in got" in cex.explanation


def test_nondeterministic_handler_is_a_spec_error() -> None:
    calls: list[int] = []

    class Flaky(Replica):
        x = field(0)

        @operation()
        def bump(self) -> None:
            calls.append(1)
            self.x = len(calls)

    with pytest.raises(SpecError, match="not deterministic"):
        verify_spec(Spec(Flaky, replicas=1, ops_per_replica=1))


def test_typo_in_field_assignment_is_a_spec_error() -> None:
    class Typo(Replica):
        value = field(None)

        @operation(v=(1,))
        def write(self, v: int) -> None:
            self.vlaue = v

    with pytest.raises(SpecError, match=r"set self\.vlaue, which is not a field"):
        verify_spec(Spec(Typo, replicas=1, ops_per_replica=1))


def test_unhashable_state_is_a_spec_error() -> None:
    class Holder:
        pass

    class Bad(Replica):
        thing = field(None)

        @operation()
        def put(self) -> None:
            self.thing = Holder()

    with pytest.raises(SpecError, match=r"field 'thing' holds .* cannot be part of a state"):
        verify_spec(Spec(Bad, replicas=1, ops_per_replica=1))


def test_message_without_handler_is_a_spec_error_at_the_send() -> None:
    @message
    class Orphan:
        pass

    class Sender(Replica):
        x = field(0)

        @operation()
        def go(self) -> None:
            self.broadcast(Orphan())

    with pytest.raises(SpecError, match=r"no @on\(Orphan\) handler") as info:
        verify_spec(Spec(Sender, replicas=2, ops_per_replica=1))
    assert "test_semantics.py" in str(info.value)


def test_send_to_unknown_replica_is_a_spec_error() -> None:
    @message
    class Hi:
        pass

    class Sender(Replica):
        x = field(0)

        @operation()
        def go(self) -> None:
            self.send(7, Hi())  # type: ignore[arg-type]

        @on(Hi)
        def hi(self, msg: Hi) -> None:
            pass

    with pytest.raises(SpecError, match="not a replica"):
        verify_spec(Spec(Sender, replicas=2, ops_per_replica=1))


def test_mutable_containers_are_thawed_for_handlers_and_refrozen() -> None:
    @message
    class Add:
        item: int

    class GSet(Replica):
        items = field(set())
        log = field([])

        @operation(x=(1, 2))
        def add(self, x: int) -> None:
            self.items.add(x)
            self.log.append(x)
            self.broadcast(Add(x))

        @on(Add)
        def merge(self, msg: Add) -> None:
            self.items.add(msg.item)

        def observe(self) -> frozenset[int]:
            return frozenset(self.items)

    result = verify_spec(Spec(GSet, replicas=2, ops_per_replica=1))
    assert result.ok


def test_invariant_over_replicas_and_network() -> None:
    @invariant
    def stamps_bounded(w: object) -> object:
        """no stamp counter exceeds 2"""
        for r in w.replicas:  # type: ignore[attr-defined]
            if r.stamp[0] > 2:
                return Fail(f"{r.id!r} has counter {r.stamp[0]}")
        return True

    @invariant(network=True)
    def at_most_two_in_flight(w: object) -> bool:
        return len(w.network) <= 2  # type: ignore[attr-defined]

    holds = verify_spec(lww(2, 1, properties=[stamps_bounded, at_most_two_in_flight]))
    assert holds.ok
    broken = verify_spec(lww(2, 2, properties=[stamps_bounded]))
    assert broken.counterexample is not None
    assert broken.counterexample.property == "stamps_bounded"
    # r1 writes twice, r2 adopts (2, r1) and writes (3, r2): four steps, no shorter way.
    assert len(broken.counterexample.trace) == 4
    assert broken.counterexample.explanation == "r2 has counter 3"
    crowded = verify_spec(lww(3, 1, properties=[at_most_two_in_flight]))
    assert crowded.counterexample is not None
    assert crowded.counterexample.trace.actions[0].startswith("write@r1")
    assert len(crowded.counterexample.trace) == 2


def test_invariant_without_network_cannot_read_it() -> None:
    @invariant
    def peeks(w: object) -> bool:
        return len(w.network) >= 0  # type: ignore[attr-defined]

    with pytest.raises(SpecError, match=r"declare it @invariant\(env=True\)"):
        verify_spec(lww(2, 1, properties=[peeks]))


def test_default_observe_compares_every_field() -> None:
    class Counter(Replica):
        hits = field(0)

        @operation()
        def hit(self) -> None:
            self.hits += 1

    result = verify_spec(
        Spec(Counter, replicas=2, ops_per_replica=1, properties=[quiescent_convergence])
    )
    assert result.counterexample is not None
    assert result.counterexample.trace.actions == ["hit@r1()"]
    assert "r1 observes {'hits': 1}" in result.counterexample.explanation
