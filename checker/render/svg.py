"""The sequence chart of a counterexample as SVG, for the HTML report.

One row per step, each a focusable group (`class="row"`, `data-step`) that the
report's script selects; steps Z3 names in a conflict carry `data-conflict`. A lasso's
cycle (the steps that repeat forever) lies on a band (`class="cycle-band"`) labelled
"cycle repeats forever", its rows carry `data-cycle`, and an arrow on the left leads
from its last step back to the state it returns to. A lost
message is a dashed line to its receiver's lane with a cross at the tip; the messages
still in flight when the property failed are drawn below the violation. Labels are
clipped, and the SVG is as wide as its lanes and labels need. A client request is a
bar on its session's lane from invocation to reply (`class="request"`), dashed when it
is still pending at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..display import show
from ..results import Counterexample
from ..trace import Step
from .chart import message_text

LANE_GAP = 160
ROW = 34
TOP = 56
LEFT = 90
CHAR = 7.3  # width of one character of the 12px monospace labels
LABEL_ROOM = 44  # characters of a label beside a lane
MESSAGE_LABEL = 64  # characters of a message's label above its arrow (it may run past it)


def svg_chart(cex: Counterexample, lanes: list[str]) -> str:
    """The trace as an SVG sequence chart: one focusable row per step, then the
    violation, then the messages still in flight at it. The SVG is as wide as its
    lanes and labels need (labels are clipped); the page scrolls it when it is wider."""
    steps = cex.trace.steps
    pending = _pending(steps[-1])
    x = {lane: LEFT + i * LANE_GAP for i, lane in enumerate(lanes)}
    last_x = LEFT + (len(lanes) - 1) * LANE_GAP
    height = TOP + (len(steps) + 1 + len(pending)) * ROW + (ROW if pending else 0)
    canvas = _Canvas(last_x + 40)
    if cex.loop is not None:
        _cycle(canvas, cex, last_x)
    for lane, lx in x.items():
        canvas.text(lx, 24, _clip(lane, 20), 'class="lane-name" text-anchor="middle"')
        canvas.add(f'<line class="lane" x1="{lx}" y1="34" x2="{lx}" y2="{height - 10}"/>')
    _requests(canvas, steps, x)
    for step in steps:
        _row(canvas, step, cex, x, last_x)
    y = TOP + len(steps) * ROW
    canvas.add(
        f'<line class="violation-line" x1="{LEFT - 50}" y1="{y - ROW / 2}" '
        f'x2="{last_x + 20}" y2="{y - ROW / 2}"/>'
    )
    canvas.text(LEFT - 40, y + 4, f"violated: {cex.property}", 'class="violation"')
    if pending:
        y += ROW
        canvas.text(LEFT - 40, y + 4, "still in flight when it failed:", 'class="muted"')
        for src, dst, text in pending:
            y += ROW
            canvas.add(_arrow("msg pending", x[src], x[dst], y, "url(#open-arrow)"))
            canvas.label(text, x[src], x[dst], y, MESSAGE_LABEL)
    width = int(canvas.right + 16)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="message sequence chart">'
        f"{MARKERS}{''.join(canvas.parts)}</svg>"
    )


CYCLE_LABEL = "cycle repeats forever"


def _requests(canvas: _Canvas, steps: Sequence[Step], x: dict[str, int]) -> None:
    """Each request as a bar on its session's lane, from the step that invoked it to
    the step whose reply completed it; one still pending at the end is dashed, open at
    the bottom, and says so."""
    started: dict[tuple[str, int], int] = {}
    bars: list[tuple[str, int, int, int | None]] = []
    for step in steps:
        action = step.detail
        if action is None:
            continue
        if action.request is not None and action.session is not None:
            started[(action.session, action.request)] = step.index
        for session, number, _, completed in action.replies:
            begun = started.pop((session, number), None) if completed else None
            if begun is not None:
                bars.append((session, number, begun, step.index))
    bars.extend((session, number, begun, None) for (session, number), begun in started.items())
    last = TOP + len(steps) * ROW - ROW / 2
    for session, number, begun, ended in bars:
        if session not in x:
            continue
        top = TOP + begun * ROW - 6
        bottom = TOP + ended * ROW + 6 if ended is not None else last
        pending = " pending" if ended is None else ""
        title = f"{session}#{number}: " + (
            f"steps {begun}-{ended}" if ended is not None else f"invoked at step {begun}, pending"
        )
        canvas.add(
            f'<rect class="request{pending}" data-request="{escape(session)}#{number}" '
            f'x="{x[session] - 4}" y="{top}" width="8" height="{bottom - top}" rx="3">'
            f"<title>{escape(title)}</title></rect>"
        )
        if ended is None:
            canvas.text(x[session] + 8, bottom - 4, "pending", 'class="muted"')


def _cycle(canvas: _Canvas, cex: Counterexample, last_x: int) -> None:
    """A lasso's cycle: a band behind the rows that repeat forever (for a stutter, the
    last state's row), its label, and an arrow from its end back to where it returns."""
    loop = cex.loop
    assert loop is not None
    last = len(cex.trace)
    first = min(loop + 1, last)  # a stutter: the last state repeats
    top = TOP + first * ROW - ROW / 2
    bottom = TOP + last * ROW + ROW / 2
    if loop < last:
        label = f"{CYCLE_LABEL}: steps {loop + 1}-{last}, back to state {loop}"
    else:
        label = f"{CYCLE_LABEL}: state {last} stays, no fair action is enabled there"
    x_label = last_x + 16
    width = max(last_x + 36, x_label + len(label) * CHAR * 10 / 12 + 8)
    canvas.add(
        f'<rect class="cycle-band" x="2" y="{top}" width="{width:g}" '
        f'height="{bottom - top}" rx="6" fill="#eef3ff" stroke="#3b6fd9" '
        'stroke-dasharray="4 3"/>'
    )
    # along the band's top edge, above the first row's labels
    canvas.text(x_label, top + 10, label, 'class="cycle-label" fill="#3b6fd9" font-size="10"')
    if loop < last:  # back from the end of the cycle to the state it starts from
        y_end, y_back = TOP + last * ROW, TOP + loop * ROW
        canvas.add(
            f'<path class="cycle-return" d="M10,{y_end} H5 V{y_back} H9" fill="none" '
            'stroke="#3b6fd9" stroke-width="1.5" marker-end="url(#cycle-arrow)"/>'
        )


