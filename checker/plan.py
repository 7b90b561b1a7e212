"""A spec compiled once into a plan: everything downstream reads the plan, never the Spec.

The plan is an immutable description of one model at fixed bounds: replica ids and
field layout, the operation instances (every operation with every argument tuple its
domains allow), handlers, timers, the fault profile, client sessions, properties and
the reductions that are sound for them. Compiling it checks what can be checked before
exploring (a history property without sessions, partial-order reduction asked for
where it is unsound), so a definition mistake stops the run with the spec's line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .dsl import Handler, Operation, Replica, Session, Spec, Timer, location_of, unique
from .errors import SpecError
from .execution import HandlerRunner
from .faults import FaultProfile
from .properties import (
    HANDLER_PROPERTY,
    HANDLER_PROPERTY_DESCRIPTION,
    HistoryProperty,
    Invariant,
    Liveness,
    Property,
    QuiescentConvergence,
    Sometimes,
    StrongConvergence,
)
from .values import GuardedReplicaId, ReplicaId, UnencodableValue, encode, freeze


@dataclass(frozen=True)
class OperationInstance:
    """One operation with one argument tuple: what a client may call.

    `kind` is the history kind ("read", "write", "multiread", "cas" or None); `key_pos`
    and `value_pos` are the positions of the key and of the written value (a cas's
    expected value) in `args` (-1: none), `new_pos` a cas's new value.
    """

    operation: Operation
    args: tuple[Any, ...]
    kind: str | None
    key_pos: int
    value_pos: int
    new_pos: int = -1

    @property
    def request(self) -> bool:
        return self.operation.request

    def value(self, args: tuple[Any, ...]) -> Any:
        """What the history records as the operation's argument: the value written, a
        cas's (expected, new), None for reads."""
        if self.new_pos >= 0:
            return (args[self.value_pos], args[self.new_pos])
        return args[self.value_pos] if self.value_pos >= 0 else None

    @property
    def name(self) -> str:
        return self.operation.name

    def label(self, replica: ReplicaId, args: tuple[Any, ...] | None = None) -> str:
        shown = self.args if args is None else args
        return f"{self.operation.name}@{replica!r}({', '.join(map(repr, shown))})"

    def concrete(self, session: str, number: int) -> tuple[Any, ...]:
        """The arguments with `unique` values filled in for a session's `number`-th op."""
        return tuple(f"{session}.{number}" if a is unique else a for a in self.args)


@dataclass(frozen=True)
class SessionPlan:
    """A client session: its name, the replicas it may operate at (indices, one when
    pinned), the operations it may issue (None: all) and its operation budget."""

    name: str
    homes: tuple[int, ...]
    home_name: str
    ops: frozenset[str] | None
    max_ops: int | None


@dataclass(frozen=True)
class ReplicaPlan:
    """One replica: its class (its role) and everything about it the parts read."""

    cls: type[Replica]
    field_names: tuple[str, ...]
    initial_fields: tuple[Any, ...]
    durable: tuple[bool, ...]
    operations: tuple[OperationInstance, ...]
    handlers: Mapping[type, Handler]
    timers: tuple[Timer, ...]
    timer_limits: tuple[int, ...]
    recovery: Callable[..., Any] | None

    @property
    def role(self) -> str:
        return self.cls.__name__

    @property
    def timers0(self) -> tuple[tuple[bool, int], ...]:
        """Initial timer states: periodic timers armed, nothing fired."""
        return tuple((t.periodic, 0) for t in self.timers)


