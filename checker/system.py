"""Semantics: a DSL spec becomes a transition system over canonical worlds.

A world is a flat tuple of small ints:

    (slot_1, ..., slot_n, global, env_a, env_b, ...)

`slot_i` is the interned local state of replica i (its fields plus its operation
count), `global` the interned environment state (total operations used, a handler
failure), and the trailing envelope ids, sorted, are the in-flight multiset. Equal
worlds are equal tuples whatever order events happened in.

A handler sees only its own replica's state and the message, so its result is a
function of (replica, slot, message) or (replica, slot, operation): each is computed
once, memoised with the fingerprint delta it causes, and afterwards a transition
costs a table lookup and a few tuple slices. Running each handler twice on a cache
miss checks determinism almost for free.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .dsl import Handler, Operation, Replica, Spec, is_message_type
from .errors import SpecError
from .fingerprint import MASK, key
from .model import Node, StateView
from .network import Envelope
from .properties import Fail, Invariant, QuiescentConvergence
from .values import ReplicaId, UnencodableValue, encode, freeze, thaw

HANDLER_PROPERTY = "handlers_do_not_raise"

# An op/delivery table entry: (new slot or -1-failure, sent envelope ids, fp delta, label).
Entry = tuple[int, tuple[int, ...], int, str]


@dataclass(frozen=True)
class HandlerFailure:
    """A handler raised: a counterexample of the built-in `handlers_do_not_raise`."""

    replica: ReplicaId
    action: str
    error: str
    location: str

    def describe(self) -> str:
        return f"{self.action} raised {self.error} at {self.location}"


class _WorldView:
    """What an invariant predicate sees: replicas (and the network, if it asked for it)."""

    def __init__(self, replicas: list[Replica], network: list[Envelope] | None) -> None:
        self.replicas = replicas
        self._network = network

    @property
    def network(self) -> list[Envelope]:
        if self._network is None:
            raise AttributeError(
                "this invariant does not see the network: declare it @invariant(network=True)"
            )
        return self._network


class System:
    """The transition system of one spec at fixed bounds (see `evcheck.model.TransitionSystem`)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.n = n = spec.replicas
        self.ids = tuple(ReplicaId(i + 1) for i in range(n))
        self._proto = spec.protocol
        self._field_names = tuple(f.name for f in self._proto._fields)
        self._field_set = frozenset(self._field_names)
        self._containers = tuple(f.container for f in self._proto._fields)
        self._per_replica = spec.ops_per_replica
        self._total = spec.max_ops
        self._op_instances: list[tuple[Operation, tuple[Any, ...]]] = [
            (op, args) for op in self._proto._operations for args in op.argument_tuples(spec.params)
        ]

        # Interning tables. Slots are shared by all positions; keys are per position.
        self._slot_of: dict[tuple[Any, ...], int] = {}
        self._slots: list[tuple[Any, ...]] = []
        self._slot_keys: dict[tuple[int, int], int] = {}
        self._optab: list[list[tuple[Entry, ...] | None]] = [[] for _ in range(n)]
        self._obs: list[list[int]] = [[] for _ in range(n)]
        self._obs_of: dict[Any, int] = {}
        self._obs_vals: list[Any] = []
        self._glob_of: dict[tuple[Any, ...], int] = {}
        self._globs: list[tuple[Any, ...]] = []
        self._gkey: list[int] = []
        self._gerr: list[bool] = []
        self._gstep: list[tuple[int, int] | None] = []
        self._env_of: dict[Envelope, int] = {}
        self._envs: list[Envelope] = []
        self._env_dst: list[int] = []
        self._env_key: list[int] = []
        self._dtab: list[dict[int, Entry]] = []
        self._failures: list[HandlerFailure] = []

        self._properties = [p for p in spec.properties]
        self.property_names = [HANDLER_PROPERTY] + [p.name for p in self._properties]
        self.property_descriptions = ["no handler or operation raises an exception"] + [
            p.description for p in self._properties
        ]
        self._inv_cache: dict[tuple[int, ...], int] = {}
        self.check = self._compile_check()

        init_fields = tuple(freeze(f.initial) for f in self._proto._fields)
        init_slot = self._intern_slot((init_fields, 0))
        g0 = self._intern_glob((0, None))
        self._initial_world = (*tuple([init_slot] * n), g0)

    # ----------------------------------------------------------------- interning

    def _intern_slot(self, value: tuple[Any, ...]) -> int:
        sid = self._slot_of.get(value)
        if sid is not None:
            return sid
        sid = len(self._slots)
        self._slots.append(value)
        self._slot_of[value] = sid
        for i in range(self.n):
            self._optab[i].append(None)
            observed = self._observe(i, value[0])
            oid = self._obs_of.get(observed)
            if oid is None:
                oid = len(self._obs_vals)
                self._obs_vals.append(observed)
                self._obs_of[observed] = oid
            self._obs[i].append(oid)
        return sid

    def _slot_key(self, i: int, sid: int) -> int:
        k = self._slot_keys.get((i, sid))
        if k is None:
            k = key(b"evcheck.slot", (i, self._slots[sid]))
            self._slot_keys[(i, sid)] = k
        return k

    def _intern_glob(self, value: tuple[Any, ...]) -> int:
        gid = self._glob_of.get(value)
        if gid is not None:
            return gid
        gid = len(self._globs)
        self._globs.append(value)
        self._glob_of[value] = gid
        failure = value[1]
        self._gkey.append(
            key(b"evcheck.glob", (value[0], None if failure is None else repr(failure)))
        )
        self._gerr.append(failure is not None)
        self._gstep.append(None)
        return gid

    def _intern_env(self, env: Envelope) -> int:
        eid = self._env_of.get(env)
        if eid is not None:
            return eid
        eid = len(self._envs)
        self._envs.append(env)
        self._env_of[env] = eid
        self._env_dst.append(int(env.dst) - 1)
        self._env_key.append(key(b"evcheck.env", (int(env.src), int(env.dst), env.msg)))
        self._dtab.append({})
        return eid

    # ----------------------------------------------------------------- handlers

    def _scratch(self, i: int, fields: tuple[Any, ...], mutable: bool) -> Replica:
        obj = object.__new__(self._proto)
        d = obj.__dict__
        if mutable:
            for name, kind, value in zip(self._field_names, self._containers, fields, strict=True):
                d[name] = thaw(value, kind) if kind is not None else value
        else:
            d.update(zip(self._field_names, fields, strict=True))
        d["_evc_id"] = self.ids[i]
        d["_evc_all"] = self.ids
        d["_evc_out"] = []
        return obj

    def _observe(self, i: int, fields: tuple[Any, ...]) -> Any:
        obj = self._scratch(i, fields, mutable=False)
        try:
            observed = freeze(obj.observe())
            hash(observed)
        except Exception as exc:
            where = _user_frame(exc)
            raise SpecError(
                f"{self._proto.__name__}.observe() failed on {obj!r}: {type(exc).__name__}: {exc}",
                location=where,
            ) from None
        return observed

    def _run_once(
        self, i: int, fields: tuple[Any, ...], fn: Any, args: tuple[Any, ...], where: str
    ) -> tuple[Any, ...]:
        obj = self._scratch(i, fields, mutable=True)
        try:
            fn(obj, *args)
        except SpecError:
            raise
        except Exception as exc:
            return ("raised", f"{type(exc).__name__}: {exc}", _user_frame(exc))
        d = obj.__dict__
        stray = [k for k in d if k not in self._field_set and not k.startswith("_evc_")]
        if stray:
            raise SpecError(
                f"{fn.__name__} set self.{stray[0]}, which is not a field of "
                f"{self._proto.__name__} (fields: {', '.join(self._field_names) or 'none'}); "
                f"declare it with {stray[0]} = field(...)",
                location=where,
            )
        new_fields = []
        for name in self._field_names:
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
        sends = []
        for dst, msg, send_where in d["_evc_out"]:
            sends.append((self._check_send(i, dst, msg, send_where), msg))
        return ("ok", tuple(new_fields), tuple(sends))

    def _check_send(self, i: int, dst: Any, msg: Any, where: str) -> ReplicaId:
        if isinstance(dst, bool) or not isinstance(dst, int) or not 1 <= int(dst) <= self.n:
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
        if type(msg) not in self._proto._handlers:
            raise SpecError(
                f"{self.ids[i]!r} sent {type(msg).__name__}, but {self._proto.__name__} has no "
                f"@on({type(msg).__name__}) handler",
                location=where,
            )
        try:
            hash(msg)
            encode(msg)
        except (TypeError, UnencodableValue) as exc:
            raise SpecError(f"message {msg!r} cannot be sent: {exc}", location=where) from None
        return ReplicaId(int(dst))

    def _execute(
        self,
        i: int,
        slot: tuple[Any, ...],
        new_done: int,
        fn: Any,
        args: tuple[Any, ...],
        label: str,
        where: str,
    ) -> tuple[int, tuple[int, ...], int]:
        """Run a handler (twice, for determinism) and intern what it produced.

        Returns (new slot id, sorted sent envelope ids, fp delta of slot and sends), or
        (-1 - failure index, (), 0) when the handler raised.
        """
        first = self._run_once(i, slot[0], fn, args, where)
        second = self._run_once(i, slot[0], fn, args, where)
        if first != second:
            raise SpecError(
                f"{fn.__name__} is not deterministic: run twice on the same state "
                f"({self._scratch(i, slot[0], False)!r}) it produced different results "
                "(does it use random numbers, time, or state outside self?)",
                location=where,
            )
        if first[0] == "raised":
            failure = HandlerFailure(self.ids[i], label, first[1], first[2])
            self._failures.append(failure)
            return (-len(self._failures), (), 0)
        _, new_fields, sends = first
        sid = self._intern_slot((new_fields, new_done))
        eids = sorted(self._intern_env(Envelope(self.ids[i], dst, msg)) for dst, msg in sends)
        delta = self._slot_key(i, sid) - self._slot_key(i, self._slot_of[slot])
        delta += sum(self._env_key[e] for e in eids)
        return (sid, tuple(eids), delta)

    def _build_ops(self, i: int, sid: int) -> tuple[Entry, ...]:
        slot = self._slots[sid]
        done = slot[1]
        entries: list[Entry] = []
        if self._per_replica is None or done < self._per_replica:
            new_done = done + 1 if self._per_replica is not None else done
            for op, args in self._op_instances:
                label = f"{op.name}@{self.ids[i]!r}({', '.join(map(repr, args))})"
                s2, sends, delta = self._execute(i, slot, new_done, op.fn, args, label, op.location)
                entries.append((s2, sends, delta, label))
        table = tuple(entries)
        self._optab[i][sid] = table
        return table

    def _build_delivery(self, eid: int, sid: int) -> Entry:
        env = self._envs[eid]
        i = int(env.dst) - 1
        handler: Handler = self._proto._handlers[type(env.msg)]
        args = (env.msg, env.src) if handler.wants_sender else (env.msg,)
        label = f"deliver {env}"
        slot = self._slots[sid]
        s2, sends, delta = self._execute(
            i, slot, slot[1], handler.fn, args, label, handler.location
        )
        if s2 >= 0:
            delta -= self._env_key[eid]
        entry: Entry = (s2, sends, delta, label)
        self._dtab[eid][sid] = entry
        return entry

    def _global_step(self, g: int) -> tuple[int, int]:
        """The global slot after one more client operation, and the fp delta."""
        step = self._gstep[g]
        if step is None:
            used, failure = self._globs[g]
            g2 = self._intern_glob((used + 1, failure))
            step = (g2, self._gkey[g2] - self._gkey[g])
            self._gstep[g] = step
        return step

    def _failure_node(self, world: tuple[int, ...], code: int, fp: int) -> Node:
        n = self.n
        g = world[n]
        used, _ = self._globs[g]
        failure = self._failures[-code - 1]
        g2 = self._intern_glob((used, failure))
        w2 = (*world[:n], g2, *world[n + 1 :])
        return (w2, (fp - self._gkey[g] + self._gkey[g2]) & MASK)

    # ----------------------------------------------------------------- the transition system

    def initial(self) -> list[Node]:
        return [(self._initial_world, self.fingerprint(self._initial_world))]

    def fingerprint(self, world: tuple[int, ...]) -> int:
        """The fingerprint computed from scratch (successors maintain it incrementally)."""
        n = self.n
        total = sum(self._slot_key(i, world[i]) for i in range(n))
        total += self._gkey[world[n]]
        total += sum(self._env_key[e] for e in world[n + 1 :])
        return total & MASK

    def _ops_step(self, g: int) -> tuple[int, int] | None:
        """Whether client operations are enabled in global state g, and its successor."""
        if not self._op_instances:
            return None
        if self._total is None:
            return (g, 0)
        if self._globs[g][0] >= self._total:
            return None
        return self._global_step(g)

    def successors(self, node: Node) -> list[Node]:
        world, fp = node
        n = self.n
        n1 = n + 1
        g = world[n]
        out: list[Node] = []
        if self._gerr[g]:
            return out
        append = out.append
        net = world[n1:]
        step = self._ops_step(g)
        if step is not None:
            g2, gdelta = step
            optab = self._optab
            for i in range(n):
                s = world[i]
                entries = optab[i][s]
                if entries is None:
                    entries = self._build_ops(i, s)
                if not entries:
                    continue
                head = world[:i]
                tail = (*world[i + 1 : n], g2)
                for s2, sends, delta, _ in entries:
                    if s2 < 0:
                        append(self._failure_node(world, s2, fp))
                        continue
                    append(
                        (
                            head + (s2,) + tail + (tuple(sorted(net + sends)) if sends else net),
                            (fp + delta + gdelta) & MASK,
                        )
                    )
        dtab = self._dtab
        dst = self._env_dst
        prev = -1
        j = 0
        for e in net:
            if e != prev:
                prev = e
                d = dst[e]
                s = world[d]
                entry = dtab[e].get(s)
                if entry is None:
                    entry = self._build_delivery(e, s)
                s2, sends, delta, _ = entry
                if s2 < 0:
                    append(self._failure_node(world, s2, fp))
                else:
                    rest = net[:j] + net[j + 1 :]
                    if sends:
                        rest = tuple(sorted(rest + sends))
                    append(((*world[:d], s2, *world[d + 1 : n1], *rest), (fp + delta) & MASK))
            j += 1
        return out

    def action_labels(self, world: tuple[int, ...]) -> list[str]:
        """Labels in `successors` order (same loops, same conditions)."""
        n = self.n
        g = world[n]
        labels: list[str] = []
        if self._gerr[g]:
            return labels
        if self._ops_step(g) is not None:
            for i in range(n):
                entries = self._optab[i][world[i]]
                if entries is None:
                    entries = self._build_ops(i, world[i])
                labels.extend(entry[3] for entry in entries)
        prev = -1
        for e in world[n + 1 :]:
            if e != prev:
                prev = e
                labels.append(f"deliver {self._envs[e]}")
        return labels

    # ----------------------------------------------------------------- properties

    def _compile_check(self) -> Any:
        n = self.n
        n1 = n + 1
        gerr = self._gerr
        obs = self._obs
        conv: int | None = None
        replica_invs: list[tuple[int, Invariant]] = []
        network_invs: list[tuple[int, Invariant]] = []
        for index, prop in enumerate(self._properties, start=1):
            if isinstance(prop, QuiescentConvergence):
                conv = index
            elif isinstance(prop, Invariant):
                (network_invs if prop.sees_network else replica_invs).append((index, prop))
            else:
                raise SpecError(
                    f"property {prop.name!r} ({type(prop).__name__}) is not supported by this "
                    "version of evcheck",
                    location=self.spec.location,
                )
        cache = self._inv_cache
        evaluate = self._evaluate_replica_invariants
        view = self._world_view

        def check(world: tuple[int, ...]) -> int | None:
            if gerr[world[n]]:
                return 0
            if conv is not None and len(world) == n1:
                first = obs[0][world[0]]
                for i in range(1, n):
                    if obs[i][world[i]] != first:
                        return conv
            if replica_invs:
                slots = world[:n]
                verdict = cache.get(slots)
                if verdict is None:
                    verdict = evaluate(slots, replica_invs)
                if verdict >= 0:
                    return verdict
            if network_invs:
                w = view(world, with_network=True)
                for index, inv in network_invs:
                    if not _holds(inv, w):
                        return index
            return None

        return check

    def _evaluate_replica_invariants(
        self, slots: tuple[int, ...], invs: list[tuple[int, Invariant]]
    ) -> int:
        w = self._world_view((*slots, 0), with_network=False)
        verdict = -1
        for index, inv in invs:
            if not _holds(inv, w):
                verdict = index
                break
        self._inv_cache[slots] = verdict
        return verdict

    def _world_view(self, world: tuple[int, ...], with_network: bool) -> _WorldView:
        n = self.n
        replicas = [self._scratch(i, self._slots[world[i]][0], False) for i in range(n)]
        network = [self._envs[e] for e in world[n + 1 :]] if with_network else None
        return _WorldView(replicas, network)

    def explain(self, world: tuple[int, ...], prop: int) -> str:
        n = self.n
        if prop == 0:
            failure = self._globs[world[n]][1]
            return f"{failure.describe()}" if failure else "a handler raised"
        p = self._properties[prop - 1]
        if isinstance(p, QuiescentConvergence):
            parts = []
            for i in range(n):
                observed = self._obs_vals[self._obs[i][world[i]]]
                fields = self._slots[world[i]][0]
                shown = _describe_observed(observed, self._field_names, fields)
                parts.append(f"{self.ids[i]!r} holds {shown}")
            return f"{', '.join(parts)}; nothing in flight: replicas did not converge"
        if isinstance(p, Invariant):
            w = self._world_view(world, with_network=p.sees_network)
            try:
                result = p.predicate(w)
            except Exception as exc:
                return f"invariant {p.name} raised {type(exc).__name__}: {exc}"
            if isinstance(result, Fail):
                return result.message
            return f"invariant {p.name} is false: {p.description}"
        return f"{p.name} violated"

    # ----------------------------------------------------------------- display

    def view(self, world: tuple[int, ...]) -> StateView:
        n = self.n
        components: dict[str, dict[str, str]] = {}
        for i in range(n):
            fields, _done = self._slots[world[i]]
            comp = {name: repr(v) for name, v in zip(self._field_names, fields, strict=True)}
            components[repr(self.ids[i])] = comp
        counts = Counter(world[n + 1 :])
        in_flight = []
        for e in sorted(counts, key=lambda e: str(self._envs[e])):
            times = f" (x{counts[e]})" if counts[e] > 1 else ""
            in_flight.append(f"{self._envs[e]}{times}")
        notes = []
        _used, failure = self._globs[world[n]]
        if failure is not None:
            notes.append(failure.describe())
        return StateView(components=components, in_flight=in_flight, notes=notes)

    def operations_used(self, world: tuple[int, ...]) -> tuple[int, ...]:
        """Client operations each replica has issued (with a per-replica bound)."""
        return tuple(self._slots[world[i]][1] for i in range(self.n))

    def replica_fields(self, world: tuple[int, ...], i: int) -> dict[str, Any]:
        """The field values of replica i (0-based) in `world`."""
        return dict(zip(self._field_names, self._slots[world[i]][0], strict=True))

    def in_flight(self, world: tuple[int, ...]) -> list[Envelope]:
        return [self._envs[e] for e in world[self.n + 1 :]]

    def describe_bounds(self) -> str:
        spec = self.spec
        parts = [f"{self.n} replicas"]
        if spec.ops_per_replica is not None:
            parts.append(f"{spec.ops_per_replica} op(s) per replica")
        if spec.max_ops is not None:
            parts.append(f"{spec.max_ops} op(s) in total")
        for name, value in spec.params.items():
            parts.append(f"{name}={value!r}")
        return ", ".join(parts)

    def table_sizes(self) -> dict[str, int]:
        """How many distinct local states, envelopes and memoised transitions were built."""
        return {
            "local_states": len(self._slots),
            "envelopes": len(self._envs),
            "memoised_deliveries": sum(len(t) for t in self._dtab),
        }


def _holds(inv: Invariant, w: Any) -> bool:
    try:
        return bool(inv.predicate(w))
    except Exception as exc:
        raise SpecError(
            f"invariant {inv.name} raised {type(exc).__name__}: {exc}",
            location=_user_frame(exc) or inv.location,
        ) from None


def _user_frame(exc: BaseException) -> str:
    """`file:line (in func)` of the innermost frame of an exception's traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "<unknown>"
    last = frames[-1]
    return f"{last.filename}:{last.lineno} (in {last.name})"


def _describe_observed(observed: Any, names: Sequence[str], fields: tuple[Any, ...]) -> str:
    """`'a'@(1, r1)`-style rendering: the observed value, then the other fields for context."""
    values = dict(zip(names, fields, strict=True))
    others = [repr(v) for name, v in values.items() if v is not observed and v != observed]
    if len(others) == len(values):
        return repr(observed)
    if others:
        return f"{observed!r}@{', '.join(others)}"
    return repr(observed)