MARKERS = (
    "<defs>"
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
    '<path d="M0,0 L10,5 L0,10 z" fill="#1a73e8"/></marker>'
    '<marker id="open-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
    '<path d="M0,0 L10,5 L0,10" fill="none" stroke="#7a8194" stroke-width="1.5"/></marker>'
    '<marker id="cycle-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
    '<path d="M0,0 L10,5 L0,10 z" fill="#3b6fd9"/></marker></defs>'
)
MESSAGE_CLASSES = {"deliver": "msg", "drop": "msg lost", "lose": "msg lost", "duplicate": "msg dup"}


class _Canvas:
    """SVG parts, and how far right their text reaches (the chart's width follows it)."""

    def __init__(self, right: float) -> None:
        self.parts: list[str] = []
        self.right = right

    def add(self, part: str) -> None:
        self.parts.append(part)

    def text(self, x: float, y: float, text: str, attrs: str = "") -> None:
        """`text` (escaped here) starting at x; `attrs` are trusted attribute markup."""
        centred = "middle" in attrs
        self.right = max(self.right, x + len(text) * CHAR / (2 if centred else 1))
        self.parts.append(f'<text {attrs} x="{x}" y="{y}">{escape(text)}</text>')

    def label(self, text: str, x1: int, x2: int, y: int, least: int) -> None:
        """A message's text above its arrow, clipped to the arrow's length (at least
        `least` characters, which may run on to the right)."""
        room = max(least, int(abs(x2 - x1) / CHAR) - 1)
        self.text(min(x1, x2) + 6, y - 6, _clip(text, room))


