"""A self-contained HTML report of a counterexample: the steps, the sequence chart as
SVG, the state at each step (click or hover a row), and the violated property.

Everything is inline (styles, script, data), so the file opens offline anywhere.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from ..results import Counterexample, Result
from .chart import message_text

LANE_GAP = 170
ROW = 34
TOP = 56
LEFT = 90

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7fb; }
header { padding: 16px 24px; background: #1d2330; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .verdict { font-weight: 600; color: #ff8a80; }
header .verdict.ok { color: #9be59b; }
header .bounds { color: #b8c0d8; font-size: 13px; }
main { display: flex; gap: 16px; padding: 16px 24px; align-items: flex-start; }
section { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px #0002; padding: 12px; }
.chart { overflow-x: auto; flex: 3; }
.state { flex: 2; min-width: 320px; position: sticky; top: 12px; }
.state h2 { font-size: 15px; margin: 0 0 8px; }
.state table { border-collapse: collapse; width: 100%; font-family: ui-monospace, monospace; font-size: 12.5px; }
.state td, .state th { border-bottom: 1px solid #e6e8ef; padding: 3px 6px; text-align: left; vertical-align: top; }
.state th { color: #5a6275; font-weight: 600; }
.state .changed td.value { background: #fff4c2; }
.state .flight { font-family: ui-monospace, monospace; font-size: 12.5px; margin: 8px 0 0; padding-left: 18px; }
.explanation { margin: 0 24px 16px; padding: 10px 14px; background: #ffecec; border-left: 4px solid #d93025; border-radius: 4px; }
svg text { font: 12px ui-monospace, monospace; fill: #1d2330; }
svg .lane-name { font: 600 14px system-ui, sans-serif; }
svg .lane { stroke: #9aa3b8; stroke-width: 1.5; }
svg .row:hover rect.hit, svg .row.selected rect.hit { fill: #e8f0fe; }
svg .row { cursor: pointer; }
svg .msg { stroke: #1a73e8; stroke-width: 2; fill: none; }
svg .msg.lost { stroke: #d93025; stroke-dasharray: 5 3; }
svg .msg.dup { stroke: #8e44ad; stroke-dasharray: 2 3; }
svg .event { fill: #1a73e8; }
svg .event.crash { fill: #d93025; }
svg .event.recover { fill: #188038; }
svg .span { stroke: #e37400; stroke-width: 2; stroke-dasharray: 8 4; }
svg .num { fill: #5a6275; }
svg .violation { fill: #d93025; font-weight: 700; }
"""

SCRIPT = """
const STEPS = JSON.parse(document.getElementById('steps-data').textContent);
function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }
function show(k) {
  const step = STEPS[k], prev = k > 0 ? STEPS[k - 1] : null;
  document.getElementById('state-title').textContent =
    k === 0 ? 'State 0: initial' : 'State ' + k + ': ' + step.action;
  const body = document.getElementById('state-body');
  body.replaceChildren();
  for (const [comp, fields] of Object.entries(step.components)) {
    for (const [name, value] of Object.entries(fields)) {
      const tr = document.createElement('tr');
      const before = prev && prev.components[comp] ? prev.components[comp][name] : value;
      if (before !== value) tr.className = 'changed';
      tr.append(cell(comp), cell(name));
      const v = cell(value); v.className = 'value'; tr.append(v);
      body.append(tr);
    }
  }
  const flight = document.getElementById('state-flight');
  flight.replaceChildren();
  for (const m of (step.in_flight.length ? step.in_flight : ['nothing in flight'])) {
    const li = document.createElement('li'); li.textContent = m; flight.append(li);
  }
  document.querySelectorAll('.row').forEach(r => r.classList.toggle('selected', +r.dataset.step === k));
}
document.querySelectorAll('.row').forEach(r => {
  r.addEventListener('click', () => show(+r.dataset.step));
  r.addEventListener('mouseenter', () => show(+r.dataset.step));
});
show(STEPS.length - 1);
"""


