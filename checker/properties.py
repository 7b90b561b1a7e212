"""Properties: named claims about every reachable state.

A predicate returns True when the claim holds, or False / a `Fail` (which is falsy
and carries an explanation) when it is violated. Violations are results, not
exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
    location: str | None = None


@dataclass(frozen=True)
class QuiescentConvergence(Property):
    """Quiescent convergence: with nothing deliverable, all replicas expose the same value."""


def invariant(
    fn: Callable[[Any], Any] | None = None,
    *,
    name: str | None = None,
    network: bool = False,
) -> Any:
    """Declare an application invariant: `@invariant` or `@invariant(network=True)`.

    The predicate receives a read-only view of the world: `w.replicas` (each with
    its fields and `.id`), and with `network=True` also `w.network` (the in-flight
    envelopes). The function's docstring becomes the property's description.
    """

    def wrap(f: Callable[[Any], Any]) -> Invariant:
        code = getattr(f, "__code__", None)
        location = f"{code.co_filename}:{code.co_firstlineno}" if code else None
        return Invariant(
            name=name or str(getattr(f, "__name__", "invariant")),
            description=(f.__doc__ or "").strip() or "user invariant",
            predicate=f,
            sees_network=network,
            location=location,
        )

    if fn is not None:
        return wrap(fn)
    return wrap


quiescent_convergence = QuiescentConvergence(
    name="quiescent_convergence",
    description="when no message is deliverable, all replicas expose the same value",
)


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
