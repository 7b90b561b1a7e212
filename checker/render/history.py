"""Reports of a judged recorded history: text, JSON, and the timeline of a
linearizability violation — operation bars per process, as text and as a
self-contained HTML page (everything user-provided is escaped)."""

from __future__ import annotations

from html import escape
from typing import Any

from ..consistency.operations import Op, describe_action
from ..histories.check import HistoryReport, Verdict

SCHEMA = "evcheck.history-check/2"
WIDTH = 72
CONTEXT = 4  # operations drawn before the conflict on each process


def report_text(report: HistoryReport) -> str:
    judged = sorted({j for v in report.verdicts for j in v.judges})
    lines = [
        f"evcheck: {len(report.ops)} operations on {report.keys} key(s) from {report.source} "
        f"({report.format}), judged by {' and '.join(judged) or 'nothing'} "
        f"in {report.seconds:.2f}s"
    ]
    if report.set_aside:
        processes = sorted({s.process for s in report.set_aside})
        lines.append(
            f"  set aside: {len(report.set_aside)} record(s) of non-client process(es) "
            f"{', '.join(processes)} (first at line {report.set_aside[0].line})"
        )
    for verdict in report.verdicts:
        if verdict.holds:
            lines.append(f"  {verdict.property}: holds")
            continue
        lines.append(f"  {verdict.property}: VIOLATED: {verdict.explanation}")
        if verdict.z3 and verdict.z3 != verdict.explanation:
            relaxed = (
                " (outside the conflict, outcomes forgotten)" if verdict.linearizability else ""
            )
            lines.append(f"    Z3{relaxed}: {verdict.z3}")
        if verdict.linearizability is not None:
            lines.append("")
            lines.append(timeline_text(report, verdict))
    if report.status == "stopped":
        lines.append(f"  stopped before a verdict: {report.stopped}")
    return "\n".join(lines)


def report_dict(report: HistoryReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "source": report.source,
        "format": report.format,
        "operations": len(report.ops),
        "keys": report.keys,
        "status": report.status,
        "stopped": report.stopped or None,
        "seconds": round(report.seconds, 3),
        "set_aside": [
            {"line": s.line, "process": s.process, "record": s.what} for s in report.set_aside
        ],
        "verdicts": [_verdict_dict(v) for v in report.verdicts],
    }


def _verdict_dict(verdict: Verdict) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "property": verdict.property,
        "holds": verdict.holds,
        "explanation": verdict.explanation,
        "judges": list(verdict.judges),
    }
    if verdict.z3:
        entry["z3"] = verdict.z3
    why = verdict.linearizability
    if why is not None:
        entry["key"] = None if why.key is None else repr(why.key)
        entry["linearizable_prefix"] = list(why.prefix)
        entry["prefix_is_longest"] = why.longest
        entry["failing_operation"] = why.failing
        entry["conflict"] = list(why.conflict)
        entry["conflict_is_minimal"] = why.minimal
    return entry


def _window(report: HistoryReport, verdict: Verdict) -> list[Op]:
    """The operations of the violating key around the conflict, in real-time order."""
    why = verdict.linearizability
    assert why is not None
    conflict = set(why.conflict) | {why.failing}
    key_ops = [op for op in report.ops if op.key == why.key]
    marked = [op for op in key_ops if op.index in conflict]
    first = min(op.start for op in marked)
    last = max(op.end if op.end is not None else op.start for op in marked)
    shown: list[Op] = []
    by_process: dict[str, list[Op]] = {}
    for op in key_ops:
        by_process.setdefault(op.session, []).append(op)
    for ops in by_process.values():
        before = [op for op in ops if op.end is not None and op.end < first]
        inside = [op for op in ops if op.start <= last and (op.end is None or op.end >= first)]
        shown.extend(before[-CONTEXT:] + inside)
    return sorted(shown, key=lambda op: op.start)


def _label(op: Op) -> str:
    return describe_action(op.kind, op.value, op.failed)


