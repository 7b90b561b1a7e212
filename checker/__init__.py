"""evcheck: a model checker for replication protocols.

Write a replica protocol with `Replica`, `field`, `operation`, `on` and `message`;
bind it to bounds and properties with `Spec`; check it with `evcheck verify` or
`verify_spec`.
"""

from __future__ import annotations

from .consistency import (
    causal_consistency,
    linearizability,
    monotonic_reads,
    monotonic_writes,
    read_your_writes,
    strong_eventual_consistency,
    writes_follow_reads,
)
from .dsl import (
    Replica,
    Request,
    Session,
    Spec,
    field,
    message,
    on,
    on_recovery,
    operation,
    session,
    timer,
    unique,
)
from .env.envelope import Envelope
from .errors import EvcheckError, ReplayError, SpecError, TraceFormatError
from .faults import FaultProfile
from .loader import load_spec
from .properties import (
    Fail,
    Invariant,
    Liveness,
    Property,
    QuiescentConvergence,
    Update,
    always_eventually,
    eventual_convergence,
    eventually,
    invariant,
    leads_to,
    quiescent_convergence,
    sometimes,
)
from .results import Counterexample, Result
from .runner import simulate_spec, verify_spec
from .search import Limits
from .values import FrozenDict, ModelValue, ReplicaId, symmetric_values

__version__ = "0.1.0"

__all__ = [
    "Counterexample",
    "Envelope",
    "EvcheckError",
    "Fail",
    "FaultProfile",
    "FrozenDict",
    "Invariant",
    "Limits",
    "Liveness",
    "ModelValue",
    "Property",
    "QuiescentConvergence",
    "ReplayError",
    "Replica",
    "ReplicaId",
    "Request",
    "Result",
    "Session",
    "Spec",
    "SpecError",
    "TraceFormatError",
    "Update",
    "__version__",
    "always_eventually",
    "causal_consistency",
    "eventual_convergence",
    "eventually",
    "field",
    "invariant",
    "leads_to",
    "linearizability",
    "load_spec",
    "message",
    "monotonic_reads",
    "monotonic_writes",
    "on",
    "on_recovery",
    "operation",
    "quiescent_convergence",
    "read_your_writes",
    "session",
    "simulate_spec",
    "sometimes",
    "strong_eventual_consistency",
    "symmetric_values",
    "timer",
    "unique",
    "verify_spec",
    "writes_follow_reads",
]
