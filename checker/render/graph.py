"""The explored state graph as DOT or GraphML (`--graph FILE`), via networkx's writers.

Nodes are state numbers in discovery order (the graph keeps no states, only numbers);
edges carry their action index and kind. The first counterexample's path (and, for a
lasso, its cycle) is marked `counterexample=true` and drawn red. Past `MAX_NODES`
states the file would be unreadable and slow to lay out, so it is refused.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import networkx as nx

from ..errors import SpecError
from ..kinds import KIND_NAMES, TIMER
from ..liveness import Graph
from ..results import Result

MAX_NODES = 20_000


def graph_text(result: Result, path: str) -> str:
    """The file's contents: DOT for `.dot`/`.gv`, GraphML for `.graphml`."""
    graph = result.state_graph
    if graph is None:
        raise SpecError("no state graph was recorded")
    suffix = Path(path).suffix.lower()
    if suffix not in (".dot", ".gv", ".graphml"):
        raise SpecError(f"--graph writes .dot, .gv or .graphml files, not {suffix or path!r}")
    if len(graph) > MAX_NODES:
        raise SpecError(
            f"the state graph has {len(graph):,} states; --graph writes at most {MAX_NODES:,} "
            "(lower the bounds to draw it)"
        )
    g = _digraph(result, graph)
    if suffix == ".graphml":
        out = io.BytesIO()
        nx.write_graphml(g, out)
        return out.getvalue().decode()
    return _dot(g)


def _digraph(result: Result, graph: Graph) -> nx.MultiDiGraph:
    marked_nodes, marked_edges = _marked(result, graph)
    g = nx.MultiDiGraph()
    initial = set(graph.initial)
    for v in range(len(graph)):
        g.add_node(
            v,
            initial=v in initial,
            counterexample=v in marked_nodes,
            label=str(v),
        )
    for v in range(len(graph)):
        for e in range(graph.first[v], graph.last[v]):
            code = graph.kinds[e]
            kind = KIND_NAMES.get(code, f"timer {code - TIMER}" if code >= TIMER else "other")
            g.add_edge(
                v,
                graph.targets[e],
                action=e - graph.first[v],
                kind=kind,
                counterexample=(v, graph.targets[e]) in marked_edges,
            )
    return g


def _marked(result: Result, graph: Graph) -> tuple[set[int], set[tuple[int, int]]]:
    """The nodes and edges the first counterexample passes through."""
    path = result.graph_path
    return set(path), set(itertools.pairwise(path))


def _dot(g: nx.MultiDiGraph) -> str:
    """DOT text, written here rather than with pydot or pygraphviz (not dependencies)."""
    lines = ["digraph evcheck {", "  node [shape=circle];"]
    for v, data in g.nodes(data=True):
        attrs = [f'label="{v}"']
        if data["initial"]:
            attrs.append("shape=doublecircle")
        if data["counterexample"]:
            attrs.append("color=red")
        lines.append(f"  {v} [{', '.join(attrs)}];")
    for u, v, data in g.edges(data=True):
        attrs = [f'label="{data["kind"]}"']
        if data["counterexample"]:
            attrs.append("color=red, penwidth=2")
        lines.append(f"  {u} -> {v} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
