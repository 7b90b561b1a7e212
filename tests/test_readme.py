"""The README shows real output: its transcripts must match what evcheck prints now."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT
from tests.test_cli import normalise, run

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("spec", ["specs/lww.py", "specs/lww_no_tiebreak.py"])
def test_readme_transcript_is_current(spec: str) -> None:
    block = re.search(rf"```\n\$ evcheck verify {re.escape(spec)}\n(.*?)```", README, re.S)
    assert block is not None, f"README has no transcript of {spec}"
    _, out, _ = run("verify", str(ROOT / spec))
    assert normalise(block.group(1)) == normalise(out)


def test_readme_gives_the_two_commands() -> None:
    assert ".venv/bin/evcheck verify specs/lww.py" in README
    assert ".venv/bin/pytest" in README
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = re.search(r"^(python3 -m venv .venv && .*pytest)$", ci, re.M)
    assert test_command is not None and test_command.group(1) in README
