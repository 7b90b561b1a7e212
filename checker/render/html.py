"""A self-contained HTML report of a run: the verdict, every property with its verdict,
the statistics and the faults exercised; and for a violation, the sequence chart as SVG,
the state at each step as a replicas x fields grid (click a row, or step through the
trace with the arrow keys or j/k), the messages still in flight when the property
failed, and the steps Z3 names in a conflict.

Everything is inline (styles, script, data), so the file opens offline anywhere. All
text from specs and traces goes in through `html.escape` or, in the script, through
`textContent`; the step data is JSON inside a `<script>` element, with `<`, `>` and `&`
written as `\\u` escapes so that no value can close that element or open a comment.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from ..display import one_line, plural
from ..results import Counterexample, Result
from ..trace import Step
from .chart import cycle_note
from .svg import svg_chart
from .text import (
    explanation_parts,
    property_verdicts,
    render_faults,
    render_stats,
    verdict_line,
)

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7fb; }
header { padding: 16px 24px; background: #1d2330; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .verdict { font-weight: 600; color: #ff8a80; }
header .verdict.ok { color: #9be59b; }
header .verdict.stopped { color: #ffd27f; }
header .bounds { color: #b8c0d8; font-size: 13px; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(320px, 2fr); gap: 16px;
       padding: 16px 24px; align-items: start; }
@media (max-width: 900px) { main { grid-template-columns: minmax(0, 1fr); } }
section { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px #0002; padding: 12px; min-width: 0; }
h2 { font-size: 15px; margin: 0 0 8px; }
.chart { overflow-x: auto; }
.chart svg { display: block; }
.hint { color: #5a6275; font-size: 12.5px; margin: 0 0 6px; }
kbd { border: 1px solid #c5cad8; border-radius: 3px; padding: 0 4px; font-size: 11.5px; background: #f6f7fb; }
.state { position: sticky; top: 12px; overflow-x: auto; }
table { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 12.5px; }
td, th { border-bottom: 1px solid #e6e8ef; padding: 3px 8px; text-align: left; vertical-align: top; }
th { color: #5a6275; font-weight: 600; }
td.changed { background: #fff4c2; }
.flight { font-family: ui-monospace, monospace; font-size: 12.5px; margin: 8px 0 0; padding-left: 18px; }
.explanation { grid-column: 1 / -1; background: #ffecec; border-left: 4px solid #d93025; }
.explanation p { margin: 0; }
.cycle { background: #eef3ff; border-left: 4px solid #3b6fd9; padding: 4px 8px; }
.explanation ul { margin: 6px 0 0; padding-left: 20px; }
.explanation li.z3 { list-style: none; margin-left: -20px; color: #5a6275; }
.summary { grid-column: 1 / -1; }
.summary table { margin-bottom: 8px; }
.summary td.violated { color: #d93025; font-weight: 600; }
.summary td.holds { color: #188038; }
.summary td.vacuous { color: #b06000; font-weight: bold; }
.summary pre { margin: 0; font-size: 12.5px; white-space: pre-wrap; }
svg text { font: 12px ui-monospace, monospace; fill: #1d2330; }
svg .lane-name { font: 600 14px system-ui, sans-serif; }
svg .lane { stroke: #9aa3b8; stroke-width: 1.5; }
svg .row { cursor: pointer; outline: none; }
svg .row:hover rect.hit, svg .row.selected rect.hit { fill: #e8f0fe; }
svg .row:focus rect.hit { stroke: #1a73e8; stroke-width: 2; }
svg .row[data-conflict] rect.hit { fill: #fff4c2; }
svg .row[data-conflict].selected rect.hit { fill: #ffe48a; }
svg .badge { fill: #b06000; font-weight: 700; }
svg .request { fill: #d2e3fc; stroke: #1a73e8; stroke-width: 1; }
svg .request.pending { fill: #fff; stroke-dasharray: 3 2; }
svg .cycle-band { fill: #eef3ff; stroke: #3b6fd9; stroke-dasharray: 4 3; }
svg text.cycle-label { font: 600 10px ui-monospace, monospace; fill: #3b6fd9; }
svg .cycle-return { stroke: #3b6fd9; stroke-width: 1.5; fill: none; }
svg .msg { stroke: #1a73e8; stroke-width: 2; fill: none; }
svg .msg.lost { stroke: #d93025; stroke-dasharray: 5 3; }
svg .msg.dup { stroke: #8e44ad; stroke-dasharray: 2 3; }
svg .msg.pending { stroke: #7a8194; stroke-dasharray: 6 4; }
svg .cross { stroke: #d93025; stroke-width: 2.5; }
svg .event { fill: #1a73e8; }
svg .event.crash { fill: #d93025; }
svg .event.recover { fill: #188038; }
svg .span { stroke: #e37400; stroke-width: 2; stroke-dasharray: 8 4; }
svg .num { fill: #5a6275; }
svg .violation { fill: #d93025; font-weight: 700; }
svg .violation-line { stroke: #d93025; stroke-width: 2; }
svg .muted { fill: #5a6275; }
"""

