"""Properties: named claims about every reachable state.

A predicate returns True when the claim holds, or False / a `Fail` (which is falsy
and carries an explanation) when it is violated. Violations are results, not
exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import SpecError


class Fail:
    """A falsy verdict that explains a violation in words."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Fail({self.message!r})"


@dataclass(frozen=True)
class Property:
    """A named claim checked in every reachable state."""

    name: str
    description: str


@dataclass(frozen=True)
class Invariant(Property):
    """A user predicate over the replicas (and, when `sees_network`, the in-flight messages).

    Predicates that read only replica states are cached by the tuple of replica
    states, so they cost one dictionary lookup per explored state.
    """

    predicate: Callable[[Any], Any] = field(compare=False, default=lambda _w: True)
    sees_network: bool = False
    sees_applied: bool = False
    location: str | None = None


@dataclass(frozen=True)
class QuiescentConvergence(Property):
    """Quiescent convergence: with nothing deliverable, all replicas expose the same value.

    With `expected`, that value must also be the right one: `expected(updates)` computes
    it from the updates the replica applied (see `Update`), so a data type that
    converges to the same wrong value everywhere is caught.
    """

    expected: Callable[[Any], Any] | None = field(default=None, compare=False)

    def expecting(self, expected: Callable[[Any], Any]) -> QuiescentConvergence:
        """This property, requiring the converged value to be `expected(updates)`."""
        return QuiescentConvergence(
            self.name, f"{self.description}, namely the value its updates call for", expected
        )


def invariant(
    fn: Callable[[Any], Any] | None = None,
    *,
    name: str | None = None,
    network: bool = False,
    env: bool = False,
    applied: bool = False,
) -> Any:
    """Declare an application invariant: `@invariant` or `@invariant(env=True)`.

    The predicate receives a read-only view of the world: `w.replicas` (each with
    its fields, `.id` and `.role`). With `env=True` (or `network=True`) it also sees
    the environment: `w.network` (the in-flight envelopes), `w.down` (the crashed
    replicas), `w.partition` (the groups of the active partition, or None), `w.time`
    (real time, with clocks) and `w.faults` (the faults that happened so far, by kind).
    With `applied=True`, `w.applied[r]` is the set of updates (`Update`) replica r has
    applied. A predicate over the replicas alone is cached by their states, so it
    costs one lookup per state; one that sees the environment runs on every state.
    The function's docstring becomes the property's description.
    """

    def wrap(f: Callable[[Any], Any]) -> Invariant:
        code = getattr(f, "__code__", None)
        location = f"{code.co_filename}:{code.co_firstlineno}" if code else None
        return Invariant(
            name=name or str(getattr(f, "__name__", "invariant")),
            description=(f.__doc__ or "").strip() or "user invariant",
            predicate=f,
            sees_network=network or env,
            sees_applied=applied,
            location=location,
        )

    if fn is not None:
        return wrap(fn)
    return wrap


@dataclass(frozen=True)
class HistoryProperty(Property):
    """A property of the client-observed history, checked by a monitor in every state."""


@dataclass(frozen=True)
class Update:
    """A client update, as `expected` functions see it: which replica made it (its
    `seq`-th), the operation and its arguments."""

    replica: Any
    seq: int
    operation: str
    args: tuple[Any, ...]

    def __repr__(self) -> str:
        shown = ", ".join(map(repr, self.args))
        return f"{self.operation}@{self.replica!r}#{self.seq}({shown})"


@dataclass(frozen=True)
class StrongConvergence(Property):
    """Strong eventual consistency: replicas that applied the same updates are equivalent.

    Every client operation is an update; a replica has applied the updates it made and
    those carried by the messages it received (see `@message(carries=...)`). Replicas
    whose applied sets are equal must expose the same `observe()` — in every state, not
    only once quiet. With `expected`, each replica must expose `expected(updates)` for
    the updates it applied (which implies the equality).
    """

    expected: Callable[[Any], Any] | None = field(default=None, compare=False)

    def expecting(self, expected: Callable[[Any], Any]) -> StrongConvergence:
        """This property, requiring each replica to expose `expected(updates applied)`."""
        return StrongConvergence(
            self.name, f"{self.description}, namely the value their updates call for", expected
        )


