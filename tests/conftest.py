"""Shared fixtures: paths to the project's spec files and a tmp spec writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evcheck.models.catalog import CATALOG

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a spec file into a temporary directory and return its path."""

    def write(source: str, name: str = "spec_under_test.py") -> Path:
        path = tmp_path / name
        path.write_text(source)
        return path

    return write


# Spec files whose default bounds take long to explore (pinned by tests/test_specs.py):
# the library catalog marks them.
SLOW_SPECS = tuple(e.spec for e in CATALOG if e.slow)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(f"[{name}]" in item.nodeid for name in SLOW_SPECS):
            item.add_marker(pytest.mark.slow)
