"""Spec parameters must be used: a misspelled option is an error, not a silent parameter;
handlers read parameters through the read-only `self.params`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from evcheck import Replica, ReplicaId, Spec, SpecError, field, operation
from evcheck.execution import Effects, HandlerRunner
from evcheck.models import GCounter, LamportLWW
from evcheck.runner import verify_spec


class Limited(Replica):
    """Reads a parameter in a handler, in both spellings."""

    x = field(0)

    @operation()
    def bump(self) -> None:
        self.x = min(self.x + self.params.step, self.params["cap"])


@pytest.mark.parametrize(
    ("keyword", "suggestion"),
    [("fault", "faults"), ("session", "sessions"), ("propertys", "properties")],
)
def test_a_misspelled_option_is_refused_with_a_suggestion(keyword: str, suggestion: str) -> None:
    with pytest.raises(SpecError) as info:
        Spec(GCounter, replicas=2, ops_per_replica=1, **{keyword: {"loss": 1}})
    message = str(info.value)
    assert f"did you mean {suggestion!r}?" in message
    assert "valid keywords: replicas, ops_per_replica" in message
    assert "test_parameters.py:" in message


def test_parameters_used_by_domains_or_the_protocol_are_accepted() -> None:
    Spec(LamportLWW, replicas=2, ops_per_replica=1, values=(1, 2))

    class Ranged(Replica):
        x = field(0)

        @operation(v=lambda p: range(p["n"]))
        def put(self, v: int) -> None:
            self.x = v

    assert Spec(Ranged, replicas=1, ops_per_replica=1, n=2).params == {"n": 2}
    assert Spec(Limited, replicas=1, ops_per_replica=1, step=1, cap=1).params["cap"] == 1
    with pytest.raises(SpecError, match="'steps', which is not an option"):
        Spec(Limited, replicas=1, ops_per_replica=1, step=1, cap=1, steps=2)


def test_handlers_read_parameters_through_self_params() -> None:
    runner = HandlerRunner(Limited, (ReplicaId(1),), {"step": 5, "cap": 3})
    outcome = runner.run(0, (0,), None, Limited.bump, (), "here")
    assert isinstance(outcome, Effects) and outcome.fields == (3,)
    scratch = runner.scratch(0, (0,), None, mutable=False)
    with pytest.raises(AttributeError, match="read-only"):
        scratch.params.step = 2
    with pytest.raises(AttributeError, match="no parameter 'stepp'"):
        _ = scratch.params.stepp


def test_a_spec_run_gives_handlers_the_parameters() -> None:
    assert verify_spec(Spec(Limited, replicas=1, ops_per_replica=1, step=1, cap=1)).ok


def test_an_infinite_domain_is_refused_before_the_search() -> None:
    class Endless(Replica):
        x = field(0)

        @operation(v=lambda p: _count())
        def put(self, v: int) -> None:
            self.x = v

    with pytest.raises(SpecError, match="more than 10,000 values"):
        verify_spec(Spec(Endless, replicas=1, ops_per_replica=1))


def _count() -> Any:
    n = 0
    while True:
        yield n
        n += 1


def test_a_domain_mapping_is_recorded_when_iterated() -> None:
    class All(Replica):
        x = field(0)

        @operation(v=lambda p: [v for k in p for v in _values(p, k)])
        def put(self, v: int) -> None:
            self.x = v

    assert Spec(All, replicas=1, ops_per_replica=1, a=(1,), b=(2,)).params == {"a": (1,), "b": (2,)}


def _values(params: Mapping[str, Any], key: str) -> Any:
    return params[key]