HANDLER_PROPERTY = "handlers_do_not_raise"
HANDLER_PROPERTY_DESCRIPTION = "no handler or operation raises an exception"

SESSION_PROPERTIES = (
    "read_your_writes",
    "monotonic_reads",
    "monotonic_writes",
    "writes_follow_reads",
    "causal_consistency",
)
HISTORY_PROPERTIES = (*SESSION_PROPERTIES, "linearizability")
# Judged on histories too (by both judges), from the updates each read's replica applied.
JUDGED_ON_HISTORIES = (*HISTORY_PROPERTIES, "strong_eventual_consistency")

DESCRIPTIONS = {
    "read_your_writes": "every read sees the earlier writes of its own session",
    "monotonic_reads": "a session never reads older data than it read before",
    "monotonic_writes": "a session's writes take effect in the order it made them",
    "writes_follow_reads": "a write takes effect after the writes its session had read",
    "causal_consistency": "operations respect causality (session order and what was read)",
    "linearizability": "every read returns the latest write to its key before it",
    "strong_eventual_consistency": "replicas that applied the same updates expose the same value",
}


def history_property(name: str) -> HistoryProperty:
    if name not in HISTORY_PROPERTIES:
        raise KeyError(name)
    return HistoryProperty(name=name, description=DESCRIPTIONS[name])


read_your_writes = history_property("read_your_writes")
monotonic_reads = history_property("monotonic_reads")
monotonic_writes = history_property("monotonic_writes")
writes_follow_reads = history_property("writes_follow_reads")
causal_consistency = history_property("causal_consistency")
linearizability = history_property("linearizability")

strong_eventual_consistency = StrongConvergence(
    name="strong_eventual_consistency",
    description=DESCRIPTIONS["strong_eventual_consistency"],
)

quiescent_convergence = QuiescentConvergence(
    name="quiescent_convergence",
    description="when no message is deliverable, all replicas expose the same value",
)


def builtin_properties() -> dict[str, Property]:
    """Every built-in property by name (what `--property NAME` may select besides a spec's own)."""
    found: dict[str, Property] = {quiescent_convergence.name: quiescent_convergence}
    for name in HISTORY_PROPERTIES:
        found[name] = history_property(name)
    found[strong_eventual_consistency.name] = strong_eventual_consistency
    found[eventual_convergence.name] = eventual_convergence
    return found


def invariant_verdict(inv: Invariant, returned: Any) -> bool | Fail:
    """What an invariant's predicate returned, as a verdict: exactly `True`, `False` or a
    `Fail`. Anything else (`None` from a missing return, the string "False", a numpy-like
    or NaN comparison result) is a mistake in the spec: its truth value would be a guess,
    and a guess is how a violated design passes."""
    if returned is True or returned is False or isinstance(returned, Fail):
        return returned
    raise SpecError(
        f"invariant {inv.name} returned {returned!r} ({type(returned).__name__}); an "
        "invariant must return True, False or Fail('why')",
        location=inv.location,
    )


# ----------------------------------------------------------------- liveness

# Fairness classes: message delivery (a message to a down replica being lost counts as
# its delivery), repairs (heal, recover), and timers ("timers" for all of them, or
# "timer:NAME" for one). Client operations and faults are never fair: clients may stop,
# and faults are what the protocol must survive, not what it may count on.
FAIRNESS_KINDS = ("deliver", "heal", "recover", "timers")
FAIRNESS_LEVELS = ("weak", "strong", "none")
# What replication protocols assume: every message sent is eventually delivered (or lost,
# if its receiver is down), partitions heal, crashed replicas recover, and a timer that
# stays able to fire eventually fires.
DEFAULT_FAIRNESS: tuple[tuple[str, str], ...] = (
    ("deliver", "weak"),
    ("heal", "weak"),
    ("recover", "weak"),
    ("timers", "weak"),
)


def fairness_levels(fairness: Any) -> tuple[tuple[str, str], ...]:
    """Validated (kind, level) pairs from a mapping; unknown kinds or levels are spec errors."""
    pairs = dict(DEFAULT_FAIRNESS)
    for kind, level in dict(fairness).items():
        kind = str(kind)
        level = "none" if level is None else str(level)
        if kind not in FAIRNESS_KINDS and not kind.startswith("timer:"):
            raise SpecError(
                f"unknown fairness kind {kind!r}: use {', '.join(FAIRNESS_KINDS)} or 'timer:NAME'"
            )
        if level not in FAIRNESS_LEVELS:
            raise SpecError(f"fairness of {kind!r} must be 'weak', 'strong' or None, not {level!r}")
        pairs[kind] = level
    return tuple(sorted(pairs.items()))


