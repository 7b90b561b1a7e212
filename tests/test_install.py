"""The suite checks the source tree, not a stale installed copy: the README installs evcheck
in strict editable mode (a tree of links to `checker/`), so an edit under `checker/`
is what pytest imports and what mypy type-checks, without reinstalling."""

from __future__ import annotations

import tomllib
from pathlib import Path

import evcheck
import evcheck.models
import evcheck.semantics
from evcheck.models.catalog import CATALOG, spec_path

ROOT = Path(__file__).resolve().parent.parent


def test_evcheck_is_imported_from_the_source_tree() -> None:
    for module, folder in (
        (evcheck, "checker"),
        (evcheck.semantics, "checker"),
        (evcheck.models, "models"),
    ):
        assert module.__file__ is not None
        assert Path(module.__file__).resolve().parent == ROOT / folder, (
            f"{module.__name__} comes from {module.__file__}, not from {ROOT / folder}: install "
            "with the README's test command (pip install -e '.[test]' --config-settings "
            "editable_mode=strict)"
        )


def test_the_library_spec_files_are_installed_with_the_package() -> None:
    """`evcheck verify --model NAME` runs a spec file of `specs/`, which is shipped as the
    package data of `evcheck.specs`: pyproject maps the folder and includes its files, and
    the catalog finds them through the installed package (here, links to the source)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "evcheck.specs" in config["packages"]
    assert config["package-dir"]["evcheck.specs"] == "specs"
    assert config["package-data"]["evcheck.specs"] == ["*.py"]
    for entry in CATALOG:
        installed = spec_path(entry.spec)
        assert installed.parent != ROOT / "specs", (
            "the catalog must resolve through the installed package, not the source tree"
        )
        assert installed.resolve() == ROOT / "specs" / entry.spec
