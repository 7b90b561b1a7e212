"""Machine-readable results. The schema id changes whenever a field changes meaning."""

from __future__ import annotations

from typing import Any

from ..runner import Result
from ..trace import Trace

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
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "spec": result.spec.name,
        "bounds": result.bounds,
        "settings": {k: repr(v) for k, v in result.spec.settings.items()},
        "strategy": result.strategy,
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
            "collision_probability": result.collision_probability,
        },
        "faults": {"declared": result.faults_declared, "exercised": result.faults_exercised},
        "stop_reason": result.stop_reason,
        "counterexample": None,
    }
    cex = result.counterexample
    if cex is not None:
        data["counterexample"] = {
            "property": cex.property,
            "description": cex.description,
            "explanation": cex.explanation,
            "length": len(cex.trace),
            "trace": trace_to_list(cex.trace),
        }
    return data
