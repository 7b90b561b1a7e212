"""Message sequence charts of a trace: ASCII lanes for the terminal, and Mermaid.

One lane per replica; each step is one row. A delivery is an arrow from sender to
receiver drawn at the step it arrives; a local event (operation, timer, crash,
recovery) is a mark on its lane; partitions, heals and ticks span the chart.

    marks:  * operation   o timer   X crash   ^ recover
    arrows: ---> delivered   ---x dropped or lost   ...> duplicated
            <===* a client session's operation at a replica (session lanes on the right)
    requests: # a session lane while its request is pending   + the step that completes it

A message that never arrived is drawn all the way to its receiver's lane with an `x`
at the tip, and its label names the route (`drop r1->r3 ...`): an arrow that stopped
halfway would point at whichever replica sits in the middle.

Every label comes from the spec or a trace file, so the ASCII chart is escaped for
the terminal (`display.terminal`) and Mermaid text is reduced to characters Mermaid
cannot read as syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..display import terminal
from ..model import Action
from ..trace import Trace

MARKS = {"op": "*", "timer": "o", "crash": "X", "recover": "^", "suspect": "?", "trust": "="}
# Characters Mermaid may read as syntax in a label or a participant alias: `;` ends a
# statement, `#` starts an entity, `%%` a comment or directive, `<` and `&` are HTML.
MERMAID_UNSAFE = set(";#%<&")
MERMAID_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MERMAID_KEYWORDS = {
    "activate", "alt", "and", "as", "autonumber", "box", "break", "critical", "deactivate",
    "else", "end", "left", "loop", "note", "opt", "over", "par", "participant", "actor",
    "rect", "right", "of", "links", "link", "create", "destroy", "title", "sequencediagram",
}  # fmt: skip
SPANS = {"partition": "~", "heal": " ", "tick": " "}


def cycle_note(trace: Trace, loop: int) -> str:
    """What a lasso's cycle is, in words (`loop` as in `Counterexample.loop`)."""
    if loop >= len(trace):
        return f"state {len(trace)} repeats forever: no fair action is enabled there"
    return f"steps {loop + 1}-{len(trace)} repeat forever (back to state {loop})"


