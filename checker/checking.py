"""Evaluating properties on worlds, and explaining violations in words.

`check(world)` runs in the search's inner loop, once per new state, so it is compiled
into a closure over flat tables: what each replica observes per slot (interned once
per slot), which global states record a violated history property, and caches of
user-invariant verdicts by replica states.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .consistency import violation
from .display import show
from .env.envelope import Envelope
from .env.part import Part
from .env.sessions import Sessions
from .env.tables import APPLIED, FIELDS, ROLE, Slot, Tables
from .env.timers import Timers
from .errors import SpecError, StopRequested
from .execution import user_frame
from .plan import Plan
from .properties import (
    HANDLER_PROPERTY,
    Fail,
    HistoryProperty,
    Invariant,
    Liveness,
    QuiescentConvergence,
    Sometimes,
    StrongConvergence,
    invariant_verdict,
)
from .values import UnorderedError, freeze


class WorldView:
    """What an invariant predicate sees: the replicas, and what it asked for of the rest.

    `environment` holds the network, who is down, the partition, real time and the
    faults that happened (for invariants declared with `env=True`); `applied` the
    updates each replica applied (with `applied=True`)."""

    def __init__(
        self,
        replicas: list[Any],
        environment: Mapping[str, Any] | None,
        applied: Mapping[Any, frozenset[Any]] | None = None,
    ) -> None:
        self.replicas = replicas
        self._environment = environment
        self._applied = applied

    def _env(self, name: str) -> Any:
        if self._environment is None:
            raise AttributeError(
                f"this invariant does not see the environment (w.{name}): declare it "
                "@invariant(env=True)"
            )
        return self._environment[name]

    @property
    def network(self) -> list[Envelope]:
        return self._env("network")  # type: ignore[no-any-return]

    @property
    def down(self) -> frozenset[Any]:
        """The replicas that are crashed."""
        return self._env("down")  # type: ignore[no-any-return]

    @property
    def partition(self) -> tuple[frozenset[Any], ...] | None:
        """The groups of the active partition, or None."""
        return self._env("partition")  # type: ignore[no-any-return]

    @property
    def time(self) -> int | None:
        """Real time (with clocks), else None."""
        return self._env("time")  # type: ignore[no-any-return]

    @property
    def faults(self) -> Mapping[str, int]:
        """How many faults of each kind happened on the way here (loss, dup, ...)."""
        return self._env("faults")  # type: ignore[no-any-return]

    @property
    def applied(self) -> Mapping[Any, frozenset[Any]]:
        """Per replica id, the updates it has applied."""
        if self._applied is None:
            raise AttributeError(
                "this invariant does not see applied updates: declare it @invariant(applied=True)"
            )
        return self._applied


class Checker:
    """The properties of one plan, evaluated on the worlds of its tables."""

    def __init__(
        self,
        plan: Plan,
        tables: Tables,
        parts: Sequence[Part],
        environment: Callable[[tuple[int, ...]], Mapping[str, Any]],
    ) -> None:
        self.plan = plan
        self.environment = environment
        self.tables = tables
        self.n = plan.n
        # How many checked states violated each property (index 0: a handler raised);
        # with the premise counters below, what `premise_counts` reports.
        self.verdicts = [0] * (len(plan.properties) + 1)
        self.sessions = next((p for p in parts if isinstance(p, Sessions)), None)
        self.timers = next((p for p in parts if isinstance(p, Timers)), None)
        # obs[i][sid]: id of what replica i observes in slot sid; obs_values: the values.
        self.obs: list[list[int]] = [[] for _ in range(self.n)]
        self._obs_of: dict[Any, int] = {}
        self.obs_values: list[Any] = []
        self._gviol: list[int] = []
        self._right: dict[tuple[int, int], bool] = {}
        # Called with (replica slots, verdict) for every combination of replica states the
        # invariants judge (a symmetry reduction checks they do not single out a replica).
        self.invariant_watchers: list[Callable[[tuple[int, ...], int], None]] = []
        tables.on_new_slot(self._observe)
        self.premise_counters: Callable[[], tuple[int, int]] = lambda: (0, 0)
        self.check: Callable[[tuple[int, ...]], int | None] = self._compile()

    def _observe(self, sid: int, slot: Slot) -> None:
        runner = self.tables.runner
        time = self.tables.time(slot)
        roles = self.plan.role_numbers
        for i in range(self.n):
            if roles[i] != slot[ROLE]:  # a local state of another role never sits here
                self.obs[i].append(-1)
                continue
            observed = runner.observe(i, slot[FIELDS], time, self.tables.suspects(slot))
            oid = self._obs_of.get(observed)
            if oid is None:
                oid = len(self.obs_values)
                self.obs_values.append(observed)
                self._obs_of[observed] = oid
            self.obs[i].append(oid)

    def violated_history(self, g: int) -> int:
        """The index of the first history property global state g records as violated."""
        gviol = self._gviol
        while len(gviol) <= g:
            gviol.append(self._first_violation(len(gviol)))
        return gviol[g]

    def _first_violation(self, g: int) -> int:
        if self.sessions is None:
            return -1
        summaries = self.sessions.summaries(g)
        for (index, _), summary in zip(self.plan.history_properties, summaries, strict=True):
            if violation(summary) is not None:
                return index
        return -1

    def _compile(self) -> Callable[[tuple[int, ...]], int | None]:
        n = self.n
        n1 = n + 1
        infos = self.tables.infos
        is_busy = self.timers.is_busy if self.timers is not None else None
        obs = self.obs
        conv: int | None = None
        conv_expected: Callable[[Any], Any] | None = None
        sec: int | None = None
        sec_expected: Callable[[Any], Any] | None = None
        history = bool(self.plan.history_properties)
        replica_invs: list[tuple[int, Invariant]] = []
        network_invs: list[tuple[int, Invariant]] = []
        for index, prop in enumerate(self.plan.properties, start=1):
            if isinstance(prop, QuiescentConvergence):
                conv = index
                conv_expected = prop.expected
            elif isinstance(prop, StrongConvergence):
                sec = index
                sec_expected = prop.expected
            elif isinstance(prop, Invariant):
                (network_invs if prop.sees_network else replica_invs).append((index, prop))
            elif not isinstance(prop, (HistoryProperty, Liveness, Sometimes)):
                # history: judged by the monitors; liveness, sometimes: on the graph
                raise SpecError(
                    f"property {prop.name!r} is not supported by this version of evcheck",
                    location=self.plan.location,
                )
        inv_cache: dict[tuple[int, ...], int] = {}
        # per combination of replica slots: (a diverged pair or None, premise met)
        sec_cache: dict[tuple[int, ...], tuple[tuple[int, int] | None, bool]] = {}
        diverged_pair = self.diverged_pair
        sec_premise = self.sec_premise
        verdicts = self.verdicts
        # Premises, counted where check evaluates them: quiescent states judged by
        # quiescent convergence, states where strong eventual consistency had two
        # replicas to compare (see `sec_premise`).
        quiet_states = 0
        sec_states = 0

        def premise_counters() -> tuple[int, int]:
            return quiet_states, sec_states

        self.premise_counters = premise_counters

        def failed(index: int) -> int:
            verdicts[index] += 1
            return index

        right = self.right_value
        violated_history = self.violated_history
        view = self.world_view

        watchers = self.invariant_watchers

        def evaluate(slots: tuple[int, ...]) -> int:
            verdict = judge(slots)
            inv_cache[slots] = verdict
            for watch in watchers:
                watch(slots, verdict)
            return verdict

        def judge(slots: tuple[int, ...]) -> int:
            w = view(slots + (0,), with_network=False)
            for index, inv in replica_invs:
                if not holds(inv, w):
                    return index
            return -1

        self.invariant_verdict = judge

        def judged(slots: tuple[int, ...]) -> int:
            verdict = judge(slots)
            for watch in watchers:
                watch(slots, verdict)
            return verdict

        # For engines that cache verdicts themselves (the native core): the verdict of the
        # replica invariants, seen by the watchers as here.
        self.replica_invariants_verdict = judged

        def check(world: tuple[int, ...]) -> int | None:
            nonlocal quiet_states, sec_states
            g = world[n]
            info = infos[g]
            if info.failed:
                return failed(0)
            if history:
                violated = violated_history(g)
                if violated >= 0:
                    return failed(violated)
            if (
                conv is not None
                and len(world) == n1
                and info.quiet
                and (is_busy is None or not any(is_busy(i, world[i]) for i in range(n)))
            ):
                quiet_states += 1
                first = obs[0][world[0]]
                for i in range(1, n):
                    if obs[i][world[i]] != first:
                        return failed(conv)
                if conv_expected is not None and not right(0, world[0], conv_expected):
                    return failed(conv)
            if sec is not None:
                slots = world[:n]
                cached = sec_cache.get(slots)
                if cached is None:
                    cached = sec_cache[slots] = (
                        diverged_pair(slots),
                        sec_premise(slots, sec_expected is not None),
                    )
                if cached[1]:
                    sec_states += 1
                if cached[0] is not None:
                    return failed(sec)
                if sec_expected is not None:
                    for i in range(n):
                        if not right(i, slots[i], sec_expected):
                            return failed(sec)
            if replica_invs:
                slots = world[:n]
                verdict = inv_cache.get(slots)
                if verdict is None:
                    verdict = evaluate(slots)
                if verdict >= 0:
                    return failed(verdict)
            if network_invs:
                w = view(world, with_network=True)
                for index, inv in network_invs:
                    if not holds(inv, w):
                        return failed(index)
            return None

        return check

    def expected_value(self, sid: int, expected: Callable[[Any], Any]) -> Any:
        """What `expected` says a replica in slot `sid` should expose, from the updates it
        applied (in a canonical order: by replica, then sequence)."""
        applied = sorted(self.tables.slots[sid][APPLIED], key=lambda u: (int(u.replica), u.seq))
        try:
            return freeze(expected(applied))
        except Exception as exc:
            raise SpecError(
                f"the expected-value function raised {type(exc).__name__}: {exc}",
                location=user_frame(exc),
            ) from None

    def right_value(self, i: int, sid: int, expected: Callable[[Any], Any]) -> bool:
        """Whether replica i in slot sid exposes what its applied updates call for."""
        key = (i, sid)
        verdict = self._right.get(key)
        if verdict is None:
            observed = self.obs_values[self.obs[i][sid]]
            verdict = self._right[key] = observed == self.expected_value(sid, expected)
        return verdict

    def diverged_pair(self, slots: tuple[int, ...]) -> tuple[int, int] | None:
        """Two replicas that applied the same updates but expose different values, if any."""
        tables = self.tables
        for i in range(self.n):
            for j in range(i + 1, self.n):
                a, b = tables.slots[slots[i]], tables.slots[slots[j]]
                if a[APPLIED] == b[APPLIED] and self.obs[i][slots[i]] != self.obs[j][slots[j]]:
                    return (i, j)
        return None

    def sec_premise(self, slots: tuple[int, ...], expected: bool) -> bool:
        """Whether strong eventual consistency judges something in replica slots `slots`:
        two replicas that applied the same updates, at least one (replicas that applied
        nothing only show their initial values); with an expected value, a replica that
        applied an update."""
        applied = [self.tables.slots[s][APPLIED] for s in slots]
        if expected:
            return any(applied)
        return any(a and a in applied[i + 1 :] for i, a in enumerate(applied))

    def world_view(self, world: tuple[int, ...], with_network: bool) -> WorldView:
        """The view of `world` an invariant gets (`with_network`: the environment too;
        a world of replica slots only is enough without it)."""
        tables = self.tables
        replicas = []
        for i in range(self.n):
            slot = tables.slots[world[i]]
            replicas.append(
                tables.runner.scratch(
                    i, slot[FIELDS], tables.time(slot), False, tables.suspects(slot)
                )
            )
        applied = None
        if self.plan.tracks_applied:
            applied = {tables.ids[i]: tables.slots[world[i]][APPLIED] for i in range(self.n)}
        environment = self.environment(world) if with_network else None
        return WorldView(replicas, environment, applied)

    # ----------------------------------------------------------------- explanations

    def explain(self, world: tuple[int, ...], prop: int) -> str:
        """Why `world` violates property `prop`, in words."""
        n = self.n
        tables = self.tables
        if prop == 0:
            failure = tables.globs[world[n]][0]
            return f"{failure.describe()}" if failure else "a handler raised"
        p = self.plan.properties[prop - 1]
        if isinstance(p, QuiescentConvergence) and p.expected is not None:
            firsts = {self.obs[i][world[i]] for i in range(n)}
            if len(firsts) == 1:
                expected = self.expected_value(world[0], p.expected)
                return (
                    f"every replica holds {show(self.obs_values[firsts.pop()])}, but the "
                    f"updates applied ({self._applied(world, 0)}) call for {show(expected)}: "
                    "the replicas converged to the wrong value"
                )
        if isinstance(p, QuiescentConvergence):
            quiet = "nothing in flight"
            if not self.plan.plain:
                quiet += ", no partition, nobody down"
            if self.timers is not None:
                quiet += ", no timer left to fire"
            facts = [f"{tables.ids[i]!r} observes {self._shown(world, i)}" for i in range(n)]
            return "\n".join([f"replicas did not converge: {quiet}", *facts])
        if isinstance(p, StrongConvergence) and p.expected is not None:
            wrong = [i for i in range(n) if not self.right_value(i, world[i], p.expected)]
            if wrong and self.diverged_pair(world[:n]) is None:
                i = wrong[0]
                expected = self.expected_value(world[i], p.expected)
                return (
                    f"{tables.ids[i]!r} holds {self._shown(world, i)}, but the updates it "
                    f"applied ({self._applied(world, i)}) call for {show(expected)}"
                )
        if isinstance(p, StrongConvergence):
            pair = self.diverged_pair(world[:n])
            if pair is not None:
                i, j = pair
                applied = sorted(tables.slots[world[i]][APPLIED], key=repr)
                shown = ", ".join(f"{u.replica!r}#{u.seq}" for u in applied) or "none"
                return (
                    f"{tables.ids[i]!r} and {tables.ids[j]!r} applied the same updates "
                    f"({shown}) but hold {self._shown(world, i)} and {self._shown(world, j)}: "
                    "strong eventual consistency violated"
                )
        if isinstance(p, HistoryProperty) and self.sessions is not None:
            summaries = self.sessions.summaries(world[n])
            for (index, _), summary in zip(self.plan.history_properties, summaries, strict=True):
                if index == prop:
                    return violation(summary) or f"{p.name} violated"
        if isinstance(p, Invariant):
            w = self.world_view(world, with_network=p.sees_network)
            try:
                result = p.predicate(w)
            except Exception as exc:
                return f"invariant {p.name} raised {type(exc).__name__}: {exc}"
            if isinstance(result, Fail):
                return result.message
            return f"invariant {p.name} is false: {p.description}"
        return f"{p.name} violated"

    def _applied(self, world: tuple[int, ...], i: int) -> str:
        applied = sorted(
            self.tables.slots[world[i]][APPLIED], key=lambda u: (int(u.replica), u.seq)
        )
        return ", ".join(map(repr, applied)) or "none"

    def holdings(self, world: tuple[int, ...]) -> str:
        """What each replica holds in `world` (`r1 holds 'a'@(1, r1), ...`)."""
        return ", ".join(
            f"{self.tables.ids[i]!r} holds {self._shown(world, i)}" for i in range(self.n)
        )

    def _shown(self, world: tuple[int, ...], i: int) -> str:
        """What replica i exposes (`observe()`): what convergence compares."""
        return show(self.obs_values[self.obs[i][world[i]]])


def holds(inv: Invariant, w: Any) -> bool:
    """Evaluate a user invariant; a mistake in it is a spec error, not a violation."""
    try:
        returned = inv.predicate(w)
    except StopRequested:
        raise
    except UnorderedError as exc:
        raise SpecError(f"invariant {inv.name}: {exc}", location=user_frame(exc)) from None
    except (Exception, SystemExit, KeyboardInterrupt) as exc:
        raise SpecError(
            f"invariant {inv.name} raised {type(exc).__name__}: {exc}",
            location=user_frame(exc) or inv.location,
        ) from None
    return bool(invariant_verdict(inv, returned))


# ----------------------------------------------------------------- premises


def describe_premises(
    plan: Plan, counters: Sequence[int], states: int
) -> dict[str, tuple[str, int, str]]:
    """Per safety property: (what its premise is, how often it occurred, what a count of 0
    means), from the raw counters of `Semantics.premise_counts` (or the native core's,
    which counts the same) and the number of states checked.

    A state is judged property by property in `Checker.check`'s order and not further once
    it violates one, so the states that reached a property are the states checked minus
    those that violated one judged before it."""
    quiet, sec_states, reads, *verdicts = counters
    verdicts += [0] * (len(plan.properties) + 1 - len(verdicts))  # the core's may be short
    out: dict[str, tuple[str, int, str]] = {
        HANDLER_PROPERTY: ("states checked", states, "no state was checked")
    }
    history = {index for index, _ in plan.history_properties}
    # States past the handler, history and quiescent-convergence checks.
    reached = states - verdicts[0] - sum(verdicts[i] for i in history)
    ordered: list[tuple[int, Any]] = []  # properties judged after those, in check's order
    for index, prop in enumerate(plan.properties, start=1):
        if isinstance(prop, QuiescentConvergence):
            reached -= verdicts[index]
            out[prop.name] = ("quiescent states checked", quiet, "no quiescent state was reached")
        elif isinstance(prop, HistoryProperty):
            out[prop.name] = ("reads judged", reads, "no client session read anything")
        elif isinstance(prop, StrongConvergence):
            ordered.insert(0, (index, prop))
            if prop.expected is not None:
                out[prop.name] = (
                    "states where a replica applied updates",
                    sec_states,
                    "no replica applied an update",
                )
            else:
                out[prop.name] = (
                    "states where two replicas applied the same updates",
                    sec_states,
                    "no two replicas ever applied the same updates",
                )
    invariants = [
        (i, p) for i, p in enumerate(plan.properties, start=1) if isinstance(p, Invariant)
    ]
    ordered += [(i, p) for i, p in invariants if not p.sees_network]
    ordered += [(i, p) for i, p in invariants if p.sees_network]
    for index, prop in ordered:
        if isinstance(prop, Invariant):
            out[prop.name] = ("states checked", reached, "no state was checked")
        reached -= verdicts[index]
    return out