@dataclass(frozen=True)
class Plan:
    """One spec at fixed bounds, compiled (see the module docstring)."""

    name: str
    location: str
    ids: tuple[ReplicaId, ...]
    replicas: tuple[ReplicaPlan, ...]
    ops_per_replica: int | None
    max_ops: int | None
    ops_per_session: int | None
    max_calls: Mapping[str, int]
    sessions: tuple[SessionPlan, ...]
    faults: FaultProfile
    splits: tuple[tuple[int, ...], ...]
    max_time: int | None
    properties: tuple[Property, ...]
    symmetry: frozenset[str]
    por: bool
    params: Mapping[str, Any]
    timer_fires: int
    # Replicas forward writes (to a primary, a quorum) rather than applying their own at
    # once: the session judges then drop the assumption that a replica applies its own.
    replicas_forward_writes: bool = False
    # The failure detector replicas consult (`self.suspects(r)`): None, "perfect" or
    # "eventually_perfect" (see `evcheck.env.detectors`).
    detector: str | None = None

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def classes(self) -> tuple[type[Replica], ...]:
        return tuple(r.cls for r in self.replicas)

    @property
    def protocol(self) -> type[Replica]:
        """The class of r1 (the only one, unless the spec assigns roles)."""
        return self.replicas[0].cls

    @property
    def role_numbers(self) -> tuple[int, ...]:
        """Per replica, the number of its class among the spec's distinct classes."""
        numbers: dict[type[Replica], int] = {}
        return tuple(numbers.setdefault(cls, len(numbers)) for cls in self.classes)

    @property
    def roles(self) -> bool:
        """Whether replicas run different classes."""
        return len(set(self.classes)) > 1

    @property
    def clocks(self) -> bool:
        return self.max_time is not None

    @property
    def timers(self) -> bool:
        return any(r.timers for r in self.replicas)

    @property
    def guarded(self) -> bool:
        """Whether some operation or handler has an enabling condition."""
        return any(h.when is not None for r in self.replicas for h in r.handlers.values()) or any(
            o.operation.when is not None for r in self.replicas for o in r.operations
        )

    @property
    def plain(self) -> bool:
        """Operations and deliveries only: no faults, timers, clocks, sessions or
        per-operation budgets."""
        return not (
            self.faults.any
            or self.timers
            or self.clocks
            or self.sessions
            or self.max_calls
            or self.detector
        )

    @property
    def property_names(self) -> tuple[str, ...]:
        """Index 0 is the built-in handler check; the spec's properties follow."""
        return (HANDLER_PROPERTY, *(p.name for p in self.properties))

    @property
    def property_descriptions(self) -> tuple[str, ...]:
        return (HANDLER_PROPERTY_DESCRIPTION, *(p.description for p in self.properties))

    @property
    def history_properties(self) -> tuple[tuple[int, str], ...]:
        """(property index, name) of the properties judged on client histories."""
        return tuple(
            (index, p.name)
            for index, p in enumerate(self.properties, start=1)
            if isinstance(p, HistoryProperty)
        )

    @property
    def requests(self) -> bool:
        """Whether some operation is a request (completes when a handler replies)."""
        return any(o.request for r in self.replicas for o in r.operations)

    @property
    def tracks_applied(self) -> bool:
        """Whether replicas carry the ghost set of updates they applied (strong eventual
        consistency and convergence to an expected value need it; nothing else pays)."""
        return any(
            isinstance(p, StrongConvergence)
            or (isinstance(p, QuiescentConvergence) and p.expected is not None)
            or (isinstance(p, Invariant) and p.sees_applied)
            for p in self.properties
        )

    def describe_bounds(self, symmetry_group: int = 1) -> str:
        parts = [f"{self.n} replicas"]
        if self.roles:
            counts: dict[str, int] = {}
            for r in self.replicas:
                counts[r.role] = counts.get(r.role, 0) + 1
            parts.append("roles " + ", ".join(f"{k} x{v}" for k, v in counts.items()))
        if self.ops_per_replica is not None:
            parts.append(f"{self.ops_per_replica} op(s) per replica")
        if self.max_ops is not None:
            parts.append(f"{self.max_ops} op(s) in total")
        for name, budget in self.max_calls.items():
            parts.append(f"{name} <= {budget}")
        if self.sessions:
            placed = ", ".join(f"{s.name}@{s.home_name}" for s in self.sessions)
            parts.append(f"sessions {placed}")
            if self.ops_per_session is not None:
                parts.append(f"{self.ops_per_session} op(s) per session")
        if self.clocks:
            parts.append(f"time <= {self.max_time}")
        if self.timers:
            parts.append(f"timers fire <= {self.timer_fires}x per change")
        for name, value in self.params.items():
            parts.append(f"{name}={value!r}")
        if self.detector is not None:
            parts.append(f"detector: {self.detector.replace('_', ' ')}")
        parts.append(f"faults: {self.faults.describe()}")
        if self.symmetry:
            parts.append(f"symmetry: {'+'.join(sorted(self.symmetry))} (group of {symmetry_group})")
        if self.por:
            parts.append("partial-order reduction")
        return ", ".join(parts)


