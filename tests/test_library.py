"""The protocol library as a catalog (evcheck.models.catalog): every entry resolves to a
spec file shipped with the package, says what it expects in its docstring, appears on
the map (docs/library.md) with a chart of its real shortest counterexample, and is
listed and run by the CLI. The verdicts themselves are pinned by tests/test_specs.py."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from evcheck.cli import main
from evcheck.models import catalog
from evcheck.models.catalog import CATALOG, FAMILIES, entry
from tests.conftest import ROOT, SPECS
from tests.library_page import PAGE, charted, elide_ghosts


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_entries_are_named_once_and_belong_to_a_family() -> None:
    names = [e.name for e in CATALOG]
    assert len(names) == len(set(names))
    assert {e.family for e in CATALOG} <= set(FAMILIES)
    for e in CATALOG:
        assert (e.violated is None) == (e.length is None), e.name
        assert e.length is None or e.length > 0


@pytest.mark.parametrize("e", CATALOG, ids=lambda e: e.name)
def test_the_entry_resolves_to_its_spec_file_in_the_installed_package(e: catalog.Entry) -> None:
    """`--model` finds spec files through the package `evcheck.specs` (package data), so
    it works in an installed copy; here that copy is the strict editable install, whose
    files must be the source tree's (a new spec file needs the install re-run)."""
    installed = e.path()
    assert installed.is_file(), f"{e.spec} is not installed: re-run the pip install"
    assert installed.read_text() == (SPECS / e.spec).read_text()


@pytest.mark.parametrize("e", CATALOG, ids=lambda e: e.name)
def test_the_spec_docstring_states_the_expectation(e: catalog.Entry) -> None:
    doc = ast.get_docstring(ast.parse((SPECS / e.spec).read_text())) or ""
    command = f"evcheck verify specs/{e.spec}"
    plain = [line for line in doc.splitlines() if command in line and " --" not in line]
    assert plain, f"{e.spec}: say how to run it"
    assert ("exit 1" in plain[0]) == (e.verdict == "violated"), (
        f"{e.spec}: the docstring's command line must say `# exit 1` exactly when broken"
    )


def test_the_page_maps_every_entry() -> None:
    text = PAGE.read_text()
    missing = [e.name for e in CATALOG if f"`{e.name}`" not in text]
    assert not missing, f"docs/library.md does not mention {missing}"
    charts = charted(text)
    assert sorted(charts) == sorted(e.name for e in CATALOG if e.violated), (
        "docs/library.md needs one chart per broken variant"
    )


def test_the_page_charts_are_real_shortest_counterexamples() -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "tests.library_page", "--check"], cwd=ROOT, check=False
    )
    assert checked.returncode == 0, "charts are stale: run `python -m tests.library_page`"


def test_ghost_histories_are_elided_from_charts() -> None:
    label = "M(a=1, history=frozenset({((r1, 1), 'add', 'x', frozenset(), None)}), b=(1, 2))"
    assert elide_ghosts(label) == "M(a=1, history=…, b=(1, 2))"


def test_readme_links_the_map() -> None:
    assert "docs/library.md" in (SPECS.parent / "README.md").read_text()


def test_list_prints_every_model_with_faults_properties_and_verdict() -> None:
    code, out, _ = run("list")
    assert code == 0
    for e in CATALOG:
        line = next(line for line in out.splitlines() if line.strip().startswith(e.name + " "))
        assert e.variant in line and e.expectation in line
    assert "faults: loss=1, dup=1" in out
    assert "properties: orset_semantics, strong_eventual_consistency" in out


def test_list_as_json_and_by_family() -> None:
    code, out, _ = run("list", "--family", "crdt", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["schema"] == "evcheck.library/1"
    models = {m["name"]: m for m in document["models"]}
    assert set(models) == {e.name for e in CATALOG if e.family == "crdt"}
    assert models["max-counter"]["violated"] == "counts_its_updates"
    assert models["or-set"]["faults"] == "loss=1, dup=1"
    code, _, err = run("list", "--family", "nope")
    assert code == 2 and "families:" in err
    code, out, _ = run("list", "--family", "consensus")
    assert code == 0 and "majority-self-commit" in out and "5 models" in out


def test_verify_runs_a_model_by_name() -> None:
    code, out, _ = run("verify", "--model", "stock-local", "-q")
    assert code == 1
    assert "not_oversold" in out
    code, out, _ = run("verify", "--model", "stock-owner", "-q")
    assert code == 0


def test_verify_refuses_an_unknown_model_or_two_sources() -> None:
    code, _, err = run("verify", "--model", "stok-local")
    assert code == 2 and "did you mean stock-local" in err
    code, _, err = run("verify", str(SPECS / "lww.py"), "--model", "lww")
    assert code == 2 and "either a SPEC file or --model" in err
    code, _, err = run("verify")
    assert code == 2


def test_an_entry_is_one_line() -> None:
    """What the catalog's docstring promises: adding a model is one call."""
    made = catalog.violated("q", "quorum", "R + W <= N", "q.py", "linearizability", 6)
    assert made.verdict == "violated" and made.expectation == "violated: linearizability in 6 steps"
    assert catalog.holds("p", "quorum", "R + W > N", "p.py").verdict == "holds"
    with pytest.raises(KeyError, match="did you mean"):
        entry("or-sett")