def ascii_chart(
    trace: Trace, lanes: Sequence[str], violation: str | None = None, loop: int | None = None
) -> str:
    """The trace as an ASCII sequence chart, one row per step, labels on the right; a
    lasso's cycle is fenced by `cycle` lines."""
    shown = [_lane_name(lane) for lane in lanes]
    width = max(12, max((len(lane) for lane in shown), default=2) + 6)
    centers = [6 + i * width for i in range(len(lanes))]
    right = (centers[-1] if centers else 6) + 4
    index = {lane: i for i, lane in enumerate(lanes)}

    def blank() -> list[str]:
        row = [" "] * right
        for c in centers:
            row[c] = "|"
        return row

    header = [" "] * right
    for lane, c in zip(shown, centers, strict=True):
        start = max(0, c - len(lane) // 2)
        header[start : start + len(lane)] = lane
    lines = ["".join(header).rstrip(), "".join(blank()).rstrip()]
    waiting: dict[str, str] = {}  # session lane -> its pending request
    for step in trace.steps[1:]:
        if loop is not None and step.index == loop + 1:
            lines.append("    " + "-" * max(1, right - 4) + "   cycle: " + cycle_note(trace, loop))
        row = blank()
        for lane in waiting:
            if lane in index and row[centers[index[lane]]] == "|":
                row[centers[index[lane]]] = "#"
        action = step.detail
        text = step.action or ""
        if action is not None:
            text = _draw(row, action, index, centers)
            if action.request is not None and action.session is not None:
                waiting[action.session] = f"{action.session}#{action.request}"
            for session, _, _, completed in action.replies:
                if completed and session in index:
                    waiting.pop(session, None)
                    row[centers[index[session]]] = "+"
        lines.append(f"{step.index:>3} " + "".join(row)[4:] + "   " + terminal(text))
    if waiting:
        lines.append(
            "    pending at the end (outcome unknown): " + ", ".join(sorted(waiting.values()))
        )
    if loop is not None:
        lines.append("    " + "-" * max(1, right - 4) + "   " + cycle_note(trace, loop))
    if violation:
        lines.append("    " + "=" * max(1, right - 4) + f"   violated: {terminal(violation)}")
    return "\n".join(line.rstrip() for line in lines)


def _lane_name(lane: str, limit: int = 20) -> str:
    """A lane's heading: escaped, and clipped so that one long name cannot widen every row."""
    shown = terminal(lane)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _draw(row: list[str], action: Action, index: dict[str, int], centers: list[int]) -> str:
    """Draw `action` into `row`; return the text for the right-hand column."""
    kind = action.kind
    if (
        kind in ("deliver", "drop", "lose", "duplicate")
        and action.src in index
        and action.dst in index
    ):
        a, b = centers[index[action.src]], centers[index[action.dst]]
        fill = "." if kind == "duplicate" else "-"
        if a == b:
            row[a] = "@"
        else:
            for x in range(min(a, b) + 1, max(a, b)):
                row[x] = fill
            tip = b - 1 if b > a else b + 1
            if kind in ("drop", "lose"):
                row[tip] = "x"
            else:
                row[tip] = ">" if b > a else "<"
        return message_text(action)
    if kind == "op" and action.session in index and action.actor in index:
        a, b = centers[index[action.session or ""]], centers[index[action.actor or ""]]
        lo, hi = min(a, b), max(a, b)
        for x in range(lo + 1, hi):
            row[x] = "="
        row[b] = "*"
        row[b + 1 if b < a else b - 1] = "<" if b < a else ">"
        return action.label
    if kind in MARKS and action.actor in index:
        row[centers[index[action.actor]]] = MARKS[kind]
        return action.label
    if kind in SPANS and centers:
        for x in range(centers[0] + 1, centers[-1]):
            if row[x] == " ":
                row[x] = SPANS[kind]
        return action.label
    return action.label


def message_text(action: Action) -> str:
    """`drop r1->r3 Update(...) (partitioned)`: the verb, the route and the message, and
    the note. A delivery's arrow ends at its receiver, so its text is just the message;
    every other message event names sender and receiver in words too."""
    verb = {"deliver": "", "drop": "drop ", "lose": "lost ", "duplicate": "dup "}[action.kind]
    message = action.message or ""
    note = action.label[action.label.find(message) + len(message) :] if message else ""
    route = f"{action.src}->{action.dst} " if verb and action.src and action.dst else ""
    return f"{verb}{route}{message}{note}"


def mermaid_chart(
    trace: Trace, lanes: Sequence[str], violation: str | None = None, loop: int | None = None
) -> str:
    """The trace as a Mermaid `sequenceDiagram`; a lasso's cycle is a `loop` block."""
    ids = {lane: _mermaid_id(lane, k) for k, lane in enumerate(lanes)}
    out = ["sequenceDiagram"]
    for lane in lanes:
        alias = "" if ids[lane] == lane else f" as {_mermaid_text(lane)}"
        out.append(f"    participant {ids[lane]}{alias}")
    ends = [ids[lanes[0]], ids[lanes[-1]]] if lanes else []
    span = ",".join(dict.fromkeys(ends))
    for step in trace.steps[1:]:
        if loop is not None and step.index == loop + 1:
            out.append(f"    loop {_mermaid_text(cycle_note(trace, loop))}")
        action = step.detail
        label = _mermaid_text(f"{step.index}. {step.action}")
        if action is None:
            if span:
                out.append(f"    Note over {span}: {label}")
            continue
        src, dst = ids.get(action.src or ""), ids.get(action.dst or "")
        actor, session = ids.get(action.actor or ""), ids.get(action.session or "")
        if action.kind in ("deliver", "drop", "lose") and src and dst:
            arrow = "->>" if action.kind == "deliver" else "-x"
            text = _mermaid_text(f"{step.index}. {message_text(action)}")
            out.append(f"    {src}{arrow}{dst}: {text}")
        elif action.kind == "op" and session and actor:
            out.append(f"    {session}->>{actor}: {label}")
            if action.request is not None:
                out.append(f"    activate {session}")
        elif action.kind == "duplicate" and src and dst:
            text = _mermaid_text(f"{step.index}. {message_text(action)}")
            out.append(f"    Note over {','.join(dict.fromkeys([src, dst]))}: {text}")
        elif actor:
            out.append(f"    Note over {actor}: {label}")
        elif span:
            out.append(f"    Note over {span}: {label}")
        replier: str | None = dst if action.kind == "deliver" else actor
        for who, number, value, completed in action.replies:
            client = ids.get(who)
            if client is not None and replier is not None:
                shown = _mermaid_text(
                    f"{who}#{number} -> {value!r}" + ("" if completed else " (ignored)")
                )
                out.append(f"    {replier}-->>{client}: {shown}")
                if completed:
                    out.append(f"    deactivate {client}")
    if loop is not None and loop < len(trace):
        out.append("    end")
    elif loop is not None and span:
        out.append(f"    Note over {span}: {_mermaid_text(cycle_note(trace, loop))}")
    if violation and span:
        out.append(f"    Note over {span}: {_mermaid_text('violated: ' + violation)}")
    return "\n".join(out)


def _mermaid_id(lane: str, position: int) -> str:
    """The lane's own name when Mermaid reads it as a plain name, else `_lane<k>` (the
    name is then shown through an alias)."""
    if MERMAID_ID.fullmatch(lane) and lane.lower() not in MERMAID_KEYWORDS:
        return lane
    return f"_lane{position + 1}"  # a plain name never starts with `_`, so never collides


def _mermaid_text(text: str) -> str:
    """Text Mermaid shows as is: every character it could read as syntax (see
    `MERMAID_UNSAFE`), and every non-printable one such as a newline, becomes an entity
    code `#NN;`. Its output is one line of printable, inert characters."""
    return "".join(
        f"#{ord(ch)};" if ch in MERMAID_UNSAFE or not ch.isprintable() else ch for ch in text
    )