def compile_plan(spec: Spec) -> Plan:
    """The plan of `spec`; definition mistakes raise SpecError at the spec's line."""
    symmetry = spec.symmetry_kinds()
    # Under replica symmetry, ids refuse to be ordered: ordering them would be unsound.
    id_type = GuardedReplicaId if "replicas" in symmetry else ReplicaId
    ids = tuple(id_type(i + 1) for i in range(spec.replicas))
    runner = HandlerRunner(spec.classes, ids, spec.params)
    instances: dict[type[Replica], tuple[OperationInstance, ...]] = {}
    for cls in spec.classes:
        if cls not in instances:
            instances[cls] = tuple(
                _instance(op, args)
                for op in cls._operations
                for args in op.argument_tuples(spec.params)
            )
    replicas = tuple(
        _replica(spec, cls, i, runner, instances[cls]) for i, cls in enumerate(spec.classes)
    )
    sessions = tuple(_session(spec, name, chosen) for name, chosen in spec.sessions.items())
    properties = tuple(spec.properties)
    for prop in properties:
        if not isinstance(
            prop,
            (
                QuiescentConvergence,
                HistoryProperty,
                StrongConvergence,
                Invariant,
                Liveness,
                Sometimes,
            ),
        ):
            raise SpecError(
                f"property {prop.name!r} ({type(prop).__name__}) is not supported by this "
                "version of evcheck",
                location=spec.location,
            )
    if sessions and spec.max_calls:
        raise SpecError(
            "max_calls budgets the operations replicas issue; with client sessions, give each "
            "session its own budget (session(..., max_ops=N)) and its operation mix (ops=...)",
            location=spec.location,
        )
    if symmetry and any(isinstance(p, (Liveness, Sometimes)) for p in properties):
        # A lasso found on canonical states need not close on concrete ones, and fairness
        # per timer name is not invariant under renaming what the timer reads: refuse.
        if spec.symmetry != "auto":
            raise SpecError(
                "symmetry reduction is not supported with liveness or sometimes properties "
                "(the state graph must be concrete for fair cycles); use --symmetry none",
                location=spec.location,
            )
        symmetry = frozenset()
    if spec.detector is not None:
        symmetry = _without_symmetry(spec, symmetry)
        if any(isinstance(p, (Liveness, Sometimes)) for p in properties):
            raise SpecError(
                "liveness and sometimes properties are not supported with a failure detector "
                "yet (wrong suspicions and their retraction have no fairness class)",
                location=spec.location,
            )
    history = [p.name for p in properties if isinstance(p, HistoryProperty)]
    if history and not sessions:
        raise SpecError(
            f"{history[0]} judges client sessions: declare sessions=... and register "
            "operations (@operation(reads=True), @operation(writes=...))",
            location=spec.location,
        )
    _check_kinds(spec, replicas, sessions, history)
    faults = spec.faults
    plan = Plan(
        name=spec.name,
        location=spec.location,
        ids=ids,
        replicas=replicas,
        ops_per_replica=spec.ops_per_replica,
        max_ops=spec.max_ops,
        ops_per_session=spec.ops_per_session,
        max_calls=dict(spec.max_calls),
        sessions=sessions,
        faults=faults,
        splits=tuple(faults.partition_splits(spec.replicas)) if faults.partition else (),
        max_time=spec.max_time,
        properties=properties,
        symmetry=symmetry,
        por=False,
        params=dict(spec.params),
        timer_fires=spec.timer_fires,
        replicas_forward_writes=spec.replicas_forward_writes,
        detector=spec.detector,
    )
    return _with_por(plan, spec.por)


def _check_kinds(
    spec: Spec,
    replicas: tuple[ReplicaPlan, ...],
    sessions: tuple[SessionPlan, ...],
    history: list[str],
) -> None:
    """Requests need sessions (a request is a session's pending operation); kinds beyond
    registers (cas) are judged by linearizability only."""
    instances = [o for r in replicas for o in r.operations]
    requests = [o for o in instances if o.request]
    if requests and not sessions:
        raise SpecError(
            f"operation {requests[0].name!r} is a request (request=True): requests are issued "
            "by client sessions, which wait for the reply; declare sessions=...",
            location=spec.location,
        )
    cas = [o for o in instances if o.kind == "cas"]
    other = [h for h in history if h != "linearizability"]
    if cas and other:
        raise SpecError(
            f"{other[0]} is defined on registers of reads and unique writes; operation "
            f"{cas[0].name!r} is a compare-and-swap, which only linearizability judges",
            location=spec.location,
        )


