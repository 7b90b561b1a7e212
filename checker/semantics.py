"""Semantics: a plan and the parts of its environment become a transition system.

This is the only composer. It chooses the parts a plan needs, in the fixed order in
which their actions are enumerated — client operations, timers, deliveries, loss,
duplication, crashes and recoveries, wrong suspicions and their retraction, partitions
and heals, ticks — and exposes them
to the engines as `evcheck.model.TransitionSystem`. Fault-free specs without timers,
clocks or sessions take a specialised successor function with the same action order
(operations and deliveries inlined), because that is the hot path of most runs.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .checking import Checker
from .display import show
from .env.clients import ReplicaClients
from .env.clocks import Clocks
from .env.crashes import Crashes
from .env.detectors import Detectors
from .env.duplication import Duplication
from .env.envelope import Envelope
from .env.loss import Loss
from .env.network import Network
from .env.part import Part, ViewItem
from .env.partitions import Partitions
from .env.sessions import Sessions
from .env.tables import APPLIED, DISABLED, FIELDS, TIME, Tables, distinct_positions
from .env.timers import Timers
from .faults import KINDS
from .fingerprint import MASK
from .model import Action, Node, StateView
from .plan import Plan
from .por import DeliveryTail


class Semantics:
    """The transition system of one plan (see `evcheck.model.TransitionSystem`)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.n = n = plan.n
        self.ids = plan.ids
        self.tables = tables = Tables(plan)
        self.clients: ReplicaClients | Sessions = (
            Sessions(plan, tables) if plan.sessions else ReplicaClients(plan, tables)
        )
        self.network = Network(plan, tables)
        faults = plan.faults
        parts: list[Part] = [self.clients]
        if plan.timers:
            parts.append(Timers(plan, tables))
        parts.append(self.network)
        if faults.loss:
            parts.append(Loss(plan, tables))
        if faults.dup:
            parts.append(Duplication(plan, tables))
        if faults.crash:
            parts.append(Crashes(plan, tables))
        if plan.detector is not None:
            parts.append(Detectors(plan, tables))
        if faults.partition or faults.start_split:
            parts.append(Partitions(plan, tables))
        if plan.clocks:
            parts.append(Clocks(plan, tables))
        self.parts = parts
        g0 = tables.intern_glob(tables.attach(parts))
        self.checker = Checker(plan, tables, parts, self.environment)
        self.check: Callable[[tuple[int, ...]], int | None] = self.checker.check
        if plan.por and isinstance(self.clients, ReplicaClients):
            self.network.target = DeliveryTail(tables, self.clients, self.network).target
        if plan.plain:
            assert isinstance(self.clients, ReplicaClients)  # plain: no sessions
            self._replica_clients = self.clients
        # The sessions part, when requests complete by replies (see `settle_replies`).
        self.requests_part = (
            self.clients if plan.requests and isinstance(self.clients, Sessions) else None
        )
        self.successors: Callable[[Node], list[Node]] = (
            self._plain_successors if plan.plain else self._successors
        )
        self._initial_worlds: list[tuple[int, ...]] = []
        for offsets in itertools.product(range(faults.skew + 1), repeat=n):
            slots = tuple(
                tables.intern_slot(
                    (
                        r.initial_fields,
                        0,
                        0,
                        off,
                        r.timers0,
                        frozenset(),
                        frozenset(),
                        role,
                        frozenset(),
                    )
                )
                for r, role, off in zip(plan.replicas, plan.role_numbers, offsets, strict=True)
            )
            self._initial_worlds.append(slots + (g0,))
        for part in parts:
            if isinstance(part, Clocks):
                part.exercised = len(self._initial_worlds) > 1

    @property
    def property_names(self) -> tuple[str, ...]:
        return self.plan.property_names

    @property
    def property_descriptions(self) -> tuple[str, ...]:
        return self.plan.property_descriptions

    def premise_counts(self) -> tuple[int, ...]:
        """The raw premise counters of the run so far (`evcheck.premises.describe` reads
        them): quiescent states judged, states where strong eventual consistency compared
        replicas, reads judged, then per property how many checked states violated it."""
        quiet, sec = self.checker.premise_counters()
        reads = self.clients.reads if isinstance(self.clients, Sessions) else 0
        return (quiet, sec, reads, *self.checker.verdicts)

    # ----------------------------------------------------------------- transitions

    def initial(self) -> list[Node]:
        fingerprint = self.tables.fingerprint
        return [(w, fingerprint(w)) for w in self._initial_worlds]

    def fingerprint(self, world: tuple[int, ...]) -> int:
        return self.tables.fingerprint(world)

    def _successors(self, node: Node) -> list[Node]:
        world: tuple[int, ...] = node[0]
        info = self.tables.infos[world[self.n]]
        out: list[Node] = []
        if info.failed:
            return out
        fp: int = node[1]
        distinct = distinct_positions(world[self.n + 1 :])
        for part in info.active:
            part.expand(world, fp, info, distinct, out, None)
        if self.requests_part is not None:
            self.settle_replies(out, None)
        return out

    def settle_replies(self, out: list[Node], labels: list[Action] | None) -> None:
        """Replies made in a step complete their requests in that step: each reply
        envelope (addressed to the clients) leaves the network and moves the sessions'
        component; the action's label says what became of it."""
        sessions = self.requests_part
        assert sessions is not None
        tables = self.tables
        reply_ids = tables.replies
        n = self.n
        for index, (world, fp) in enumerate(out):
            net = world[n + 1 :]
            if reply_ids.isdisjoint(net):
                continue
            replies = [e for e in net if e in reply_ids]
            g = world[n]
            rest = list(net)
            notes = []
            made = []
            for e in replies:
                rest.remove(e)
                fp -= tables.env_keys[e]
                g, delta, note, reply = sessions.complete(g, tables.envs[e].msg, labels is None)
                fp += delta
                notes.append(note)
                made.append(reply)
            out[index] = (world[:n] + (g,) + tuple(rest), fp & MASK)
            if labels is not None:
                action = labels[index]
                labels[index] = replace(
                    action, label=action.label + "".join(notes), replies=tuple(made)
                )

    def _plain_successors(self, node: Node) -> list[Node]:
        """Client operations and deliveries only: the hot path of fault-free specs."""
        world, fp = node
        n = self.n
        n1 = n + 1
        g = world[n]
        tables = self.tables
        out: list[Node] = []
        if tables.infos[g].failed:
            return out
        append = out.append
        net = world[n1:]
        clients = self._replica_clients
        step = clients.enabled(g)
        if step is not None:
            g2, gdelta = step
            optab = clients.optab
            for i in range(n):
                s = world[i]
                entries = optab[i][s]
                if entries is None:
                    entries = clients.entries(i, s)
                if not entries:
                    continue
                head = world[:i]
                tail = world[i + 1 : n] + (g2,)
                for s2, sends, delta, _ in entries:
                    if s2 < 0:
                        if s2 != DISABLED:
                            w2, d2 = tables.fail(world, s2)
                            append((w2, (fp + d2) & MASK))
                        continue
                    append(
                        (
                            head + (s2,) + tail + (tuple(sorted(net + sends)) if sends else net),
                            (fp + delta + gdelta) & MASK,
                        )
                    )
        network = self.network
        dtab = network.dtab
        dst = tables.env_dst
        target = network.target(world) if network.target is not None else -1
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
                    entry = network.delivery(e, s)
                s2, sends, delta, _ = entry
                if s2 < 0:
                    if s2 != DISABLED:
                        w2, d2 = tables.fail(world, s2)
                        append((w2, (fp + d2) & MASK))
                else:
                    rest = net[:j] + net[j + 1 :]
                    if sends:
                        rest = tuple(sorted(rest + sends))
                    append((world[:d] + (s2,) + world[d + 1 : n1] + rest, (fp + delta) & MASK))
            j += 1
        return out

    def actions(self, world: tuple[int, ...]) -> list[Action]:
        """The actions of `world`, in `successors` order."""
        info = self.tables.infos[world[self.n]]
        if info.failed:
            return []
        labels: list[Action] = []
        scratch: list[Node] = []
        distinct = distinct_positions(world[self.n + 1 :])
        for part in info.active:
            part.expand(world, 0, info, distinct, scratch, labels)
        if self.requests_part is not None:
            self.settle_replies(scratch, labels)
        return labels

    def action_labels(self, world: tuple[int, ...]) -> list[str]:
        return [a.label for a in self.actions(world)]

    def explain(self, world: tuple[int, ...], prop: int) -> str:
        return self.checker.explain(world, prop)

    # ----------------------------------------------------------------- presentation

    @property
    def lanes(self) -> list[str]:
        """Replicas, then client sessions (a session's operations are drawn from its lane)."""
        return [repr(r) for r in self.ids] + [s.name for s in self.plan.sessions]

    def _components(self, world: tuple[int, ...]) -> list[tuple[Part, Any]]:
        glob = self.tables.globs[world[self.n]]
        return [(p, glob[p.gindex] if p.gindex >= 0 else None) for p in self.parts]

    def view(self, world: tuple[int, ...]) -> StateView:
        n = self.n
        tables = self.tables
        plan = self.plan
        components: dict[str, dict[str, str]] = {}
        values: dict[str, dict[str, Any]] = {}
        parts = self._components(world)
        for i in range(n):
            slot = tables.slots[world[i]]
            items: list[ViewItem] = []
            for part, component in parts:
                items.extend(part.view_replica(i, slot, component))
            if plan.tracks_applied:
                applied = slot[APPLIED]
                shown = (
                    ", ".join(f"{u.replica!r}#{u.seq}" for u in sorted(applied, key=repr)) or "none"
                )
                items.append(ViewItem(40, "applied", shown, applied, True))
            items.sort(key=lambda item: item.order)
            fields = dict(zip(plan.replicas[i].field_names, slot[FIELDS], strict=True))
            name = repr(self.ids[i])
            components[name] = {k: show(v) for k, v in fields.items()}
            components[name].update((item.name, item.shown) for item in items)
            values[name] = {**fields, **{item.name: item.raw for item in items if item.has_raw}}
        env_items: list[ViewItem] = []
        for part, component in parts:
            env_items.extend(part.view_env(world, component))
        if env_items:
            env_items.sort(key=lambda item: item.order)
            components["environment"] = {item.name: item.shown for item in env_items}
        counts = Counter(world[n + 1 :])
        in_flight = []
        for e in sorted(counts, key=lambda e: str(tables.envs[e])):
            times = f" (x{counts[e]})" if counts[e] > 1 else ""
            in_flight.append(f"{tables.envs[e]}{times}")
        failure = tables.globs[world[n]][0]
        notes = [failure.describe()] if failure is not None else []
        messages = [(repr(env.src), repr(env.dst), env.msg) for env in self.in_flight(world)]
        return StateView(
            components=components,
            in_flight=in_flight,
            notes=notes,
            values=values,
            messages=messages,
        )

    def environment(self, world: tuple[int, ...]) -> dict[str, Any]:
        """The environment of `world` as invariants see it (`@invariant(env=True)`)."""
        down: frozenset[Any] = frozenset()
        partition: tuple[frozenset[Any], ...] | None = None
        for part, component in self._components(world):
            if isinstance(part, Crashes):
                down = frozenset(self.ids[i] for i, flag in enumerate(component[0]) if flag)
            elif isinstance(part, Partitions) and component[0] is not None:
                groups: dict[int, set[Any]] = {}
                for i, group in enumerate(component[0]):
                    groups.setdefault(group, set()).add(self.ids[i])
                partition = tuple(frozenset(groups[k]) for k in sorted(groups))
        time = self.tables.slots[world[0]][TIME] if self.plan.clocks else None
        return {
            "network": self.in_flight(world),
            "down": down,
            "partition": partition,
            "time": time,
            "faults": self.faults_used(world),
        }

    def in_flight(self, world: tuple[int, ...]) -> list[Envelope]:
        return [self.tables.envs[e] for e in world[self.n + 1 :]]

    def replica_fields(self, world: tuple[int, ...], i: int) -> dict[str, Any]:
        """The field values of replica i (0-based) in `world`."""
        fields = self.tables.slots[world[i]][FIELDS]
        return dict(zip(self.plan.replicas[i].field_names, fields, strict=True))

    def faults_used(self, world: tuple[int, ...]) -> dict[str, int]:
        """Fault events spent in `world`: loss, dup, partition, crash (and false_suspicion
        under an eventually perfect detector)."""
        used = {"loss": 0, "dup": 0, "partition": 0, "crash": 0}
        for part, component in self._components(world):
            if isinstance(part, (Loss, Duplication)):
                used[part.fault or ""] = component
            elif isinstance(part, (Crashes, Partitions)):
                used[part.fault or ""] = component[1]
            elif isinstance(part, Detectors) and part.eventual:
                used["false_suspicion"] = component[0]
        return used

    def describe_bounds(self, symmetry_group: int = 1) -> str:
        return self.plan.describe_bounds(symmetry_group)

    def faults_report(self) -> tuple[list[str], list[str]]:
        """(declared fault kinds, kinds some explored transition exercised), by long name."""
        declared = [KINDS[k] for k in self.plan.faults.declared()]
        done = {p.fault for p in self.parts if p.fault is not None and p.exercised}
        exercised = [KINDS[k] for k in KINDS if k in done]
        return declared, exercised

    def table_sizes(self) -> dict[str, int]:
        """How many distinct local states, envelopes and memoised transitions were built."""
        sizes = self.tables.sizes()
        sizes["memoised_deliveries"] = sum(len(t) for t in self.network.dtab)
        return sizes
