"""Human-readable results: TLC-style numbered traces with per-step changes, a sequence
chart, and a summary table.

Every line is built whole and then made inert for the terminal (`display.terminal`):
values, labels and explanations come from specs and trace files, and a newline or an
escape sequence inside one must not start a line of its own or recolour the verdict.
"""

from __future__ import annotations

from ..display import clip, one_line, plural, terminal
from ..fingerprint import collision_probability
from ..model import StateView
from ..results import Counterexample, ReplayReport, Result
from ..search import Stats
from ..trace import Trace
from .chart import ascii_chart, cycle_note

MAX_VALUE = 400  # characters of one field or message in the text report
MAX_MESSAGE = 4000  # characters of a replay outcome


def render_trace(trace: Trace) -> str:
    """Numbered steps: the action, what changed at each replica, and what is in flight."""
    return "\n".join(terminal(line) for line in _trace_lines(trace))


def render_replay(report: ReplayReport) -> str:
    """What `evcheck replay` prints: the outcome, then the replayed trace unless it is the
    recorded one. The message can list every enabled action, so it is clipped."""
    lines = [f"evcheck replay: {clip(report.message, MAX_MESSAGE)}"]
    if report.trace is not None and report.outcome != "same_violation":
        lines.extend(["", *_trace_lines(report.trace)])
    return "\n".join(terminal(line) for line in lines)


def _trace_lines(trace: Trace, loop: int | None = None) -> list[str]:
    """The numbered states; for a lasso, where its cycle starts and what repeats."""
    lines: list[str] = []
    previous: StateView | None = None
    for step in trace.steps:
        if loop is not None and step.index == loop:
            lines.append(f"  -- the cycle starts at state {loop}: {cycle_note(trace, loop)}")
        view = step.view
        if step.action is None:
            lines.append("  State 0: initial")
            for name, fields in view.components.items():
                lines.append(f"      {name}: {_fields(fields)}")
        else:
            lines.append(f"  State {step.index}: {step.action}")
            assert previous is not None
            changed = False
            for name, fields in view.components.items():
                before = previous.components.get(name, {})
                diffs = [
                    _change(name, k, before.get(k, "?"), v)
                    for k, v in fields.items()
                    if before.get(k) != v
                ]
                if diffs:
                    changed = True
                    lines.append(f"      {name}: {', '.join(diffs)}")
            if not changed:
                lines.append("      (no replica changed)")
        for note in view.notes:
            lines.append(f"      ! {note}")
        if view.in_flight:
            lines.append(
                f"      in flight: {'; '.join(clip(m, MAX_VALUE) for m in view.in_flight)}"
            )
        else:
            lines.append("      in flight: nothing")
        previous = view
    if loop is not None:
        lines.append(f"  -- {cycle_note(trace, loop)}")
    return lines


def _fields(fields: dict[str, str]) -> str:
    return ", ".join(f"{k}={clip(v, MAX_VALUE)}" for k, v in fields.items()) or "(no fields)"


def _change(component: str, name: str, before: str, after: str) -> str:
    """`value: None -> 'a'`. The environment's per-session counters (`s1 0, s2 1`) change
    one entry at a time, so only the entries that changed are shown: `ops by session s2:
    0 -> 1`."""
    old, new = _entries(before), _entries(after)
    if component == "environment" and old and new and old.keys() == new.keys():
        return ", ".join(f"{name} {k}: {old[k]} -> {new[k]}" for k in old if old[k] != new[k])
    return f"{name}: {clip(before, MAX_VALUE)} -> {clip(after, MAX_VALUE)}"


def _entries(text: str) -> dict[str, str]:
    """`s1 0, s2 1` as {s1: 0, s2: 1}; empty when the text is not such a list."""
    pairs = [part.split(" ") for part in text.split(", ")]
    if not all(len(pair) == 2 for pair in pairs):
        return {}
    return {key: value for key, value in pairs}


def render_stats(stats: Stats) -> list[str]:
    rate = stats.states_per_second
    lines = [
        f"  states: {stats.states:,} distinct, {stats.transitions:,} transitions, "
        f"depth {stats.depth}",
        f"  time: {stats.seconds:.2f}s ({rate:,.0f} states/s), "
        f"peak memory {stats.peak_memory_bytes / 2**20:,.0f} MiB",
        f"  fingerprint collision probability: {collision_probability(stats.states):.1e}",
    ]
    if stats.depth_bounded:
        lines.append(
            f"  depth bound reached: {stats.depth_bounded:,} state(s) at the bound were not expanded"
        )
    return lines


def render_faults(declared: list[str], exercised: list[str]) -> str:
    if not declared:
        return "none declared (reordering only)"
    shown = ", ".join(exercised) if exercised else "none"
    missing = [k for k in declared if k not in exercised]
    text = f"declared {', '.join(declared)}; exercised {shown}"
    if missing:
        text += f" (never enabled: {', '.join(missing)})"
    return text


def render_counterexample(cex: Counterexample, lanes: list[str], chart: bool) -> list[str]:
    out = [*_trace_lines(cex.trace, cex.loop), ""]
    if chart and len(cex.trace):
        out.extend(ascii_chart(cex.trace, lanes, cex.property, cex.loop).split("\n"))
        out.append("")
    out.extend(explanation_lines(cex.property, cex.explanation))
    if cex.found_length > len(cex.trace):
        out.append(f"  (shrunk from {plural(cex.found_length, 'step')})")
    return out


