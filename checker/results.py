"""Results of checking a spec: verdicts, counterexamples, replay and Z3 reports.

These are plain data, below the runner that produces them and the renderers that
print them, so neither needs the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dsl import Spec
from .fingerprint import collision_probability
from .liveness import Graph
from .search import Stats
from .trace import Trace


@dataclass(frozen=True)
class Counterexample:
    """A violated property, why, and the trace that leads there.

    `initial` is the index of the initial state the trace starts from;
    `found_length` the length before shrinking (equal when nothing could be dropped);
    `conflict_steps` the steps whose operations Z3 names in a conflict (reports
    highlight them). A liveness counterexample is a lasso: `loop` is the state the last
    step returns to (the steps after it repeat forever); `loop == len(trace)` means the
    execution stays in its last state forever, as nothing fair is enabled there.
    """

    property: str
    description: str
    explanation: str
    trace: Trace
    initial: int = 0
    found_length: int = 0
    conflict_steps: tuple[int, ...] = ()
    loop: int | None = None


@dataclass
class Result:
    """The outcome of checking a spec: `ok` when every property holds within the bounds."""

    spec: Spec
    status: str
    stats: Stats
    strategy: str
    bounds: str
    properties: list[str]
    counterexamples: list[Counterexample] = field(default_factory=list)
    stop_reason: str | None = None
    tables: dict[str, int] = field(default_factory=dict)
    faults_declared: list[str] = field(default_factory=list)
    faults_exercised: list[str] = field(default_factory=list)
    seed: int | None = None
    runs: int | None = None
    workers: int = 1
    z3: Z3Report | None = None
    lanes: list[str] = field(default_factory=list)
    engine: str = "python"  # which engine explored: "native" or "python"
    engine_note: str | None = None  # why the Python engine ran where native was asked for
    # Graph properties: a shortest witness per `sometimes` property that holds; per
    # property how often its premise occurred (non-vacuity), as "what: N" (see
    # `evcheck.checking.describe_premises` and docs/consistency.md).
    witnesses: list[Counterexample] = field(default_factory=list)
    premises: dict[str, str] = field(default_factory=dict)
    # Per property, the number in `premises`, and for those whose premise never occurred
    # what that means (a "holds" of theirs holds vacuously).
    premise_counts: dict[str, int] = field(default_factory=dict)
    vacuity: dict[str, str] = field(default_factory=dict)
    graph: GraphStats | None = None
    state_graph: Graph | None = None  # kept when asked for (`--graph`)
    graph_path: list[int] = field(default_factory=list)  # its nodes along the counterexample

    @property
    def ok(self) -> bool:
        return self.status == "holds"

    def set_premise(self, name: str, what: str, count: int, never: str) -> None:
        """Record that the premise of property `name` (`what`) occurred `count` times;
        `never` says what a count of 0 means."""
        self.premises[name] = f"{what}: {count:,}"
        self.premise_counts[name] = count
        if count == 0:
            self.vacuity[name] = never
        else:
            self.vacuity.pop(name, None)

    @property
    def counterexample(self) -> Counterexample | None:
        return self.counterexamples[0] if self.counterexamples else None

    @property
    def violations(self) -> list[Counterexample]:
        return self.counterexamples

    @property
    def trace(self) -> Trace | None:
        """The first counterexample's trace, if any."""
        cex = self.counterexample
        return cex.trace if cex is not None else None

    @property
    def collision_probability(self) -> float:
        return collision_probability(self.stats.states)

    def expect_violation(
        self, prop: str, *, max_length: int | None = None, length: int | None = None
    ) -> Counterexample:
        """Assert that `prop` is violated (within `max_length` steps, or in exactly `length`)."""
        found = [c for c in self.counterexamples if c.property == prop]
        if not found:
            seen = ", ".join(c.property for c in self.counterexamples) or "none"
            raise AssertionError(
                f"expected {prop} to be violated, but the run ended {self.status} "
                f"(violations: {seen})"
            )
        cex = found[0]
        if max_length is not None and len(cex.trace) > max_length:
            raise AssertionError(
                f"{prop} is violated after {len(cex.trace)} steps, more than {max_length}"
            )
        if length is not None and len(cex.trace) != length:
            raise AssertionError(f"{prop} is violated after {len(cex.trace)} steps, not {length}")
        return cex

    def __repr__(self) -> str:
        cex = self.counterexample
        if cex is None:
            return f"<Result {self.spec.name}: {self.status}, {self.stats.states} states>"
        return f"<Result {self.spec.name}: {cex.property} violated after {len(cex.trace)} steps>"


@dataclass(frozen=True)
class ReplayReport:
    """What re-executing a saved trace against a spec showed.

    `outcome` is one of: `same_violation` (the recorded property fails at the recorded
    step), `different_violation`, `no_violation` (every step applied and nothing
    failed: the bug is fixed), `not_applicable` (some step's action is no longer
    enabled, or the recorded settings no longer fit the spec).
    """

    outcome: str
    expected_property: str
    expected_length: int
    message: str
    trace: Trace | None = None
    violated_property: str | None = None
    violated_step: int | None = None


@dataclass
class Z3Report:
    """What `--z3-all` found: distinct histories judged by Z3 and by the monitors."""

    histories: int = 0
    judgements: int = 0
    violations: int = 0
    seconds: float = 0.0
    complete: bool = True
    disagreements: list[str] = field(default_factory=list)

    @property
    def histories_per_second(self) -> float:
        return self.histories / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class GraphStats:
    """The state graph recorded for liveness: its size and the time deciding took."""

    nodes: int
    edges: int
    seconds: float
