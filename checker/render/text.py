"""Human-readable results: TLC-style numbered traces with per-step changes."""

from __future__ import annotations

from ..fingerprint import collision_probability
from ..model import StateView
from ..runner import Result
from ..search import Stats
from ..trace import Trace


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


def render_result(result: Result) -> str:
    """The whole report `evcheck verify` prints."""
    spec = result.spec
    out = [f"evcheck: {spec.name} ({result.bounds}), {result.strategy.upper()}"]
    props = ", ".join(result.properties)
    if result.status == "holds":
        out.append(f"OK: all properties hold within the bounds ({props})")
    elif result.status == "stopped":
        out.append(f"STOPPED: {result.stop_reason}; no violation found in the explored part")
    else:
        cex = result.counterexample
        assert cex is not None
        out.append(f"VIOLATION: {cex.property} ({cex.description}) after {len(cex.trace)} step(s)")
        out.append("")
        out.append(render_trace(cex.trace))
        out.append("")
        out.append(f"  {cex.property} violated: {cex.explanation}")
    out.append("")
    out.extend(render_stats(result.stats))
    out.append(f"  faults: {render_faults(result.faults_declared, result.faults_exercised)}")
    return "\n".join(out)


def render_faults(declared: list[str], exercised: list[str]) -> str:
    if not declared:
        return "none declared (reordering only)"
    shown = ", ".join(exercised) if exercised else "none"
    missing = [k for k in declared if k not in exercised]
    text = f"declared {', '.join(declared)}; exercised {shown}"
    if missing:
        text += f" (never enabled: {', '.join(missing)})"
    return text
