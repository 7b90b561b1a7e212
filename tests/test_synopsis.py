"""The README's synopsis of the command line is what the CLI accepts: every option it
lists exists on its command, and what it says simulate leaves out, simulate refuses."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from evcheck.cli import main
from tests.conftest import ROOT, SPECS

OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)")


def synopsis() -> dict[str, str]:
    """Each command of the synopsis block with its text (continuation lines joined)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## The command line", 1)[1]
    block = re.search(r"\n\n((?:    .*\n)+)", section)
    assert block is not None, "README's command line section has no synopsis block"
    commands: dict[str, str] = {}
    name = ""
    for line in block.group(1).splitlines():
        found = re.match(r"    evcheck ([a-z-]+) ", line)
        if found:
            name = found.group(1)
        commands[name] = commands.get(name, "") + " " + line
    return commands


def options_of(command: str) -> set[str]:
    cmd = main.commands[command]  # type: ignore[attr-defined]
    return {o for p in cmd.params if isinstance(p, click.Option) for o in p.opts}


def documented(text: str) -> tuple[set[str], set[str]]:
    """The options a synopsis line lists, and the ones it says are left out ("except")."""
    listed, _, excepted = text.partition(" except ")
    return set(OPTION.findall(listed)), set(OPTION.findall(excepted))


def test_every_synopsis_option_exists_on_its_command() -> None:
    commands = synopsis()
    assert {"verify", "simulate", "replay", "check-history"} <= set(commands)
    verify_options, _ = documented(commands["verify"])
    for command, text in commands.items():
        listed, excepted = documented(text)
        if "the options of verify" in text:
            listed |= verify_options - excepted
        missing = listed - options_of(command)
        assert not missing, f"README lists {sorted(missing)} for `evcheck {command}`"


@pytest.mark.parametrize("option", sorted(documented(synopsis()["simulate"])[1]))
def test_simulate_refuses_what_the_synopsis_leaves_out(option: str) -> None:
    value = {"--strategy": "dfs", "--workers": "2", "--engine": "python", "--graph": "g.dot"}[
        option
    ]
    result = CliRunner().invoke(main, ["simulate", str(SPECS / "lww.py"), option, value])
    assert result.exit_code == 2
    assert (
        f"{option} applies to verify only" in result.stderr
        or f"No such option '{option}'" in result.stderr
    )


def test_simulate_takes_the_shared_limits() -> None:
    args = ["simulate", str(SPECS / "register_sessions.py"), "--runs", "5", "--seed", "1"]
    result = CliRunner().invoke(main, [*args, "--max-depth", "3", "--z3-all", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"depth": 3' in result.stdout
    result = CliRunner().invoke(main, [*args, "--max-states", "2", "-q"])
    assert result.exit_code == 3 and "state limit of 2 reached" in result.stdout
