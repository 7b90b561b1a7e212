"""The one-way import rule of DESIGN.md, checked on the source: every import of a module
of evcheck (at module level, inside functions, under TYPE_CHECKING) points to a lower
layer or sideways within one, and no modules import each other in a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

SOURCE = Path(__file__).resolve().parent.parent / "checker"

# Lower number = lower layer. A module may import modules of its own layer or below.
LAYERS: dict[str, int] = {
    "errors": 0,
    "values": 0,
    "fingerprint": 0,
    "display": 1,
    "tracecodec": 1,
    "params": 1,
    "model": 1,
    "properties": 1,
    "faults": 1,
    "dsl": 2,
    "consistency": 2,
    "plan": 3,
    "kinds": 3,
    "execution": 3,
    "loader": 3,
    "env": 4,
    "semantics": 5,
    "checking": 5,
    "liveness": 5,
    "por": 5,
    "solver": 5,
    "symmetry": 5,
    "transfer": 5,
    "native_tables": 5,
    "search": 6,
    "trace": 6,
    "shrink": 6,
    "histories": 6,
    "native": 6,
    "results": 7,
    "tracefile": 7,
    "runner": 8,
    "render": 8,
    "testing": 9,
    "pytest_plugin": 10,
    "cli": 10,
    # The protocol library (models/, the package evcheck.models): written against the
    # public API only; the CLI reads its catalog (`evcheck list`, `verify --model`).
    "models": 10,
    "supervise": 10,
    "__init__": 11,  # the public API re-exports from everywhere
}

# Packages whose modules may import nothing above these (besides their own package).
ISOLATED = {"search": {"errors", "model"}, "native": {"errors", "model", "search"}}


def module_name(path: Path, root: Path = SOURCE) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def imports_of(path: Path, root: Path = SOURCE) -> set[str]:
    """evcheck modules imported by the file, as names relative to the package."""
    tree = ast.parse(path.read_text(), str(path))
    package = module_name(path, root).split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.startswith("evcheck"):
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                candidate = ".".join([*target, alias.name])
                found.add(candidate if _exists(candidate, root) else ".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("evcheck."):
                    found.add(alias.name.split(".", 1)[1])
    return {name for name in found if name and name != module_name(path, root)}


def _exists(name: str, root: Path) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def top(name: str) -> str:
    return name.split(".")[0]


def graph() -> nx.DiGraph:
    edges = nx.DiGraph()
    for path in SOURCE.rglob("*.py"):
        name = module_name(path)
        edges.add_node(name)
        for target in imports_of(path):
            edges.add_edge(name, target)
    return edges


def test_every_module_has_a_layer() -> None:
    missing = sorted({top(n) for n in graph().nodes if top(n) not in LAYERS})
    assert not missing, f"assign a layer in tests/test_layers.py to: {', '.join(missing)}"


def test_imports_point_down() -> None:
    upward = []
    for source, target in graph().edges:
        if top(source) == top(target):
            continue
        if LAYERS[top(target)] > LAYERS[top(source)]:
            upward.append(f"{source} -> {target}")
    assert not upward, "imports pointing up a layer: " + "; ".join(sorted(upward))


def test_isolated_packages_import_only_what_they_may() -> None:
    wrong = [
        f"{source} -> {target}"
        for source, target in graph().edges
        if top(source) in ISOLATED
        and top(target) != top(source)
        and top(target) not in ISOLATED[top(source)]
    ]
    assert not wrong, "; ".join(sorted(wrong))


def test_no_import_cycles() -> None:
    cycles = list(nx.simple_cycles(graph()))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_only_the_solver_imports_z3() -> None:
    importers = [
        module_name(path)
        for path in SOURCE.rglob("*.py")
        if any(
            (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "z3" for a in n.names))
            or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "z3")
            for n in ast.walk(ast.parse(path.read_text()))
        )
    ]
    assert importers == ["solver"]


def test_an_upward_import_inside_a_function_is_found(tmp_path: Path) -> None:
    (tmp_path / "runner.py").write_text("def verify_spec(): ...\n")
    (tmp_path / "dsl.py").write_text("def f():\n    from .runner import verify_spec\n")
    assert imports_of(tmp_path / "dsl.py", tmp_path) == {"runner"}
    assert LAYERS["runner"] > LAYERS["dsl"]
