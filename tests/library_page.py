"""The counterexample charts of docs/library.md, generated from real runs.

Each chart block of the page is marked with the catalog entry it shows:

    <!-- chart: NAME -->
    ```mermaid
    ...
    ```

`python -m tests.library_page` rewrites every marked block with the chart of a fresh
run of the entry's spec (`evcheck verify --model NAME --format mermaid` prints the same);
`python -m tests.library_page --check` exits 1 if the page is out of date, which
tests/test_library.py runs. Both run with PYTHONHASHSEED=0 (they re-execute themselves
so): a message label prints sets in Python's order, which depends on the hash seed.
"""

from __future__ import annotations

import os
import re
import sys

from evcheck import verify_spec
from evcheck.models.catalog import entry
from evcheck.render.chart import mermaid_chart
from tests.conftest import ROOT

PAGE = ROOT / "docs" / "library.md"
BLOCK = re.compile(r"(<!-- chart: (?P<name>[\w-]+) -->\n```mermaid\n)(?P<chart>.*?)(```)", re.S)


def elide_ghosts(text: str) -> str:
    """`history=<anything balanced>` shortened to `history=…`: the ghost histories the
    CRDT models carry for their specifications would make every label a paragraph."""
    out = []
    rest = text
    while (at := rest.find("history=")) >= 0:
        out.append(rest[: at + len("history=")] + "…")
        depth, i = 0, at + len("history=")
        while i < len(rest):
            if rest[i] in "([{":
                depth += 1
            elif rest[i] in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif rest[i] == "," and depth == 0:
                break
            i += 1
        rest = rest[i:]
    return "".join(out) + rest


def chart(name: str) -> str:
    """The Mermaid chart of the shortest counterexample of catalog entry `name`."""
    result = verify_spec(entry(name).load())
    cex = result.counterexample
    assert cex is not None, f"{name}: no counterexample"
    text = mermaid_chart(cex.trace, result.lanes, cex.property, cex.loop)
    return elide_ghosts(text).rstrip("\n") + "\n"


def charted(text: str) -> list[str]:
    """The entries the page shows a chart of, in order."""
    return [m.group("name") for m in BLOCK.finditer(text)]


def regenerate(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + chart(m.group("name")) + m.group(4), text)


def main(argv: list[str]) -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, "-m", "tests.library_page", *argv], env)
    text = PAGE.read_text()
    fresh = regenerate(text)
    if "--check" in argv:
        return 0 if fresh == text else 1
    PAGE.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