def explanation_lines(prop: str, explanation: str) -> list[str]:
    """`PROP violated: headline`, then each further line of the explanation (one fact per
    line, Z3's confirmation last) indented beneath it."""
    headline, facts = explanation_parts(prop, explanation)
    return [f"  {prop} violated: {headline}"] + [f"      {fact}" for fact in facts]


def explanation_parts(prop: str, explanation: str) -> tuple[str, list[str]]:
    """(headline, facts) of an explanation: its first line, then its other non-blank
    lines. The property is named once, by the report: a headline that ends by naming
    it again loses that ending."""
    headline, *facts = explanation.split("\n")  # only `\n` separates facts; a `\r` is data
    headline = headline.strip().removesuffix(f": {prop} violated")
    return headline, [fact.strip() for fact in facts if fact.strip()]


def property_verdicts(result: Result) -> list[tuple[str, str]]:
    """Each property with its verdict in words."""
    violated: dict[str, Counterexample] = {}
    for cex in result.counterexamples:
        shortest = violated.get(cex.property)
        if shortest is None or len(cex.trace) < len(shortest.trace):
            violated[cex.property] = cex
    rows = []
    for name in result.properties:
        if name in violated:
            verdict = f"VIOLATED ({plural(len(violated[name].trace), 'step')})"
        elif result.status == "holds" and result.strategy == "simulation":
            verdict = "no violation in the runs made"
        elif result.status == "holds" or result.graph is not None:
            verdict = "holds"  # with a graph, the search was complete
        else:
            verdict = "no violation found" + (
                " (search stopped first)" if result.status == "stopped" or violated else ""
            )
        if verdict == "holds" and name in result.vacuity:
            verdict = f"holds vacuously: {result.vacuity[name]}"
        if name in result.premises:
            verdict += f" ({result.premises[name]})"
        rows.append((name, verdict))
    return rows


def summary_table(result: Result) -> list[str]:
    """Each property with its verdict, aligned."""
    rows = property_verdicts(result)
    width = max(len(n) for n, _ in rows)
    return [f"  {name:<{width}}  {verdict}" for name, verdict in rows]


def headline(result: Result) -> str:
    """The verdict line (`-q` prints only this)."""
    return terminal(verdict_line(result))


def verdict_line(result: Result) -> str:
    """The verdict in one line, before any escaping for a medium."""
    props = ", ".join(result.properties)
    if result.status == "holds" and result.strategy == "simulation":
        return (
            f"OK: no violation in {result.runs} random run(s) ({props}); "
            "simulation samples executions, it does not prove the properties"
        )
    if result.status == "holds":
        vacuous = [n for n, v in property_verdicts(result) if v.startswith("holds vacuously")]
        warning = (
            f"; WARNING: {', '.join(vacuous)} hold(s) vacuously, the premise never occurred"
            if vacuous
            else ""
        )
        return f"OK: all properties hold within the bounds ({props}){warning}"
    if result.status == "stopped":
        return f"STOPPED: {result.stop_reason}; no violation found in the explored part"
    cex = result.counterexamples[0]
    more = (
        f" (and {len(result.counterexamples) - 1} more)" if len(result.counterexamples) > 1 else ""
    )
    return (
        f"VIOLATION: {cex.property} ({one_line(cex.description)}) "
        f"after {plural(len(cex.trace), 'step')}{more}"
    )


def render_result(result: Result, chart: bool = True) -> str:
    """The whole report `evcheck verify` prints."""
    spec = result.spec
    how = result.strategy.upper() if result.strategy != "simulation" else "random simulation"
    if result.workers > 1:
        kind = "threads" if result.engine == "native" else "worker processes"
        how += f", {result.workers} {kind}"
    if result.seed is not None:
        how += f", seed {result.seed}, {result.runs} run(s)"
    out = [f"evcheck: {spec.name} ({result.bounds}), {how}", verdict_line(result)]
    for number, cex in enumerate(result.counterexamples, start=1):
        out.append("")
        if len(result.counterexamples) > 1:
            out.append(
                f"Counterexample {number}: {cex.property} after {plural(len(cex.trace), 'step')}"
            )
        out.extend(render_counterexample(cex, result.lanes, chart))
    for witness in result.witnesses:
        out.append("")
        out.append(f"Witness: {witness.property} after {plural(len(witness.trace), 'step')}")
        out.extend(_trace_lines(witness.trace))
    out.append("")
    out.extend(summary_table(result))
    out.append("")
    out.extend(render_stats(result.stats))
    out.append(f"  faults: {render_faults(result.faults_declared, result.faults_exercised)}")
    if result.graph is not None:
        graph = result.graph
        out.append(
            f"  state graph: {graph.nodes:,} states, {graph.edges:,} edges; liveness decided "
            f"in {graph.seconds:.2f}s"
        )
    if result.z3 is not None:
        z3 = result.z3
        scope = "all" if z3.complete else "the first"
        out.append(
            f"  Z3: judged {scope} {z3.histories:,} distinct client histories "
            f"({z3.judgements:,} judgements, {z3.histories_per_second:,.0f} histories/s); "
            "the monitors agree"
        )
    return "\n".join(terminal(line) for line in out)
