"""Machine-readable results. The schema id changes whenever a field changes meaning."""

from __future__ import annotations

from typing import Any

from ..display import show
from ..results import Counterexample, Result
from ..trace import Trace
from .text import property_verdicts

SCHEMA = "evcheck.result/1"


def trace_to_list(trace: Trace) -> list[dict[str, Any]]:
    return [
        {
            "index": step.index,
            "action": step.action,
            "replicas": step.view.components,
            "in_flight": step.view.in_flight,
            "notes": step.view.notes,
        }
        for step in trace.steps
    ]


def result_to_dict(result: Result) -> dict[str, Any]:
    """The result as JSON-ready data: verdict, bounds, statistics, and the counterexample."""
    stats = result.stats
    verdicts = dict(property_verdicts(result))
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "spec": result.spec.name,
        "bounds": result.bounds,
        "settings": {k: show(v) for k, v in result.spec.settings.items()},
        "strategy": result.strategy,
        "workers": result.workers,
        "status": result.status,
        "properties": result.properties,
        "stats": {
            "states": stats.states,
            "transitions": stats.transitions,
            "depth": stats.depth,
            "seconds": round(stats.seconds, 6),
            "states_per_second": round(stats.states_per_second, 1),
            "peak_memory_bytes": stats.peak_memory_bytes,
            "depth_bounded": stats.depth_bounded,
            "frontier_left": stats.frontier_left,
            "collision_probability": result.collision_probability,
        },
        "faults": {"declared": result.faults_declared, "exercised": result.faults_exercised},
        "tables": result.tables,
        "z3_all": None
        if result.z3 is None
        else {
            "histories": result.z3.histories,
            "judgements": result.z3.judgements,
            "violations": result.z3.violations,
            "seconds": round(result.z3.seconds, 6),
            "complete": result.z3.complete,
        },
        "stop_reason": result.stop_reason,
        "seed": result.seed,
        "runs": result.runs,
        "counterexamples": [counterexample_to_dict(c) for c in result.counterexamples],
        "witnesses": [counterexample_to_dict(c) for c in result.witnesses],
        "premises": result.premises,
        "premise_counts": {
            name: {"count": count, "vacuous": verdicts[name].startswith("holds vacuously")}
            for name, count in result.premise_counts.items()
        },
        "graph": None
        if result.graph is None
        else {
            "nodes": result.graph.nodes,
            "edges": result.graph.edges,
            "seconds": round(result.graph.seconds, 6),
        },
    }
    # The first counterexample again under its own key, for the common single-violation case.
    data["counterexample"] = data["counterexamples"][0] if result.counterexamples else None
    return data


def counterexample_to_dict(cex: Counterexample) -> dict[str, Any]:
    return {
        "property": cex.property,
        "description": cex.description,
        "explanation": cex.explanation,
        "length": len(cex.trace),
        "found_length": cex.found_length,
        "initial": cex.initial,
        "conflict_steps": list(cex.conflict_steps),
        "loop": cex.loop,
        "trace": trace_to_list(cex.trace),
    }
