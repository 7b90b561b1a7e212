"""Semantics: a DSL spec becomes a transition system over canonical worlds.

A world is a flat tuple of small ints:

    (slot_1, ..., slot_n, global, env_a, env_b, ...)

`slot_i` is the interned local state of replica i: its fields, operations issued,
real time and clock offset, and timer states. `global` is the interned environment:
operations used in total, a handler failure, the active partition, who is down,
and the fault budgets spent. The trailing envelope ids, sorted, are the in-flight
multiset. Equal worlds are equal tuples whatever order events happened in.

A handler sees only its own replica's state and the message, so its result is a
function of (replica, slot, message), (replica, slot, operation) or (replica, slot,
timer): each is computed once, memoised with the fingerprint delta it causes, and
afterwards a transition costs a table lookup and a few tuple slices. Specs without
faults, timers or clocks take a specialised path with the same action order.
"""

from __future__ import annotations

import inspect
import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .consistency import (
    Event,
    HistoryProperty,
    StrongConvergence,
    start_summary,
    step_summary,
    violation,
)
from .dsl import Handler, Operation, Spec, Timer, unique
from .errors import SpecError
from .execution import Outcome, Raised, Runner, user_frame
from .faults import KINDS, show_partition
from .fingerprint import MASK, key
from .model import Action, Node, StateView
from .network import Envelope
from .properties import Fail, Invariant, QuiescentConvergence
from .values import GuardedReplicaId, ReplicaId, UnorderedError, freeze

if TYPE_CHECKING:
    from .transfer import Packer, Unpacker

HANDLER_PROPERTY = "handlers_do_not_raise"

# A memoised transition: (new slot, or -1-failure; sent envelope ids; fp delta; label).
Entry = tuple[int, tuple[int, ...], int, str]
# Slot values: (fields, ops done, real time, clock offset, timers ((armed, fires), ...),
# applied updates (a ghost, empty unless strong eventual consistency is checked)).
Slot = tuple[tuple[Any, ...], int, int, int, tuple[tuple[bool, int], ...], frozenset[Any]]
# Global values: (ops used, failure, partition groups, down flags, (loss, dup, partition, crash)
# used, clients) where clients is () or (ops per session, monitor summary per history property).
Glob = tuple[int, Any, tuple[int, ...] | None, tuple[bool, ...], tuple[int, int, int, int], Any]


@dataclass(frozen=True)
class HandlerFailure:
    """A handler raised: a counterexample of the built-in `handlers_do_not_raise`."""

    replica: ReplicaId
    action: str
    error: str
    location: str

    def describe(self) -> str:
        return f"{self.action} raised {self.error} at {self.location}"


@dataclass(frozen=True)
class _GlobalInfo:
    """Facts about one global state, computed once when it is interned."""

    failed: bool
    up: tuple[bool, ...]
    groups: tuple[int, ...] | None
    quiet: bool  # no partition and nobody down
    can_drop: bool
    can_dup: bool
    can_crash: bool
    can_partition: bool


