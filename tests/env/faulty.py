"""Helpers of the environment tests: small specs, their counterexamples, every reachable state."""

from __future__ import annotations

from typing import Any

from evcheck import (
    Replica,
    Spec,
    verify_spec,
)
from tests.support import System


def spec(protocol: type[Replica], faults: dict[str, Any] | None = None, **kw: Any) -> Spec:
    args: dict[str, Any] = {"replicas": 2, "ops_per_replica": 1}
    if any("values" in op.domains.values() for op in protocol._operations):
        args["values"] = ("a", "b")  # a parameter nothing uses is refused as a misspelling
    args.update(kw)
    return Spec(protocol, faults=faults, **args)


def actions(s: Spec) -> list[str]:
    result = verify_spec(s)
    assert result.counterexample is not None, "expected a violation"
    return result.counterexample.trace.actions


def reachable(system: System) -> list[tuple[Any, int]]:
    nodes = system.initial()
    seen = {fp for _, fp in nodes}
    stack = list(nodes)
    out = list(nodes)
    while stack:
        for nxt in system.successors(stack.pop()):
            if nxt[1] not in seen:
                seen.add(nxt[1])
                stack.append(nxt)
                out.append(nxt)
    return out
