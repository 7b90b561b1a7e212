"""Human-readable results: TLC-style numbered traces with per-step changes, a sequence
chart, and a summary table."""

from __future__ import annotations

from ..fingerprint import collision_probability
from ..model import StateView
from ..results import Counterexample, Result
from ..search import Stats
from ..trace import Trace
from .chart import ascii_chart


def render_trace(trace: Trace) -> str:
    """Numbered steps: the action, what changed at each replica, and what is in flight."""
    lines: list[str] = []
    previous: StateView | None = None
    for step in trace.steps:
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
                    f"{k}: {before.get(k, '?')} -> {v}"
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
            lines.append(f"      in flight: {'; '.join(view.in_flight)}")
        else:
            lines.append("      in flight: nothing")
        previous = view
    return "\n".join(lines)


def _fields(fields: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in fields.items()) or "(no fields)"


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
    out = [render_trace(cex.trace), ""]
    if chart and len(cex.trace):
        out.append(ascii_chart(cex.trace, lanes, cex.property))
        out.append("")
    out.append(f"  {cex.property} violated: {cex.explanation}")
    if cex.found_length > len(cex.trace):
        out.append(f"  (shrunk from {cex.found_length} steps)")
    return out


def summary_table(result: Result) -> list[str]:
    """Each property with its verdict."""
    violated = {c.property: c for c in result.counterexamples}
    rows = []
    for name in result.properties:
        if name in violated:
            verdict = f"VIOLATED ({len(violated[name].trace)} steps)"
        elif result.status == "holds" and result.strategy == "simulation":
            verdict = "no violation in the runs made"
        elif result.status == "holds":
            verdict = "holds"
        else:
            verdict = "no violation found" + (
                " (search stopped first)" if result.status == "stopped" or violated else ""
            )
        rows.append((name, verdict))
    width = max(len(n) for n, _ in rows)
    return [f"  {name:<{width}}  {verdict}" for name, verdict in rows]


def headline(result: Result) -> str:
    props = ", ".join(result.properties)
    if result.status == "holds" and result.strategy == "simulation":
        return (
            f"OK: no violation in {result.runs} random run(s) ({props}); "
            "simulation samples executions, it does not prove the properties"
        )
    if result.status == "holds":
        return f"OK: all properties hold within the bounds ({props})"
    if result.status == "stopped":
        return f"STOPPED: {result.stop_reason}; no violation found in the explored part"
    cex = result.counterexamples[0]
    more = (
        f" (and {len(result.counterexamples) - 1} more)" if len(result.counterexamples) > 1 else ""
    )
    return f"VIOLATION: {cex.property} ({cex.description}) after {len(cex.trace)} step(s){more}"


def render_result(result: Result, chart: bool = True) -> str:
    """The whole report `evcheck verify` prints."""
    spec = result.spec
    how = result.strategy.upper() if result.strategy != "simulation" else "random simulation"
    if result.workers > 1:
        how += f", {result.workers} worker processes"
    if result.seed is not None:
        how += f", seed {result.seed}, {result.runs} run(s)"
    out = [f"evcheck: {spec.name} ({result.bounds}), {how}", headline(result)]
    for number, cex in enumerate(result.counterexamples, start=1):
        out.append("")
        if len(result.counterexamples) > 1:
            out.append(f"Counterexample {number}: {cex.property} after {len(cex.trace)} step(s)")
        out.extend(render_counterexample(cex, result.lanes, chart))
    out.append("")
    out.extend(summary_table(result))
    out.append("")
    out.extend(render_stats(result.stats))
    out.append(f"  faults: {render_faults(result.faults_declared, result.faults_exercised)}")
    if result.z3 is not None:
        z3 = result.z3
        scope = "all" if z3.complete else "the first"
        out.append(
            f"  Z3: judged {scope} {z3.histories:,} distinct client histories "
            f"({z3.judgements:,} judgements, {z3.histories_per_second:,.0f} histories/s); "
            "the monitors agree"
        )
    return "\n".join(out)