SCRIPT = """
const STEPS = JSON.parse(document.getElementById('steps-data').textContent);
const ROWS = Array.from(document.querySelectorAll('.row'));
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function grid(step, prev) {
  const table = document.getElementById('state-grid');
  table.replaceChildren();
  const names = Object.keys(step.components).filter(n => n !== 'environment');
  const fields = [];
  for (const n of names) for (const f of Object.keys(step.components[n])) if (!fields.includes(f)) fields.push(f);
  const head = el('tr'); head.append(el('th', ''));
  for (const f of fields) head.append(el('th', f));
  table.append(head);
  for (const n of names) {
    const tr = el('tr'); tr.append(el('th', n));
    for (const f of fields) {
      const value = step.components[n][f];
      const before = prev && prev.components[n] ? prev.components[n][f] : value;
      tr.append(el('td', value === undefined ? '' : value, before !== value ? 'changed' : ''));
    }
    table.append(tr);
  }
  const env = document.getElementById('state-env');
  env.replaceChildren();
  const fieldsOfEnv = step.components.environment || {};
  for (const [f, value] of Object.entries(fieldsOfEnv)) {
    const before = prev && prev.components.environment ? prev.components.environment[f] : value;
    const tr = el('tr'); tr.append(el('th', f), el('td', value, before !== value ? 'changed' : ''));
    env.append(tr);
  }
}
function show(k, focus) {
  k = Math.max(0, Math.min(STEPS.length - 1, k));
  const step = STEPS[k], prev = k > 0 ? STEPS[k - 1] : null;
  document.getElementById('state-title').textContent =
    k === 0 ? 'State 0: initial' : 'State ' + k + ': ' + step.action;
  grid(step, prev);
  const flight = document.getElementById('state-flight');
  flight.replaceChildren();
  for (const m of (step.in_flight.length ? step.in_flight : ['nothing in flight'])) flight.append(el('li', m));
  ROWS.forEach(r => r.classList.toggle('selected', +r.dataset.step === k));
  if (focus) { ROWS[k].focus(); ROWS[k].scrollIntoView({block: 'nearest', inline: 'nearest'}); }
  current = k;
}
let current = STEPS.length - 1;
ROWS.forEach(r => {
  r.addEventListener('click', () => show(+r.dataset.step, true));
  r.addEventListener('focus', () => { if (+r.dataset.step !== current) show(+r.dataset.step, false); });
});
const KEYS = {ArrowDown: 1, ArrowRight: 1, j: 1, ArrowUp: -1, ArrowLeft: -1, k: -1};
document.addEventListener('keydown', e => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key in KEYS) show(current + KEYS[e.key], true);
  else if (e.key === 'Home') show(0, true);
  else if (e.key === 'End') show(STEPS.length - 1, true);
  else return;
  e.preventDefault();
});
show(current, false);
"""


