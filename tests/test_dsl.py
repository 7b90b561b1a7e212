"""Definition mistakes fail when the class or spec is created, naming the file and line."""

from __future__ import annotations

import pytest

from evcheck import Replica, Spec, SpecError, field, message, on, operation, verify_spec
from evcheck.models import LamportLWW
from tests.protocols import PingPong


def test_reserved_field_names_are_rejected() -> None:
    with pytest.raises(SpecError, match="'id' is reserved"):

        class Bad(Replica):
            id = field(0)


def test_operation_arguments_need_domains() -> None:
    with pytest.raises(SpecError, match=r"argument\(s\) v have no domain") as info:

        class Bad(Replica):
            @operation()
            def write(self, v: int) -> None:
                pass

    assert "test_dsl.py:" in str(info.value)


def test_operation_domain_must_name_a_parameter() -> None:
    class Writer(Replica):
        x = field(0)

        @operation(v="vals")
        def write(self, v: int) -> None:
            self.x = v

    with pytest.raises(SpecError, match="spec parameter 'vals', which the spec does not set"):
        verify_spec(Spec(Writer, replicas=1, ops_per_replica=1, values=(1,)))


def test_handlers_need_message_types() -> None:
    class NotAMessage:
        pass

    with pytest.raises(SpecError, match="not a message type; declare it with @message"):

        class Bad(Replica):
            @on(NotAMessage)
            def got(self, msg: NotAMessage) -> None:
                pass


def test_two_handlers_for_one_message_are_rejected() -> None:
    @message
    class M:
        pass

    with pytest.raises(SpecError, match="M has two handlers"):

        class Bad(Replica):
            @on(M)
            def one(self, msg: M) -> None:
                pass

            @on(M)
            def two(self, msg: M) -> None:
                pass


def test_subclass_may_override_a_handler() -> None:
    from evcheck.models import NoTiebreakLWW, Update

    assert NoTiebreakLWW._handlers[Update].fn is not LamportLWW._handlers[Update].fn


def test_unencodable_initial_value_is_rejected() -> None:
    with pytest.raises(SpecError, match="initial value"):

        class Bad(Replica):
            thing = field(object())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"replicas": "3"}, "replicas must be a positive int"),
        ({"replicas": 0}, "replicas must be a positive int"),
        ({"ops_per_replica": -1}, "ops_per_replica must be a non-negative int"),
        ({"ops_per_replica": None}, "client operations are unbounded"),
        ({"properties": ["convergence"]}, "properties must be Property objects"),
    ],
)
def test_spec_arguments_are_validated(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"replicas": 2, "ops_per_replica": 1, "values": (1,)}
    args.update(kwargs)
    with pytest.raises(SpecError, match=message) as info:
        Spec(LamportLWW, **args)  # type: ignore[arg-type]
    assert "test_dsl.py:" in str(info.value)


def test_spec_needs_a_replica_class() -> None:
    with pytest.raises(SpecError, match="needs a Replica subclass"):
        Spec(object)  # type: ignore[arg-type]


def test_settings_override_bounds_and_parameters() -> None:
    spec = Spec(LamportLWW, replicas=2, ops_per_replica=1, values=(1,))
    bigger = spec.with_settings({"replicas": 3, "values": (1, 2)})
    assert (bigger.replicas, bigger.params["values"]) == (3, (1, 2))
    assert (spec.replicas, spec.params["values"]) == (2, (1,))
    with pytest.raises(SpecError, match="unknown setting 'valeus'"):
        spec.with_settings({"valeus": (1,)})


def test_property_selection() -> None:
    spec = Spec(LamportLWW, replicas=2, ops_per_replica=1, values=(1,))
    assert [p.name for p in spec.select_properties(["quiescent_convergence"]).properties] == [
        "quiescent_convergence"
    ]
    with pytest.raises(SpecError, match="no property named 'durability'"):
        spec.select_properties(["durability"])
    # Built-in properties are available by name even when the spec does not list them.
    assert [p.name for p in spec.select_properties(["linearizability"]).properties] == [
        "linearizability"
    ]


def test_handler_may_take_the_sender() -> None:
    result = verify_spec(Spec(PingPong, replicas=2, ops_per_replica=1, por=False))
    assert result.ok
    # Each replica's ping independently goes: not sent, Ping in flight, Pong in flight,
    # Pong delivered. Two independent 4-phase chains: 4 * 4 states.
    assert result.stats.states == 16