@dataclass(frozen=True)
class Liveness(Property):
    """A claim about infinite fair executions, decided on the explored state graph.

    A finite execution counts as one that stays in its last state forever, which is
    fair only where no fair kind of action is enabled (see docs/liveness.md).
    """

    fairness: tuple[tuple[str, str], ...] = DEFAULT_FAIRNESS
    location: str | None = None

    def under(self, fairness: Any) -> Any:
        """The same property under other fairness, e.g. `{"deliver": "strong",
        "timer:retry": None}`; kinds not named keep their default."""
        return replace(self, fairness=fairness_levels(fairness))


@dataclass(frozen=True)
class EventualConvergence(Liveness):
    """From every reachable state, once client operations and faults stop, every fair
    execution reaches a state where all replicas observe the same value and stays there."""


@dataclass(frozen=True)
class StatePredicate(Liveness):
    """A liveness property over user predicates of the world view invariants get."""

    predicate: Callable[[Any], Any] = field(compare=False, default=lambda _w: True)
    then: Callable[[Any], Any] | None = field(compare=False, default=None)
    network: bool = False
    shape: str = "eventually"  # eventually | always_eventually | leads_to


@dataclass(frozen=True)
class Sometimes(Property):
    """Reachability: some reachable state satisfies the predicate (a witness is shown)."""

    predicate: Callable[[Any], Any] = field(compare=False, default=lambda _w: True)
    network: bool = False
    location: str | None = None


eventual_convergence = EventualConvergence(
    name="eventual_convergence",
    description="once operations and faults stop, every fair execution converges and stays converged",
)


def _where(fn: Callable[[Any], Any]) -> str | None:
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else None


def _named(fn: Callable[[Any], Any]) -> str:
    return str(getattr(fn, "__name__", "p"))


def eventually(
    p: Callable[[Any], Any], *, name: str | None = None, network: bool = False, fairness: Any = ()
) -> StatePredicate:
    """Every fair execution from an initial state reaches a state where `p` holds."""
    return StatePredicate(
        name=name or f"eventually_{_named(p)}",
        description=(p.__doc__ or "").strip() or f"eventually {_named(p)}",
        predicate=p,
        network=network,
        shape="eventually",
        fairness=fairness_levels(fairness),
        location=_where(p),
    )


def always_eventually(
    p: Callable[[Any], Any], *, name: str | None = None, network: bool = False, fairness: Any = ()
) -> StatePredicate:
    """In every fair execution, `p` holds infinitely often (from every reachable state,
    `p` is reached again)."""
    return StatePredicate(
        name=name or f"always_eventually_{_named(p)}",
        description=(p.__doc__ or "").strip() or f"always eventually {_named(p)}",
        predicate=p,
        network=network,
        shape="always_eventually",
        fairness=fairness_levels(fairness),
        location=_where(p),
    )


def leads_to(
    p: Callable[[Any], Any],
    q: Callable[[Any], Any],
    *,
    name: str | None = None,
    network: bool = False,
    fairness: Any = (),
) -> StatePredicate:
    """Whenever `p` holds, every fair continuation reaches a state where `q` holds."""
    return StatePredicate(
        name=name or f"{_named(p)}_leads_to_{_named(q)}",
        description=f"whenever {_named(p)}, eventually {_named(q)}",
        predicate=p,
        then=q,
        network=network,
        shape="leads_to",
        fairness=fairness_levels(fairness),
        location=_where(p),
    )


def sometimes(
    p: Callable[[Any], Any], *, name: str | None = None, network: bool = False
) -> Sometimes:
    """Some reachable state satisfies `p`: holds with a shortest witness trace, violated
    when no explored state does (a premise that never occurs is visible this way)."""
    return Sometimes(
        name=name or f"sometimes_{_named(p)}",
        description=(p.__doc__ or "").strip() or f"sometimes {_named(p)}",
        predicate=p,
        network=network,
        location=_where(p),
    )
