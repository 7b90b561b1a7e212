"""Running protocol code: handlers execute on a scratch copy of one replica's state.

The runner thaws the frozen fields into a fresh instance, calls the handler,
re-freezes what it left behind and validates it (no stray attributes, hashable
values, sends to real replicas of handled message types, known timers). Each call is
made twice and the results compared: a handler that reads anything but its own
state and arguments shows up as non-deterministic.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .dsl import Replica, Request, is_message_type, location_of
from .errors import SpecError, StopRequested
from .params import Params
from .values import ReplicaId, UnencodableValue, UnorderedError, encode, freeze, thaw

# Field values of these exact types are hashable and encodable: nothing to check.
_ATOMS = frozenset({int, str, bool, float, bytes, type(None)})


@dataclass(frozen=True)
class Effects:
    """What one handler call produced, as data the environment interprets: the new fields,
    the messages sent, the timers started or cancelled, and the value returned."""

    fields: tuple[Any, ...]
    sends: tuple[tuple[ReplicaId, Any], ...]
    timer_ops: tuple[tuple[int, bool], ...]  # (timer index, start?)
    result: Any = None  # what the handler returned (a read's value)
    replies: tuple[tuple[Request, Any], ...] = ()  # requests completed, with their values


@dataclass(frozen=True)
class Raised:
    """The handler raised: the error and where, in the user's code."""

    error: str
    location: str


class _Layout:
    """What running one replica class's code needs to know about the class."""

    def __init__(self, cls: type[Replica]) -> None:
        self.cls = cls
        self.field_names = tuple(f.name for f in cls._fields)
        self.field_set = frozenset(self.field_names)
        self.containers = tuple(f.container for f in cls._fields)
        self.timer_index = {t.name: k for k, t in enumerate(cls._timers)}


