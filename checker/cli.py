"""The `evcheck` command. The only module that prints or exits.

Exit codes: 0 every property holds within the bounds; 1 a property is violated;
2 usage, spec or trace-file error; 3 stopped before completion (limit or interrupt),
or for `replay`, the trace no longer applies.
"""

from __future__ import annotations

import ast
import json
import random
import resource
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .consistency import JUDGED_ON_HISTORIES, Event, check_history
from .dsl import Spec
from .errors import EvcheckError
from .faults import parse_faults
from .history import read_history
from .loader import load_spec
from .render.chart import mermaid_chart
from .render.html import html_report
from .render.itf import itf_document
from .render.json import result_to_dict
from .render.text import headline, render_result, render_trace
from .results import Result
from .runner import checked_z3_all, replay_saved, simulate_spec, verify_spec
from .search import ENGINES, Limits, Stats
from .solver import judge
from .tracefile import read_trace, trace_document

EXIT_OK = 0
EXIT_VIOLATION = 1
EXIT_ERROR = 2
EXIT_STOPPED = 3

EXIT_CODES = {"holds": EXIT_OK, "violated": EXIT_VIOLATION, "stopped": EXIT_STOPPED}
REPLAY_EXIT_CODES = {
    "no_violation": EXIT_OK,
    "same_violation": EXIT_VIOLATION,
    "different_violation": EXIT_VIOLATION,
    "not_applicable": EXIT_STOPPED,
}


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


def _progress_printer(pending: str = "frontier") -> Callable[[Stats, int], None] | None:
    """A live status line on stderr when it is a terminal; `pending` names the second
    number (the search frontier, or the simulation runs still to go)."""
    if not sys.stderr.isatty():
        return None

    def show(stats: Stats, frontier: int) -> None:
        rate = stats.states / stats.seconds if stats.seconds else 0.0
        memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        click.echo(
            f"\r  {stats.states:,} states, {pending} {frontier:,}, depth {stats.depth}, "
            f"{rate:,.0f} states/s, {stats.seconds:.0f}s, {memory:,.0f} MiB   ",
            err=True,
            nl=False,
        )

    return show


def _load(
    spec_file: str,
    replicas: int | None,
    settings: tuple[str, ...],
    faults: str | None,
    properties: tuple[str, ...],
    symmetry: str | None = None,
) -> Spec:
    overrides = dict(parse_setting(s) for s in settings)
    if replicas is not None:
        overrides["replicas"] = replicas
    spec = load_spec(spec_file)
    if overrides:
        spec = spec.with_settings(overrides)
    if faults is not None:
        spec = spec.with_faults(parse_faults(faults))
    if properties:
        spec = spec.select_properties(list(properties))
    if symmetry is not None:
        kinds = tuple(k.strip() for k in symmetry.split(",") if k.strip())
        spec = spec.with_symmetry(kinds or ("none",))
    return spec


