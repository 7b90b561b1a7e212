"""The suite checks the source tree, not a stale installed copy: the README installs evcheck
in strict editable mode (a tree of links to `checker/`), so an edit under `checker/`
is what pytest imports and what mypy type-checks, without reinstalling."""

from __future__ import annotations

from pathlib import Path

import evcheck
import evcheck.models
import evcheck.semantics

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