class HandlerRunner:
    """Executes protocol code for replicas `ids`, each an instance of its class in
    `classes` (one class for every replica, or a role per replica)."""

    def __init__(
        self,
        classes: type[Replica] | Sequence[type[Replica]],
        ids: tuple[ReplicaId, ...],
        params: Mapping[str, Any] = MappingProxyType({}),
    ) -> None:
        per_replica = [classes] * len(ids) if isinstance(classes, type) else list(classes)
        layouts = {cls: _Layout(cls) for cls in per_replica}
        self.layouts = tuple(layouts[cls] for cls in per_replica)
        self.ids = ids
        self.params = Params(params)
        self.roles = tuple(per_replica)

    def scratch(
        self,
        i: int,
        fields: tuple[Any, ...],
        time: tuple[int, int] | None,
        mutable: bool,
        suspects: frozenset[ReplicaId] | None = None,
    ) -> Replica:
        """A replica instance holding `fields` (thawed into mutable containers if asked);
        `suspects` is what its failure detector suspects (None: the spec declares none)."""
        layout = self.layouts[i]
        obj = object.__new__(layout.cls)
        d = obj.__dict__
        if mutable:
            for name, kind, value in zip(
                layout.field_names, layout.containers, fields, strict=True
            ):
                d[name] = thaw(value, kind) if kind is not None else value
        else:
            d.update(zip(layout.field_names, fields, strict=True))
        self._identify(i, d, time, suspects)
        return obj

    def newborn(self, i: int) -> Replica:
        """Replica i before it has fields: what a field's `factory` sees."""
        obj = object.__new__(self.layouts[i].cls)
        self._identify(i, obj.__dict__, None, None)
        return obj

    def _identify(
        self,
        i: int,
        d: dict[str, Any],
        time: tuple[int, int] | None,
        suspects: frozenset[ReplicaId] | None,
    ) -> None:
        d["_evc_id"] = self.ids[i]
        d["_evc_all"] = self.ids
        d["_evc_out"] = []
        d["_evc_time"] = time
        d["_evc_timer_ops"] = []
        d["_evc_replies"] = []
        d["_evc_params"] = self.params
        d["_evc_roles"] = self.roles
        d["_evc_suspects"] = suspects

    def enabled(
        self,
        i: int,
        fields: tuple[Any, ...],
        time: tuple[int, int] | None,
        guard: Callable[..., Any],
        args: tuple[Any, ...],
        suspects: frozenset[ReplicaId] | None = None,
    ) -> bool | Raised:
        """Whether an enabling condition holds for replica i (on a read-only copy)."""
        obj = self.scratch(i, fields, time, mutable=False, suspects=suspects)
        try:
            verdict = guard(obj, *args)
        except (SpecError, StopRequested, MemoryError):
            raise
        except (Exception, SystemExit, KeyboardInterrupt) as exc:
            return Raised(
                f"{type(exc).__name__}: {exc} (in an enabling condition)", user_frame(exc)
            )
        if verdict is not True and verdict is not False:
            raise SpecError(
                f"an enabling condition (when=...) returned {verdict!r}; it must return "
                "True or False",
                location=location_of(guard),
            )
        return verdict

    def observe(
        self,
        i: int,
        fields: tuple[Any, ...],
        time: tuple[int, int] | None,
        suspects: frozenset[ReplicaId] | None = None,
    ) -> Any:
        obj = self.scratch(i, fields, time, mutable=False, suspects=suspects)
        try:
            observed = freeze(obj.observe())
            hash(observed)
        except (StopRequested, MemoryError):
            raise
        except (Exception, SystemExit, KeyboardInterrupt) as exc:
            raise SpecError(
                f"{type(obj).__name__}.observe() failed on {obj!r}: {type(exc).__name__}: {exc}",
                location=user_frame(exc),
            ) from None
        return observed

    def run(
        self,
        i: int,
        fields: tuple[Any, ...],
        time: tuple[int, int] | None,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        where: str,
        suspects: frozenset[ReplicaId] | None = None,
    ) -> Effects | Raised:
        """Run `fn(self, *args)` on replica i twice; the (identical) result, or SpecError.

        A stop request (a limit, SIGTERM) that arrives while the handler runs is tagged with
        what was running, so a handler that never returns is named in the report."""
        try:
            first = self._run_once(i, fields, time, fn, args, where, suspects)
            # The second run only has to equal the first: what the first proved about
            # its fields (that each can be part of a state) holds for an equal result.
            second = self._run_once(i, fields, time, fn, args, where, suspects, validate=False)
        except StopRequested as stop:
            shown = ", ".join(map(repr, args))
            stop.add_note(f"while {self.ids[i]!r} ran {fn.__name__}({shown}) at {where}")
            raise
        if first != second:
            raise SpecError(
                f"{fn.__name__} is not deterministic: run twice on the same state "
                f"({self.scratch(i, fields, time, False, suspects)!r}) it produced different results "
                "(does it use random numbers, time, or state outside self?)",
                location=where,
            )
        return first

    def _run_once(
        self,
        i: int,
        fields: tuple[Any, ...],
        time: tuple[int, int] | None,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        where: str,
        suspects: frozenset[ReplicaId] | None = None,
        validate: bool = True,
    ) -> Effects | Raised:
        obj = self.scratch(i, fields, time, mutable=True, suspects=suspects)
        try:
            returned = fn(obj, *args)
        except (SpecError, StopRequested, MemoryError):
            raise  # a definition error, a stop request, a memory limit: none is a verdict
        except UnorderedError as exc:
            raise SpecError(str(exc), location=user_frame(exc)) from None
        except (Exception, SystemExit, KeyboardInterrupt) as exc:
            # The handler's own failure, `sys.exit()` included: a counterexample. (Ctrl-C and
            # SIGTERM reach a supervised run as StopRequested, never as KeyboardInterrupt.)
            return Raised(f"{type(exc).__name__}: {exc}", user_frame(exc))
        d = obj.__dict__
        layout = self.layouts[i]
        stray = [k for k in d if k not in layout.field_set and not k.startswith("_evc_")]
        if stray:
            raise SpecError(
                f"{fn.__name__} set self.{stray[0]}, which is not a field of "
                f"{layout.cls.__name__} (fields: {', '.join(layout.field_names) or 'none'}); "
                f"declare it with {stray[0]} = field(...)",
                location=where,
            )
        new_fields = []
        for name in layout.field_names:
            value = freeze(d[name])
            if not validate or type(value) in _ATOMS:
                new_fields.append(value)
                continue
            try:
                hash(value)
                encode(value)
            except (TypeError, UnencodableValue) as exc:
                raise SpecError(
                    f"after {fn.__name__}, field {name!r} holds {value!r}, which cannot be "
                    f"part of a state: {exc}",
                    location=where,
                ) from None
            new_fields.append(value)
        sends = tuple(
            (self._check_send(i, dst, msg, send_where), msg)
            for dst, msg, send_where in d["_evc_out"]
        )
        timer_ops = tuple(
            self._check_timer(layout, name, start, w) for name, start, w in d["_evc_timer_ops"]
        )
        try:
            result = freeze(returned)
            hash(result)
        except TypeError:
            raise SpecError(
                f"{fn.__name__} returned {returned!r}, which is not hashable", location=where
            ) from None
        replies = tuple(self._check_reply(req, value, w) for req, value, w in d["_evc_replies"])
        return Effects(tuple(new_fields), sends, timer_ops, result, replies)

    def _check_reply(self, request: Request, value: Any, where: str) -> tuple[Request, Any]:
        frozen = freeze(value)
        try:
            hash(frozen)
            encode(frozen)
        except (TypeError, UnencodableValue) as exc:
            raise SpecError(
                f"the reply {value!r} to request {request!r} cannot be recorded: {exc}",
                location=where,
            ) from None
        return (request, frozen)

    def _check_timer(self, layout: _Layout, name: str, start: bool, where: str) -> tuple[int, bool]:
        index = layout.timer_index.get(name)
        if index is None:
            known = ", ".join(layout.timer_index) or "none"
            raise SpecError(
                f"{layout.cls.__name__} has no timer named {name!r} (timers: {known}); "
                "declare it with @timer()",
                location=where,
            )
        if layout.cls._timers[index].periodic:
            raise SpecError(
                f"timer {name!r} is periodic (always armed); only one-shot timers are started "
                "or cancelled",
                location=where,
            )
        return (index, start)

    def _check_send(self, i: int, dst: Any, msg: Any, where: str) -> ReplicaId:
        n = len(self.ids)
        if isinstance(dst, bool) or not isinstance(dst, int) or not 1 <= int(dst) <= n:
            raise SpecError(
                f"{self.ids[i]!r} sent {msg!r} to {dst!r}, which is not a replica "
                f"(replicas: {', '.join(map(repr, self.ids))})",
                location=where,
            )
        if not is_message_type(type(msg)):
            raise SpecError(
                f"{self.ids[i]!r} sent {msg!r}, which is not a message; declare its class "
                "with @message",
                location=where,
            )
        receiver = self.layouts[int(dst) - 1].cls
        if type(msg) not in receiver._handlers:
            raise SpecError(
                f"{self.ids[i]!r} sent {type(msg).__name__} to {self.ids[int(dst) - 1]!r}, but "
                f"{receiver.__name__} has no @on({type(msg).__name__}) handler",
                location=where,
            )
        try:
            hash(msg)
            encode(msg)
        except (TypeError, UnencodableValue) as exc:
            raise SpecError(f"message {msg!r} cannot be sent: {exc}", location=where) from None
        return self.ids[int(dst) - 1]


def user_frame(exc: BaseException) -> str:
    """`file:line (in func)` of the innermost frame of an exception's traceback that is not
    evcheck's own (a guard raising inside evcheck should point at the user's line)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "<unknown>"
    outside = [f for f in frames if not _is_engine_file(f.filename)]
    last = outside[-1] if outside else frames[-1]
    return f"{last.filename}:{last.lineno} (in {last.name})"


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_MODELS_DIR = os.path.join(_PACKAGE_DIR, "models") + os.sep


def _is_engine_file(filename: str) -> bool:
    """evcheck's own code (the protocol library in evcheck.models is user-level code)."""
    return filename.startswith(_PACKAGE_DIR) and not filename.startswith(_MODELS_DIR)