def spec_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by `verify` and `simulate`: the model, the outputs, the limits."""
    options = [
        click.argument("spec_file", metavar="SPEC", type=click.Path(dir_okay=False)),
        click.option(
            "--replicas",
            "-n",
            type=click.IntRange(min=1),
            help="Number of replicas (overrides the spec).",
        ),
        click.option(
            "--set",
            "settings",
            multiple=True,
            metavar="NAME=VALUE",
            help="Override a spec bound or parameter, e.g. --set values=a,b,c --set ops_per_replica=2. Repeatable.",
        ),
        click.option(
            "--faults",
            "faults",
            metavar="KIND=N,...",
            help="Override the spec's fault budgets: loss, dup, partition, crash, skew "
            "(e.g. --faults loss=2,dup=1,crash=1); also partition_mode=wait|drop and "
            "crash_inbox=lose|wait. 'none' disables every fault.",
        ),
        click.option(
            "--symmetry",
            metavar="KINDS",
            help="Symmetry reduction: 'values' (parameters made with symmetric_values), "
            "'replicas' (protocols that never order replica ids), 'replicas,values', or "
            "'none'. Default: values when the spec has symmetric values.",
        ),
        click.option(
            "--no-por",
            is_flag=True,
            help="Turn off partial-order reduction (on by default where sound: no faults, "
            "timers or clocks, and convergence as the only property).",
        ),
        click.option(
            "--property",
            "-p",
            "properties",
            multiple=True,
            metavar="NAME",
            help="Check only this property (repeatable); default: all the spec declares.",
        ),
        click.option(
            "--max-time",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="Stop (exit 3) after this much wall time.",
        ),
        click.option(
            "--max-counterexamples",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            metavar="K",
            help="Keep exploring and report up to K distinct violations (different properties or final actions).",
        ),
        click.option(
            "--no-shrink",
            is_flag=True,
            help="Report traces as found, without dropping unneeded steps.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["text", "json", "mermaid"]),
            default="text",
            show_default=True,
            help="json: one schema-versioned document on stdout and nothing else; mermaid: the "
            "counterexample as a Mermaid sequenceDiagram.",
        ),
        click.option(
            "--no-chart", is_flag=True, help="Text output without the ASCII sequence chart."
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print only the verdict line."),
        click.option(
            "--html",
            "html_file",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Write a self-contained HTML report of the counterexample.",
        ),
        click.option(
            "--trace-out",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Write the counterexample as a JSON trace (replay it with `evcheck replay`).",
        ),
        click.option(
            "--itf",
            "itf_file",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Write the counterexample in the Informal Trace Format (Apalache, Quint).",
        ),
        click.option("--debug", is_flag=True, help="Show Python tracebacks for errors."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evcheck")
def main() -> None:
    """evcheck: a model checker for replication protocols.

    Write a replica protocol in the Python DSL (see specs/lww.py), then let evcheck
    explore every interleaving of client operations, message deliveries and faults
    within the spec's bounds. It checks convergence and your invariants in every
    reachable state and prints the shortest counterexample when one fails.

    Exit codes: 0 all properties hold within the bounds, 1 a property is violated,
    2 usage, spec or trace-file error, 3 stopped before completion (limit or
    interrupt; for replay: the trace no longer applies).
    """


@main.command()
@spec_options
@click.option(
    "--strategy",
    type=click.Choice(sorted(ENGINES)),
    default="bfs",
    show_default=True,
    help="bfs finds a shortest counterexample; dfs may reach deep states sooner.",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Breadth-first search in N threads of the native core (processes of the Python engine).",
)
@click.option(
    "--max-states",
    type=click.IntRange(min=1),
    help="Stop (exit 3) after this many distinct states.",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=0),
    help="Explore executions of at most this many steps (a bound: the verdict holds up to it).",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "native", "python"]),
    default="auto",
    show_default=True,
    help="native: the compiled core; python: the reference engine; auto: native where it "
    "covers the spec.",
)
@click.option(
    "--z3-all",
    "z3_all_histories",
    is_flag=True,
    help="Also judge every distinct client history with Z3 and compare with the monitors "
    "(history properties; small models).",
)
def verify(
    strategy: str,
    workers: int,
    max_states: int | None,
    max_depth: int | None,
    engine: str,
    z3_all_histories: bool,
    **kw: Any,
) -> None:
    """Explore every behaviour of SPEC within its bounds and check its properties.

    SPEC is a Python file that defines `spec = Spec(...)`. Prints the verdict, the
    shortest counterexample (with BFS) step by step with a sequence chart, a table
    of properties, run statistics and the fault kinds exercised. Faults (loss,
    duplication, partitions, crashes, clock skew) are explored within the budgets
    of the spec or --faults. Exit 0 when every property holds within the bounds, 1
    on a violation, 2 on a spec or usage error, 3 when a limit stopped the search.
    """
    limits = Limits(
        max_states=max_states,
        max_depth=max_depth,
        max_seconds=kw["max_time"],
        max_counterexamples=kw["max_counterexamples"],
    )

    def run(spec: Spec, progress: Callable[[Stats, int], None] | None) -> Result:
        result = verify_spec(
            spec,
            strategy=strategy,
            limits=limits,
            progress=progress,
            shrink=not kw["no_shrink"],
            workers=workers,
            engine=engine,
        )
        if result.engine_note and engine == "native" and kw["fmt"] == "text" and not kw["quiet"]:
            click.echo(f"evcheck: {result.engine_note}", err=True)
        if z3_all_histories:
            result.z3 = checked_z3_all(spec)
        return result

    _check(run, **kw)


@main.command()
@spec_options
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Number of random executions.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Steps per execution, at most.",
)
@click.option(
    "--seed", type=int, help="Random seed (printed, so any run can be reproduced); default: random."
)
def simulate(runs: int, depth: int, seed: int | None, **kw: Any) -> None:
    """Check SPEC on random executions, for state spaces too large to exhaust.

    Each run starts from an initial state and takes random actions (client
    operations, deliveries, faults) for up to --depth steps, checking every state.
    The seed is reported: rerun with --seed to get the same executions and traces.
    Traces found are shrunk unless --no-shrink. Exit codes as for verify (0 means
    no violation was found in the runs made, not that none exists).
    """
    chosen = seed if seed is not None else random.SystemRandom().randrange(2**32)
    limits = Limits(max_seconds=kw["max_time"], max_counterexamples=kw["max_counterexamples"])

    def run(spec: Spec, progress: Callable[[Stats, int], None] | None) -> Result:
        return simulate_spec(
            spec,
            runs=runs,
            depth=depth,
            seed=chosen,
            limits=limits,
            shrink=not kw["no_shrink"],
            progress=progress,
        )

    _check(run, progress_label="runs left", **kw)


def _check(
    run: Callable[[Spec, Callable[[Stats, int], None] | None], Result],
    spec_file: str,
    replicas: int | None,
    settings: tuple[str, ...],
    faults: str | None,
    properties: tuple[str, ...],
    symmetry: str | None,
    no_por: bool,
    fmt: str,
    no_chart: bool,
    quiet: bool,
    html_file: str | None,
    trace_out: str | None,
    itf_file: str | None,
    debug: bool,
    progress_label: str = "frontier",
    **_: Any,
) -> None:
    try:
        spec = _load(spec_file, replicas, settings, faults, properties, symmetry)
        if no_por:
            spec = spec.with_por(False)
        progress = _progress_printer(progress_label) if fmt == "text" and not quiet else None
        result = run(spec, progress)
        if progress is not None:
            click.echo("\r\033[K", err=True, nl=False)
    except EvcheckError as exc:
        _fail(str(exc), debug)
    _write_files(result, spec_file, html_file, trace_out, itf_file)
    if fmt == "json":
        click.echo(json.dumps(result_to_dict(result), indent=2))
    elif fmt == "mermaid":
        cex = result.counterexample
        if cex is None:
            click.echo(f"%% {headline(result)}")
        else:
            click.echo(mermaid_chart(cex.trace, result.lanes, cex.property))
    elif quiet:
        click.echo(headline(result))
    else:
        click.echo(render_result(result, chart=not no_chart))
    sys.exit(EXIT_CODES[result.status])


def _write_files(
    result: Result,
    spec_file: str,
    html_file: str | None,
    trace_out: str | None,
    itf_file: str | None,
) -> None:
    """Write the requested report files; a file with no counterexample to hold is not written."""
    cex = result.counterexample
    if html_file:
        Path(html_file).write_text(html_report(result))
    if cex is None:
        for requested in (trace_out, itf_file):
            if requested:
                click.echo(f"evcheck: no counterexample, {requested} not written", err=True)
        return
    if trace_out:
        Path(trace_out).write_text(
            json.dumps(trace_document(result, cex, spec_file), indent=2) + "\n"
        )
    if itf_file:
        Path(itf_file).write_text(json.dumps(itf_document(result, cex), indent=2) + "\n")


@main.command("check-history")
@click.argument("history_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option(
    "--property",
    "-p",
    "properties",
    multiple=True,
    required=True,
    type=click.Choice(JUDGED_ON_HISTORIES),
    help="Property to judge (repeatable).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
def check_history_command(
    history_file: str, properties: tuple[str, ...], fmt: str, debug: bool
) -> None:
    """Judge a history recorded from a real system (JSON lines, evcheck's format or
    Jepsen-style invoke/ok/fail/info records; see docs/consistency.md).

    Z3 decides each property from its axioms and explains a violation by the operations
    in conflict; when the operations are atomic, in order and write unique values, the
    concrete monitors judge too and must agree. Exit 0 when every property holds, 1 when
    one is violated, 2 on a malformed file (the message names the line).
    """
    try:
        ops, atomic = read_history(history_file)
    except EvcheckError as exc:
        _fail(str(exc), debug)
    if "strong_eventual_consistency" in properties and not any(
        o.kind == "read" and o.applied is not None for o in ops
    ):
        _fail(
            f"{history_file}: strong_eventual_consistency needs reads that list the writes "
            'their replica had applied ("applied": [...]); none do',
            debug,
        )
    unique_writes = len({(o.key, o.value) for o in ops if o.kind == "write"}) == sum(
        o.kind == "write" for o in ops
    )
    monitors = atomic and unique_writes
    verdicts = []
    for prop in properties:
        verdict = judge(prop, ops)
        entry: dict[str, Any] = {
            "property": prop,
            "holds": verdict.ok,
            "explanation": verdict.explanation,
        }
        if monitors:
            events = [
                Event(o.start, o.session, o.replica, o.kind, o.key, o.value, o.applied) for o in ops
            ]
            explanation = check_history(prop, events)
            if (explanation is None) != verdict.ok:
                _fail(f"internal error: the {prop} monitor and Z3 disagree on this history", debug)
            if explanation is not None:
                entry["monitor"] = explanation
        verdicts.append(entry)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "schema": "evcheck.history-check/1",
                    "operations": len(ops),
                    "monitors": monitors,
                    "verdicts": verdicts,
                },
                indent=2,
            )
        )
    else:
        judges = "Z3 and the concrete monitors" if monitors else "Z3"
        click.echo(f"evcheck: {len(ops)} operations from {history_file}, judged by {judges}")
        for entry in verdicts:
            if entry["holds"]:
                click.echo(f"  {entry['property']}: holds")
            else:
                click.echo(
                    f"  {entry['property']}: VIOLATED: {entry.get('monitor') or entry['explanation']}"
                )
                if "monitor" in entry:
                    click.echo(f"    Z3: {entry['explanation']}")
    sys.exit(EXIT_OK if all(e["holds"] for e in verdicts) else EXIT_VIOLATION)


@main.command()
@click.argument("spec_file", metavar="SPEC", type=click.Path(dir_okay=False))
@click.argument("trace_file", metavar="TRACE", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
def replay(spec_file: str, trace_file: str, fmt: str, debug: bool) -> None:
    """Re-execute a saved counterexample TRACE (from --trace-out) against SPEC.

    Uses the settings and faults recorded in the trace. Reports whether the same
    property still fails at the same step (exit 1), a different property fails or
    the same one at another step (exit 1), the trace applies and nothing fails: the
    bug is fixed (exit 0), or the trace no longer applies, naming the step whose
    action is not enabled (exit 3). A malformed trace file exits 2.
    """
    try:
        saved = read_trace(trace_file)
        report = replay_saved(load_spec(spec_file), saved)
    except EvcheckError as exc:
        _fail(str(exc), debug)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "schema": "evcheck.replay/1",
                    "outcome": report.outcome,
                    "message": report.message,
                    "expected": {
                        "property": report.expected_property,
                        "step": report.expected_length,
                    },
                    "violated": (
                        {"property": report.violated_property, "step": report.violated_step}
                        if report.violated_property
                        else None
                    ),
                },
                indent=2,
            )
        )
    else:
        click.echo(f"evcheck replay: {report.message}")
        if report.trace is not None and report.outcome != "same_violation":
            click.echo("")
            click.echo(render_trace(report.trace))
    sys.exit(REPLAY_EXIT_CODES[report.outcome])


if __name__ == "__main__":  # pragma: no cover
    main()
