"""Loading spec files: good ones load, bad ones fail with the file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evcheck import Spec, SpecError, load_spec
from tests.conftest import SPECS

WriteSpec = Callable[..., Path]


def test_project_specs_load() -> None:
    for path in sorted(SPECS.glob("*.py")):
        assert isinstance(load_spec(path), Spec)


def test_missing_file() -> None:
    with pytest.raises(SpecError, match="does not exist"):
        load_spec("no/such/spec.py")


def test_not_python(tmp_path: Path) -> None:
    path = tmp_path / "spec.txt"
    path.write_text("x")
    with pytest.raises(SpecError, match="not a Python file"):
        load_spec(path)


def test_syntax_error_names_the_line(write_spec: WriteSpec) -> None:
    path = write_spec("from evcheck import Spec\n\nspec = Spec(\n")
    with pytest.raises(SpecError, match="syntax error") as info:
        load_spec(path)
    assert str(path) in str(info.value)


def test_exception_while_loading_names_the_line(write_spec: WriteSpec) -> None:
    path = write_spec("from evcheck.models import LamportLWW\n\nx = LamportLWW.nope\n")
    with pytest.raises(SpecError, match="AttributeError") as info:
        load_spec(path)
    assert f"{path}:3" in str(info.value)


def test_no_spec_object(write_spec: WriteSpec) -> None:
    path = write_spec("x = 1\n")
    with pytest.raises(SpecError, match="defines no Spec"):
        load_spec(path)


def test_two_spec_objects_need_a_name(write_spec: WriteSpec) -> None:
    source = (
        "from evcheck import Spec\nfrom evcheck.models import LamportLWW\n"
        "a = Spec(LamportLWW, ops_per_replica=1, values=(1,))\n"
        "b = Spec(LamportLWW, ops_per_replica=1, values=(2,))\n"
    )
    with pytest.raises(SpecError, match="name the one to check `spec`"):
        load_spec(write_spec(source))


def test_dsl_errors_point_into_the_spec_file(write_spec: WriteSpec) -> None:
    source = (
        "from evcheck import Replica, Spec, field, operation\n"
        "class R(Replica):\n"
        "    x = field(0)\n"
        "    @operation()\n"
        "    def write(self, v):\n"
        "        pass\n"
        "spec = Spec(R, ops_per_replica=1)\n"
    )
    path = write_spec(source)
    with pytest.raises(SpecError, match="have no domain") as info:
        load_spec(path)
    assert f"{path}:4" in str(info.value)