def html_report(result: Result, cex: Counterexample | None = None) -> str:
    """The report page of `result`, showing `cex` (default: its first counterexample)."""
    cex = cex or result.counterexample
    title = f"evcheck: {result.spec.name}"
    data: list[dict[str, Any]] = []
    body = ""
    if cex is not None:
        data = [_step_data(step, cex) for step in cex.trace.steps]
        body = (
            '<section class="chart"><h2>Sequence chart</h2>'
            '<p class="hint">Click a step, or step through the trace with <kbd>&uarr;</kbd> '
            "<kbd>&darr;</kbd> or <kbd>j</kbd> <kbd>k</kbd> (<kbd>Home</kbd>, <kbd>End</kbd>)."
            + (
                " Highlighted steps are the operations Z3 names in the conflict."
                if cex.conflict_steps
                else ""
            )
            + f"</p>{_cycle(cex)}{svg_chart(cex, result.lanes)}</section>"
            '<section class="state"><h2 id="state-title"></h2>'
            '<table id="state-grid"></table><table id="state-env"></table>'
            '<ul class="flight" id="state-flight"></ul></section>'
            f"{_explanation(cex)}"
        )
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>{_verdict(result, cex)}"
        f'<p class="bounds">{escape(result.bounds)} &middot; {escape(result.strategy)}</p></header>'
        f"<main>{body}{_summary(result)}</main>"
        f'<script type="application/json" id="steps-data">{script_json(data)}</script>'
        f"<script>{SCRIPT if cex is not None else ''}</script></body></html>\n"
    )


def script_json(data: Any) -> str:
    """`data` as JSON that is safe inside a `<script>` element: `<`, `>` and `&` (which
    could close the element or open a comment) as `\\u` escapes, and every non-ASCII
    character escaped (U+2028 and U+2029 among them)."""
    text = json.dumps(data, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _step_data(step: Step, cex: Counterexample) -> dict[str, Any]:
    return {
        "index": step.index,
        "action": step.action,
        "components": step.view.components,
        "in_flight": step.view.in_flight,
        "conflict": step.index in cex.conflict_steps,
        "cycle": cex.loop is not None and step.index > cex.loop,
    }


def _cycle(cex: Counterexample) -> str:
    """A lasso's cycle, said above the chart (the steps it names repeat forever)."""
    if cex.loop is None:
        return ""
    return f'<p class="cycle"><b>Lasso:</b> {escape(cycle_note(cex.trace, cex.loop))}.</p>'


def _verdict(result: Result, cex: Counterexample | None) -> str:
    if cex is not None:
        return (
            f'<p class="verdict">VIOLATION: {escape(cex.property)} '
            f"({escape(one_line(cex.description))}) after {plural(len(cex.trace), 'step')}</p>"
        )
    cls = "stopped" if result.status == "stopped" else "ok"
    return f'<p class="verdict {cls}">{escape(verdict_line(result))}</p>'


def _explanation(cex: Counterexample) -> str:
    headline, facts = explanation_parts(cex.property, cex.explanation)
    items = "".join(
        f'<li class="{"z3" if fact.startswith("confirmed by Z3") else ""}">{escape(fact)}</li>'
        for fact in facts
    )
    return (
        f'<section class="explanation"><p><b>{escape(cex.property)} violated:</b> '
        f"{escape(headline)}</p>{f'<ul>{items}</ul>' if items else ''}</section>"
    )


def _verdict_class(verdict: str) -> str:
    if verdict.startswith("VIOLATED"):
        return "violated"
    if verdict.startswith("holds vacuously"):
        return "vacuous"
    return "holds" if verdict.startswith("holds") else ""


def _summary(result: Result) -> str:
    """Every property with its verdict, the statistics and the faults: on every report."""
    rows = "".join(
        f'<tr><td>{escape(name)}</td><td class="{_verdict_class(verdict)}">'
        f"{escape(verdict)}</td></tr>"
        for name, verdict in property_verdicts(result)
    )
    stats = [line.strip() for line in render_stats(result.stats)]
    stats.append(f"faults: {render_faults(result.faults_declared, result.faults_exercised)}")
    return (
        '<section class="summary"><h2>Properties</h2>'
        f"<table><tr><th>property</th><th>verdict</th></tr>{rows}</table>"
        f"<h2>Run</h2><pre>{escape(chr(10).join(stats))}</pre></section>"
    )
