"""The protocol DSL: replicas as plain Python classes, and the Spec that bounds them.

    @message
    class Update:
        value: str
        stamp: tuple[int, int]

    class LWW(Replica):
        value = field(None)
        stamp = field((0, 0))

        @operation(v="values")
        def write(self, v):
            self.stamp = (self.stamp[0] + 1, self.id)
            self.value = v
            self.broadcast(Update(v, self.stamp))

        @on(Update)
        def receive(self, msg):
            if msg.stamp > self.stamp:
                self.value, self.stamp = msg.value, msg.stamp

    spec = Spec(LWW, replicas=3, values=("a", "b"), ops_per_replica=1)

Handlers run on a scratch copy of one replica's state; effects (sends) are data
the environment interprets. Mistakes in a definition raise `SpecError` at class or
spec creation, naming the file and line.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, dataclass_transform

from .errors import SpecError
from .faults import FaultProfile
from .params import Params, check_used, read_by_domain, read_by_protocol
from .properties import Property, builtin_properties, quiescent_convergence
from .values import FrozenDict, ModelValue, ReplicaId, UnencodableValue, encode, freeze

T = TypeVar("T")

RESERVED = frozenset(
    {
        "id",
        "replicas",
        "peers",
        "send",
        "broadcast",
        "observe",
        "params",
        "role",
        "role_of",
        "replicas_with",
        "suspects",
        "reply",
    }
)

# Failure detectors a spec may declare (`Spec(detector=...)`): "perfect" suspects exactly
# the replicas that are down; "eventually_perfect" may also suspect replicas that are up,
# within the `false_suspicion` fault budget, and trust them again.
DETECTORS = ("perfect", "eventually_perfect")

# Operation domains are materialised when the spec is built. A domain with more values
# than this is almost surely unbounded (an infinite generator, a huge range): refusing it
# at load beats hanging or exhausting memory while enumerating it.
MAX_DOMAIN_VALUES = 10_000
MAX_ARGUMENT_TUPLES = 100_000


def location_of(fn: Any) -> str:
    """`file:line` of a function's definition (for error messages)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return "<unknown>"
    return f"{code.co_filename}:{code.co_firstlineno}"


def caller_location(depth: int = 2) -> str:
    """`file:line` of the user code `depth` frames up (for errors raised from API calls)."""
    frame = sys._getframe(depth)
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


@dataclass
class Field:
    """A replica state field. `durable` fields survive a crash; volatile ones are reset.

    `factory`, when given, computes the initial value per replica: it is called with a
    replica that has its identity, peers, role and parameters but no fields yet, so the
    initial state can depend on who the replica is (`lambda self: self.id == 1`).
    """

    initial: Any
    durable: bool = True
    name: str = ""
    factory: Callable[[Any], Any] | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @property
    def container(self) -> type | None:
        """The mutable container type a handler sees for this field, if any."""
        for kind in (list, set, dict):
            if isinstance(self.initial, kind):
                return kind
        return None


def field(
    initial: Any = None, *, durable: bool = True, factory: Callable[[Any], Any] | None = None
) -> Any:
    """Declare a replica state field with its initial value.

    Lists, sets and dicts are stored frozen and handed to handlers as mutable copies.
    `durable=False` marks state lost on a crash (used by the fault model). `factory`
    computes the initial value per replica from `self.id`, `self.replicas`, `self.role`
    and `self.params` (e.g. `field(factory=lambda self: self.id == 1)` for a leader flag).
    """
    if factory is not None and not callable(factory):
        raise SpecError(f"field(factory=...) must be callable, got {factory!r}")
    return Field(initial=initial, durable=durable, factory=factory)


@dataclass_transform(frozen_default=True)
def message(cls: type[T] | None = None, *, carries: str = "update") -> Any:
    """Declare a message type: a frozen dataclass whose fields are the payload.

    `carries` matters only to strong eventual consistency: "update" (the default) for a
    message that carries the update being made or relayed (operation-based replication;
    sent by a timer or a recovery hook, where no update is being made, it carries what
    the sender has applied), "state" for one that carries everything its sender has
    applied (state-based replication, anti-entropy), "nothing" for control messages
    (requests, acknowledgements).
    """
    if carries not in ("update", "state", "nothing"):
        raise SpecError(
            f"@message(carries=...) must be 'update', 'state' or 'nothing', got {carries!r}"
        )
    if cls is None:
        return lambda c: _message(c, carries)
    return _message(cls, carries)


def _message(cls: type[T], carries: str) -> type[T]:
    made = dataclasses.dataclass(frozen=True)(cls)

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
        return f"{type(self).__name__}({inner})"

    made.__repr__ = __repr__  # type: ignore[method-assign]
    made._evc_message = True  # type: ignore[attr-defined]
    made._evc_carries = carries  # type: ignore[attr-defined]
    return made


def is_message_type(obj: Any) -> bool:
    return isinstance(obj, type) and getattr(obj, "_evc_message", False) is True


@dataclass(frozen=True)
class Request:
    """A client request in progress: the handle an asynchronous operation receives, which
    may travel inside messages and is answered with `self.reply(request, value)`. It names
    the session that issued it and the session's operation number (unique per session)."""

    session: str
    number: int
    _evc_atom: ClassVar[bool] = True  # shown by its name, `s1#2`

    def __repr__(self) -> str:
        return f"{self.session}#{self.number}"