def html_report(result: Result, cex: Counterexample | None = None) -> str:
    """The report page for `cex` (default: the result's first counterexample)."""
    cex = cex or result.counterexample
    lanes = result.lanes
    title = f"evcheck: {result.spec.name}"
    if cex is None:
        verdict = f'<p class="verdict ok">OK: all properties hold within the bounds ({escape(", ".join(result.properties))})</p>'
        body = ""
        data: list[dict[str, Any]] = []
    else:
        verdict = (
            f'<p class="verdict">VIOLATION: {escape(cex.property)} ({escape(cex.description)}) '
            f"after {len(cex.trace)} step(s)</p>"
        )
        data = [
            {
                "index": s.index,
                "action": s.action,
                "components": s.view.components,
                "in_flight": s.view.in_flight,
            }
            for s in cex.trace.steps
        ]
        body = (
            f'<main><section class="chart">{_svg(cex, lanes)}</section>'
            '<section class="state"><h2 id="state-title"></h2>'
            "<table><thead><tr><th>where</th><th>field</th><th>value</th></tr></thead>"
            '<tbody id="state-body"></tbody></table><ul class="flight" id="state-flight"></ul>'
            "</section></main>"
            f'<p class="explanation"><b>{escape(cex.property)} violated:</b> {escape(cex.explanation)}</p>'
        )
    payload = json.dumps(data).replace("</", "<\\/")
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>{verdict}"
        f'<p class="bounds">{escape(result.bounds)} &middot; {escape(result.strategy)} &middot; '
        f"{result.stats.states:,} states</p></header>"
        f"{body}"
        f'<script type="application/json" id="steps-data">{payload}</script>'
        f"<script>{SCRIPT if cex is not None else ''}</script></body></html>\n"
    )


def _svg(cex: Counterexample, lanes: list[str]) -> str:
    steps = cex.trace.steps
    x = {lane: LEFT + i * LANE_GAP for i, lane in enumerate(lanes)}
    width = LEFT + max(1, len(lanes)) * LANE_GAP + 260
    height = TOP + (len(steps) + 1) * ROW
    last_x = LEFT + (len(lanes) - 1) * LANE_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="message sequence chart">',
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#1a73e8"/></marker></defs>',
    ]
    for lane, lx in x.items():
        parts.append(
            f'<text class="lane-name" x="{lx}" y="24" text-anchor="middle">{escape(lane)}</text>'
        )
        parts.append(f'<line class="lane" x1="{lx}" y1="34" x2="{lx}" y2="{height - 10}"/>')
    for step in steps:
        y = TOP + step.index * ROW
        k = step.index
        label = "initial state" if step.action is None else step.action
        parts.append(f'<g class="row" data-step="{k}"><title>{escape(label)}</title>')
        parts.append(
            f'<rect class="hit" x="0" y="{y - ROW / 2}" width="{width}" height="{ROW}" fill="transparent"/>'
        )
        parts.append(f'<text class="num" x="12" y="{y + 4}">{k}</text>')
        action = step.detail
        if action is None:
            parts.append(f'<text x="{LEFT - 40}" y="{y + 4}">{escape(label)}</text>')
        elif (
            action.src in x
            and action.dst in x
            and action.kind in ("deliver", "drop", "lose", "duplicate")
        ):
            x1, x2 = x[action.src or ""], x[action.dst or ""]
            text = message_text(action)
            if action.kind == "deliver":
                parts.append(
                    f'<line class="msg" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" marker-end="url(#arrow)"/>'
                )
            elif action.kind == "duplicate":
                parts.append(f'<line class="msg dup" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>')
            else:
                mid = (x1 + x2) / 2
                parts.append(f'<line class="msg lost" x1="{x1}" y1="{y}" x2="{mid}" y2="{y}"/>')
                parts.append(
                    f'<text class="violation" x="{mid}" y="{y + 5}" text-anchor="middle">&#x2715;</text>'
                )
            parts.append(f'<text x="{min(x1, x2) + 6}" y="{y - 6}">{escape(_clip(text))}</text>')
        elif action.kind == "op" and action.session in x and action.actor in x:
            sx, ax = x[action.session or ""], x[action.actor or ""]
            parts.append(
                f'<line class="msg" x1="{sx}" y1="{y}" x2="{ax}" y2="{y}" marker-end="url(#arrow)"/>'
            )
            parts.append(f'<circle class="event" cx="{ax}" cy="{y}" r="5"/>')
            parts.append(
                f'<text x="{min(sx, ax) + 6}" y="{y - 6}">{escape(_clip(action.label))}</text>'
            )
        elif action.actor in x:
            ax = x[action.actor or ""]
            cls = {"crash": "event crash", "recover": "event recover"}.get(action.kind, "event")
            parts.append(f'<circle class="{cls}" cx="{ax}" cy="{y}" r="6"/>')
            parts.append(f'<text x="{ax + 12}" y="{y + 4}">{escape(action.label)}</text>')
        else:
            if action.kind == "partition":
                parts.append(f'<line class="span" x1="{LEFT}" y1="{y}" x2="{last_x}" y2="{y}"/>')
            parts.append(f'<text x="{last_x + 16}" y="{y + 4}">{escape(action.label)}</text>')
        parts.append("</g>")
    y = TOP + len(steps) * ROW
    parts.append(
        f'<text class="violation" x="{LEFT - 40}" y="{y + 4}">violated: {escape(cex.property)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _clip(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
