"""The tables every environment part reads: interned components and memoised transitions.

A handler sees only its own replica's state and its input, so its result is a function
of (replica, slot, input): each is computed once, interned together with the
fingerprint delta it causes, and afterwards a transition costs a table lookup and a
few tuple slices. The tables grow as exploration meets new components; ids are small
ints private to this process (`evcheck.transfer` translates them between processes).

A slot (a replica's local state) is the tuple

    (fields, ops done, real time, clock offset, timers, applied, made, role, suspects)

where `fields` are the protocol's fields, `ops done` counts the replica's client
operations (the clients part), real time and the clock offset belong to the clocks
part, `timers` holds `(armed, fires)` per timer (the timers part), and `applied` and
`made` are ghosts of strong eventual consistency (empty unless it is checked): the
updates the replica has applied, and which updates each message content it sent was
made for (so that a retransmission carries what the original carried). `role` numbers
the replica's class, so that equal field values of different roles are different local
states (and each part knows which class's code a slot belongs to). `suspects` is the set
of replicas the replica's failure detector suspects (the detectors part; empty without
a detector): handlers read it through `self.suspects(r)`, so it must be in the slot for
their memoised results to be right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..execution import Effects, HandlerRunner, Raised
from ..fingerprint import MASK, key, key_of_encoding
from ..model import Action
from ..plan import Plan
from ..properties import Update
from ..values import Interner, ReplicaId, encode, encode_pair
from .envelope import CLIENT, Envelope, Reply, envelope_key
from .info import DELIVER, NO_STATE, EnvInfo, Stateful

# Positions in a slot (literal, so that type checkers know each position's type).
FIELDS: Final = 0
OPS: Final = 1
TIME: Final = 2
OFFSET: Final = 3
TIMERS: Final = 4
APPLIED: Final = 5
MADE: Final = 6
ROLE: Final = 7
SUSPECTS: Final = 8

Slot = tuple[
    tuple[Any, ...],
    int,
    int,
    int,
    tuple[tuple[bool, int], ...],
    frozenset[Any],
    frozenset[Any],
    int,
    frozenset[ReplicaId],
]
# A memoised transition: (new slot, or -1-failure; sent envelope ids, sorted; fp delta; label).
Entry = tuple[int, tuple[int, ...], int, str]
# The entry of an action whose enabling condition is false: no transition.
DISABLED = -(1 << 62)
DISABLED_ENTRY: Entry = (DISABLED, (), 0, "")


@dataclass(frozen=True)
class HandlerFailure:
    """A handler raised: a counterexample of the built-in `handlers_do_not_raise`."""

    replica: ReplicaId
    action: str
    error: str
    location: str

    def describe(self) -> str:
        return f"{self.action} raised {self.error} at {self.location}"


class Tables:
    """Interned slots, global states and envelopes, and the handler runs between them."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.n = plan.n
        self.ids = plan.ids
        self.runner = HandlerRunner(plan.classes, plan.ids, plan.params)
        self.tracks_applied = plan.tracks_applied
        self.clocks = plan.clocks
        self.detects = plan.detector is not None
        self._slot_ids = Interner()
        self.slots: list[Slot] = self._slot_ids.values
        self._slot_keys: dict[tuple[int, int], int] = {}
        self._glob_ids = Interner()
        self.globs: list[tuple[Any, ...]] = self._glob_ids.values
        self.glob_keys: list[int] = []
        self.infos: list[EnvInfo] = []
        self._gmoves: dict[tuple[int, int, Any], tuple[int, int]] = {}
        self._env_ids = Interner()
        self.envs: list[Envelope] = self._env_ids.values
        self.env_src: list[int] = []
        self.env_dst: list[int] = []
        self.env_keys: list[int] = []
        # Envelopes that are replies to clients (see `Semantics.settle_replies`).
        self.replies: set[int] = set()
        self.failures: list[HandlerFailure] = []
        self.exercised: set[str] = set()
        self._slot_hooks: list[Callable[[int, Slot], None]] = []
        self.run_watchers: list[Callable[..., None]] = []
        # Set once a symmetry's soundness checks watch these tables (one set is enough).
        self.symmetry_checked = False
        self._env_hooks: list[Callable[[int, Envelope], None]] = []
        self.parts: list[Stateful] = []
        # Replaced by the timers part: every replica's timers may usefully fire again after
        # the environment changed (a heal, a recovery).
        self.rearm_all: Callable[[tuple[int, ...], int], tuple[tuple[int, ...], int]] = (
            lambda world, skip: (world[: self.n], 0)
        )
        # Replaced by the detectors part: what replica j going down (True) or coming back
        # up (False) does to what every replica suspects, given the replicas' slots and
        # the global state after the crash or recovery: (slots, global state, fp delta).
        self.detect: (
            Callable[[tuple[int, ...], int, int, bool], tuple[tuple[int, ...], int, int]] | None
        ) = None

    def attach(self, parts: Sequence[Stateful]) -> tuple[Any, ...]:
        """Give each part with global state its position; the initial global value."""
        self.parts = list(parts)
        start: list[Any] = [None]  # no failure
        for part in parts:
            component = part.start()
            if component is NO_STATE:
                continue
            part.gindex = len(start)
            start.append(component)
        return tuple(start)

    def on_new_slot(self, hook: Callable[[int, Slot], None]) -> None:
        """Call `hook(sid, slot)` for every slot interned from now on (and those already)."""
        self._slot_hooks.append(hook)
        for sid, slot in enumerate(self.slots):
            hook(sid, slot)

    def on_new_envelope(self, hook: Callable[[int, Envelope], None]) -> None:
        self._env_hooks.append(hook)
        for eid, env in enumerate(self.envs):
            hook(eid, env)

    # ----------------------------------------------------------------- interning

    def time(self, slot: Slot) -> tuple[int, int] | None:
        return (slot[TIME], slot[OFFSET]) if self.clocks else None

    def suspects(self, slot: Slot) -> frozenset[ReplicaId] | None:
        """What the replica in `slot` suspects, or None when the spec has no detector."""
        return slot[SUSPECTS] if self.detects else None

    def intern_slot(self, value: Slot) -> int:
        sid, new = self._slot_ids.intern(value)
        if new:
            for hook in self._slot_hooks:
                hook(sid, value)
        return sid

    def slot_key(self, i: int, sid: int) -> int:
        k = self._slot_keys.get((i, sid))
        if k is None:
            # key(b"evcheck.slot", (i, slot)), from the encoding interning already made.
            code = encode_pair(encode(i), self._slot_ids.codes[sid])
            k = key_of_encoding(b"evcheck.slot", code)
            self._slot_keys[(i, sid)] = k
        return k

    def intern_glob(self, value: tuple[Any, ...]) -> int:
        gid, new = self._glob_ids.intern(value)
        if new:
            self.glob_keys.append(glob_key(value))
            self.infos.append(self._info(value))
        return gid

    def _info(self, value: tuple[Any, ...]) -> EnvInfo:
        n = self.n
        up: tuple[bool, ...] = (True,) * n
        links = [DELIVER] * (n * n)
        quiet = True
        active = []
        for part in self.parts:
            if part.gindex < 0:
                active.append(part)
                continue
            component = value[part.gindex]
            if part.active(component):
                active.append(part)
            decided = part.up(component)
            if decided is not None:
                up = decided
            quiet = quiet and part.quiet(component)
            for src in range(n):
                for dst in range(n):
                    if links[src * n + dst] == DELIVER:
                        links[src * n + dst] = part.link(component, src, dst)
        return EnvInfo(value[0] is not None, up, tuple(links), quiet, tuple(active))

    def intern_env(self, env: Envelope) -> int:
        eid, new = self._env_ids.intern(env)
        if new:
            self.env_src.append(int.__int__(env.src) - 1)
            self.env_dst.append(int.__int__(env.dst) - 1)
            self.env_keys.append(envelope_key(env))
            if env.dst == CLIENT:
                self.replies.add(eid)
            for hook in self._env_hooks:
                hook(eid, env)
        return eid

    def fingerprint(self, world: tuple[int, ...]) -> int:
        """The fingerprint computed from scratch (successors maintain it incrementally)."""
        n = self.n
        total = sum(self.slot_key(i, world[i]) for i in range(n))
        total += self.glob_keys[world[n]]
        total += sum(self.env_keys[e] for e in world[n + 1 :])
        return total & MASK

    # ----------------------------------------------------------------- global moves

    def gmove(self, g: int, part: Stateful, event: Any) -> tuple[int, int]:
        """The global state after `event` changed `part`'s component (memoised), and the
        fingerprint delta."""
        memo = (g, part.gindex, event)
        cached = self._gmoves.get(memo)
        if cached is not None:
            return cached
        value = self.globs[g]
        index = part.gindex
        new = value[:index] + (part.step(value[index], event),) + value[index + 1 :]
        g2 = self.intern_glob(new)
        move = (g2, self.glob_keys[g2] - self.glob_keys[g])
        self._gmoves[memo] = move
        return move

    def fail(self, world: tuple[int, ...], code: int) -> tuple[tuple[int, ...], int]:
        """The world after handler failure number `code` (-1-index), and the fp delta."""
        n = self.n
        g = world[n]
        failure = self.failures[-code - 1]
        memo = (g, 0, failure)
        move = self._gmoves.get(memo)
        if move is None:
            g2 = self.intern_glob((failure, *self.globs[g][1:]))
            move = (g2, self.glob_keys[g2] - self.glob_keys[g])
            self._gmoves[memo] = move
        return (world[:n] + (move[0],) + world[n + 1 :], move[1])

    # ----------------------------------------------------------------- handler runs

    def transition(
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
        outcome = self.run(i, base, fn, args, where, label)
        if isinstance(outcome, Raised):
            return (self.record_failure(i, label, outcome), (), 0)
        return self.apply(i, sid, base, outcome, update, relayed)

    def run(
        self, i: int, base: Slot, fn: Any, args: tuple[Any, ...], where: str, label: str
    ) -> Effects | Raised:
        """Run protocol code on replica i in slot `base`; watchers (a symmetry's soundness
        check) see every run that completes."""
        time = self.time(base)
        outcome = self.runner.run(i, base[FIELDS], time, fn, args, where, self.suspects(base))
        if not isinstance(outcome, Raised):
            for watch in self.run_watchers:
                watch(i, base[FIELDS], time, fn, args, where, label, outcome)
        return outcome

    def record_failure(self, i: int, label: str, raised: Raised) -> int:
        self.failures.append(HandlerFailure(self.ids[i], label, raised.error, raised.location))
        return -len(self.failures)

    def apply(
        self,
        i: int,
        sid: int,
        base: Slot,
        outcome: Effects,
        update: Any = None,
        relayed: frozenset[Any] = frozenset(),
    ) -> tuple[int, tuple[int, ...], int]:
        """Intern what a handler produced: (new slot, sorted sent envelopes, fp delta)."""
        timers = list(base[TIMERS])
        for index, start in outcome.timer_ops:
            timers[index] = (start, timers[index][1])
        if outcome.fields != base[FIELDS]:
            timers = [(armed, 0) for armed, _ in timers]
        applied = base[APPLIED]
        made = base[MADE]
        payloads: list[frozenset[Any]] = []
        if self.tracks_applied:
            carried = relayed | ({update} if update is not None else frozenset())
            applied = applied | carried
            for _, msg in outcome.sends:
                payload = self._payload(msg, applied, carried, made)
                payloads.append(payload)
                if carried and getattr(type(msg), "_evc_carries", "update") == "update":
                    made = made | {(msg, carried)}
        else:
            payloads = [frozenset()] * len(outcome.sends)
        new_slot: Slot = (
            outcome.fields,
            base[OPS],
            base[TIME],
            base[OFFSET],
            tuple(timers),
            applied,
            made,
            base[ROLE],
            base[SUSPECTS],
        )
        s2 = self.intern_slot(new_slot)
        me = self.ids[i]
        eids = sorted(
            [
                self.intern_env(Envelope(me, dst, msg, payload))
                for (dst, msg), payload in zip(outcome.sends, payloads, strict=True)
            ]
            + [self.intern_env(Envelope(me, CLIENT, Reply(*r))) for r in outcome.replies]
        )
        delta = self.slot_key(i, s2) - self.slot_key(i, sid)
        delta += sum(self.env_keys[e] for e in eids)
        return (s2, tuple(eids), delta)

    def next_update(self, i: int, slot: Slot, operation: str, args: tuple[Any, ...]) -> Any:
        """The next client update replica i makes (its n-th), or None when not tracked."""
        if not self.tracks_applied:
            return None
        me = self.ids[i]
        seq = 1 + sum(1 for u in slot[APPLIED] if u.replica == me)
        return Update(me, seq, operation, args)

    def guard(self, i: int, base: Slot, when: Any, args: tuple[Any, ...], label: str) -> int:
        """Whether an action's enabling condition holds: 1, 0, or -1-failure when the
        condition itself raised (a counterexample, like a handler that raises)."""
        verdict = self.runner.enabled(
            i, base[FIELDS], self.time(base), when, args, self.suspects(base)
        )
        if isinstance(verdict, Raised):
            return self.record_failure(i, f"{label} (enabling condition)", verdict)
        return 1 if verdict else 0

    @staticmethod
    def _payload(
        msg: Any, applied: frozenset[Any], carried: frozenset[Any], made: frozenset[Any]
    ) -> frozenset[Any]:
        """The updates a sent message carries (strong eventual consistency's ghost).

        A state-carrying message carries everything its sender has applied. An update
        message carries the update its handler made (an operation) or relayed (the
        updates of the message being handled); sent by a timer or a recovery hook, which
        make and relay nothing, it is a retransmission and carries what the same content
        carried when the replica sent it before — nothing, if it never did.
        """
        carries = getattr(type(msg), "_evc_carries", "update")
        if carries == "nothing":
            return frozenset()
        if carries == "state":
            return applied
        if carried:
            return carried
        return frozenset(u for content, updates in made if content == msg for u in updates)

    def replace_slot(self, i: int, sid: int, value: Slot) -> tuple[int, int]:
        """Intern `value` as replica i's new slot: (new slot, fp delta)."""
        s2 = self.intern_slot(value)
        return (s2, self.slot_key(i, s2) - self.slot_key(i, sid))

    # ----------------------------------------------------------------- presentation

    def action(
        self,
        kind: str,
        ref: int,
        text: str,
        session: str | None = None,
        event: tuple[Any, ...] | None = None,
        request: int | None = None,
    ) -> Action:
        """The Action for (kind, replica index or envelope id, text)."""
        if kind in ("deliver", "drop", "lose", "duplicate"):
            env = self.envs[ref]
            label = f"{kind} {env}{text}"
            return Action(label, kind, src=repr(env.src), dst=repr(env.dst), message=repr(env.msg))
        actor = repr(self.ids[ref]) if ref >= 0 else None
        return Action(text, kind, actor=actor, session=session, event=event, request=request)

    def sizes(self) -> dict[str, int]:
        return {"local_states": len(self.slots), "envelopes": len(self.envs)}


def glob_key(value: tuple[Any, ...]) -> int:
    """The fingerprint key of a global value; a failure is keyed by its description, and
    components by their printed form where they hold monitor summaries."""
    failure = None if value[0] is None else repr(value[0])
    return key(b"evcheck.glob", (failure, *value[1:]))


def distinct_positions(net: tuple[int, ...]) -> list[tuple[int, int]]:
    """(position, envelope) of the first copy of each distinct in-flight envelope."""
    out = []
    prev = -1
    for j, e in enumerate(net):
        if e != prev:
            out.append((j, e))
            prev = e
    return out