def timeline_text(report: HistoryReport, verdict: Verdict) -> str:
    """Bars per process: `#` the conflict, `=` in the longest linearizable prefix, `-`
    other operations; `>` marks an operation whose outcome is unknown."""
    why = verdict.linearizability
    assert why is not None
    ops = _window(report, verdict)
    times = sorted({t for op in ops for t in (op.start, op.end) if t is not None})
    end = times[-1] + 1 if times else 1
    column = {t: round(i * (WIDTH - 1) / max(1, len(times))) for i, t in enumerate(times)}
    column[end] = WIDTH - 1
    conflict = set(why.conflict)
    prefix = set(why.prefix)
    processes = sorted({op.session for op in ops}, key=_natural)
    name_width = max(len(p) for p in processes) + 2
    lines = [
        f"  timeline{_of_key(why.key)}: # cannot be linearized together, = longest "
        "linearizable prefix, > outcome unknown"
    ]
    for process in processes:
        lane = [" "] * WIDTH
        notes = []
        for op in (o for o in ops if o.session == process):
            a = column[op.start]
            b = column[op.end if op.end is not None else end]
            mark = "#" if op.index in conflict else "=" if op.index in prefix else "-"
            for c in range(a, max(a, b) + 1):
                lane[c] = mark
            if b > a:
                lane[a] = "["
                lane[b] = "]"
            if op.end is None:
                lane[max(a, b)] = ">"
            if op.index in conflict:
                notes.append(f"{_label(op)} (line {op.line})" if op.line else _label(op))
        lines.append(f"  {process:>{name_width}} |{''.join(lane)}|  {'; '.join(notes)}")
    return "\n".join(lines)


def _of_key(key: Any) -> str:
    return "" if key is None else f" of key {key!r}"


def _natural(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 62, name)


STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7fb; }
header { padding: 16px 24px; background: #1d2330; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 20px; }
.verdict { font-weight: 600; color: #ff8a80; } .verdict.ok { color: #9be59b; }
section { margin: 16px 24px; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px #0002; padding: 12px; }
.lane { position: relative; height: 30px; border-bottom: 1px solid #eceef4; }
.lane .name { position: absolute; left: 0; width: 90px; top: 6px; font-weight: 600; }
.op { position: absolute; top: 4px; height: 20px; border-radius: 4px; font: 11px ui-monospace, monospace;
      overflow: hidden; white-space: nowrap; padding: 1px 4px; box-sizing: border-box; background: #d5d9e4; }
.op.prefix { background: #bfe6c4; } .op.conflict { background: #ff9d94; outline: 2px solid #c5221f; }
.op.pending { border-right: 3px dashed #5a6275; }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 8px; border-radius: 4px; }
"""


def timeline_html(report: HistoryReport) -> str:
    """A self-contained page: the verdicts, and for a linearizability violation the
    operations of the violating key as bars per process."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>evcheck history check: {escape(report.source)}</title>",
        f"<style>{STYLE}</style></head><body><header>",
        f"<h1>{escape(report.source)}</h1>",
        f"<div>{len(report.ops)} operations, {report.keys} key(s), {escape(report.format)}</div>",
    ]
    for verdict in report.verdicts:
        css = "verdict ok" if verdict.holds else "verdict"
        text = "holds" if verdict.holds else f"VIOLATED: {verdict.explanation}"
        parts.append(f"<div class='{css}'>{escape(verdict.property)}: {escape(text)}</div>")
    if report.status == "stopped":
        parts.append(f"<div class='verdict'>stopped: {escape(report.stopped)}</div>")
    parts.append("</header>")
    for verdict in report.verdicts:
        if verdict.linearizability is not None:
            parts.append(_html_timeline(report, verdict))
    parts.append("</body></html>")
    return "\n".join(parts)


def _html_timeline(report: HistoryReport, verdict: Verdict) -> str:
    why = verdict.linearizability
    assert why is not None
    ops = _window(report, verdict)
    times = sorted({t for op in ops for t in (op.start, op.end) if t is not None})
    position = {t: i for i, t in enumerate(times)}
    span = max(1, len(times))
    conflict, prefix = set(why.conflict), set(why.prefix)
    processes = sorted({op.session for op in ops}, key=_natural)
    rows = [
        f"<section><h2>Timeline{escape(_of_key(why.key))}</h2><div class='legend'>"
        "<span class='op conflict' style='position:static'>cannot be linearized together</span>"
        "<span class='op prefix' style='position:static'>longest linearizable prefix</span>"
        "<span class='op pending' style='position:static'>outcome unknown</span></div>"
    ]
    for process in processes:
        rows.append(f"<div class='lane'><span class='name'>{escape(process)}</span>")
        for op in (o for o in ops if o.session == process):
            left = 100 * position[op.start] / span
            right = 100 * (position[op.end] + 1) / span if op.end is not None else 100.0
            classes = ["op"]
            if op.index in conflict:
                classes.append("conflict")
            elif op.index in prefix:
                classes.append("prefix")
            if op.end is None:
                classes.append("pending")
            label = escape(_label(op))
            title = escape(op.describe() + (f" (line {op.line})" if op.line else ""))
            rows.append(
                f"<div class='{' '.join(classes)}' title='{title}' style='left:calc(100px + "
                f"{left:.2f}% * 0.9);width:calc({max(right - left, 0.5):.2f}% * 0.9)'>{label}</div>"
            )
        rows.append("</div>")
    rows.append("</section>")
    return "\n".join(rows)
