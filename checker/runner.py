"""Run a spec: build its transition system, explore it, and turn a found path into a trace."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dsl import Spec
from .fingerprint import collision_probability
from .search import ENGINES, NO_LIMITS, Limits, Outcome, ProgressFn, Stats
from .system import System
from .trace import Trace, replay


@dataclass(frozen=True)
class Counterexample:
    """A violated property, why, and the (shortest, under BFS) trace that leads there."""

    property: str
    description: str
    explanation: str
    trace: Trace


@dataclass
class Result:
    """The outcome of verifying a spec: `ok` when every property holds within the bounds."""

    spec: Spec
    status: str
    stats: Stats
    strategy: str
    bounds: str
    properties: list[str]
    counterexample: Counterexample | None = None
    stop_reason: str | None = None
    tables: dict[str, int] = field(default_factory=dict)
    faults_declared: list[str] = field(default_factory=list)
    faults_exercised: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "holds"

    @property
    def collision_probability(self) -> float:
        return collision_probability(self.stats.states)


def verify_spec(
    spec: Spec,
    *,
    strategy: str = "bfs",
    limits: Limits = NO_LIMITS,
    progress: ProgressFn | None = None,
) -> Result:
    """Explore every behaviour of `spec` within its bounds and `limits`."""
    system = System(spec)
    outcome: Outcome = ENGINES[strategy](system, limits, progress)
    result = Result(
        spec=spec,
        status=outcome.status,
        stats=outcome.stats,
        strategy=strategy,
        bounds=system.describe_bounds(),
        properties=list(system.property_names),
        stop_reason=outcome.stop_reason,
        tables=system.table_sizes(),
    )
    result.faults_declared, result.faults_exercised = system.faults_report()
    if outcome.found is not None:
        trace = replay(system, outcome.found.path)
        last = trace.steps[-1].state
        prop = outcome.found.prop
        result.counterexample = Counterexample(
            property=system.property_names[prop],
            description=system.property_descriptions[prop],
            explanation=system.explain(last, prop),
            trace=trace,
        )
    return result
