"""The environment's tables as the native core reads them.

The compiled core (`evcheck.native`) generates successors and checks properties from
tables it keeps on its side; when an entry is missing it calls one method here, once
per distinct entry. Every method answers from the Python parts' own memoised tables
(`evcheck.env`), so both engines share one definition of the semantics. Answers are
plain ints and tuples; fingerprint deltas are reduced mod 2**64.

Which specs the core covers: `unsupported` names what it does not (parts it does not
know; liveness and `sometimes` properties only where it records the state graph they
are decided on), and the runner falls back to the Python engine for those, saying so. Enabling conditions (`when=`) are decided by the
Python parts, whose entries the core reads: a DISABLED entry is skipped exactly where
the Python engine skips it.
"""

from __future__ import annotations

from typing import Any

from .checking import WorldView, holds
from .dsl import Request
from .env.clients import ReplicaClients
from .env.clocks import Clocks
from .env.crashes import Crashes
from .env.detectors import Detectors
from .env.duplication import Duplication
from .env.loss import Loss
from .env.network import Network
from .env.part import Part
from .env.partitions import Partitions
from .env.sessions import Sessions
from .env.tables import APPLIED, DISABLED, SUSPECTS, TIME
from .env.tables import OPS as OPS_DONE
from .env.timers import Timers
from .fingerprint import MASK
from .kinds import timer_kind, timer_names
from .model import Node
from .por import DeliveryTail
from .properties import (
    HistoryProperty,
    Invariant,
    Liveness,
    QuiescentConvergence,
    Sometimes,
    StrongConvergence,
)
from .semantics import Semantics
from .symmetry import Symmetric

Move = tuple[int, int]
EntryT = tuple[int, tuple[int, ...], int]

# Part kinds as the core numbers them (tables.rs, `Act`).
OPS, TIMERS, NET, LOSS, DUP, CRASH, PARTITION, TICK, SESSIONS, DETECT = range(10)
# Fault kinds the core reports as exercised (bit mask).
EXERCISED_BITS: dict[int, type[Part]] = {
    1: Loss,
    2: Duplication,
    4: Crashes,
    8: Partitions,
    16: Detectors,
}


def unsupported(system: Semantics, recording: bool = False) -> str | None:
    """Why the native core cannot explore `system` (`recording` the state graph), or
    None when it can."""
    plan = system.plan
    covered: tuple[type, ...] = (
        Invariant,
        QuiescentConvergence,
        StrongConvergence,
        HistoryProperty,
    )
    if recording:
        covered += (Liveness, Sometimes)
    for prop in plan.properties:
        if not isinstance(prop, covered):
            return f"property {prop.name}"
    for part in system.parts:
        if not isinstance(
            part,
            (
                ReplicaClients,
                Sessions,
                Timers,
                Network,
                Loss,
                Duplication,
                Crashes,
                Partitions,
                Clocks,
                Detectors,
            ),
        ):
            return f"environment part {part.name}"
        if recording and isinstance(part, Detectors):
            return "recording the state graph with a failure detector"
    return None


