"""Every counterexample evcheck reports is a real execution that ends in its violation.

Engines store parent pointers, not paths, and traces are rebuilt by replay; asking for K
counterexamples keeps a search going past violating states. Either can silently yield
a path that is not the one found (issue 10, item 2). So each reported counterexample is
replayed here by its action labels on a freshly compiled system, and must:

- apply step by step from its initial state,
- violate the property it names exactly at its last step (not before, not never),
- show at every step what is really in flight, as printed by the text report;

and the summary table must give, per property, the shortest length found.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from evcheck import Limits, Result, load_spec, verify_spec
from evcheck.plan import compile_plan
from evcheck.render.text import render_trace, summary_table
from evcheck.results import Counterexample
from evcheck.semantics import Semantics
from evcheck.trace import replay_labels
from tests.conftest import SPECS
from tests.differential.cases import Case, case, case_ids

# (strategy, workers, K): K counterexamples asked of each engine.
CONFIGS: list[tuple[str, int, int]] = [
    ("bfs", 1, 1),
    ("bfs", 1, 3),
    ("bfs", 1, 8),
    ("dfs", 1, 8),
    ("bfs", 2, 8),
]

# The summary table shows the last counterexample's length for a property, not the
# shortest (issue 10, item 2): seen on these cases with K=8.
SUMMARY_SHOWS_THE_LAST: set[str] = set()  # fixed: the table shows the shortest


def problems(c: Case, result: Result) -> list[str]:
    """Everything wrong with the reported counterexamples of `result` (empty: all good)."""
    system = Semantics(compile_plan(c.spec))
    found: list[str] = []
    for number, cex in enumerate(result.counterexamples, start=1):
        found.extend(f"counterexample {number}: {p}" for p in replay_problems(system, cex))
    return found


def replay_problems(system: Semantics, cex: Counterexample) -> list[str]:
    labels = cex.trace.actions
    replayed = replay_labels(system, cex.initial, labels)
    if replayed.stuck_at is not None:
        return [
            f"step {replayed.stuck_at} ({replayed.stuck_action}) is not enabled; "
            f"enabled: {', '.join(replayed.enabled) or 'nothing'}"
        ]
    out: list[str] = []
    if replayed.violation is None:
        out.append(f"replaying its {len(labels)} steps violates nothing ({cex.property} expected)")
    else:
        step, prop = replayed.violation
        name = system.property_names[prop]
        if (step, name) != (len(labels), cex.property):
            out.append(
                f"replay violates {name} at step {step}; reported: {cex.property} at step "
                f"{len(labels)}"
            )
    printed = [as_multiset(line) for line in in_flight_lines(render_trace(cex.trace))]
    actual = [
        Counter(str(envelope) for envelope in system.in_flight(step.state))
        for step in replayed.trace.steps
    ]
    if len(printed) != len(cex.trace.steps):
        out.append(f"{len(printed)} 'in flight' lines printed for {len(cex.trace.steps)} states")
    for index, (shown, really) in enumerate(zip(printed, actual, strict=False)):
        if shown != really:
            out.append(
                f"state {index} prints in flight: {sorted(shown.elements()) or 'nothing'}, but "
                f"{sorted(really.elements()) or 'nothing'} is"
            )
            break
    return out


def as_multiset(line: str) -> Counter[str]:
    """The messages a printed 'in flight:' line lists, with their multiplicities."""
    if line == "nothing":
        return Counter()
    shown: Counter[str] = Counter()
    for item in line.split("; "):
        match = re.fullmatch(r"(.*) \(x(\d+)\)", item)
        if match:
            shown[match.group(1)] += int(match.group(2))
        else:
            shown[item] += 1
    return shown


def in_flight_lines(text: str) -> list[str]:
    return re.findall(r"^      in flight: (.*)$", text, flags=re.MULTILINE)


def summary_problems(result: Result) -> list[str]:
    """The summary table's VIOLATED length for a property must be the shortest found."""
    shortest: dict[str, int] = {}
    for cex in result.counterexamples:
        shortest[cex.property] = min(shortest.get(cex.property, len(cex.trace)), len(cex.trace))
    out = []
    for line in summary_table(result):
        match = re.match(r"\s+(\S+)\s+VIOLATED \((\d+) steps\)", line)
        if match and int(match.group(2)) != shortest[match.group(1)]:
            out.append(
                f"summary says {match.group(1)} is violated in {match.group(2)} steps; "
                f"the shortest counterexample found has {shortest[match.group(1)]}"
            )
    return out