def _pending(last: Step) -> list[tuple[str, str, str]]:
    """The messages in flight at the violation, once each with a count of copies."""
    counts: dict[tuple[str, str, str], int] = {}
    for src, dst, msg in last.view.messages:
        key = (src, dst, show(msg, 200))
        counts[key] = counts.get(key, 0) + 1
    return [
        (src, dst, f"{src}->{dst} {text}" + (f" (x{n})" if n > 1 else ""))
        for (src, dst, text), n in counts.items()
    ]


def _row(canvas: _Canvas, step: Step, cex: Counterexample, x: dict[str, int], last_x: int) -> None:
    y = TOP + step.index * ROW
    k = step.index
    label = "initial state" if step.action is None else step.action
    conflict = " data-conflict" if k in cex.conflict_steps else ""
    in_cycle = cex.loop is not None and (k > cex.loop or k == cex.loop == len(cex.trace))
    cycle = " data-cycle" if in_cycle else ""
    note = f" ({CYCLE_LABEL})" if in_cycle else ""
    canvas.add(
        f'<g class="row" data-step="{k}" tabindex="0"{conflict}{cycle} '
        f'aria-label="step {k}: {escape(label)}{note}">'
        f"<title>{escape(label)}{note}</title>"
        f'<rect class="hit" x="0" y="{y - ROW / 2}" width="100%" height="{ROW}" fill="transparent"/>'
    )
    canvas.text(12, y + 4, str(k), 'class="num"')
    if conflict:
        canvas.text(34, y + 4, "Z3", 'class="badge"')
    action = step.detail
    if action is None:
        canvas.text(LEFT - 40, y + 4, _clip(label))
    elif action.src in x and action.dst in x and action.kind in MESSAGE_CLASSES:
        x1, x2 = x[action.src or ""], x[action.dst or ""]
        if action.kind in ("drop", "lose"):
            canvas.add(_arrow("msg lost", x1, x2, y, None))
            canvas.add(_cross(x2 - 9 if x2 > x1 else x2 + 9, y))
        else:
            marker = "url(#arrow)" if action.kind == "deliver" else None
            canvas.add(_arrow(MESSAGE_CLASSES[action.kind], x1, x2, y, marker))
        canvas.label(message_text(action), x1, x2, y, MESSAGE_LABEL)
    elif action.kind == "op" and action.session in x and action.actor in x:
        sx, ax = x[action.session or ""], x[action.actor or ""]
        canvas.add(_arrow("msg", sx, ax, y, "url(#arrow)"))
        canvas.add(f'<circle class="event" cx="{ax}" cy="{y}" r="5"/>')
        canvas.label(action.label, sx, ax, y, MESSAGE_LABEL)
    elif action.actor in x:
        ax = x[action.actor or ""]
        cls = {"crash": "event crash", "recover": "event recover"}.get(action.kind, "event")
        canvas.add(f'<circle class="{cls}" cx="{ax}" cy="{y}" r="6"/>')
        canvas.text(ax + 12, y + 4, _clip(action.label))
    else:
        if action.kind == "partition":
            canvas.add(f'<line class="span" x1="{LEFT}" y1="{y}" x2="{last_x}" y2="{y}"/>')
        canvas.text(last_x + 16, y + 4, _clip(action.label))
    canvas.add("</g>")


def _arrow(cls: str, x1: int, x2: int, y: int, marker: str | None) -> str:
    end = f' marker-end="{marker}"' if marker else ""
    return f'<line class="{cls}" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"{end}/>'


def _cross(cx: float, y: int) -> str:
    """The `x` at the tip of a message that never arrived, just before its receiver."""
    d = 5
    return (
        f'<path class="cross" d="M{cx - d},{y - d} L{cx + d},{y + d} '
        f'M{cx - d},{y + d} L{cx + d},{y - d}"/>'
    )


def _clip(text: str, limit: int = LABEL_ROOM) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
