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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .dsl import Replica, is_message_type
from .errors import SpecError, StopRequested
from .params import Params
from .values import ReplicaId, UnencodableValue, UnorderedError, encode, freeze, thaw


@dataclass(frozen=True)
class Effects:
    """What one handler call produced, as data the environment interprets: the new fields,
    the messages sent, the timers started or cancelled, and the value returned."""

    fields: tuple[Any, ...]
    sends: tuple[tuple[ReplicaId, Any], ...]
    timer_ops: tuple[tuple[int, bool], ...]  # (timer index, start?)
    result: Any = None  # what the handler returned (a read's value)


@dataclass(frozen=True)
class Raised:
    """The handler raised: the error and where, in the user's code."""

    error: str
    location: str


class HandlerRunner:
    """Executes one protocol's handlers for replicas `ids`."""

    def __init__(
        self,
        protocol: type[Replica],
        ids: tuple[ReplicaId, ...],
        params: Mapping[str, Any] = MappingProxyType({}),
    ) -> None:
        self.protocol = protocol
        self.ids = ids
        self.params = Params(params)
        self.field_names = tuple(f.name for f in protocol._fields)
        self._field_set = frozenset(self.field_names)
        self._containers = tuple(f.container for f in protocol._fields)
        self._timer_index = {t.name: k for k, t in enumerate(protocol._timers)}

    def scratch(
        self, i: int, fields: tuple[Any, ...], time: tuple[int, int] | None, mutable: bool
    ) -> Replica:
        """A replica instance holding `fields` (thawed into mutable containers if asked)."""
        obj = object.__new__(self.protocol)
        d = obj.__dict__
        if mutable:
            for name, kind, value in zip(self.field_names, self._containers, fields, strict=True):
                d[name] = thaw(value, kind) if kind is not None else value
        else:
            d.update(zip(self.field_names, fields, strict=True))
        d["_evc_id"] = self.ids[i]
        d["_evc_all"] = self.ids
        d["_evc_out"] = []
        d["_evc_time"] = time
        d["_evc_timer_ops"] = []
        d["_evc_params"] = self.params
        return obj

    def observe(self, i: int, fields: tuple[Any, ...], time: tuple[int, int] | None) -> Any:
        obj = self.scratch(i, fields, time, mutable=False)
        try:
            observed = freeze(obj.observe())
            hash(observed)
        except (StopRequested, MemoryError):
            raise
        except (Exception, SystemExit, KeyboardInterrupt) as exc:
            raise SpecError(
                f"{self.protocol.__name__}.observe() failed on {obj!r}: {type(exc).__name__}: {exc}",
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
    ) -> Effects | Raised:
        """Run `fn(self, *args)` on replica i twice; the (identical) result, or SpecError.

        A stop request (a limit, SIGTERM) that arrives while the handler runs is tagged with
        what was running, so a handler that never returns is named in the report."""
        try:
            first = self._run_once(i, fields, time, fn, args, where)
            second = self._run_once(i, fields, time, fn, args, where)
        except StopRequested as stop:
            shown = ", ".join(map(repr, args))
            stop.add_note(f"while {self.ids[i]!r} ran {fn.__name__}({shown}) at {where}")
            raise
        if first != second:
            raise SpecError(
                f"{fn.__name__} is not deterministic: run twice on the same state "
                f"({self.scratch(i, fields, time, False)!r}) it produced different results "
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
    ) -> Effects | Raised:
        obj = self.scratch(i, fields, time, mutable=True)
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
        stray = [k for k in d if k not in self._field_set and not k.startswith("_evc_")]
        if stray:
            raise SpecError(
                f"{fn.__name__} set self.{stray[0]}, which is not a field of "
                f"{self.protocol.__name__} (fields: {', '.join(self.field_names) or 'none'}); "
                f"declare it with {stray[0]} = field(...)",
                location=where,
            )
        new_fields = []
        for name in self.field_names:
            value = freeze(d[name])
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
            self._check_timer(name, start, w) for name, start, w in d["_evc_timer_ops"]
        )
        try:
            result = freeze(returned)
            hash(result)
        except TypeError:
            raise SpecError(
                f"{fn.__name__} returned {returned!r}, which is not hashable", location=where
            ) from None
        return Effects(tuple(new_fields), sends, timer_ops, result)

    def _check_timer(self, name: str, start: bool, where: str) -> tuple[int, bool]:
        index = self._timer_index.get(name)
        if index is None:
            known = ", ".join(self._timer_index) or "none"
            raise SpecError(
                f"{self.protocol.__name__} has no timer named {name!r} (timers: {known}); "
                "declare it with @timer()",
                location=where,
            )
        if self.protocol._timers[index].periodic:
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
        if type(msg) not in self.protocol._handlers:
            raise SpecError(
                f"{self.ids[i]!r} sent {type(msg).__name__}, but {self.protocol.__name__} has no "
                f"@on({type(msg).__name__}) handler",
                location=where,
            )
        try:
            hash(msg)
            encode(msg)
        except (TypeError, UnencodableValue) as exc:
            raise SpecError(f"message {msg!r} cannot be sent: {exc}", location=where) from None
        return ReplicaId(int(dst))


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
