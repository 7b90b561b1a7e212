"""Shared fixtures: paths to the project's spec files and a tmp spec writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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
