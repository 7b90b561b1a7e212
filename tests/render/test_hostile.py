"""Every report renders a trace whose raw values Python itself cannot print: an int of
5,000 digits, a tuple nested 100,000 deep (11.4)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from evcheck import load_spec, verify_spec
from evcheck.model import Action, StateView
from evcheck.render.html import html_report
from evcheck.render.itf import itf_document
from evcheck.render.json import result_to_dict
from evcheck.render.text import render_result
from evcheck.runner import Result
from evcheck.trace import Step, Trace
from evcheck.values import FrozenDict
from tests.conftest import SPECS


@dataclasses.dataclass(frozen=True)
class Blob:
    payload: object


def deep(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = (value,)
    return value


def hostile_result() -> Result:
    """A real run whose counterexample is replaced by a trace of unprintable values."""
    result = verify_spec(load_spec(SPECS / "lww_no_tiebreak.py"))
    assert result.counterexample is not None
    huge, nested = 10**5000, deep(100_000)
    raw = {"r1": {"value": huge, "stamp": nested}, "r2": {"value": FrozenDict({1: nested})}}
    messages = [("r1", "r2", Blob(huge)), ("r2", "r1", Blob(nested))]
    view = StateView(
        {"r1": {"value": "<int>", "stamp": "(...)"}, "r2": {"value": "{...}"}},
        in_flight=["r1->r2 Blob(...)"],
        values=raw,
        messages=messages,
    )
    deliver = Action("deliver r1->r2 Blob(...)", "deliver", src="r1", dst="r2", message="Blob")
    trace = Trace((Step(0, None, None, view), Step(1, deliver.label, None, view, deliver)))
    cex = dataclasses.replace(result.counterexample, trace=trace, found_length=1)
    return dataclasses.replace(result, counterexamples=[cex])


def test_every_report_renders_unprintable_values() -> None:
    result = hostile_result()
    cex = result.counterexamples[0]
    assert "deliver r1->r2 Blob(...)" in render_result(result)
    assert json.loads(json.dumps(result_to_dict(result)))["counterexample"]["length"] == 1
    itf = json.dumps(itf_document(result, cex))
    assert "<int of about 5,001 digits>" in itf and "#unserializable" in itf
    page = html_report(result)
    assert "r1-&gt;r2 Blob(payload=&lt;int of about 5,001 digits&gt;)" in page
    assert "r2-&gt;r1 Blob(payload=((((((((((((..." in page