class _WorldView:
    """What an invariant predicate sees: replicas (and the network, if it asked for it)."""

    def __init__(self, replicas: list[Any], network: list[Envelope] | None) -> None:
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
        self.symmetry = spec.symmetry_kinds()
        # Under replica symmetry, ids refuse to be ordered: ordering them would be unsound.
        id_type = GuardedReplicaId if "replicas" in self.symmetry else ReplicaId
        self.ids = tuple(id_type(i + 1) for i in range(n))
        self._proto = spec.protocol
        self._runner = Runner(self._proto, self.ids)
        self._field_names = self._runner.field_names
        self._initial_fields = tuple(freeze(f.initial) for f in self._proto._fields)
        self._durable = tuple(f.durable for f in self._proto._fields)
        self._per_replica = spec.ops_per_replica
        self._total = spec.max_ops
        self._faults = spec.faults
        self._clocks = spec.max_time is not None
        self._max_time = spec.max_time if spec.max_time is not None else 0
        self._timers: tuple[Timer, ...] = self._proto._timers
        self._timer_limits = tuple(t.max_fires or spec.timer_fires for t in self._timers)
        self._splits = self._faults.partition_splits(n) if self._faults.partition else []
        self._op_instances: list[tuple[Operation, tuple[Any, ...]]] = [
            (op, args) for op in self._proto._operations for args in op.argument_tuples(spec.params)
        ]
        # Client sessions: (name, home replica index or -1 for a roaming session).
        self._sessions = [
            (name, -1 if home == "*" else int(home[1:]) - 1) for name, home in spec.sessions.items()
        ]
        self._per_session = spec.ops_per_session
        self.plain = not (self._faults.any or self._timers or self._clocks or self._sessions)
        self._op_roles = [_roles(op) for op, _ in self._op_instances]

        # Interning tables. Slots are shared by all positions; keys are per position.
        self._slot_of: dict[Slot, int] = {}
        self._slots: list[Slot] = []
        self._slot_keys: dict[tuple[int, int], int] = {}
        self._busy: list[bool] = []  # some timer of the slot may still fire
        self._optab: list[list[tuple[Entry, ...] | None]] = [[] for _ in range(n)]
        self._timertab: list[list[tuple[Entry, ...] | None]] = [[] for _ in range(n)]
        self._recovertab: list[list[Entry | None]] = [[] for _ in range(n)]
        self._ticktab: list[list[tuple[int, int] | None]] = [[] for _ in range(n)]
        self._rearmtab: list[list[tuple[int, int] | None]] = [[] for _ in range(n)]
        self._obs: list[list[int]] = [[] for _ in range(n)]
        self._obs_of: dict[Any, int] = {}
        self._obs_vals: list[Any] = []
        self._glob_of: dict[Glob, int] = {}
        self._globs: list[Glob] = []
        self._gkey: list[int] = []
        self._gerr: list[bool] = []
        self._gviol: list[int] = []  # per global: the violated history property, or -1
        self._sessoptab: dict[
            tuple[int, int, int, tuple[Any, ...]], tuple[int, tuple[int, ...], int, str, Any]
        ] = {}
        self._ginfo: list[_GlobalInfo] = []
        self._gmoves: dict[tuple[int, str, Any], tuple[int, int]] = {}
        self._env_of: dict[Envelope, int] = {}
        self._envs: list[Envelope] = []
        self._env_src: list[int] = []
        self._env_dst: list[int] = []
        self._env_key: list[int] = []
        self._dtab: list[dict[int, Entry]] = []
        self._failures: list[HandlerFailure] = []
        self.exercised: set[str] = set()

        self._properties = list(spec.properties)
        self._history_props = [
            (index, p.name)
            for index, p in enumerate(self._properties, start=1)
            if isinstance(p, HistoryProperty)
        ]
        if self._history_props and not self._sessions:
            raise SpecError(
                f"{self._history_props[0][1]} judges client sessions: declare sessions=... "
                "and register operations (@operation(reads=True), @operation(writes=...))",
                location=spec.location,
            )
        self._sec = any(isinstance(p, StrongConvergence) for p in self._properties)
        self.por = self._choose_por(spec.por)
        self._send_closure: dict[tuple[int, tuple[int, ...]], bool] = {}
        self.property_names = [HANDLER_PROPERTY] + [p.name for p in self._properties]
        self.property_descriptions = ["no handler or operation raises an exception"] + [
            p.description for p in self._properties
        ]
        self._inv_cache: dict[tuple[int, ...], int] = {}
        self.check: Callable[[tuple[int, ...]], int | None] = self._compile_check()
        self.successors: Callable[[Node], list[Node]] = (
            self._plain_successors if self.plain else self._full_successors
        )

        timers0 = tuple((t.periodic, 0) for t in self._timers)
        clients0: Any = ()
        if self._sessions:
            names = [name for name, _ in self._sessions]
            summaries = tuple(
                start_summary(prop, names, [repr(r) for r in self.ids])
                for _, prop in self._history_props
            )
            clients0 = ((0,) * len(self._sessions), summaries)
        g0 = self._intern_glob((0, None, None, (False,) * n, (0, 0, 0, 0), clients0))
        self._initial_worlds = []
        for offsets in itertools.product(range(self._faults.skew + 1), repeat=n):
            slots = tuple(
                self._intern_slot((self._initial_fields, 0, 0, off, timers0, frozenset()))
                for off in offsets
            )
            self._initial_worlds.append(slots + (g0,))
        if len(self._initial_worlds) > 1:
            self.exercised.add("skew")

    # ----------------------------------------------------------------- interning

    def _time(self, slot: Slot) -> tuple[int, int] | None:
        return (slot[2], slot[3]) if self._clocks else None

    def _intern_slot(self, value: Slot) -> int:
        sid = self._slot_of.get(value)
        if sid is not None:
            return sid
        sid = len(self._slots)
        self._slots.append(value)
        self._slot_of[value] = sid
        self._busy.append(
            any(
                armed and fires < limit
                for (armed, fires), limit in zip(value[4], self._timer_limits, strict=True)
            )
        )
        for i in range(self.n):
            self._optab[i].append(None)
            self._timertab[i].append(None)
            self._recovertab[i].append(None)
            self._ticktab[i].append(None)
            self._rearmtab[i].append(None)
            observed = self._runner.observe(i, value[0], self._time(value))
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

    def _intern_glob(self, value: Glob) -> int:
        gid = self._glob_of.get(value)
        if gid is not None:
            return gid
        gid = len(self._globs)
        self._globs.append(value)
        self._glob_of[value] = gid
        _, failure, groups, down, spent, clients = value
        self._gkey.append(self._gkey_of(value))
        self._gviol.append(self._violated_history(clients))
        self._gerr.append(failure is not None)
        f = self._faults
        self._ginfo.append(
            _GlobalInfo(
                failed=failure is not None,
                up=tuple(not d for d in down),
                groups=groups,
                quiet=groups is None and not any(down),
                can_drop=spent[0] < f.loss,
                can_dup=spent[1] < f.dup,
                can_crash=spent[3] < f.crash,
                can_partition=groups is None and spent[2] < f.partition,
            )
        )
        return gid

    @staticmethod
    def _gkey_of(value: Glob) -> int:
        """The fingerprint key of a global value (failures keyed by their description)."""
        used, failure, groups, down, spent, clients = value
        shown_failure = None if failure is None else repr(failure)
        return key(b"evcheck.glob", (used, shown_failure, groups, down, spent, repr(clients)))

    def _intern_env(self, env: Envelope) -> int:
        eid = self._env_of.get(env)
        if eid is not None:
            return eid
        eid = len(self._envs)
        self._envs.append(env)
        self._env_of[env] = eid
        self._env_src.append(int(env.src) - 1)
        self._env_dst.append(int(env.dst) - 1)
        self._env_key.append(envelope_key(env))
        self._dtab.append({})
        return eid

    # ----------------------------------------------------------------- memoised transitions

    def _transition(
        self,
        i: int,
        sid: int,
        base: Slot,
        fn: Any,
        args: tuple[Any, ...],
        label: str,
        where: str,
        update: Any = None,
        relayed: frozenset[Any] = frozenset(),
    ) -> tuple[int, tuple[int, ...], int]:
        """Run a handler on `base` (slot `sid` with bookkeeping already applied) and intern
        the result: (new slot, sorted sent envelopes, fp delta), or (-1-failure, (), 0).
        `update` is the client update the handler makes and `relayed` the updates the
        message it handles carried (strong eventual consistency's ghost)."""
        outcome = self._runner.run(i, base[0], self._time(base), fn, args, where)
        if isinstance(outcome, Raised):
            self._failures.append(
                HandlerFailure(self.ids[i], label, outcome.error, outcome.location)
            )
            return (-len(self._failures), (), 0)
        return self._apply(i, sid, base, outcome, update, relayed)

    def _apply(
        self,
        i: int,
        sid: int,
        base: Slot,
        outcome: Outcome,
        update: Any = None,
        relayed: frozenset[Any] = frozenset(),
    ) -> tuple[int, tuple[int, ...], int]:
        """Intern what a handler produced: (new slot, sorted sent envelopes, fp delta)."""
        timers = list(base[4])
        for index, start in outcome.timer_ops:
            timers[index] = (start, timers[index][1])
        if outcome.fields != base[0]:
            timers = [(armed, 0) for armed, _ in timers]
        applied = base[5]
        carried: frozenset[Any] = frozenset()
        if self._sec:
            carried = relayed | ({update} if update is not None else frozenset())
            applied = applied | carried
        new_slot: Slot = (outcome.fields, base[1], base[2], base[3], tuple(timers), applied)
        s2 = self._intern_slot(new_slot)
        eids = sorted(
            self._intern_env(Envelope(self.ids[i], dst, msg, self._payload(msg, applied, carried)))
            for dst, msg in outcome.sends
        )
        delta = self._slot_key(i, s2) - self._slot_key(i, sid)
        delta += sum(self._env_key[e] for e in eids)
        return (s2, tuple(eids), delta)

    def _next_update(self, i: int, slot: Slot) -> Any:
        """The id of the next client update replica i makes: (replica, its n-th update)."""
        if not self._sec:
            return None
        me = self.ids[i]
        return (me, 1 + sum(1 for replica, _ in slot[5] if replica == me))

    def _payload(
        self, msg: Any, applied: frozenset[Any], carried: frozenset[Any]
    ) -> frozenset[Any]:
        """The updates a sent message carries: what its handler made or relayed, or for a
        state-carrying message everything its sender has applied."""
        carries = getattr(type(msg), "_evc_carries", "update")
        if not self._sec or carries == "nothing":
            return frozenset()
        return applied if carries == "state" else carried

    def _build_ops(self, i: int, sid: int) -> tuple[Entry, ...]:
        slot = self._slots[sid]
        done = slot[1]
        entries: list[Entry] = []
        if self._per_replica is None or done < self._per_replica:
            new_done = done + 1 if self._per_replica is not None else done
            base: Slot = (slot[0], new_done, slot[2], slot[3], slot[4], slot[5])
            update = self._next_update(i, slot)
            for op, args in self._op_instances:
                label = f"{op.name}@{self.ids[i]!r}({', '.join(map(repr, args))})"
                s2, sends, delta = self._transition(
                    i,
                    sid,
                    base,
                    op.fn,
                    args,
                    label,
                    op.location,
                    None if op.kind == "read" else update,
                )
                entries.append((s2, sends, delta, label))
        table = tuple(entries)
        self._optab[i][sid] = table
        return table

    def _build_timers(self, i: int, sid: int) -> tuple[Entry, ...]:
        slot = self._slots[sid]
        entries: list[Entry] = []
        for index, (tmr, limit) in enumerate(zip(self._timers, self._timer_limits, strict=True)):
            armed, fires = slot[4][index]
            if not armed or fires >= limit:
                continue
            timers = list(slot[4])
            timers[index] = (tmr.periodic, fires + 1)
            base: Slot = (slot[0], slot[1], slot[2], slot[3], tuple(timers), slot[5])
            label = f"timer {tmr.name}@{self.ids[i]!r}"
            # A timer's messages are not caused by an update: they carry what the sender has.
            s2, sends, delta = self._transition(
                i, sid, base, tmr.fn, (), label, tmr.location, None, slot[5]
            )
            entries.append((s2, sends, delta, label))
        table = tuple(entries)
        self._timertab[i][sid] = table
        return table

    def _build_delivery(self, eid: int, sid: int) -> Entry:
        env = self._envs[eid]
        i = int(env.dst) - 1
        handler: Handler = self._proto._handlers[type(env.msg)]
        args = (env.msg, env.src) if handler.wants_sender else (env.msg,)
        label = f"deliver {env}"
        slot = self._slots[sid]
        s2, sends, delta = self._transition(
            i, sid, slot, handler.fn, args, label, handler.location, None, env.payload
        )
        if s2 >= 0:
            delta -= self._env_key[eid]
        entry: Entry = (s2, sends, delta, label)
        self._dtab[eid][sid] = entry
        return entry

    def _build_recovery(self, i: int, sid: int) -> Entry:
        """Volatile fields back to their initial values, one-shot timers disarmed, then the hook."""
        slot = self._slots[sid]
        fields = tuple(
            value if durable else initial
            for value, durable, initial in zip(
                slot[0], self._durable, self._initial_fields, strict=True
            )
        )
        timers = tuple((t.periodic, 0) for t in self._timers)
        base: Slot = (fields, slot[1], slot[2], slot[3], timers, slot[5])
        label = f"recover {self.ids[i]!r}"
        hook = self._proto._recovery
        if hook is None:
            s2 = self._intern_slot(base)
            entry: Entry = (s2, (), self._slot_key(i, s2) - self._slot_key(i, sid), label)
        else:
            where = f"{hook.__code__.co_filename}:{hook.__code__.co_firstlineno}"
            s2, sends, delta = self._transition(i, sid, base, hook, (), label, where, None, slot[5])
            entry = (s2, sends, delta, label)
        self._recovertab[i][sid] = entry
        return entry

    def _tick(self, i: int, sid: int) -> tuple[int, int]:
        step = self._ticktab[i][sid]
        if step is None:
            slot = self._slots[sid]
            s2 = self._intern_slot((slot[0], slot[1], slot[2] + 1, slot[3], slot[4], slot[5]))
            step = (s2, self._slot_key(i, s2) - self._slot_key(i, sid))
            self._ticktab[i][sid] = step
        return step

    def _rearm(self, i: int, sid: int) -> tuple[int, int]:
        """Timer fire counts back to zero (after a heal or a recovery), and the fp delta."""
        step = self._rearmtab[i][sid]
        if step is None:
            slot = self._slots[sid]
            timers = tuple((armed, 0) for armed, _ in slot[4])
            s2 = self._intern_slot((slot[0], slot[1], slot[2], slot[3], timers, slot[5]))
            step = (s2, self._slot_key(i, s2) - self._slot_key(i, sid))
            self._rearmtab[i][sid] = step
        return step

    def _rearm_all(self, world: tuple[int, ...], skip: int = -1) -> tuple[tuple[int, ...], int]:
        """Replica slots with every timer count reset (but replica `skip`), and the fp delta."""
        if not self._timers:
            return world[: self.n], 0
        slots = []
        delta = 0
        for i in range(self.n):
            if i == skip:
                slots.append(world[i])
                continue
            s2, d2 = self._rearm(i, world[i])
            slots.append(s2)
            delta += d2
        return tuple(slots), delta

    def _violated_history(self, clients: Any) -> int:
        """The index of the first history property a clients value records as violated."""
        if not clients:
            return -1
        for (index, _), summary in zip(self._history_props, clients[1], strict=True):
            if violation(summary) is not None:
                return index
        return -1

    def _client_step(self, clients: Any, k: int, event: tuple[Any, ...]) -> Any:
        """Clients after session k's operation `event` = (replica, kind, key, value)."""
        counts, summaries = clients
        counts = counts[:k] + (counts[k] + 1,) + counts[k + 1 :]
        replica, kind, key_, value = event
        if kind is None:
            return (counts, summaries)
        recorded = Event(0, self._sessions[k][0], replica, kind, key_, value)
        stepped = tuple(
            step_summary(prop, summary, recorded)
            for (_, prop), summary in zip(self._history_props, summaries, strict=True)
        )
        return (counts, stepped)

    def _session_op(
        self, i: int, sid: int, op_index: int, args: tuple[Any, ...], session: int
    ) -> tuple[int, tuple[int, ...], int, str, Any]:
        """Session `session` calls operation `op_index` with `args` at replica i (memoised)."""
        memo_key = (i, sid, op_index, args)
        entry = self._sessoptab.get(memo_key)
        if entry is not None:
            return entry
        op = self._op_instances[op_index][0]
        slot = self._slots[sid]
        done = slot[1] + 1 if self._per_replica is not None else slot[1]
        base: Slot = (slot[0], done, slot[2], slot[3], slot[4], slot[5])
        label = f"{op.name}@{self.ids[i]!r}({', '.join(map(repr, args))})"
        outcome = self._runner.run(i, base[0], self._time(base), op.fn, args, op.location)
        if isinstance(outcome, Raised):
            self._failures.append(
                HandlerFailure(self.ids[i], label, outcome.error, outcome.location)
            )
            entry = (-len(self._failures), (), 0, label, None)
        else:
            update = None if op.kind == "read" else self._next_update(i, slot)
            s2, sends, delta = self._apply(i, sid, base, outcome, update)
            entry = (s2, sends, delta, label, outcome.result)
        self._sessoptab[memo_key] = entry
        return entry

    def _gmove(self, g: int, kind: str, arg: Any = None) -> tuple[int, int]:
        """The global state after an environment event, and the fingerprint delta."""
        cached = self._gmoves.get((g, kind, arg))
        if cached is not None:
            return cached
        used, failure, groups, down, spent, clients = self._globs[g]
        loss, dup, parts, crashes = spent
        if kind == "op":
            new: Glob = (used + 1, failure, groups, down, spent, clients)
        elif kind == "client":
            new = (used + 1, failure, groups, down, spent, self._client_step(clients, *arg))
        elif kind == "drop":
            new = (used, failure, groups, down, (loss + 1, dup, parts, crashes), clients)
        elif kind == "dup":
            new = (used, failure, groups, down, (loss, dup + 1, parts, crashes), clients)
        elif kind == "partition":
            new = (used, failure, arg, down, (loss, dup, parts + 1, crashes), clients)
        elif kind == "heal":
            new = (used, failure, None, down, spent, clients)
        elif kind == "crash":
            flags = down[:arg] + (True,) + down[arg + 1 :]
            new = (used, failure, groups, flags, (loss, dup, parts, crashes + 1), clients)
        elif kind == "recover":
            flags = down[:arg] + (False,) + down[arg + 1 :]
            new = (used, failure, groups, flags, spent, clients)
        elif kind == "fail":
            new = (used, arg, groups, down, spent, clients)
        else:  # pragma: no cover - internal misuse
            raise ValueError(kind)
        g2 = self._intern_glob(new)
        move = (g2, self._gkey[g2] - self._gkey[g])
        self._gmoves[(g, kind, arg)] = move
        return move

    def _failure_node(self, world: tuple[int, ...], code: int, fp: int) -> Node:
        n = self.n
        g2, delta = self._gmove(world[n], "fail", self._failures[-code - 1])
        return (world[:n] + (g2,) + world[n + 1 :], (fp + delta) & MASK)

    def _ops_step(self, g: int) -> tuple[int, int] | None:
        """Whether client operations are enabled in global state g, and its successor."""
        if not self._op_instances:
            return None
        if self._total is None:
            return (g, 0)
        if self._globs[g][0] >= self._total:
            return None
        return self._gmove(g, "op")

    # ----------------------------------------------------------------- partial-order reduction

    def _choose_por(self, requested: bool | str) -> bool:
        """Partial-order reduction of the delivery tail (see `_por_target`), where sound.

        The argument covers fault-free specs without timers or clocks whose properties
        are quiescent convergence (and the built-in handler check): every reachable
        quiescent state and every handler exception is preserved. User invariants may
        depend on several replicas' intermediate states, which the reduction skips.
        """
        sound = self.plain and all(isinstance(p, QuiescentConvergence) for p in self._properties)
        if requested == "auto":
            return sound
        if requested and not sound:
            raise SpecError(
                "partial-order reduction is only sound for specs without faults, timers or "
                "clocks whose properties are quiescent convergence; turn it off",
                location=self.spec.location,
            )
        return bool(requested)

    def _por_target(self, world: tuple[int, ...]) -> int:
        """The replica whose deliveries alone need exploring from `world`, or -1 for all.

        In the delivery tail — no client operation enabled anywhere, and no pending
        message, delivered in any order, makes its receiver send — the network only
        shrinks and deliveries to different replicas commute (each touches only its
        receiver's state and removes its own envelope). The deliveries to one replica
        are then a persistent set: whatever path leads from here to a quiescent state
        delivers them, and can be reordered to deliver them first. The graph there is
        acyclic, so no cycle proviso is needed.
        """
        n = self.n
        net = world[n + 1 :]
        if not net:
            return -1
        if self._ops_step(world[n]) is not None:
            for i in range(n):
                entries = self._optab[i][world[i]]
                if entries is None:
                    entries = self._build_ops(i, world[i])
                if entries:
                    return -1
        pending: list[list[int]] = [[] for _ in range(n)]
        for e in net:
            pending[self._env_dst[e]].append(e)
        for i in range(n):
            if pending[i] and self._may_send(world[i], tuple(pending[i])):
                return -1
        # The lowest-numbered replica with mail: a choice that depends on the state only,
        # not on interning order, so every engine and process reduces the same graph.
        return next(i for i in range(n) if pending[i])

    def _may_send(self, sid: int, pending: tuple[int, ...]) -> bool:
        """Whether delivering some of `pending` (sorted envelopes to one replica in slot
        `sid`), in some order, makes that replica send."""
        cached = self._send_closure.get((sid, pending))
        if cached is not None:
            return cached
        result = False
        previous = -1
        for j, e in enumerate(pending):
            if e == previous:
                continue
            previous = e
            entry = self._dtab[e].get(sid)
            if entry is None:
                entry = self._build_delivery(e, sid)
            s2, sends, _, _ = entry
            if sends:
                result = True
                break
            rest = pending[:j] + pending[j + 1 :]
            if s2 >= 0 and rest and self._may_send(s2, rest):
                result = True
                break
        self._send_closure[(sid, pending)] = result
        return result

    # ----------------------------------------------------------------- the transition system

    def initial(self) -> list[Node]:
        return [(w, self.fingerprint(w)) for w in self._initial_worlds]

    def packer(self) -> Packer:
        """Codes worlds for one other process (see `evcheck.transfer`)."""
        from .transfer import Packer

        return Packer(self)

    def unpacker(self) -> Unpacker:
        """Decodes worlds coded by one other process's packer."""
        from .transfer import Unpacker

        return Unpacker(self)

    def fingerprint(self, world: tuple[int, ...]) -> int:
        """The fingerprint computed from scratch (successors maintain it incrementally)."""
        n = self.n
        total = sum(self._slot_key(i, world[i]) for i in range(n))
        total += self._gkey[world[n]]
        total += sum(self._env_key[e] for e in world[n + 1 :])
        return total & MASK

    def _plain_successors(self, node: Node) -> list[Node]:
        """Client operations and deliveries only: the hot path of fault-free specs."""
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
                tail = world[i + 1 : n] + (g2,)
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
        target = self._por_target(world) if self.por else -1
        prev = -1
        j = 0
        for e in net:
            if e != prev:
                prev = e
                d = dst[e]
                if target >= 0 and d != target:
                    j += 1
                    continue
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
                    append((world[:d] + (s2,) + world[d + 1 : n1] + rest, (fp + delta) & MASK))
            j += 1
        return out

    def _full_successors(self, node: Node) -> list[Node]:
        return self._expand(node, None)

    def _expand(self, node: Node, labels: list[Action] | None) -> list[Node]:
        """Every action, in a fixed order: operations, timers, deliveries, loss, duplication,
        crashes, recoveries, partitions, heal, tick. `labels`, if given, gets each action."""
        world: tuple[int, ...] = node[0]
        fp: int = node[1]
        n = self.n
        n1 = n + 1
        g = world[n]
        info = self._ginfo[g]
        out: list[Node] = []
        if info.failed:
            return out
        append = out.append
        net = world[n1:]
        up = info.up
        envs = self._envs

        # An action is described as (kind, replica or envelope, text) and built only when
        # labels are asked for: the search itself never pays for formatting.
        def add(next_world: tuple[int, ...], delta: int, what: tuple[Any, ...]) -> None:
            append((next_world, (fp + delta) & MASK))
            if labels is not None:
                labels.append(self._action(*what))

        def with_slot(i: int, s2: int, sends: tuple[int, ...], gnew: int) -> tuple[int, ...]:
            rest: tuple[int, ...] = tuple(sorted(net + sends)) if sends else net
            return world[:i] + (s2,) + world[i + 1 : n] + (gnew,) + rest

        step = self._ops_step(g)
        if self._sessions:
            self._session_ops(world, g, up, add, with_slot)
        elif step is not None:
            g2, gdelta = step
            for i in range(n):
                if not up[i]:
                    continue
                s = world[i]
                entries = self._optab[i][s]
                if entries is None:
                    entries = self._build_ops(i, s)
                for s2, sends, delta, label in entries:
                    if s2 < 0:
                        add(*self._failure_parts(world, s2), ("op", i, label))
                    else:
                        add(with_slot(i, s2, sends, g2), delta + gdelta, ("op", i, label))
        if self._timers:
            for i in range(n):
                if not up[i]:
                    continue
                s = world[i]
                entries = self._timertab[i][s]
                if entries is None:
                    entries = self._build_timers(i, s)
                for s2, sends, delta, label in entries:
                    if s2 < 0:
                        add(*self._failure_parts(world, s2), ("timer", i, label))
                    else:
                        add(with_slot(i, s2, sends, g), delta, ("timer", i, label))
        groups = info.groups
        lose_when_down = self._faults.crash_inbox == "lose"
        drop_at_cut = self._faults.partition_mode == "drop"
        distinct = _distinct_positions(net)
        target = self._por_target(world) if self.por else -1
        for j, e in distinct:
            d = self._env_dst[e]
            if target >= 0 and d != target:
                continue
            rest = net[:j] + net[j + 1 :]
            if not up[d]:
                if lose_when_down:
                    self.exercised.add("crash")
                    add(
                        world[:n1] + rest,
                        -self._env_key[e],
                        ("lose", e, f" ({envs[e].dst!r} is down)"),
                    )
                continue
            if groups is not None and groups[self._env_src[e]] != groups[d]:
                if drop_at_cut:
                    add(world[:n1] + rest, -self._env_key[e], ("drop", e, " (partitioned)"))
                continue
            entry = self._dtab[e].get(world[d])
            if entry is None:
                entry = self._build_delivery(e, world[d])
            s2, sends, delta, _ = entry
            if s2 < 0:
                add(*self._failure_parts(world, s2), ("deliver", e, ""))
            else:
                rest = tuple(sorted(rest + sends)) if sends else rest
                add(world[:d] + (s2,) + world[d + 1 : n1] + rest, delta, ("deliver", e, ""))
        if info.can_drop and net:
            self.exercised.add("loss")
            g2, gdelta = self._gmove(g, "drop")
            for j, e in distinct:
                add(
                    world[:n] + (g2,) + net[:j] + net[j + 1 :],
                    gdelta - self._env_key[e],
                    ("drop", e, ""),
                )
        if info.can_dup and net:
            self.exercised.add("dup")
            g2, gdelta = self._gmove(g, "dup")
            for _, e in distinct:
                add(
                    world[:n] + (g2,) + tuple(sorted(net + (e,))),
                    gdelta + self._env_key[e],
                    ("duplicate", e, ""),
                )
        if info.can_crash:
            self.exercised.add("crash")
            for i in range(n):
                if up[i]:
                    g2, gdelta = self._gmove(g, "crash", i)
                    add(world[:n] + (g2,) + net, gdelta, ("crash", i, f"crash {self.ids[i]!r}"))
        for i in range(n):
            if not up[i]:
                s = world[i]
                entry_r = self._recovertab[i][s]
                if entry_r is None:
                    entry_r = self._build_recovery(i, s)
                s2, sends, delta, label = entry_r
                g2, gdelta = self._gmove(g, "recover", i)
                if s2 < 0:
                    add(*self._failure_parts(world, s2), ("recover", i, label))
                else:
                    # A recovery changes the environment: every other replica's timers may
                    # usefully fire again (the recovering replica's were reset with it).
                    slots, rdelta = self._rearm_all(world, skip=i)
                    rest = tuple(sorted(net + sends)) if sends else net
                    nw = slots[:i] + (s2,) + slots[i + 1 :] + (g2,) + rest
                    add(nw, delta + gdelta + rdelta, ("recover", i, label))
        if info.can_partition:
            self.exercised.add("partition")
            for split in self._splits:
                g2, gdelta = self._gmove(g, "partition", split)
                add(
                    world[:n] + (g2,) + net,
                    gdelta,
                    ("partition", -1, f"partition {show_partition(split)}"),
                )
        if groups is not None:
            g2, gdelta = self._gmove(g, "heal")
            slots, rdelta = self._rearm_all(world)
            add(slots + (g2,) + net, gdelta + rdelta, ("heal", -1, "heal"))
        if self._clocks:
            now = self._slots[world[0]][2]
            if now < self._max_time:
                ticked = []
                delta = 0
                for i in range(n):
                    s2, d2 = self._tick(i, world[i])
                    ticked.append(s2)
                    delta += d2
                add(tuple(ticked) + world[n:], delta, ("tick", -1, f"tick (time {now + 1})"))
        return out

    def _session_ops(
        self, world: tuple[int, ...], g: int, up: tuple[bool, ...], add: Any, with_slot: Any
    ) -> None:
        """Operations issued by client sessions: a pinned session at its home replica, a
        roaming one at any replica that is up. Each is recorded in the history monitors."""
        used, _, _, _, _, clients = self._globs[g]
        if self._total is not None and used >= self._total:
            return
        counts = clients[0]
        for k, (name, home) in enumerate(self._sessions):
            if self._per_session is not None and counts[k] >= self._per_session:
                continue
            for i in [home] if home >= 0 else range(self.n):
                if not up[i]:
                    continue
                sid = world[i]
                if self._per_replica is not None and self._slots[sid][1] >= self._per_replica:
                    continue
                for op_index, (_, args) in enumerate(self._op_instances):
                    concrete = tuple(f"{name}.{counts[k] + 1}" if a is unique else a for a in args)
                    s2, sends, delta, label, result = self._session_op(
                        i, sid, op_index, concrete, k
                    )
                    kind, key_pos, value_pos = self._op_roles[op_index]
                    event = (
                        repr(self.ids[i]),
                        kind,
                        concrete[key_pos] if key_pos >= 0 else None,
                        result
                        if kind == "read"
                        else concrete[value_pos]
                        if value_pos >= 0
                        else None,
                    )
                    text = f"{label} by {name}" + (f" -> {result!r}" if kind == "read" else "")
                    what = ("op", i, text, name, event if kind else None)
                    if s2 < 0:
                        add(*self._failure_parts(world, s2), what)
                        continue
                    g2, gdelta = self._gmove(g, "client", (k, event))
                    add(with_slot(i, s2, sends, g2), delta + gdelta, what)

    def _failure_parts(self, world: tuple[int, ...], code: int) -> tuple[tuple[int, ...], int]:
        n = self.n
        g2, delta = self._gmove(world[n], "fail", self._failures[-code - 1])
        return (world[:n] + (g2,) + world[n + 1 :], delta)

    def _action(
        self,
        kind: str,
        ref: int,
        text: str,
        session: str | None = None,
        event: tuple[Any, ...] | None = None,
    ) -> Action:
        """Build the Action for (kind, replica index or envelope id, text) from `_expand`."""
        if kind in ("deliver", "drop", "lose", "duplicate"):
            env = self._envs[ref]
            label = f"{kind} {env}{text}"
            return Action(label, kind, src=repr(env.src), dst=repr(env.dst), message=repr(env.msg))
        actor = repr(self.ids[ref]) if ref >= 0 else None
        return Action(text, kind, actor=actor, session=session, event=event)

    def actions(self, world: tuple[int, ...]) -> list[Action]:
        """The actions of `world` in `successors` order (the full path enumerates them in
        the same order as the specialised one)."""
        found: list[Action] = []
        self._expand((world, 0), found)
        return found

    def action_labels(self, world: tuple[int, ...]) -> list[str]:
        return [a.label for a in self.actions(world)]

    @property
    def lanes(self) -> list[str]:
        """Replicas, then client sessions (a session's operations are drawn from its lane)."""
        return [repr(r) for r in self.ids] + [name for name, _ in self._sessions]

    # ----------------------------------------------------------------- properties

    def _compile_check(self) -> Callable[[tuple[int, ...]], int | None]:
        n = self.n
        n1 = n + 1
        gerr = self._gerr
        ginfo = self._ginfo
        busy = self._busy
        obs = self._obs
        faults = not self.plain
        timers = bool(self._timers)
        conv: int | None = None
        sec: int | None = None
        replica_invs: list[tuple[int, Invariant]] = []
        network_invs: list[tuple[int, Invariant]] = []
        for index, prop in enumerate(self._properties, start=1):
            if isinstance(prop, QuiescentConvergence):
                conv = index
            elif isinstance(prop, HistoryProperty):
                pass  # judged by the monitors in the global slot
            elif isinstance(prop, StrongConvergence):
                sec = index
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

        gviol = self._gviol
        sec_cache: dict[tuple[int, ...], tuple[int, int] | None] = {}
        sec_check = self._diverged_despite_same_updates

        def check(world: tuple[int, ...]) -> int | None:
            g = world[n]
            if gerr[g]:
                return 0
            if gviol[g] >= 0:
                return gviol[g]
            if (
                conv is not None
                and len(world) == n1
                and (not faults or ginfo[g].quiet)
                and (not timers or not any(busy[s] for s in world[:n]))
            ):
                first = obs[0][world[0]]
                for i in range(1, n):
                    if obs[i][world[i]] != first:
                        return conv
            if sec is not None:
                slots = world[:n]
                if slots in sec_cache:
                    diverged = sec_cache[slots]
                else:
                    diverged = sec_cache[slots] = sec_check(slots)
                if diverged is not None:
                    return sec
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

    def _diverged_despite_same_updates(self, slots: tuple[int, ...]) -> tuple[int, int] | None:
        """Two replicas that applied the same updates but expose different values, if any."""
        n = self.n
        for i in range(n):
            for j in range(i + 1, n):
                a, b = self._slots[slots[i]], self._slots[slots[j]]
                if a[5] == b[5] and self._obs[i][slots[i]] != self._obs[j][slots[j]]:
                    return (i, j)
        return None

    def _evaluate_replica_invariants(
        self, slots: tuple[int, ...], invs: list[tuple[int, Invariant]]
    ) -> int:
        w = self._world_view(slots + (0,), with_network=False)
        verdict = -1
        for index, inv in invs:
            if not _holds(inv, w):
                verdict = index
                break
        self._inv_cache[slots] = verdict
        return verdict

    def _world_view(self, world: tuple[int, ...], with_network: bool) -> _WorldView:
        n = self.n
        replicas = []
        for i in range(n):
            slot = self._slots[world[i]]
            replicas.append(self._runner.scratch(i, slot[0], self._time(slot), mutable=False))
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
            quiet = "nothing in flight"
            if not self.plain:
                quiet += ", no partition, nobody down"
            if self._timers:
                quiet += ", no timer left to fire"
            return f"{', '.join(parts)}; {quiet}: replicas did not converge"
        if isinstance(p, StrongConvergence):
            pair = self._diverged_despite_same_updates(world[:n])
            if pair is not None:
                i, j = pair
                applied = sorted(self._slots[world[i]][5], key=repr)
                shown = ", ".join(f"{r!r}#{k}" for r, k in applied) or "none"
                values = [
                    _describe_observed(
                        self._obs_vals[self._obs[x][world[x]]],
                        self._field_names,
                        self._slots[world[x]][0],
                    )
                    for x in (i, j)
                ]
                return (
                    f"{self.ids[i]!r} and {self.ids[j]!r} applied the same updates ({shown}) but "
                    f"hold {values[0]} and {values[1]}: strong eventual consistency violated"
                )
        if isinstance(p, HistoryProperty):
            clients = self._globs[world[n]][5]
            for (index, _), summary in zip(self._history_props, clients[1], strict=True):
                if index == prop:
                    return violation(summary) or f"{p.name} violated"
        if isinstance(p, Invariant):
            w = self._world_view(world, with_network=p.sees_network)
            try:
                result = p.predicate(w)
            except Exception as exc:
                return f"invariant {p.name} raised {type(exc).__name__}: {exc}"
            if isinstance(result, Fail):
                return result.message
            return f"invariant {p.name} is false: {p.description}"
        return f"{p.name} violated"  # pragma: no cover - every property kind is handled above

    # ----------------------------------------------------------------- display

    def view(self, world: tuple[int, ...]) -> StateView:
        n = self.n
        _, failure, groups, down, spent, clients = self._globs[world[n]]
        components: dict[str, dict[str, str]] = {}
        for i in range(n):
            slot = self._slots[world[i]]
            comp = {name: repr(v) for name, v in zip(self._field_names, slot[0], strict=True)}
            if self._clocks:
                comp["clock"] = str(slot[2] + slot[3])
            armed = [
                t.name
                for t, (on, _) in zip(self._timers, slot[4], strict=True)
                if on and not t.periodic
            ]
            if any(not t.periodic for t in self._timers):
                comp["timers"] = ", ".join(armed) or "none armed"
            if self._faults.crash:
                comp["status"] = "down" if down[i] else "up"
            if self._sec:
                comp["applied"] = (
                    ", ".join(f"{r!r}#{k}" for r, k in sorted(slot[5], key=repr)) or "none"
                )
            components[repr(self.ids[i])] = comp
        env: dict[str, str] = {}
        if self._clocks:
            env["time"] = str(self._slots[world[0]][2])
        if clients:
            env["ops by session"] = ", ".join(
                f"{name} {count}"
                for (name, _), count in zip(self._sessions, clients[0], strict=True)
            )
        if self._faults.partition:
            env["partition"] = show_partition(groups) if groups is not None else "none"
        for k, name in enumerate(("loss", "dup", "partition", "crash")):
            budget = getattr(self._faults, name)
            if budget:
                env[f"{name} used"] = f"{spent[k]}/{budget}"
        if env:
            components["environment"] = env
        counts = Counter(world[n + 1 :])
        in_flight = []
        for e in sorted(counts, key=lambda e: str(self._envs[e])):
            times = f" (x{counts[e]})" if counts[e] > 1 else ""
            in_flight.append(f"{self._envs[e]}{times}")
        notes = [failure.describe()] if failure is not None else []
        values: dict[str, dict[str, Any]] = {}
        for i in range(n):
            slot = self._slots[world[i]]
            raw = dict(zip(self._field_names, slot[0], strict=True))
            if self._clocks:
                raw["clock"] = slot[2] + slot[3]
            if self._faults.crash:
                raw["status"] = "down" if down[i] else "up"
            if self._sec:
                raw["applied"] = slot[5]
            values[repr(self.ids[i])] = raw
        messages = [(repr(env.src), repr(env.dst), env.msg) for env in self.in_flight(world)]
        return StateView(
            components=components,
            in_flight=in_flight,
            notes=notes,
            values=values,
            messages=messages,
        )

    def faults_used(self, world: tuple[int, ...]) -> dict[str, int]:
        """Fault events spent in `world`: loss, dup, partition, crash."""
        spent = self._globs[world[self.n]][4]
        return dict(zip(("loss", "dup", "partition", "crash"), spent, strict=True))

    def replica_fields(self, world: tuple[int, ...], i: int) -> dict[str, Any]:
        """The field values of replica i (0-based) in `world`."""
        return dict(zip(self._field_names, self._slots[world[i]][0], strict=True))

    def in_flight(self, world: tuple[int, ...]) -> list[Envelope]:
        return [self._envs[e] for e in world[self.n + 1 :]]

    def describe_bounds(self, symmetry_group: int = 1) -> str:
        spec = self.spec
        parts = [f"{self.n} replicas"]
        if spec.ops_per_replica is not None:
            parts.append(f"{spec.ops_per_replica} op(s) per replica")
        if spec.max_ops is not None:
            parts.append(f"{spec.max_ops} op(s) in total")
        if self._sessions:
            placed = ", ".join(f"{name}@{spec.sessions[name]}" for name, _ in self._sessions)
            parts.append(f"sessions {placed}")
            if spec.ops_per_session is not None:
                parts.append(f"{spec.ops_per_session} op(s) per session")
        if self._clocks:
            parts.append(f"time <= {spec.max_time}")
        if self._timers:
            parts.append(f"timers fire <= {spec.timer_fires}x per change")
        for name, value in spec.params.items():
            parts.append(f"{name}={value!r}")
        parts.append(f"faults: {self._faults.describe()}")
        if self.symmetry:
            parts.append(f"symmetry: {'+'.join(sorted(self.symmetry))} (group of {symmetry_group})")
        if self.por:
            parts.append("partial-order reduction")
        return ", ".join(parts)

    def faults_report(self) -> tuple[list[str], list[str]]:
        """(declared fault kinds, kinds some explored transition exercised), by long name."""
        declared = [KINDS[k] for k in self._faults.declared()]
        exercised = [KINDS[k] for k in KINDS if k in self.exercised]
        return declared, exercised

    def table_sizes(self) -> dict[str, int]:
        """How many distinct local states, envelopes and memoised transitions were built."""
        return {
            "local_states": len(self._slots),
            "envelopes": len(self._envs),
            "memoised_deliveries": sum(len(t) for t in self._dtab),
        }


