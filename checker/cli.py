"""The `evcheck` command. The only module that prints or exits.

Exit codes: 0 every property holds within the bounds; 1 a property is violated;
2 usage, spec or trace-file error; 3 stopped before completion (limit or interrupt),
or for `replay`, the trace no longer applies.

`verify` and `simulate` run the check in a supervised child process
(evcheck.supervise): it renders the report and this process prints it, so a child
that dies, exits or prints on its own can never pass for a verdict.
"""

from __future__ import annotations

import ast
import json
import random
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .consistency import JUDGED_ON_HISTORIES
from .display import terminal
from .dsl import Spec
from .errors import EvcheckError
from .execution import user_frame
from .faults import parse_faults
from .histories import FORMATS as HISTORY_FORMATS
from .histories import check_history_file
from .loader import load_spec
from .models import catalog
from .render.chart import mermaid_chart
from .render.graph import graph_text
from .render.history import report_dict, report_text, timeline_html
from .render.html import html_report
from .render.itf import itf_document
from .render.json import result_to_dict
from .render.text import headline, render_replay, render_result
from .results import Result
from .runner import checked_z3_all, replay_saved, simulate_spec, verify_spec
from .search import ENGINES, Limits, Stats
from .supervise import Budget, Channel, Report, supervise
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
    click.echo(f"evcheck: error: {terminal(message)}", err=True)
    sys.exit(EXIT_ERROR)