@dataclass(frozen=True)
class Operation:
    """A client operation: a method plus a finite domain for each argument.

    `kind` is the history kind: "read", "write", "multiread" (a read returning sibling
    values), "cas" (`value_arg` names "expected,new") or None (not recorded);
    `value_arg` names a write's value, `key_arg` the key. A `request` operation is
    asynchronous: its first argument is the `Request`, and it completes when some handler
    replies to it.
    """

    name: str
    fn: Callable[..., Any]
    domains: Mapping[str, Any]
    location: str
    kind: str | None = None
    value_arg: str | None = None
    key_arg: str | None = None
    when: Callable[..., Any] | None = None
    request: bool = False

    @property
    def argument_names(self) -> list[str]:
        """The arguments drawn from domains (not self, not the request handle)."""
        names = list(inspect.signature(self.fn).parameters)[1:]
        return names[1:] if self.request else names

    def argument_tuples(self, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every argument tuple the operation may be called with under `params`."""
        names = self.argument_names
        pools: list[list[Any]] = []
        for name in names:
            domain = self.domains[name]
            if domain is unique:
                pools.append([unique])  # filled in per session by the engine
                continue
            if isinstance(domain, str):
                domain = self._parameter(name, domain, params)
            if callable(domain):
                domain = domain(params)
            pools.append(self._materialise(name, domain))
        if math.prod(len(pool) for pool in pools) > MAX_ARGUMENT_TUPLES:
            raise SpecError(
                f"operation {self.name!r} can be called with "
                f"{math.prod(len(pool) for pool in pools):,} argument combinations, more than "
                f"{MAX_ARGUMENT_TUPLES:,}: make its domains smaller",
                location=self.location,
            )
        result: list[tuple[Any, ...]] = [()]
        for pool in pools:
            result = [(*prefix, v) for prefix in result for v in pool]
        return result

    def parameters_used(self, params: Mapping[str, Any]) -> set[str]:
        """The spec parameters this operation's domains read (a callable domain is called
        with a mapping that records what it reads)."""
        used: set[str] = set()
        for name, domain in self.domains.items():
            if isinstance(domain, str):
                self._parameter(name, domain, params)
                used.add(domain)
            elif callable(domain) and domain is not unique:
                used |= read_by_domain(domain, params)
        return used

    def _parameter(self, arg: str, name: str, params: Mapping[str, Any]) -> Any:
        if name not in params:
            known = ", ".join(sorted(params)) or "none"
            raise SpecError(
                f"operation {self.name!r} takes {arg} from spec parameter {name!r}, which "
                f"the spec does not set (parameters: {known}); pass {name}=(...) to Spec",
                location=self.location,
            )
        return params[name]

    def _materialise(self, name: str, domain: Any) -> list[Any]:
        """The values of one argument's domain, refusing one that is not a finite
        collection or has more than MAX_DOMAIN_VALUES values (an infinite generator)."""
        try:
            values = list(itertools.islice(domain, MAX_DOMAIN_VALUES + 1))
        except TypeError:
            raise SpecError(
                f"the domain of argument {name!r} of operation {self.name!r} is "
                f"{domain!r}, not a finite collection of values",
                location=self.location,
            ) from None
        if len(values) > MAX_DOMAIN_VALUES:
            raise SpecError(
                f"the domain of argument {name!r} of operation {self.name!r} has more than "
                f"{MAX_DOMAIN_VALUES:,} values (an infinite generator?); a domain must be a "
                "small finite collection",
                location=self.location,
            )
        return values


class _Unique:
    """The domain of a written value that must be unique: the engine passes the value
    `"<session>.<n>"` for a session's n-th operation, so every read identifies the write
    it returns. Session properties need it."""

    def __repr__(self) -> str:
        return "unique"


unique: Any = _Unique()


def operation(
    *,
    reads: bool | str = False,
    writes: str | None = None,
    cas: tuple[str, str] | None = None,
    key: str | None = None,
    request: bool = False,
    when: Callable[..., Any] | None = None,
    **domains: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a client operation; each argument names its domain.

    A domain is the name of a spec parameter (`v="values"`), a literal collection
    (`v=(1, 2)`), a function of the spec parameters, or `unique`. Register operations
    are recorded in the client history that session properties judge:
    `@operation(reads=True)` returns the value read; `@operation(v=unique, writes="v")`
    writes its argument `v`; `key="k"` names the key argument of either.
    `reads="siblings"` declares a read that returns several values (Dynamo siblings:
    a collection, each value seen by the read); `cas=("old", "new")` a compare-and-swap
    of argument `new` where the key holds argument `old`, returning True (swapped) or
    False (compare failed).
    `when=lambda self, *args: ...` is an enabling condition: where it is false the
    operation is not enabled (no transition, no budget spent).

    `request=True` makes the operation asynchronous: `def get(self, request, ...)`
    receives the `Request` first; the body and later handlers may send messages (the
    request can travel inside them), and the operation completes when a handler calls
    `self.reply(request, value)` — the value read, or the cas outcome. Until then it is
    pending, and its session issues nothing else.
    (So `reads`, `writes`, `cas`, `key`, `request` and `when` cannot be argument names.)
    """

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        where = location_of(fn)
        names = list(inspect.signature(fn).parameters)
        if not names:
            raise SpecError(f"operation {fn.__name__} must take self", location=where)
        if request:
            if len(names) < 2:
                raise SpecError(
                    f"operation {fn.__name__} is a request: it must take the request after "
                    f"self (def {fn.__name__}(self, request, ...))",
                    location=where,
                )
            names = [names[0], *names[2:]]
        if sum(bool(x) for x in (reads, writes, cas)) > 1:
            raise SpecError(
                f"operation {fn.__name__} cannot both read and write (reads=, writes= and cas= "
                "exclude each other)",
                location=where,
            )
        if reads not in (False, True, "siblings"):
            raise SpecError(
                f"operation {fn.__name__}: reads= must be True or 'siblings', got {reads!r}",
                location=where,
            )
        if cas is not None and (
            not isinstance(cas, tuple) or len(cas) != 2 or not all(isinstance(c, str) for c in cas)
        ):
            raise SpecError(
                f"operation {fn.__name__}: cas= names two arguments (expected, new), got {cas!r}",
                location=where,
            )
        for role, arg in (("writes", writes), ("key", key), *(("cas", c) for c in cas or ())):
            if arg is not None and arg not in names[1:]:
                raise SpecError(
                    f"operation {fn.__name__}: {role}={arg!r} names no argument", location=where
                )
        missing = [n for n in names[1:] if n not in domains]
        if missing:
            raise SpecError(
                f"operation {fn.__name__}: argument(s) {', '.join(missing)} have no domain; "
                f"write @operation({missing[0]}='values') or give a tuple of values",
                location=where,
            )
        extra = [n for n in domains if n not in names[1:]]
        if extra:
            raise SpecError(
                f"operation {fn.__name__} has no argument(s) named {', '.join(extra)}",
                location=where,
            )
        kind = (
            "multiread"
            if reads == "siblings"
            else "read"
            if reads
            else "write"
            if writes
            else "cas"
            if cas
            else None
        )
        value_arg = ",".join(cas) if cas else writes
        _check_guard(when, fn.__name__, where)
        fn._evc_operation = Operation(  # type: ignore[attr-defined]
            fn.__name__, fn, dict(domains), where, kind, value_arg, key, when, bool(request)
        )
        return fn

    return wrap