def run(c: Case, strategy: str, workers: int, k: int) -> Result:
    return verify_spec(
        c.spec, strategy=strategy, workers=workers, limits=Limits(max_counterexamples=k)
    )


@pytest.mark.parametrize("case_id", case_ids())
def test_every_counterexample_replays_to_its_violation(case_id: str) -> None:
    """Each engine, asked for K counterexamples, reports only real ones; breadth-first
    search reports a shortest one first, the same length for every K."""
    c = case(case_id)
    found: list[str] = []
    shortest: int | None = None
    for strategy, workers, k in CONFIGS:
        result = run(c, strategy, workers, k)
        where = f"{strategy}, workers={workers}, K={k}"
        if result.ok:
            assert (strategy, workers, k) == CONFIGS[0], f"{where}: holds, but BFS K=1 did not"
            return  # nothing to replay: the engines' verdicts are compared in test_engines
        assert 1 <= len(result.counterexamples) <= k
        found.extend(f"{where}: {p}" for p in problems(c, result))
        lengths = [len(x.trace) for x in result.counterexamples]
        if strategy == "bfs":
            shortest = lengths[0] if shortest is None else shortest
            if lengths[0] != shortest or min(lengths) != shortest:
                found.append(f"{where}: lengths {lengths}; BFS with K=1 found {shortest}")
    assert not found, f"{c.origin} ({c.bound}):\n" + "\n".join(found)


def summary_params() -> list[object]:
    reason = (
        "the summary table shows the last counterexample's length for a property, not the "
        "shortest (issue 10, item 2)"
    )
    return [
        pytest.param(
            case_id,
            marks=[pytest.mark.xfail(strict=True, reason=reason)]
            if case_id in SUMMARY_SHOWS_THE_LAST
            else [],
        )
        for case_id in case_ids()
    ]


@pytest.mark.parametrize("case_id", summary_params())
def test_the_summary_gives_the_shortest_length(case_id: str) -> None:
    c = case(case_id)
    for strategy, workers in (("bfs", 1), ("dfs", 1)):
        found = summary_problems(run(c, strategy, workers, 8))
        assert not found, f"{c.origin} ({c.bound}), {strategy}, K=8: " + "; ".join(found)


# Specs with many distinct violations, where K counterexamples really are K different
# paths through the parent store (the small-bound cases above often have only a few).
MANY = {
    "lww_no_tiebreak-2ops": lambda: load_spec(SPECS / "lww_no_tiebreak.py").with_settings(
        {"replicas": 2, "ops_per_replica": 2}
    ),
    "lww_loss-dup": lambda: load_spec(SPECS / "lww_loss.py").with_faults({"dup": 1}),
    "register_sessions-linearizability": lambda: load_spec(
        SPECS / "register_sessions.py"
    ).select_properties(["linearizability"]),
}


@pytest.mark.parametrize("name", sorted(MANY))
def test_many_counterexamples_replay(name: str) -> None:
    spec = MANY[name]()
    c = Case(name, name, spec, "as listed")
    found: list[str] = []
    for strategy, workers in (("bfs", 1), ("dfs", 1), ("bfs", 2)):
        result = run(c, strategy, workers, 10)
        assert len(result.counterexamples) > 3, f"{name}: too few to exercise the store"
        found.extend(f"{strategy} x{workers}: {p}" for p in problems(c, result))
    assert not found, f"{name}, K=10:\n" + "\n".join(found)
