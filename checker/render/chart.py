"""Message sequence charts of a trace: ASCII lanes for the terminal, and Mermaid.

One lane per replica; each step is one row. A delivery is an arrow from sender to
receiver drawn at the step it arrives; a local event (operation, timer, crash,
recovery) is a mark on its lane; partitions, heals and ticks span the chart.

    marks:  * operation   o timer   X crash   ^ recover
    arrows: ---> delivered   ---x dropped or lost   ...> duplicated
            <===* a client session's operation at a replica (session lanes on the right)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Action
from ..trace import Trace

MARKS = {"op": "*", "timer": "o", "crash": "X", "recover": "^"}
MERMAID_ESCAPES = {"#": "#35;", ";": "#59;"}
SPANS = {"partition": "~", "heal": " ", "tick": " "}


def ascii_chart(trace: Trace, lanes: Sequence[str], violation: str | None = None) -> str:
    """The trace as an ASCII sequence chart, one row per step, labels on the right."""
    width = max(12, max((len(lane) for lane in lanes), default=2) + 6)
    centers = [6 + i * width for i in range(len(lanes))]
    right = (centers[-1] if centers else 6) + 4
    index = {lane: i for i, lane in enumerate(lanes)}

    def blank() -> list[str]:
        row = [" "] * right
        for c in centers:
            row[c] = "|"
        return row

    header = [" "] * right
    for lane, c in zip(lanes, centers, strict=True):
        start = max(0, c - len(lane) // 2)
        header[start : start + len(lane)] = lane
    lines = ["".join(header).rstrip(), "".join(blank()).rstrip()]
    for step in trace.steps[1:]:
        row = blank()
        action = step.detail
        text = step.action or ""
        if action is not None:
            text = _draw(row, action, index, centers)
        lines.append(f"{step.index:>3} " + "".join(row)[4:] + "   " + text)
    if violation:
        lines.append("    " + "=" * max(1, right - 4) + f"   violated: {violation}")
    return "\n".join(line.rstrip() for line in lines)


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
            lo, hi = min(a, b), max(a, b)
            for x in range(lo + 1, hi):
                row[x] = fill
            tip = b - 1 if b > a else b + 1
            if kind in ("drop", "lose"):
                middle = (lo + hi) // 2
                for x in range(lo + 1, hi):
                    row[x] = fill if (x < middle if b > a else x > middle) else " "
                row[middle] = "x"
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
    """`drop Update(...) (partitioned)`: the verb (none for a delivery), message, and note."""
    verb = {"deliver": "", "drop": "drop ", "lose": "lost ", "duplicate": "dup "}[action.kind]
    message = action.message or ""
    note = action.label[action.label.find(message) + len(message) :] if message else ""
    return f"{verb}{message}{note}"


def mermaid_chart(trace: Trace, lanes: Sequence[str], violation: str | None = None) -> str:
    """The trace as a Mermaid `sequenceDiagram`."""
    out = ["sequenceDiagram"]
    out.extend(f"    participant {lane}" for lane in lanes)
    span = f"{lanes[0]},{lanes[-1]}" if len(lanes) > 1 else (lanes[0] if lanes else "")
    for step in trace.steps[1:]:
        action = step.detail
        label = _mermaid_text(f"{step.index}. {step.action}")
        if action is None:
            out.append(f"    Note over {span}: {label}")
            continue
        if action.kind in ("deliver", "drop", "lose") and action.src and action.dst:
            arrow = "->>" if action.kind == "deliver" else "-x"
            text = _mermaid_text(f"{step.index}. {message_text(action)}")
            out.append(f"    {action.src}{arrow}{action.dst}: {text}")
        elif action.kind == "op" and action.session and action.actor:
            out.append(f"    {action.session}->>{action.actor}: {label}")
        elif action.kind == "duplicate" and action.src and action.dst:
            out.append(f"    Note over {action.src},{action.dst}: {label}")
        elif action.actor:
            out.append(f"    Note over {action.actor}: {label}")
        elif span:
            out.append(f"    Note over {span}: {label}")
    if violation and span:
        out.append(f"    Note over {span}: {_mermaid_text('violated: ' + violation)}")
    return "\n".join(out)


def _mermaid_text(text: str) -> str:
    """Mermaid reads `;` as a statement end and `#` as an entity: encode both."""
    return "".join(MERMAID_ESCAPES.get(ch, ch) for ch in text)
