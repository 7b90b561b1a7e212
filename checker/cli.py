"""The `evcheck` command. The only module that prints or exits.

Exit codes: 0 every property holds within the bounds; 1 a property is violated;
2 usage or spec error; 3 stopped before completion (limit or interrupt).
"""

from __future__ import annotations

import ast
import json
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

import click

from . import __version__
from .errors import EvcheckError
from .faults import parse_faults
from .loader import load_spec
from .render.json import result_to_dict
from .render.text import render_result
from .runner import Result, verify_spec
from .search import ENGINES, Limits, Stats

EXIT_OK = 0
EXIT_VIOLATION = 1
EXIT_ERROR = 2
EXIT_STOPPED = 3

EXIT_CODES = {"holds": EXIT_OK, "violated": EXIT_VIOLATION, "stopped": EXIT_STOPPED}


def parse_setting(text: str) -> tuple[str, Any]:
    """`name=value`: the value is a Python literal (`3`, `(1, 2)`, `'a'`); `a,b` is a tuple of strings."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise click.BadParameter(f"expected name=value, got {text!r}", param_hint="--set")
    raw = raw.strip()
    try:
        return name, ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        if "," in raw:
            return name, tuple(part.strip() for part in raw.split(",") if part.strip())
        return name, raw


def _fail(message: str, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exc()
    click.echo(f"evcheck: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _progress_printer() -> Callable[[Stats, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(stats: Stats, frontier: int) -> None:
        rate = stats.states / stats.seconds if stats.seconds else 0.0
        click.echo(
            f"\r  {stats.states:,} states, frontier {frontier:,}, depth {stats.depth}, "
            f"{rate:,.0f} states/s, {stats.seconds:.0f}s   ",
            err=True,
            nl=False,
        )

    return show


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evcheck")
def main() -> None:
    """evcheck: a model checker for replication protocols.

    Write a replica protocol in the Python DSL (see specs/lww.py), then let evcheck
    explore every interleaving of client operations and message deliveries within
    the spec's bounds. It checks convergence and your invariants in every reachable
    state and prints the shortest counterexample when one fails.

    Exit codes: 0 all properties hold within the bounds, 1 a property is violated,
    2 usage or spec error, 3 stopped before completion (limit or interrupt).
    """


@main.command()
@click.argument("spec_file", metavar="SPEC", type=click.Path(dir_okay=False))
@click.option(
    "--replicas", "-n", type=click.IntRange(min=1), help="Number of replicas (overrides the spec)."
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a spec bound or parameter, e.g. --set values=a,b,c --set ops_per_replica=2. Repeatable.",
)
@click.option(
    "--faults",
    "faults",
    metavar="KIND=N,...",
    help="Override the spec's fault budgets: loss, dup, partition, crash, skew "
    "(e.g. --faults loss=2,dup=1,crash=1); also partition_mode=wait|drop and "
    "crash_inbox=lose|wait. 'none' disables every fault.",
)
@click.option(
    "--property",
    "-p",
    "properties",
    multiple=True,
    metavar="NAME",
    help="Check only this property (repeatable); default: all the spec declares.",
)
@click.option(
    "--strategy",
    type=click.Choice(sorted(ENGINES)),
    default="bfs",
    show_default=True,
    help="bfs finds a shortest counterexample; dfs may reach deep states sooner.",
)
@click.option(
    "--max-states",
    type=click.IntRange(min=1),
    help="Stop (exit 3) after this many distinct states.",
)
@click.option(
    "--max-time",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop (exit 3) after this much wall time.",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=0),
    help="Explore executions of at most this many steps (a bound: the verdict holds up to it).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints one schema-versioned JSON document on stdout and nothing else.",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
def verify(
    spec_file: str,
    replicas: int | None,
    settings: tuple[str, ...],
    faults: str | None,
    properties: tuple[str, ...],
    strategy: str,
    max_states: int | None,
    max_time: float | None,
    max_depth: int | None,
    fmt: str,
    debug: bool,
) -> None:
    """Explore every behaviour of SPEC within its bounds and check its properties.

    SPEC is a Python file that defines `spec = Spec(...)`. Prints the verdict, run
    statistics, the fault kinds exercised and, on a violation, the shortest
    counterexample (with BFS) step by step. Faults (loss, duplication, partitions,
    crashes, clock skew) are explored within the budgets of the spec or --faults. Exit 0 when every property holds within the bounds, 1 on a violation,
    2 on a spec or usage error, 3 when a limit stopped the search first.
    """
    overrides = dict(parse_setting(s) for s in settings)
    if replicas is not None:
        overrides["replicas"] = replicas
    try:
        spec = load_spec(spec_file)
        if overrides:
            spec = spec.with_settings(overrides)
        if faults is not None:
            spec = spec.with_faults(parse_faults(faults))
        if properties:
            spec = spec.select_properties(list(properties))
        limits = Limits(max_states=max_states, max_depth=max_depth, max_seconds=max_time)
        progress = _progress_printer() if fmt == "text" else None
        result = verify_spec(spec, strategy=strategy, limits=limits, progress=progress)
        if progress is not None:
            click.echo("\r\033[K", err=True, nl=False)
    except EvcheckError as exc:
        _fail(str(exc), debug)
    _emit(result, fmt)
    sys.exit(EXIT_CODES[result.status])


def _emit(result: Result, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(result_to_dict(result), indent=2))
    else:
        click.echo(render_result(result))


if __name__ == "__main__":  # pragma: no cover
    main()
