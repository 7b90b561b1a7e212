"""pytest plugin (entry point `pytest11`): parametrise tests over spec files.

    # pyproject.toml
    [tool.pytest.ini_options]
    evcheck_specs = ["specs/*.py"]

    # test_designs.py
    from evcheck.testing import verify

    def test_design_verifies(spec_file):
        assert verify(spec_file).ok

Patterns are relative to pytest's rootdir; `--evcheck-specs PATTERN` overrides them.
When a test fails, every failing evcheck result it produced is added to the report
(the counterexample, its chart and statistics) under "evcheck counterexample".
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from . import testing
from .render.text import render_result
from .results import Result


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "evcheck_specs", "glob patterns of evcheck spec files for `spec_file`", type="linelist"
    )
    parser.addoption(
        "--evcheck-specs",
        action="append",
        default=None,
        metavar="PATTERN",
        help="evcheck spec files a `spec_file` test runs over (overrides the ini option)",
    )


def spec_files(config: pytest.Config) -> list[Path]:
    """The spec files the configuration selects, sorted."""
    patterns = config.getoption("--evcheck-specs") or config.getini("evcheck_specs")
    root = Path(config.rootpath)
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in root.glob(pattern) if p.suffix == ".py")
    return sorted(found)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "spec_file" in metafunc.fixturenames:
        files = spec_files(metafunc.config)
        metafunc.parametrize("spec_file", files, ids=[p.name for p in files])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    results: list[Result] = []
    testing.collect_results(results)
    try:
        yield
    finally:
        testing.collect_results(None)
        item.stash[_RESULTS] = results


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for result in item.stash.get(_RESULTS, []):
            if not result.ok:
                report.sections.append(("evcheck counterexample", render_result(result)))


_RESULTS = pytest.StashKey[list[Result]]()
