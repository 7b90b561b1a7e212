"""A subclass's override is the code that runs: it inherits the parent's declaration,
or replaces it, or switches it off with None; ambiguous overrides are refused."""

from __future__ import annotations

from typing import Any

import pytest

from evcheck import Replica, Spec, SpecError, field, invariant, message, on, operation, timer
from evcheck.runner import verify_spec


@message
class Note:
    value: int


@invariant
def never_one(w: Any) -> bool:
    """no replica ever holds 1"""
    return all(r.x != 1 for r in w.replicas)


class Base(Replica):
    x = field(0)

    @operation()
    def bump(self) -> None:
        self.x = 1

    @on(Note)
    def receive(self, msg: Note) -> None:
        self.x = msg.value

    @timer(periodic=True)
    def tick(self) -> None:
        self.x = 1

    def observe(self) -> int:
        return 0


def check(protocol: type[Replica]) -> bool:
    spec = Spec(protocol, replicas=2, ops_per_replica=1, properties=[never_one])
    return verify_spec(spec).ok


def test_an_undecorated_override_runs_instead_of_the_parent() -> None:
    class Quiet(Base):
        def bump(self) -> None:
            self.x = 2

        tick = None

    assert [op.fn for op in Quiet._operations] == [Quiet.bump]
    assert check(Quiet)


def test_a_handler_override_keeps_its_message_type() -> None:
    class Sender(Base):
        def bump(self) -> None:
            self.broadcast(Note(1))

        def receive(self, msg: Note, src: object) -> None:
            self.x = 3

        tick = None

    handler = Sender._handlers[Note]
    assert handler.fn is Sender.receive and handler.wants_sender
    assert check(Sender)


def test_an_inherited_timer_can_be_switched_off() -> None:
    class NoOps(Base):
        bump = None

    class NoTimer(NoOps):
        tick = None

    assert not check(NoOps)  # the inherited timer still sets 1
    assert NoTimer._timers == () and NoTimer._operations == ()
    assert Base._timers and Base._operations  # the parent is unchanged


def test_a_timer_override_runs_the_new_code() -> None:
    class SlowTick(Base):
        bump = None

        def tick(self) -> None:
            self.x = 2

    assert check(SlowTick)


def test_a_new_decorator_replaces_the_declaration_under_that_name() -> None:
    class Periodic(Base):
        @timer(periodic=True)
        def bump(self) -> None:
            self.x = 2

    assert [t.name for t in Periodic._timers] == ["tick", "bump"]
    assert Periodic._operations == ()


def test_an_override_with_other_arguments_is_refused() -> None:
    with pytest.raises(SpecError, match=r"overrides the operation bump .*repeat @operation"):

        class Wider(Base):
            def bump(self, v: int) -> None:  # type: ignore[override]
                self.x = v


def test_a_non_method_over_a_declaration_is_refused() -> None:
    with pytest.raises(SpecError, match="assign None to switch it off"):

        class Odd(Base):
            tick = 3  # type: ignore[assignment]