class NativeTables:
    """A `Semantics` seen through the tables the native core mirrors (and, for the
    engines' contract, the same transition system)."""

    def __init__(
        self, system: Semantics, symmetric: Symmetric | None = None, record: bool = False
    ) -> None:
        self.system = system
        # Recording the state graph: successors carry their action kinds.
        self.record = record
        self.timer_index = {name: k for k, name in enumerate(timer_names(system.plan))}
        # With symmetry, the engines' contract is the symmetric system's (canonical
        # fingerprints in the visited set), and the core keeps per-element key tables.
        self.symmetric = symmetric
        self.explored: Any = symmetric if symmetric is not None else system
        self.plan = plan = system.plan
        self.tables = system.tables
        self.n = system.n
        self.checker = system.checker
        parts = system.parts
        clients = system.clients
        self.clients = clients if isinstance(clients, ReplicaClients) else None
        self.sessions = clients if isinstance(clients, Sessions) else None
        self.network = system.network
        self.timer_part = next((p for p in parts if isinstance(p, Timers)), None)
        self.crash_part = next((p for p in parts if isinstance(p, Crashes)), None)
        self.clock_part = next((p for p in parts if isinstance(p, Clocks)), None)
        self.detector = next((p for p in parts if isinstance(p, Detectors)), None)
        self.por = system.network.target is not None
        self.tail = (
            DeliveryTail(self.tables, self.clients, system.network)
            if self.por and self.clients is not None
            else None
        )
        self.conv = -1
        self.conv_expected: Any = None
        self.sec: int | None = None
        self.sec_expected: Any = None
        self.invariants: list[tuple[int, Invariant]] = []  # of the replica slots
        self.env_invariants: list[tuple[int, Invariant]] = []  # reading the environment
        for index, prop in enumerate(plan.properties, start=1):
            if isinstance(prop, QuiescentConvergence):
                self.conv = index
                self.conv_expected = prop.expected
            elif isinstance(prop, StrongConvergence):
                self.sec = index
                self.sec_expected = prop.expected
            elif isinstance(prop, Invariant):
                (self.env_invariants if prop.sees_network else self.invariants).append(
                    (index, prop)
                )
        self.history = bool(plan.history_properties)

    # -- the engines' contract (delegated) ---------------------------------------------

    def initial(self) -> list[Node]:
        return self.system.initial()  # concrete fingerprints: the core canonicalises

    def successors(self, node: Node) -> list[Node]:
        return self.explored.successors(node)  # type: ignore[no-any-return]

    def check(self, state: Any) -> int | None:
        return self.system.check(state)

    # -- what the core is built with ---------------------------------------------------

    def config(self) -> tuple[int, bool, int, bool, bool, int, int, bool, bool, bool, bool]:
        """(replicas, partial-order reduction, convergence property or -1, properties of
        the replica slots, timers, max time, symmetry group elements besides identity,
        request operations, invariants that read the environment, convergence to an
        expected value, recording the state graph)."""
        slot_props = self.sec is not None or bool(self.invariants)
        return (
            self.n,
            self.por,
            self.conv,
            slot_props,
            self.timer_part is not None,
            self.plan.max_time or 0,
            self.symmetric.size - 1 if self.symmetric is not None else 0,
            self.plan.requests,
            bool(self.env_invariants),
            self.conv_expected is not None,
            self.record,
        )

    def mark_exercised(self, mask: int) -> None:
        """Record the fault kinds the native run exercised on the Python parts."""
        for bit, kind in EXERCISED_BITS.items():
            if mask & bit:
                for part in self.system.parts:
                    if isinstance(part, kind):
                        part.exercised = True

    # -- table entries (called by the core on a miss) ----------------------------------

    def glob(
        self, g: int
    ) -> tuple[
        bool,
        int,
        bool,
        tuple[bool, ...],
        tuple[int, ...],
        Move | None,
        list[Move | None],
        list[Any],
    ]:
        """(failed, violated history property or -1, quiet, up, links, the move of client
        operations or None, per budgeted operation (max_calls) its move or None once
        spent, the parts' actions)."""
        tables = self.tables
        info = tables.infos[g]
        history = self.checker.violated_history(g) if self.history else -1
        clients = self.clients
        enabled = clients.enabled(g) if clients is not None else None
        ops = None if enabled is None else _move(enabled)
        budgets: list[Move | None] = []
        if clients is not None and enabled is not None and clients.per_op:
            calls = clients.component(g)[1]
            for index, name in enumerate(clients.per_op):
                spent = calls[index] >= clients.budgets[name]
                budgets.append(None if spent else _move(tables.gmove(g, clients, name)))
        acts: list[tuple[Any, ...]] = [self._act(g, part) for part in info.active]
        return (info.failed, history, info.quiet, info.up, info.links, ops, budgets, acts)

    def _act(self, g: int, part: Part) -> tuple[Any, ...]:
        tables = self.tables
        faults = self.plan.faults
        if isinstance(part, ReplicaClients):
            return (OPS,)
        if isinstance(part, Timers):
            return (TIMERS,)
        if isinstance(part, Network):
            return (NET,)
        if isinstance(part, Loss):
            return (LOSS, _move(tables.gmove(g, part, part.kind)))
        if isinstance(part, Duplication):
            return (DUP, _move(tables.gmove(g, part, part.kind)))
        if isinstance(part, Crashes):
            down, used = part.component(g)
            may = used < faults.crash
            crash = [self._crash(g, part, i) for i in range(self.n) if not down[i]] if may else []
            recover = [
                (i, _move(tables.gmove(g, part, (False, i)))) for i in range(self.n) if down[i]
            ]
            return (CRASH, may, crash, recover, self.detector is not None)
        if isinstance(part, Detectors):
            # `Detectors.expand`: wrong suspicions that may start (the core leaves out those
            # the observer's slot holds already), then those that may end.
            used, wrong = part.component(g)
            up = tables.infos[g].up
            suspect = []
            if used < part.budget:
                for i in range(self.n):
                    for j in range(self.n):
                        if i != j and up[i] and up[j]:
                            suspect.append((i, j, _move(tables.gmove(g, part, ("suspect", i, j)))))
            trust = [
                (i, j, _move(tables.gmove(g, part, ("trust", i, j)))) for i, j in sorted(wrong)
            ]
            return (DETECT, used < part.budget, suspect, trust)
        if isinstance(part, Partitions):
            groups, used = part.component(g)
            may = groups is None and used < faults.partition
            splits = [_move(tables.gmove(g, part, s)) for s in self.plan.splits] if may else []
            heal = _move(tables.gmove(g, part, None)) if groups is not None and part.heals else None
            return (PARTITION, may, splits, heal)
        if isinstance(part, Clocks):
            return (TICK,)
        if isinstance(part, Sessions):
            plan = self.plan
            used, counts, _, pending = part.component(g)
            active: list[tuple[int, list[int]]] = []
            if plan.max_ops is None or used < plan.max_ops:
                for k, session in enumerate(part.sessions):
                    if session.max_ops is not None and counts[k] >= session.max_ops:
                        continue
                    if pending[k] is not None:
                        continue  # a sequential client waits for its request's reply
                    active.append((k, list(session.homes)))
            return (SESSIONS, active)
        raise AssertionError(f"the native core has no part {part.name}")

    def _crash(self, g: int, part: Crashes, j: int) -> tuple[int, Move, list[int]]:
        """Replica j crashes from global state g: (j, the move of the global state, the
        replicas j wrongly suspects, whose suspicion its detector drops), as
        `Crashes.expand` and `Detectors.detect` make it."""
        tables = self.tables
        g2, delta = tables.gmove(g, part, (True, j))
        dropped: list[int] = []
        detector = self.detector
        if detector is not None:
            wrong = detector.component(g2)[1]
            if any(j in pair for pair in wrong):
                dropped = [k for i, k in sorted(wrong) if i == j]
                g2, more = tables.gmove(g2, detector, ("down", j))
                delta += more
        return (j, _move((g2, delta)), dropped)

    def suspect(self, i: int, sid: int, j: int, suspected: bool) -> Move:
        """Replica i in slot sid with replica j suspected, or trusted (`Detectors.move`)."""
        assert self.detector is not None
        return _move(self.detector.move(i, sid, j, suspected))

    def ops(self, i: int, sid: int) -> list[tuple[EntryT, int]]:
        """Replica i's operations in slot sid, each with the index of its operation's
        budget (max_calls) or -1; disabled ones left out (`ReplicaClients.expand`)."""
        clients = self.clients
        assert clients is not None
        operations = self.plan.replicas[i].operations
        per_op = clients.per_op
        out: list[tuple[EntryT, int]] = []
        for k, e in enumerate(clients.entries(i, sid)):
            if e[0] == DISABLED:
                continue
            name = operations[k].name if k < len(operations) else ""
            out.append((_entry(e), per_op.index(name) if name in clients.budgets else -1))
        return out

    def session_ops(
        self, g: int, k: int, i: int, sid: int
    ) -> list[tuple[int, tuple[int, ...], int, int, int, bool]]:
        """Session k's operations at replica i in slot sid from global state g, in
        `Sessions.expand` order: (new slot or -1-failure, sends, delta, next global
        state, its delta, whether it is a read the monitors judge now: a request's read
        is judged when its reply completes it, see `reply`)."""
        part = self.sessions
        assert part is not None
        plan = self.plan
        tables = self.tables
        if plan.ops_per_replica is not None and tables.slots[sid][OPS_DONE] >= plan.ops_per_replica:
            return []
        counts = part.component(g)[1]
        session = part.sessions[k]
        out: list[tuple[int, tuple[int, ...], int, int, int, bool]] = []
        for op_index, instance in enumerate(plan.replicas[i].operations):
            if session.ops is not None and instance.name not in session.ops:
                continue
            args = instance.concrete(session.name, counts[k] + 1)
            if instance.request:
                args = (Request(session.name, counts[k] + 1), *args)
            s2, sends, delta, _, result = part.operation(i, sid, op_index, args)
            if s2 == DISABLED:
                continue
            if s2 < 0:
                out.append((s2, (), 0, 0, 0, False))
                continue
            _, move = part.event_of(k, i, op_index, args, result)
            g2, gdelta = tables.gmove(g, part, move)
            reads = instance.kind in ("read", "multiread") and not instance.request
            out.append((s2, sends, delta & MASK, g2, gdelta & MASK, reads))
        return out

    def reply(self, g: int, e: int) -> tuple[int, int, bool]:
        """Reply envelope e completes its request from global state g
        (`Semantics.settle_replies`, `Sessions.complete`): (next global state, fp delta, whether
        it completes a read the history monitors judge)."""
        part = self.sessions
        assert part is not None
        reply = self.tables.envs[e].msg
        g2, delta, _, made = part.complete(g, reply, False)
        read = False
        if made[3]:  # completed: the request was pending in g
            names = [s.name for s in part.sessions]
            _, i, op_index, _ = part.pending(g)[names.index(made[0])]
            read = self.plan.replicas[i].operations[op_index].kind in ("read", "multiread")
        return (g2, delta & MASK, read)

    def timers(self, i: int, sid: int) -> list[tuple[int, tuple[int, ...], int, int]]:
        """Replica i's timer firings in slot sid, each with its action kind."""
        assert self.timer_part is not None
        index = self.timer_index
        return [
            (*_entry(e), timer_kind(e[3], index))
            for e in self.timer_part.entries(i, sid)
            if e[0] != DISABLED
        ]

    def delivery(self, e: int, sid: int) -> EntryT:
        return _entry(self.network.delivery(e, sid))

    def env(self, e: int) -> tuple[int, int, int]:
        tables = self.tables
        return (tables.env_src[e], tables.env_dst[e], tables.env_keys[e] & MASK)

    def recovery(self, i: int, sid: int) -> EntryT:
        assert self.crash_part is not None
        return _entry(self.crash_part.recovery(i, sid))

    def rearm(self, i: int, sid: int) -> Move:
        assert self.timer_part is not None
        return _move(self.timer_part.rearm(i, sid))

    def tick(self, i: int, sid: int) -> Move:
        assert self.clock_part is not None
        return _move(self.clock_part.tick(i, sid))

    def slot(self, sid: int) -> tuple[int, int, list[int]]:
        """(real time, the replicas it suspects as a bit mask, what each replica observes)
        of slot sid. (Whether a timer may still fire, the core reads from the timer entries
        of (replica, slot), which respect enabling conditions.)"""
        slot = self.tables.slots[sid]
        # (-1 marks a position of another role, where this slot never sits: any id will do.)
        obs = [max(self.checker.obs[i][sid], 0) for i in range(self.n)]
        suspects = sum(1 << (int(r) - 1) for r in slot[SUSPECTS])
        return (slot[TIME], suspects, obs)

    def fail(self, g: int, code: int) -> Move:
        world, delta = self.tables.fail((0,) * self.n + (g,), code)
        return (world[self.n], delta & MASK)

    def slots_verdict(self, slots: tuple[int, ...]) -> tuple[int, bool]:
        """The first property of the replica slots that `slots` violates, or -1 (strong
        eventual consistency, then invariants, as `Checker.check` orders them), and
        whether strong eventual consistency's premise is met (`Checker.sec_premise`)."""
        checker = self.checker
        expected = self.sec_expected
        met = self.sec is not None and checker.sec_premise(slots, expected is not None)
        if self.sec is not None:
            if checker.diverged_pair(slots) is not None:
                return self.sec, met
            if expected is not None and not all(
                checker.right_value(i, s, expected) for i, s in enumerate(slots)
            ):
                return self.sec, met
        if self.invariants:
            return self.checker.replica_invariants_verdict(slots), met
        return -1, met

    def right(self, sid: int) -> bool:
        """Whether the first replica, in slot sid, exposes the value quiescent convergence
        expects from the updates it applied (`Checker.right_value`)."""
        return self.checker.right_value(0, sid, self.conv_expected)

    def env_verdict(self, world: tuple[int, ...]) -> tuple[int, bool]:
        """The first invariant reading the environment that `world` violates, or -1 (in
        `Checker.check`'s order), and whether they read the network. If not, the verdict
        is one of (replica slots, global state), which decide the rest of the
        environment, and the core keeps it per those: a deterministic predicate that did
        not read the network here reads the same and answers the same on every world
        that differs only there."""
        tables = self.tables
        plan = self.plan
        slots = [tables.slots[s] for s in world[: self.n]]
        replicas = self.checker.world_view(world, False).replicas
        environment = _Watched(self.system.environment(world))
        applied = (
            {tables.ids[i]: slot[APPLIED] for i, slot in enumerate(slots)}
            if plan.tracks_applied
            else None
        )
        view = WorldView(replicas, environment, applied)
        verdict = -1
        for index, prop in self.env_invariants:
            if not holds(prop, view):
                verdict = index
                break
        return verdict, "network" in environment.read

    def sym_slot(self, sid: int) -> list[int]:
        assert self.symmetric is not None
        return [k & MASK for k in self.symmetric.keys_of_slot(sid)]

    def sym_glob(self, g: int) -> list[int]:
        assert self.symmetric is not None
        return [k & MASK for k in self.symmetric.keys_of_glob(g)]

    def sym_env(self, e: int) -> list[int]:
        assert self.symmetric is not None
        return [k & MASK for k in self.symmetric.keys_of_env(e)]

    def may_send(self, sid: int, pending: tuple[int, ...]) -> bool:
        assert self.tail is not None
        return self.tail.may_send(sid, pending)


class _Watched(dict[str, Any]):
    """An environment that records which of its entries an invariant read."""

    def __init__(self, items: dict[str, Any]) -> None:
        super().__init__(items)
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        return super().__getitem__(name)


def _move(move: tuple[int, int]) -> Move:
    return (move[0], move[1] & MASK)


def _entry(entry: tuple[int, tuple[int, ...], int, str]) -> EntryT:
    return (entry[0], entry[1], entry[2] & MASK)
