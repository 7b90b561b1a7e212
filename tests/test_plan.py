"""What a spec means, compiled: roles (a class per replica), initial values per replica,
who may do what (sessions with their own operations and budgets, per-operation budgets)."""

from __future__ import annotations

from typing import Any

import pytest

from evcheck import (
    Replica,
    ReplicaId,
    Spec,
    SpecError,
    field,
    message,
    on,
    operation,
    session,
    verify_spec,
)
from evcheck.plan import compile_plan
from tests.support import System


@message
class Forward:
    value: Any


@message(carries="nothing")
class Applied:
    value: Any


class Primary(Replica):
    """Takes writes and forwards them to every backup."""

    value = field(None)

    @operation(v=("a", "b"))
    def write(self, v: Any) -> None:
        self.value = v
        for backup in self.replicas_with("Backup"):
            self.send(backup, Forward(v))

    @on(Applied)
    def applied(self, msg: Applied) -> None:
        pass

    def observe(self) -> Any:
        return self.value


class Backup(Replica):
    """Applies what the primary forwards; takes no writes."""

    value = field(None)
    is_first = field(factory=lambda self: self.id == self.replicas_with(Backup)[0])

    @on(Forward)
    def apply(self, msg: Forward, src: ReplicaId) -> None:
        self.value = msg.value
        self.send(src, Applied(msg.value))

    @operation(reads=True)
    def read(self) -> Any:
        return self.value

    def observe(self) -> Any:
        return self.value


def test_roles_give_each_replica_its_class_fields_and_operations() -> None:
    spec = Spec({Primary: 1, Backup: 2}, ops_per_replica=1)
    plan = compile_plan(spec)
    assert [r.role for r in plan.replicas] == ["Primary", "Backup", "Backup"]
    assert plan.replicas[0].field_names == ("value",)
    assert plan.replicas[1].initial_fields == (None, True)
    assert plan.replicas[2].initial_fields == (None, False)
    assert [o.name for o in plan.replicas[0].operations] == ["write", "write"]
    assert [o.name for o in plan.replicas[1].operations] == ["read"]
    assert spec.name == "Primary+Backup"
    labels = System(spec).action_labels(System(spec).initial()[0][0])
    assert labels == ["write@r1('a')", "write@r1('b')", "read@r2()", "read@r3()"]


def test_a_list_of_classes_is_one_class_per_replica() -> None:
    assert compile_plan(Spec([Primary, Backup], ops_per_replica=1)).classes == (Primary, Backup)


def test_primary_backup_with_roles_converges() -> None:
    result = verify_spec(Spec({Primary: 1, Backup: 2}, ops_per_replica=1))
    assert result.ok
    assert result.stats.states == 76


def test_a_message_sent_to_a_role_without_its_handler_is_a_spec_error() -> None:
    class Rogue(Backup):
        @operation()
        def shout(self) -> None:
            self.broadcast(Forward("x"))  # reaches the primary, which has no handler for it

    with pytest.raises(SpecError, match="Primary has no @on\\(Forward\\) handler"):
        verify_spec(Spec([Primary, Rogue], ops_per_replica=1))


def test_roles_fix_the_replica_count() -> None:
    with pytest.raises(SpecError, match="the roles name 3 replicas"):
        Spec({Primary: 1, Backup: 2}, replicas=2)
    with pytest.raises(SpecError, match="positive replica count"):
        Spec({Primary: 0, Backup: 2})


def test_sessions_have_their_own_operations_budgets_and_places() -> None:
    class Register(Replica):
        value = field(None)

        @operation(v=("a",))
        def write(self, v: Any) -> None:
            self.value = v

        @operation(reads=True)
        def read(self) -> Any:
            return self.value

    spec = Spec(
        Register,
        replicas=2,
        sessions={
            "writer": session("r1", ops=["write"], max_ops=1),
            "reader": session("*", ops=["read"], max_ops=2),
        },
        properties=[],
    )
    plan = compile_plan(spec)
    assert [(s.name, s.homes, s.max_ops) for s in plan.sessions] == [
        ("writer", (0,), 1),
        ("reader", (0, 1), 2),
    ]
    system = System(spec)
    labels = system.action_labels(system.initial()[0][0])
    assert labels == [
        "write@r1('a') by writer",
        "read@r1() by reader -> None",
        "read@r2() by reader -> None",
    ]
    with pytest.raises(SpecError, match="issues 'delete', which no replica offers"):
        Spec(Register, sessions={"s": session(ops=["delete"], max_ops=1)}, properties=[])


def test_a_session_can_roam_over_a_role() -> None:
    spec = Spec({Primary: 1, Backup: 2}, sessions={"s": session(Backup, max_ops=1)}, properties=[])
    assert compile_plan(spec).sessions[0].homes == (1, 2)


def test_per_operation_budgets() -> None:
    class Elections(Replica):
        term = field(0)
        writes = field(0)

        @operation()
        def elect(self) -> None:
            self.term += 1

        @operation()
        def write(self) -> None:
            self.writes += 1

        def observe(self) -> Any:
            return 0

    spec = Spec(Elections, replicas=1, max_calls={"elect": 1, "write": 2}, properties=[])
    system = System(spec)
    seen = set()
    stack = list(system.initial())
    while stack:
        node = stack.pop()
        seen.add(tuple(system.replica_fields(node[0], 0).values()))
        stack.extend(system.successors(node))
    assert seen == {(t, w) for t in (0, 1) for w in (0, 1, 2)}
    with pytest.raises(SpecError, match="max_calls names 'vote', which is not an operation"):
        Spec(Elections, replicas=1, max_calls={"vote": 1}, properties=[])


class GuardedRegister(Replica):
    """Writes only while unset; a replica accepts a forwarded value only once it wrote."""

    value = field(None)

    @operation(v=("a", "b"), when=lambda self, v: self.value is None)
    def write(self, v: Any) -> None:
        self.value = v
        self.broadcast(Forward(v))

    @on(Forward, when=lambda self, msg: self.value is not None)
    def adopt(self, msg: Forward) -> None:
        self.value = max(self.value, msg.value)

    def observe(self) -> Any:
        return self.value


@pytest.mark.parametrize(
    "spec",
    [
        Spec({Primary: 1, Backup: 2}, ops_per_replica=1),
        Spec({Primary: 1, Backup: 2}, sessions={"s": session(Backup, max_ops=2)}, properties=[]),
        Spec(GuardedRegister, replicas=2, max_ops=3),
        Spec(GuardedRegister, replicas=2, max_calls={"write": 2}),
    ],
    ids=["roles", "roles-session", "guards", "max-calls"],
)
def test_engines_agree_on_roles_guards_and_budgets(spec: Spec) -> None:
    """BFS, DFS and the native core (where it covers the spec) explore the same graph."""
    runs = [
        verify_spec(spec, engine="python"),
        verify_spec(spec, engine="python", strategy="dfs"),
        verify_spec(spec, engine="auto"),
    ]
    assert len({(r.status, r.stats.states, r.stats.transitions) for r in runs}) == 1