def _progress_printer(pending: str = "frontier") -> Callable[[Stats, int], None] | None:
    """A live status line on stderr when it is a terminal; `pending` names the second
    number (the search frontier, or the simulation runs still to go)."""
    if not sys.stderr.isatty():
        return None

    def show(stats: Stats, frontier: int) -> None:
        rate = stats.states / stats.seconds if stats.seconds else 0.0
        memory = stats.peak_memory_bytes / 2**20
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
        click.argument(
            "spec_file", metavar="SPEC", type=click.Path(dir_okay=False), required=False
        ),
        click.option(
            "--model",
            "-m",
            metavar="NAME",
            help="Check the library's model NAME instead of a SPEC file (`evcheck list` "
            "shows them).",
        ),
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
            help="Override the spec's fault budgets: loss, dup, partition, crash, skew, "
            "false_suspicion (e.g. --faults loss=2,dup=1,crash=1); also partition_mode=wait|drop and "
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
            "--strategy",
            type=click.Choice(sorted(ENGINES)),
            help="bfs (the default) finds a shortest counterexample; dfs may reach deep "
            "states sooner. verify only: simulate takes random walks.",
        ),
        click.option(
            "--workers",
            "-j",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Breadth-first search in N threads of the native core (processes of the "
            "Python engine). verify only.",
        ),
        click.option(
            "--max-states",
            type=click.IntRange(min=1),
            help="Stop (exit 3) after this many distinct states.",
        ),
        click.option(
            "--max-depth",
            type=click.IntRange(min=0),
            help="Explore executions of at most this many steps (a bound: the verdict holds "
            "up to it). For simulate, caps --depth.",
        ),
        click.option(
            "--max-time",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="Stop (exit 3, with partial statistics) after this much wall time, set-up "
            "included.",
        ),
        click.option(
            "--max-memory",
            type=click.IntRange(min=1),
            metavar="MB",
            help="Stop (exit 3, with partial statistics) when the check grows past this "
            "much memory.",
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
            "--graph",
            "graph_file",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Write the explored state graph as DOT (.dot, .gv) or GraphML (.graphml), "
            "the counterexample in red; small graphs only (verify).",
        ),
        click.option(
            "--itf",
            "itf_file",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Write the counterexample in the Informal Trace Format (Apalache, Quint).",
        ),
        click.option(
            "--z3-all",
            "z3_all_histories",
            is_flag=True,
            help="Also judge every distinct client history with Z3 and compare with the "
            "monitors (history properties; small models).",
        ),
        click.option("--debug", is_flag=True, help="Show Python tracebacks for errors."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


class _Commands(click.Group):
    """The command group, keeping the exit-code contract for an interrupt: Ctrl-C that
    reaches this process (outside a supervised check, which forwards it to the child) is
    "stopped", exit 3 with a message, not click's "Aborted!" and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("evcheck: stopped: interrupted", err=True)
            sys.exit(EXIT_STOPPED)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    "--engine",
    type=click.Choice(["auto", "native", "python"]),
    default="auto",
    show_default=True,
    help="native: the compiled core; python: the reference engine; auto: native where it "
    "covers the spec.",
)
def verify(engine: str, **kw: Any) -> None:
    """Explore every behaviour of SPEC within its bounds and check its properties.

    SPEC is a Python file that defines `spec = Spec(...)`. Prints the verdict, the
    shortest counterexample (with BFS) step by step with a sequence chart, a table
    of properties, run statistics and the fault kinds exercised. Faults (loss,
    duplication, partitions, crashes, clock skew) are explored within the budgets
    of the spec or --faults. Exit 0 when every property holds within the bounds, 1
    on a violation, 2 on a spec or usage error, 3 when a limit stopped the search.
    """
    strategy = kw["strategy"] or "bfs"
    workers = kw["workers"]
    limits = Limits(
        max_states=kw["max_states"],
        max_depth=kw["max_depth"],
        max_seconds=kw["max_time"],
        max_counterexamples=kw["max_counterexamples"],
    )

    def run(spec: Spec, progress: Callable[[Stats, int], None]) -> Result:
        result = verify_spec(
            spec,
            strategy=strategy,
            limits=limits,
            progress=progress,
            shrink=not kw["no_shrink"],
            workers=workers,
            engine=engine,
            record_graph=kw["graph_file"] is not None,
        )
        if result.engine_note and engine == "native" and kw["fmt"] == "text" and not kw["quiet"]:
            click.echo(f"evcheck: {result.engine_note}", err=True)
        if kw["z3_all_histories"]:
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
@click.option(
    "--engine",
    type=click.Choice(["auto", "native", "python"]),
    default="auto",
    show_default=True,
    help="native: the compiled core; python: the reference engine; auto: native where it "
    "covers the spec. Both take the same walks for a seed.",
)
def simulate(runs: int, depth: int, seed: int | None, engine: str, **kw: Any) -> None:
    """Check SPEC on random executions, for state spaces too large to exhaust.

    Each run starts from an initial state and takes random actions (client
    operations, deliveries, faults) for up to --depth steps (or --max-depth, if
    smaller), checking every state. The seed is reported: rerun with --seed to get the
    same executions and traces. Traces found are shrunk unless --no-shrink. Exit codes
    as for verify (0 means no violation was found in the runs made, not that none
    exists). --strategy, --workers and --graph apply to verify only.
    """
    for option, given in (
        ("--strategy", kw["strategy"]),
        ("--workers", kw["workers"] != 1),
        ("--graph", kw["graph_file"] is not None),
    ):
        if given:
            raise click.UsageError(
                f"{option} applies to verify only: simulate takes random walks in one process"
            )
    chosen = seed if seed is not None else random.SystemRandom().randrange(2**32)
    if kw["max_depth"] is not None:
        depth = min(depth, kw["max_depth"])
    limits = Limits(
        max_states=kw["max_states"],
        max_seconds=kw["max_time"],
        max_counterexamples=kw["max_counterexamples"],
    )

    def run(spec: Spec, progress: Callable[[Stats, int], None]) -> Result:
        result = simulate_spec(
            spec,
            runs=runs,
            depth=depth,
            seed=chosen,
            limits=limits,
            shrink=not kw["no_shrink"],
            progress=progress,
            engine=engine,
        )
        if result.engine_note and engine == "native" and kw["fmt"] == "text" and not kw["quiet"]:
            click.echo(f"evcheck: {result.engine_note}", err=True)
        if kw["z3_all_histories"]:
            result.z3 = checked_z3_all(spec)
        return result

    _check(run, progress_label="runs left", **kw)


def _check(
    run: Callable[[Spec, Callable[[Stats, int], None]], Result],
    *,
    fmt: str,
    quiet: bool,
    max_time: float | None,
    max_memory: int | None,
    progress_label: str = "frontier",
    **kw: Any,
) -> NoReturn:
    """Run the check in a supervised child (evcheck.supervise), then print what it
    reported and exit with its code."""
    kw["spec_file"] = _spec_file(kw["spec_file"], kw.pop("model"))
    show = _progress_printer(progress_label) if fmt == "text" and not quiet else None
    report = supervise(
        lambda channel: _checked(run, channel, fmt=fmt, quiet=quiet, **kw),
        Budget(max_seconds=max_time, max_memory_mb=max_memory),
        show,
    )
    if show is not None:
        click.echo("\r\033[K", err=True, nl=False)
    if report.stdout:
        click.echo(report.stdout)
    for message in report.stderr:
        click.echo(message, err=True)
    sys.exit(report.code)


def _spec_file(spec_file: str | None, model: str | None) -> str:
    """The SPEC argument, or the file of the library model named by --model."""
    if (spec_file is None) == (model is None):
        raise click.UsageError("give either a SPEC file or --model NAME (see `evcheck list`)")
    if spec_file is not None:
        return spec_file
    try:
        path = catalog.entry(str(model)).path()
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--model") from None
    if not path.is_file():
        raise click.ClickException(
            f"the spec file of model {model!r} is not installed ({path}); reinstall evcheck"
        )
    return str(path)


def _checked(
    run: Callable[[Spec, Callable[[Stats, int], None]], Result],
    channel: Channel,
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
    graph_file: str | None = None,
    **_: Any,
) -> Report:
    """In the supervised child: load, check and render; the report to print."""
    try:
        spec = _load(spec_file, replicas, settings, faults, properties, symmetry)
        if no_por:
            spec = spec.with_por(False)
        result = run(spec, channel.progress)
    except EvcheckError as exc:
        return _error_report(str(exc), debug)
    except MemoryError:
        raise  # a stop, not an error: the supervisor reports it with the last statistics
    except Exception as exc:  # spec code failing where no guard names it, or a bug
        return _error_report(f"{type(exc).__name__}: {exc} (at {user_frame(exc)})", debug)
    channel.settle()
    if result.status == "stopped" and channel.stop_reason is not None:
        result.stop_reason = channel.stop_reason
    if fmt == "json":
        out = json.dumps(result_to_dict(result), indent=2)
    elif fmt == "mermaid":
        cex = result.counterexample
        if cex is None:
            out = f"%% {headline(result)}"
        else:
            out = mermaid_chart(cex.trace, result.lanes, cex.property, cex.loop)
    elif quiet:
        out = headline(result)
    else:
        out = render_result(result, chart=not no_chart)
    messages = _write_files(result, spec_file, html_file, trace_out, itf_file, graph_file)
    failed = any(m.startswith("evcheck: error:") for m in messages)
    return Report(out, tuple(messages), EXIT_ERROR if failed else EXIT_CODES[result.status])


def _error_report(message: str, debug: bool) -> Report:
    """Exit 2 with the message (and, with --debug, the traceback first)."""
    shown = (traceback.format_exc().rstrip(),) if debug else ()
    return Report("", (*shown, f"evcheck: error: {message}"), EXIT_ERROR)


def _write_files(
    result: Result,
    spec_file: str,
    html_file: str | None,
    trace_out: str | None,
    itf_file: str | None,
    graph_file: str | None = None,
) -> list[str]:
    """Write the requested report files; the messages to print after the report. A file
    with no counterexample to hold is not written; one that cannot be written is an
    error, but the report is printed first (it is not lost with the file)."""
    cex = result.counterexample
    messages = []
    contents: list[tuple[str, Callable[[], str]]] = []
    if html_file:
        contents.append((html_file, lambda: html_report(result)))
    if cex is None:
        for requested in (trace_out, itf_file):
            if requested:
                messages.append(f"evcheck: no counterexample, {requested} not written")
    else:
        found = cex
        if trace_out:
            contents.append((trace_out, lambda: _json(trace_document(result, found, spec_file))))
        if itf_file:
            contents.append((itf_file, lambda: _json(itf_document(result, found))))
    if graph_file:
        contents.append((graph_file, lambda: graph_text(result, graph_file)))
    for path, text in contents:
        try:
            Path(path).write_text(text())
        except EvcheckError as exc:  # a graph too large to draw
            messages.append(f"evcheck: error: {path} not written: {exc}")
        except OSError as exc:
            messages.append(f"evcheck: error: cannot write {path}: {exc.strerror or exc}")
    return messages


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


def _initial_value(_ctx: click.Context, _param: click.Parameter, text: str | None) -> Any:
    """`--initial`: a JSON value (`0`, `"a"`, `[1, 2]`: lists become tuples), else the text."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return text
    if isinstance(value, dict):
        raise click.BadParameter("the initial value cannot be an object", param_hint="--initial")
    return tuple(value) if isinstance(value, list) else value


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
    "--format-in",
    "fmt_in",
    type=click.Choice(HISTORY_FORMATS),
    default="auto",
    show_default=True,
    help="The history's format: JSON lines, Jepsen EDN, or Jepsen log lines.",
)
@click.option(
    "--initial",
    callback=_initial_value,
    metavar="VALUE",
    help="Every key's value before the first operation (JSON; default: nil).",
)
@click.option(
    "--non-client",
    "non_clients",
    multiple=True,
    default=("nemesis",),
    show_default=True,
    metavar="PROCESS",
    help="A process whose records are not client operations: set aside and reported (repeatable).",
)
@click.option(
    "--replicas-forward-writes",
    is_flag=True,
    help="Replicas forward writes (to a primary) instead of applying them: drops the "
    "session guarantees' assumption that a replica applies its own writes.",
)
@click.option(
    "--max-time", type=click.FloatRange(min=0), help="Stop after this many seconds (exit 3)."
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False),
    help="Write the timeline as an HTML page.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
def check_history_command(
    history_file: str,
    properties: tuple[str, ...],
    fmt_in: str,
    initial: Any,
    non_clients: tuple[str, ...],
    replicas_forward_writes: bool,
    max_time: float | None,
    html_file: str | None,
    fmt: str,
    debug: bool,
) -> None:
    """Judge a history recorded from a real system: JSON lines (evcheck's format or Jepsen
    records), Jepsen EDN histories, or Jepsen log lines (see docs/consistency.md).

    Linearizability is decided key by key by a Wing–Gong/Lowe search and explained by the
    longest linearizable prefix and a smallest set of operations that cannot be
    linearized together; Z3 cross-checks small histories. Exit 0 when every property
    holds, 1 when one is violated, 2 on a malformed file (the message names the line),
    3 when a limit or an interrupt stopped the judgement.
    """
    try:
        report = check_history_file(
            history_file,
            properties,
            fmt=fmt_in,
            initial=initial,
            non_clients=frozenset(non_clients),
            replicas_forward_writes=replicas_forward_writes,
            max_seconds=max_time,
        )
    except EvcheckError as exc:
        _fail(str(exc), debug)
    if html_file:
        Path(html_file).write_text(timeline_html(report))
    if fmt == "json":
        click.echo(json.dumps(report_dict(report), indent=2))
    else:
        click.echo(report_text(report))
    sys.exit(EXIT_CODES[report.status])


def _library_rows(family: str | None) -> list[dict[str, Any]]:
    """The catalog's entries with the faults and properties their spec files declare."""
    rows = []
    for item in catalog.entries(family):
        try:
            spec = item.load()
            faults = spec.faults.describe()
            properties = [p.name for p in spec.properties]
        except EvcheckError as exc:
            faults, properties = f"(cannot load: {exc})", []
        rows.append(
            {
                "name": item.name,
                "family": item.family,
                "variant": item.variant,
                "spec": item.spec,
                "faults": faults,
                "properties": properties,
                "verdict": item.verdict,
                "violated": item.violated,
                "length": item.length,
                "expected": item.expectation,
            }
        )
    return rows


@main.command("list")
@click.option("--family", metavar="FAMILY", help="Only this family of the library.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_command(family: str | None, fmt: str) -> None:
    """List the protocol library: each model's family, variant, faults, properties and
    expected verdict. Run one with `evcheck verify --model NAME`; docs/library.md is the
    map."""
    families = sorted({e.family for e in catalog.CATALOG} | set(catalog.FAMILIES))
    if family is not None and family not in families:
        raise click.BadParameter(
            f"no family {family!r}; families: {', '.join(families)}", param_hint="--family"
        )
    rows = _library_rows(family)
    if fmt == "json":
        click.echo(json.dumps({"schema": "evcheck.library/1", "models": rows}, indent=2))
        return
    if not rows:
        click.echo(f"no models in family {family!r} yet")
        return
    name_width = max(len(r["name"]) for r in rows)
    variant_width = max(len(r["variant"]) for r in rows)
    faults_width = max(len(r["faults"]) for r in rows)
    current = None
    for row in rows:
        if row["family"] != current:
            current = row["family"]
            summary = catalog.FAMILIES.get(current, "")
            click.echo(f"\n{current}" + (f": {summary}" if summary else ""))
        click.echo(
            f"  {row['name']:<{name_width}}  {row['variant']:<{variant_width}}  "
            f"faults: {row['faults']:<{faults_width}}  {row['expected']}"
        )
        click.echo(f"  {'':<{name_width}}  properties: {', '.join(row['properties'])}")
    click.echo(f"\n{len(rows)} models; run one with: evcheck verify --model NAME")


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
    action is not enabled (exit 3). A malformed trace file exits 2. A lasso (a liveness
    counterexample) must also close: its last step must lead back to the state its
    cycle starts from (exit 1 if it does; exit 0, saying what differs, if not).
    """
    try:
        spec = load_spec(spec_file)
        report = replay_saved(spec, read_trace(trace_file, spec))
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
        click.echo(render_replay(report))
    sys.exit(REPLAY_EXIT_CODES[report.outcome])


if __name__ == "__main__":  # pragma: no cover
    main()