def _without_symmetry(spec: Spec, symmetry: frozenset[str]) -> frozenset[str]:
    """A failure detector turns symmetry reduction off: what a replica suspects is part of
    its local state, and the soundness checks of a symmetry re-run handlers without it.
    Asked for explicitly, that is an error; chosen by "auto", it is dropped."""
    if symmetry and spec.symmetry != "auto":
        raise SpecError(
            "symmetry reduction is not supported with a failure detector yet; use --symmetry none",
            location=spec.location,
        )
    return frozenset()


def _replica(
    spec: Spec,
    cls: type[Replica],
    i: int,
    runner: HandlerRunner,
    operations: tuple[OperationInstance, ...],
) -> ReplicaPlan:
    initial = []
    for f in cls._fields:
        value = f.initial
        if f.factory is not None:
            try:
                value = f.factory(runner.newborn(i))
            except SpecError:
                raise
            except Exception as exc:
                raise SpecError(
                    f"{cls.__name__}.{f.name}: the initial-value factory raised "
                    f"{type(exc).__name__}: {exc}",
                    location=location_of(f.factory),
                ) from None
        frozen = freeze(value)
        try:
            hash(frozen)
            encode(frozen)
        except (TypeError, UnencodableValue) as exc:
            raise SpecError(
                f"{cls.__name__}.{f.name}: initial value {value!r} cannot be part of a state: {exc}",
                location=spec.location,
            ) from None
        initial.append(frozen)
    return ReplicaPlan(
        cls=cls,
        field_names=tuple(f.name for f in cls._fields),
        initial_fields=tuple(initial),
        durable=tuple(f.durable for f in cls._fields),
        operations=operations,
        handlers=dict(cls._handlers),
        timers=cls._timers,
        timer_limits=tuple(t.max_fires or spec.timer_fires for t in cls._timers),
        recovery=cls._recovery,
    )


def _session(spec: Spec, name: str, chosen: Session) -> SessionPlan:
    at = chosen.at if isinstance(chosen.at, tuple) else (chosen.at,)
    homes: list[int] = []
    for where in at:
        if isinstance(where, type):
            where = where.__name__
        if where == "*":
            homes.extend(range(spec.replicas))
        elif where.startswith("r") and where[1:].isdigit():
            homes.append(int(where[1:]) - 1)
        else:  # a role
            homes.extend(i for i, cls in enumerate(spec.classes) if cls.__name__ == where)
    max_ops = chosen.max_ops if chosen.max_ops is not None else spec.ops_per_session
    return SessionPlan(
        name,
        tuple(sorted(set(homes))),
        chosen.describe(),
        None if chosen.ops is None else frozenset(chosen.ops),
        max_ops,
    )


def _with_por(plan: Plan, requested: bool | str) -> Plan:
    """Partial-order reduction of the delivery tail (see `evcheck.por`), where sound.

    The argument covers fault-free specs without timers or clocks whose properties are
    quiescent convergence (and the built-in handler check): every reachable quiescent
    state and every handler exception is preserved. User invariants may depend on
    several replicas' intermediate states, which the reduction skips.
    """
    if requested is True and "replicas" in plan.symmetry:
        raise SpecError(
            "partial-order reduction does not combine with replica symmetry: its choice of "
            "receiver (the lowest-numbered replica with mail) is not invariant under "
            "renaming replicas; drop one of them",
            location=plan.location,
        )
    sound = (
        plan.plain
        and "replicas" not in plan.symmetry
        and not plan.guarded
        and all(isinstance(p, QuiescentConvergence) and p.expected is None for p in plan.properties)
    )
    if requested == "auto":
        chosen = sound
    elif requested and not sound:
        raise SpecError(
            "partial-order reduction is only sound for specs without faults, timers, "
            "clocks, sessions or guarded handlers whose properties are quiescent "
            "convergence; turn it off",
            location=plan.location,
        )
    else:
        chosen = bool(requested)
    if chosen == plan.por:
        return plan
    return replace(plan, por=chosen)


def _instance(op: Operation, args: tuple[Any, ...]) -> OperationInstance:
    names = op.argument_names
    key_pos = names.index(op.key_arg) if op.key_arg else -1
    if op.kind == "cas" and op.value_arg:
        expected, new = op.value_arg.split(",")
        return OperationInstance(
            op, args, op.kind, key_pos, names.index(expected), names.index(new)
        )
    value_pos = names.index(op.value_arg) if op.value_arg else -1
    return OperationInstance(op, args, op.kind, key_pos, value_pos)