@dataclass(frozen=True)
class Handler:
    """A message handler: the method, and whether it wants the sender as an argument."""

    message_type: type
    fn: Callable[..., Any]
    wants_sender: bool
    location: str
    when: Callable[..., Any] | None = None


def on(
    message_type: type, *, when: Callable[..., Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the handler of a message type: `def h(self, msg)` or `def h(self, msg, src)`.

    `when=lambda self, msg: ...` is an enabling condition: where it is false the message
    stays in flight, undelivered, until the receiver's state enables it.
    """
    where = caller_location()
    if not is_message_type(message_type):
        raise SpecError(
            f"@on({getattr(message_type, '__name__', message_type)!r}): not a message type; "
            "declare it with @message",
            location=where,
        )

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        arity = len(inspect.signature(fn).parameters)
        if arity not in (2, 3):
            raise SpecError(
                f"handler {fn.__name__} must be (self, msg) or (self, msg, src)",
                location=location_of(fn),
            )
        _check_guard(when, fn.__name__, location_of(fn))
        fn._evc_handler = Handler(message_type, fn, arity == 3, location_of(fn), when)  # type: ignore[attr-defined]
        return fn

    return wrap


@dataclass(frozen=True)
class Timer:
    """A timer: periodic timers are always armed; one-shot timers fire once per `start_timer`.

    Either kind fires at most `max_fires` times in a row while its replica's fields
    stay unchanged. The count resets whenever they change, and for every replica on
    a heal or a recovery (the environment changed, so repeating may help again).
    That bounds retries and anti-entropy rounds without starving a repair that
    follows a fault.
    """

    name: str
    fn: Callable[..., Any]
    periodic: bool
    max_fires: int | None
    location: str
    when: Callable[..., Any] | None = None


def timer(
    *,
    periodic: bool = False,
    max_fires: int | None = None,
    when: Callable[..., Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a timer handler `def t(self)`; `periodic=True` for anti-entropy or heartbeats.

    `max_fires` overrides the spec's `timer_fires` bound for this timer. `when=lambda
    self: ...` is an enabling condition: where it is false the timer cannot fire (and
    its fire count does not move), so a guarded periodic timer adds no no-op steps.
    """

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        where = location_of(fn)
        if len(inspect.signature(fn).parameters) != 1:
            raise SpecError(f"timer {fn.__name__} must take only self", location=where)
        if max_fires is not None and (not isinstance(max_fires, int) or max_fires < 1):
            raise SpecError(f"timer {fn.__name__}: max_fires must be >= 1", location=where)
        _check_guard(when, fn.__name__, where)
        fn._evc_timer = Timer(fn.__name__, fn, periodic, max_fires, where, when)  # type: ignore[attr-defined]
        return fn

    return wrap


def on_recovery(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Declare the hook run when a crashed replica recovers (after volatile fields reset)."""
    if len(inspect.signature(fn).parameters) != 1:
        raise SpecError(
            f"recovery hook {fn.__name__} must take only self", location=location_of(fn)
        )
    fn._evc_recovery = True  # type: ignore[attr-defined]
    return fn


def _check_guard(when: Any, name: str, where: str) -> None:
    if when is not None and not callable(when):
        raise SpecError(
            f"{name}: when= must be a function of the replica (and the action's arguments), "
            f"got {when!r}",
            location=where,
        )


_MARKS = ("_evc_operation", "_evc_timer", "_evc_handler", "_evc_recovery")


class _Declarations:
    """The operations, handlers, timers and recovery hook of a Replica subclass being created.

    They start as the parent's. An attribute of the new class then decides what its name
    means: a decorated method declares anew (replacing whatever the parent declared under
    that name); a plain method overriding a declared one inherits the declaration, so the
    code that runs is the code written in the subclass; `None` switches the inherited
    declaration off; anything else over a declared name is refused as ambiguous.
    """

    def __init__(self, cls: type[Replica]) -> None:
        self.cls = cls
        self.operations = {op.name: op for op in cls._operations}
        self.timers = {t.name: t for t in cls._timers}
        self.handlers = dict(cls._handlers)
        self.recovery = cls._recovery
        self._own_handlers: dict[type, str] = {}  # message type -> method declared here

    def names(self) -> set[str]:
        """The attribute names that carry a declaration."""
        names = set(self.operations) | set(self.timers)
        names.update(h.fn.__name__ for h in self.handlers.values())
        if self.recovery is not None:
            names.add(self.recovery.__name__)
        return names

    def take(self, attributes: Mapping[str, Any]) -> None:
        """Account for the new class's attributes: decorated ones first, so that whether a
        plain method overrides a declaration does not depend on the order of definition."""
        plain = []
        for name, value in attributes.items():
            if any(hasattr(value, mark) for mark in _MARKS):
                self._drop(name)
                self._declare(value)
            else:
                plain.append((name, value))
        for name, value in plain:
            self._take_plain(name, value)

    def _take_plain(self, name: str, value: Any) -> None:
        if name in self.names():
            if value is None:
                self._drop(name)
            elif inspect.isfunction(value):
                self._override(name, value)
            else:
                raise SpecError(
                    f"{self.cls.__name__}.{name} replaces an inherited declaration with "
                    f"{value!r}; override it with a method, or assign None to switch it off",
                    location=_class_location(self.cls),
                )

    def _drop(self, name: str) -> None:
        self.operations.pop(name, None)
        self.timers.pop(name, None)
        for msg_type in [t for t, h in self.handlers.items() if h.fn.__name__ == name]:
            del self.handlers[msg_type]
        if self.recovery is not None and self.recovery.__name__ == name:
            self.recovery = None

    def _declare(self, fn: Any) -> None:
        op = getattr(fn, "_evc_operation", None)
        if isinstance(op, Operation):
            self.operations[op.name] = op
        tmr = getattr(fn, "_evc_timer", None)
        if isinstance(tmr, Timer):
            self.timers[tmr.name] = tmr
        if getattr(fn, "_evc_recovery", False) is True:
            self.recovery = fn
        handler = getattr(fn, "_evc_handler", None)
        if isinstance(handler, Handler):
            self._add_handler(handler)

    def _add_handler(self, handler: Handler) -> None:
        msg_type = handler.message_type
        previous = self._own_handlers.get(msg_type)
        if previous is not None:
            raise SpecError(
                f"{msg_type.__name__} has two handlers in {self.cls.__name__}: "
                f"{previous} and {handler.fn.__name__}",
                location=handler.location,
            )
        self._own_handlers[msg_type] = handler.fn.__name__
        self.handlers[msg_type] = handler

    def _override(self, name: str, fn: Callable[..., Any]) -> None:
        """`fn` overrides the declared method `name` without repeating its decorator."""
        where = location_of(fn)
        params = list(inspect.signature(fn).parameters)
        op = self.operations.get(name)
        if op is not None:
            before = list(inspect.signature(op.fn).parameters)[1:]
            if params[1:] != before:
                raise SpecError(
                    f"{self.cls.__name__}.{name} overrides the operation {name} but takes "
                    f"({', '.join(params)}) instead of (self, {', '.join(before)}): repeat "
                    "@operation(...) with the domains of the new arguments",
                    location=where,
                )
            self.operations[name] = dataclasses.replace(op, fn=fn, location=where)
        tmr = self.timers.get(name)
        if tmr is not None:
            if len(params) != 1:
                raise SpecError(f"timer {name} must take only self", location=where)
            self.timers[name] = dataclasses.replace(tmr, fn=fn, location=where)
        for handler in [h for h in self.handlers.values() if h.fn.__name__ == name]:
            if len(params) not in (2, 3):
                raise SpecError(
                    f"handler {name} must be (self, msg) or (self, msg, src)", location=where
                )
            self._add_handler(
                Handler(handler.message_type, fn, len(params) == 3, where, handler.when)
            )
        if self.recovery is not None and self.recovery.__name__ == name:
            if len(params) != 1:
                raise SpecError(f"recovery hook {name} must take only self", location=where)
            self.recovery = fn


class Replica:
    """Base class of a replica protocol.

    Subclasses declare `field`s, `@operation`s and `@on(Message)` handlers. Inside a
    handler, `self.id` is this replica, `self.replicas` all of them, `self.peers` the
    others; `self.send(dst, msg)` and `self.broadcast(msg)` emit messages.
    Override `observe` to choose what convergence compares (default: all fields).
    """

    _fields: ClassVar[tuple[Field, ...]] = ()
    _operations: ClassVar[tuple[Operation, ...]] = ()
    _handlers: ClassVar[dict[type, Handler]] = {}
    _timers: ClassVar[tuple[Timer, ...]] = ()
    _recovery: ClassVar[Callable[..., Any] | None] = None

    # Set on each scratch copy by the engine.
    _evc_id: ReplicaId
    _evc_all: tuple[ReplicaId, ...]
    _evc_out: list[tuple[ReplicaId, Any, str]]
    _evc_time: tuple[int, int] | None  # (real time, clock offset), None without clocks
    _evc_timer_ops: list[tuple[str, bool, str]]  # (timer, start?, where)
    _evc_params: Params
    _evc_roles: tuple[type[Replica], ...]  # the class of every replica, by position
    _evc_replies: list[tuple[Request, Any, str]]  # (request, value, where)
    _evc_suspects: frozenset[ReplicaId] | None  # what its detector suspects; None: no detector

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = {f.name: f for f in cls._fields}
        for name, value in list(cls.__dict__.items()):
            if isinstance(value, Field):
                if name in RESERVED:
                    raise SpecError(
                        f"{cls.__name__}.{name}: the field name {name!r} is reserved "
                        f"(reserved: {', '.join(sorted(RESERVED))})",
                        location=_class_location(cls),
                    )
                try:
                    encode(freeze(value.initial))
                except UnencodableValue as exc:
                    raise SpecError(
                        f"{cls.__name__}.{name}: initial value: {exc}",
                        location=_class_location(cls),
                    ) from None
                fields[name] = value
        declared = _Declarations(cls)
        declared.take(cls.__dict__)
        cls._fields = tuple(fields.values())
        cls._operations = tuple(declared.operations.values())
        cls._handlers = declared.handlers
        cls._timers = tuple(declared.timers.values())
        cls._recovery = declared.recovery

    @property
    def id(self) -> ReplicaId:
        return self._evc_id

    @property
    def replicas(self) -> tuple[ReplicaId, ...]:
        return self._evc_all

    @property
    def peers(self) -> tuple[ReplicaId, ...]:
        me = self._evc_id
        return tuple(r for r in self._evc_all if r != me)

    @property
    def role(self) -> str:
        """This replica's role: the name of its class (see `Spec` roles)."""
        return self._evc_roles[int.__int__(self._evc_id) - 1].__name__

    def role_of(self, replica: ReplicaId) -> str:
        """The role of another replica."""
        return self._evc_roles[int.__int__(replica) - 1].__name__

    def replicas_with(self, role: str | type) -> tuple[ReplicaId, ...]:
        """The replicas of a role, in id order: a class (its subclasses included) or the
        exact name of a class."""
        return tuple(
            r
            for r, cls in zip(self._evc_all, self._evc_roles, strict=True)
            if (cls.__name__ == role if isinstance(role, str) else issubclass(cls, role))
        )

    @property
    def params(self) -> Params:
        """The spec parameters, read-only: `self.params.NAME` or `self.params["NAME"]`."""
        return self._evc_params

    def send(self, dst: ReplicaId, msg: Any) -> None:
        """Send `msg` to replica `dst` (delivered later, in any order)."""
        self._evc_out.append((dst, msg, caller_location()))

    def reply(self, request: Request, value: Any = None) -> None:
        """Complete a client request with `value` (a read's value, a cas's True/False; None
        for a write). A reply to a request that is no longer pending is ignored (and shown
        in the trace)."""
        if not isinstance(request, Request):
            raise SpecError(
                f"self.reply(...) needs the Request an operation received, got {request!r}",
                location=caller_location(),
            )
        self._evc_replies.append((request, value, caller_location()))

    def broadcast(self, msg: Any) -> None:
        """Send `msg` to every other replica."""
        where = caller_location()
        for peer in self.peers:
            self._evc_out.append((peer, msg, where))

    @property
    def clock(self) -> int:
        """This replica's physical clock: real time plus its skew (needs the spec's max_time)."""
        time = self._evc_time
        if time is None:
            raise SpecError(
                f"{type(self).__name__} reads self.clock, but the spec has no clocks: "
                "set max_time=N on the Spec (and skew in its faults)",
                location=caller_location(),
            )
        return time[0] + time[1]

    @property
    def real_time(self) -> int:
        """Ghost: the true global time, for ghost fields and properties, never for decisions."""
        time = self._evc_time
        if time is None:
            raise SpecError(
                "self.real_time needs clocks: set max_time=N on the Spec",
                location=caller_location(),
            )
        return time[0]

    def suspects(self, replica: ReplicaId) -> bool:
        """Whether this replica's failure detector suspects `replica` (needs the spec's
        `detector=`): under "perfect", exactly when `replica` is down; under
        "eventually_perfect", also when it is up but wrongly suspected (within the
        `false_suspicion` budget), until this replica trusts it again."""
        seen = self._evc_suspects
        if seen is None:
            raise SpecError(
                f"{type(self).__name__} calls self.suspects(...), but the spec declares no "
                "failure detector: pass detector='perfect' or detector='eventually_perfect' "
                "to Spec (with faults={'false_suspicion': N} for wrong suspicions)",
                location=caller_location(),
            )
        n = len(self._evc_all)
        if isinstance(replica, bool) or not isinstance(replica, int) or not 1 <= int(replica) <= n:
            raise SpecError(
                f"self.suspects({replica!r}): not a replica "
                f"(replicas: {', '.join(map(repr, self._evc_all))})",
                location=caller_location(),
            )
        return self._evc_all[int.__int__(replica) - 1] in seen

    def start_timer(self, name: str) -> None:
        """Arm the one-shot timer `name` (it may fire at any later step)."""
        self._evc_timer_ops.append((name, True, caller_location()))

    def cancel_timer(self, name: str) -> None:
        """Disarm the one-shot timer `name`."""
        self._evc_timer_ops.append((name, False, caller_location()))

    def observe(self) -> Any:
        """What convergence compares between replicas: by default every field."""
        return FrozenDict({f.name: getattr(self, f.name) for f in self._fields})

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.name}={getattr(self, f.name, '?')!r}" for f in self._fields)
        return f"{type(self).__name__}@{getattr(self, '_evc_id', '?')}({inner})"


def _class_location(cls: type) -> str:
    try:
        file = inspect.getsourcefile(cls) or "<unknown>"
        line = inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return f"{getattr(sys.modules.get(cls.__module__), '__file__', '<unknown>')}"
    return f"{file}:{line}"


BOUND_NAMES = (
    "replicas",
    "ops_per_replica",
    "max_ops",
    "max_time",
    "timer_fires",
    "ops_per_session",
)


_NOT_KEYWORDS = ("self", "protocol", "params")


@dataclass(frozen=True)
class Session:
    """A client session: where it operates, which operations it issues, and how many.

    `at` is a replica name (`"r1"`, pinned), `"*"` (roaming over every replica that is
    up), a role (a replica class or its name: roaming over that role's replicas) or a
    tuple of replica names. `ops` names the operations it may call (default: all the
    replica's operations); `max_ops` bounds its operations (default: the spec's
    `ops_per_session`).
    """

    at: Any = "*"
    ops: tuple[str, ...] | None = None
    max_ops: int | None = None

    def describe(self) -> str:
        at = self.at.__name__ if isinstance(self.at, type) else self.at
        shown = at if isinstance(at, str) else ",".join(at)
        if self.ops is not None:
            shown += f"[{','.join(self.ops)}]"
        return shown


def session(
    at: Any = "*", *, ops: Iterable[str] | None = None, max_ops: int | None = None
) -> Session:
    """A session for `Spec(sessions={"name": session(...)})` (see `Session`)."""
    return Session(at, None if ops is None else tuple(ops), max_ops)


def _roles(protocol: Any, where: str) -> tuple[type[Replica], ...] | None:
    """The class of each replica when `protocol` assigns roles (a list of classes, one per
    replica, or a mapping class -> count), or None for a single class."""
    if isinstance(protocol, type):
        return None
    if isinstance(protocol, Mapping):
        classes: list[Any] = []
        for cls, count in protocol.items():
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                raise SpecError(
                    f"roles: {getattr(cls, '__name__', cls)!r} needs a positive replica count, "
                    f"got {count!r}",
                    location=where,
                )
            classes.extend([cls] * count)
    elif isinstance(protocol, (list, tuple)):
        classes = list(protocol)
    else:
        classes = [protocol]
    bad = [c for c in classes if not (isinstance(c, type) and issubclass(c, Replica))]
    if bad or not classes:
        raise SpecError(
            "Spec(...) needs a Replica subclass, a list of them (one per replica) or a "
            f"mapping class -> number of replicas, got {protocol!r}",
            location=where,
        )
    return tuple(classes)


def _session(value: Any) -> Session:
    return (
        value
        if isinstance(value, Session)
        else Session(value if isinstance(value, type) else str(value))
    )


class Spec:
    """A protocol bound to a finite model: replicas, parameters, operation budgets, properties.

    `detector="perfect"` or `"eventually_perfect"` declares the failure detector that
    `self.suspects(r)` consults (wrong suspicions: `faults={"false_suspicion": N}`).

    Keyword arguments other than the named options are spec parameters (e.g.
    `values=("a", "b")`), used as operation domains and read by the protocol as
    `self.params.NAME`. A parameter that neither uses is refused as a likely misspelling.
    """

    def __init__(
        self,
        protocol: type[Replica] | Sequence[type[Replica]] | Mapping[type[Replica], int],
        *,
        replicas: int | None = None,
        ops_per_replica: int | None = None,
        max_ops: int | None = None,
        max_time: int | None = None,
        timer_fires: int = 1,
        faults: FaultProfile | Mapping[str, Any] | None = None,
        symmetry: str | Iterable[str] = "auto",
        por: bool | str = "auto",
        sessions: Mapping[str, Any] | Sequence[Any] | None = None,
        ops_per_session: int | None = None,
        max_calls: Mapping[str, int] | None = None,
        replicas_forward_writes: bool = False,
        detector: str | None = None,
        properties: Iterable[Property] = (quiescent_convergence,),
        name: str | None = None,
        description: str = "",
        **params: Any,
    ) -> None:
        self.location = caller_location()
        roles = _roles(protocol, self.location)
        if roles is None:
            if not (isinstance(protocol, type) and issubclass(protocol, Replica)):
                raise SpecError(
                    f"Spec(...) needs a Replica subclass as its first argument, got {protocol!r}",
                    location=self.location,
                )
            self.protocol: type[Replica] = protocol
            self.roles: tuple[type[Replica], ...] | None = None
            self.replicas = 3 if replicas is None else replicas
        else:
            if replicas is not None and replicas != len(roles):
                raise SpecError(
                    f"replicas={replicas!r}, but the roles name {len(roles)} replicas",
                    location=self.location,
                )
            self.protocol = roles[0]
            self.roles = roles
            self.replicas = len(roles)
        self.ops_per_replica = ops_per_replica
        self.max_ops = max_ops
        self.max_time = max_time
        self.timer_fires = timer_fires
        try:
            if faults is None:
                self.faults = FaultProfile()
            elif isinstance(faults, FaultProfile):
                self.faults = faults
            else:
                self.faults = FaultProfile().with_overrides(faults)
        except SpecError as exc:
            raise SpecError(str(exc), location=self.location) from None
        self.symmetry = symmetry
        self.por = por
        if sessions is None:
            self.sessions: dict[str, Session] = {}
        elif isinstance(sessions, Mapping):
            self.sessions = {str(k): _session(v) for k, v in sessions.items()}
        else:
            self.sessions = {f"s{i + 1}": _session(home) for i, home in enumerate(sessions)}
        self.ops_per_session = ops_per_session
        self.max_calls = dict(max_calls or {})
        self.replicas_forward_writes = bool(replicas_forward_writes)
        self.detector = detector
        self.properties = tuple(properties)
        self.name = name or (
            self.protocol.__name__
            if self.roles is None
            else "+".join(dict.fromkeys(c.__name__ for c in self.roles))
        )
        self.description = description
        self.params = dict(params)
        # Properties the spec's module defines besides those it checks (set by the loader):
        # `--property NAME` may pick any of them.
        self.module_properties: dict[str, Property] = {}
        self._validate()
        self._check_parameters()

    def _validate(self) -> None:
        where = self.location
        if (
            not isinstance(self.replicas, int)
            or isinstance(self.replicas, bool)
            or self.replicas < 1
        ):
            raise SpecError(
                f"replicas must be a positive int, got {self.replicas!r}", location=where
            )
        for bound in ("ops_per_replica", "max_ops", "max_time"):
            value = getattr(self, bound)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0
            ):
                raise SpecError(
                    f"{bound} must be a non-negative int, got {value!r}", location=where
                )
        if (
            not isinstance(self.timer_fires, int)
            or isinstance(self.timer_fires, bool)
            or self.timer_fires < 1
        ):
            raise SpecError(
                f"timer_fires must be an int >= 1, got {self.timer_fires!r}", location=where
            )
        try:
            self.symmetry_kinds()
        except SpecError as exc:
            raise SpecError(str(exc), location=where) from None
        if self.detector is not None and self.detector not in DETECTORS:
            raise SpecError(
                f"detector={self.detector!r}: use one of {', '.join(map(repr, DETECTORS))} "
                "(or no detector)",
                location=where,
            )
        if self.faults.false_suspicion and self.detector != "eventually_perfect":
            raise SpecError(
                f"false_suspicion={self.faults.false_suspicion} needs an eventually perfect "
                "failure detector: pass detector='eventually_perfect' to Spec"
                + (
                    " (a perfect detector never suspects a replica that is up)"
                    if self.detector
                    else ""
                ),
                location=where,
            )
        if self.faults.skew and self.max_time is None:
            raise SpecError("clock skew needs clocks: set max_time=N on the Spec", location=where)
        if self.faults.start_split:
            try:
                self.faults.start_groups(self.replicas)
            except SpecError as exc:
                raise SpecError(str(exc), location=where) from None
        if self.faults.splits is not None:
            try:
                self.faults.partition_splits(self.replicas)
            except SpecError as exc:
                raise SpecError(str(exc), location=where) from None
        if self.roles is not None and len(self.roles) != self.replicas:
            raise SpecError(
                f"replicas={self.replicas!r}, but the roles name {len(self.roles)} replicas: "
                "change the number of each role instead",
                location=where,
            )
        operations = [op for cls in self.classes for op in cls._operations]
        op_names = {op.name for op in operations}
        for name, budget in self.max_calls.items():
            if name not in op_names:
                raise SpecError(
                    f"max_calls names {name!r}, which is not an operation "
                    f"(operations: {', '.join(sorted(op_names)) or 'none'})",
                    location=where,
                )
            if not isinstance(budget, int) or isinstance(budget, bool) or budget < 0:
                raise SpecError(
                    f"max_calls[{name!r}] must be a non-negative int, got {budget!r}",
                    location=where,
                )
        sessions_bounded = bool(self.sessions) and all(
            s.max_ops is not None or self.ops_per_session is not None
            for s in self.sessions.values()
        )
        bounded = (
            self.ops_per_replica,
            self.max_ops,
            True if sessions_bounded else None,
            True if operations and all(op.name in self.max_calls for op in operations) else None,
        )
        if operations and all(b is None for b in bounded):
            raise SpecError(
                "client operations are unbounded: set ops_per_replica=N, ops_per_session=N "
                "or max_ops=N",
                location=where,
            )
        replica_names = {f"r{i + 1}" for i in range(self.replicas)}
        role_names = {c.__name__ for c in self.classes}
        for name, chosen in self.sessions.items():
            homes = chosen.at if isinstance(chosen.at, tuple) else (chosen.at,)
            for home in homes:
                if isinstance(home, type):
                    home = home.__name__
                if home != "*" and home not in replica_names and home not in role_names:
                    raise SpecError(
                        f"session {name!r} is placed at {home!r}, which is neither a replica "
                        f"(r1..r{self.replicas}) nor a role ({', '.join(sorted(role_names))}); "
                        "'*' lets a session roam",
                        location=where,
                    )
            unknown = sorted(set(chosen.ops or ()) - op_names)
            if unknown:
                raise SpecError(
                    f"session {name!r} issues {unknown[0]!r}, which no replica offers "
                    f"(operations: {', '.join(sorted(op_names)) or 'none'})",
                    location=where,
                )
        uses_unique = any(unique in op.domains.values() for op in operations)
        if uses_unique and not self.sessions:
            raise SpecError(
                "operations with `unique` values need client sessions: pass sessions=...",
                location=where,
            )
        for prop in self.properties:
            if not isinstance(prop, Property):
                raise SpecError(
                    f"properties must be Property objects (e.g. quiescent_convergence or an "
                    f"@invariant function), got {prop!r}",
                    location=where,
                )
        names = [p.name for p in self.properties]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise SpecError(f"two properties are named {dupes[0]!r}", location=where)

    def _check_parameters(self) -> None:
        """Every parameter must be used by an operation domain or read by the protocol;
        one that is not is most likely a misspelled option (`fault=` for `faults=`)."""
        used: set[str] = set()
        distinct = {id(op): op for cls in self.classes for op in cls._operations}
        for op in distinct.values():
            used |= op.parameters_used(self.params)
        classes = [
            c
            for role in dict.fromkeys(self.classes)
            for c in role.__mro__
            if issubclass(c, Replica) and c is not Replica
        ]
        read = read_by_protocol(classes)
        if read is None:  # some source cannot be read: the protocol may read anything
            return
        options = [n for n in inspect.signature(Spec.__init__).parameters if n not in _NOT_KEYWORDS]
        check_used(self.params, options, used | read, self.location)

    @property
    def classes(self) -> tuple[type[Replica], ...]:
        """The class of each replica, r1 first."""
        return self.roles if self.roles is not None else (self.protocol,) * self.replicas

    @property
    def settings(self) -> dict[str, Any]:
        """Bounds and parameters, as `--set` sees them."""
        return {
            "replicas": self.replicas,
            "ops_per_replica": self.ops_per_replica,
            "max_ops": self.max_ops,
            "max_time": self.max_time,
            "timer_fires": self.timer_fires,
            "ops_per_session": self.ops_per_session,
            **self.params,
        }

    def symmetry_kinds(self) -> frozenset[str]:
        """Which symmetries to reduce by: "values" (parameters of symmetric_values) and/or
        "replicas" (opt-in: the protocol and properties must not single out a replica).
        "auto" means values whenever a parameter holds symmetric values."""
        choice = self.symmetry
        if choice == "auto":
            has_values = any(
                isinstance(v, tuple) and v and all(isinstance(x, ModelValue) for x in v)
                for v in self.params.values()
            )
            return frozenset({"values"} if has_values else set())
        kinds = {choice} if isinstance(choice, str) else set(choice)
        kinds.discard("none")
        unknown = kinds - {"replicas", "values"}
        if unknown:
            raise SpecError(
                f"unknown symmetry {sorted(unknown)[0]!r}: use 'replicas', 'values', 'auto' or 'none'"
            )
        if "replicas" in kinds and self.sessions:
            raise SpecError(
                "replica symmetry does not apply with client sessions (they are pinned to, "
                "and write values naming, particular replicas and sessions)"
            )
        if "replicas" in kinds and self.faults.splits is not None:
            raise SpecError(
                "replica symmetry needs every partition split: drop `splits` or the symmetry"
            )
        return frozenset(kinds)

    def with_por(self, por: bool | str) -> Spec:
        """A copy with partial-order reduction on, off, or "auto" (on where sound)."""
        clone = self._copy()
        clone.por = por
        return clone

    def with_symmetry(self, symmetry: str | Iterable[str]) -> Spec:
        """A copy reducing by `symmetry` (`--symmetry replicas,values`, `--symmetry none`)."""
        clone = self._copy()
        clone.symmetry = symmetry
        clone._validate()
        return clone

    def _copy(self) -> Spec:
        """A shallow copy, without re-running the constructor (its location stays the original)."""
        clone = object.__new__(Spec)
        clone.__dict__.update(self.__dict__)
        return clone

    def with_settings(self, overrides: Mapping[str, Any]) -> Spec:
        """A copy with bounds or parameters replaced (`--replicas`, `--set name=value`)."""
        known = self.settings
        unknown = [k for k in overrides if k not in known]
        if unknown:
            raise SpecError(
                f"unknown setting {unknown[0]!r}; this spec has: {', '.join(known)}",
                location=self.location,
            )
        clone = self._copy()
        clone.params = dict(self.params)
        for key, value in overrides.items():
            if key in BOUND_NAMES:
                setattr(clone, key, value)
            else:
                clone.params[key] = value
        clone._validate()
        return clone

    def with_faults(self, overrides: Mapping[str, Any]) -> Spec:
        """A copy with fault budgets or modes replaced (`--faults loss=1,crash=1`)."""
        clone = self._copy()
        try:
            clone.faults = self.faults.with_overrides(overrides)
        except SpecError as exc:
            raise SpecError(str(exc), location=self.location) from None
        clone._validate()
        return clone

    def select_properties(self, names: Sequence[str]) -> Spec:
        """A copy checking only the named properties: the spec's own, or built-in ones by
        name (quiescent_convergence and the history properties of evcheck.consistency)."""
        by_name = {p.name: p for p in self.properties}
        for name, prop in {**self.module_properties, **builtin_properties()}.items():
            by_name.setdefault(name, prop)
        missing = [n for n in names if n not in by_name]
        if missing:
            raise SpecError(
                f"no property named {missing[0]!r}; this spec checks: {', '.join(by_name) or 'none'}",
                location=self.location,
            )
        clone = self._copy()
        clone.properties = tuple(by_name[n] for n in names)
        return clone

    def __repr__(self) -> str:
        return f"Spec({self.name}, {self.settings})"