def envelope_key(env: Envelope) -> int:
    """An envelope's fingerprint key; the ghost payload counts only when tracked."""
    parts: tuple[Any, ...] = (int(env.src), int(env.dst), env.msg)
    if env.payload:
        parts += (env.payload,)
    return key(b"evcheck.env", parts)


def _distinct_positions(net: tuple[int, ...]) -> list[tuple[int, int]]:
    """(position, envelope) of the first copy of each distinct in-flight envelope."""
    out = []
    prev = -1
    for j, e in enumerate(net):
        if e != prev:
            out.append((j, e))
            prev = e
    return out


def _holds(inv: Invariant, w: Any) -> bool:
    try:
        return bool(inv.predicate(w))
    except UnorderedError as exc:
        raise SpecError(f"invariant {inv.name}: {exc}", location=user_frame(exc)) from None
    except Exception as exc:
        raise SpecError(
            f"invariant {inv.name} raised {type(exc).__name__}: {exc}",
            location=user_frame(exc) or inv.location,
        ) from None


def _describe_observed(observed: Any, names: Sequence[str], fields: tuple[Any, ...]) -> str:
    """`'a'@(1, r1)`-style rendering: the observed value, then the other fields for context."""
    values = dict(zip(names, fields, strict=True))
    others = [repr(v) for name, v in values.items() if v is not observed and v != observed]
    if len(others) == len(values):
        return repr(observed)
    if others:
        return f"{observed!r}@{', '.join(others)}"
    return repr(observed)


def _roles(op: Operation) -> tuple[str | None, int, int]:
    """(history kind, position of the key argument, position of the written value)."""
    names = list(inspect.signature(op.fn).parameters)[1:]
    key_pos = names.index(op.key_arg) if op.key_arg else -1
    value_pos = names.index(op.value_arg) if op.value_arg else -1
    return (op.kind, key_pos, value_pos)
