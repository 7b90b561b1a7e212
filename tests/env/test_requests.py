"""Request operations: asynchronous client operations that complete when a handler
replies (`@operation(request=True)`, `self.reply(request, value)`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from evcheck import (
    Replica,
    Request,
    Spec,
    SpecError,
    field,
    linearizability,
    load_spec,
    message,
    on,
    operation,
    read_your_writes,
    session,
    unique,
    verify_spec,
)
from evcheck.consistency import Op
from evcheck.plan import compile_plan
from evcheck.render.chart import ascii_chart, mermaid_chart
from evcheck.runner import history_of
from evcheck.semantics import Semantics
from evcheck.trace import replay_labels
from tests.conftest import SPECS


@message(carries="nothing")
class Ping:
    request: Request


@message(carries="nothing")
class Pong:
    request: Request


class Echo(Replica):
    """A put asks the other replica and completes when it answers. Every answer is
    replied to, so a duplicated answer replies to a request no longer pending."""

    value = field(None)

    @operation(request=True, v=unique, writes="v")
    def put(self, request: Request, v: Any) -> None:
        self.value = v
        self.send(self.peers[0], Ping(request))

    @operation(request=True, reads=True)
    def get(self, request: Request) -> None:
        self.reply(request, self.value)

    @on(Ping)
    def ping(self, msg: Ping, src: Any) -> None:
        self.send(src, Pong(msg.request))

    @on(Pong)
    def pong(self, msg: Pong) -> None:
        self.reply(msg.request)


def reachable(spec: Spec) -> tuple[Semantics, list[tuple[Any, list[str]]]]:
    """Every reachable world with its action labels (BFS over the Python semantics)."""
    system = Semantics(compile_plan(spec))
    seen = set()
    frontier = system.initial()
    found = []
    while frontier:
        node = frontier.pop()
        if node[1] in seen:
            continue
        seen.add(node[1])
        labels = system.action_labels(node[0])
        found.append((node[0], labels))
        frontier.extend(system.successors(node))
    return system, found


def echo_spec(**overrides: Any) -> Spec:
    settings: dict[str, Any] = {
        "replicas": 2,
        "sessions": {"s1": session("r1", ops=["put"])},
        "ops_per_session": 2,
        "properties": [],
    }
    settings.update(overrides)
    return Spec(Echo, **settings)


def test_a_session_waits_for_the_reply_before_its_next_operation() -> None:
    system, worlds = reachable(echo_spec())
    sessions = system.clients
    for world, labels in worlds:
        pending = sessions.pending(world[system.n])  # type: ignore[union-attr]
        issuing = [label for label in labels if label.startswith("put@")]
        if pending[0] is not None:
            assert not issuing, f"s1 issued {issuing} while {pending[0]} was pending"
    # Two puts, one after the other: the second one is numbered 2.
    assert any(any("s1#2" in label for label in labels) for _, labels in worlds)


def test_a_late_reply_is_ignored_and_says_so() -> None:
    _, worlds = reachable(echo_spec(faults={"dup": 1}, ops_per_session=1))
    labels = [label for _, ls in worlds for label in ls]
    assert any("[s1#1 completes: None]" in label for label in labels)
    ignored = [label for label in labels if "ignored: not pending" in label]
    assert ignored and all("reply None to s1#1" in label for label in ignored)


def test_a_request_never_answered_stays_pending_and_the_session_stops() -> None:
    class Silent(Echo):
        @on(Pong)
        def pong(self, msg: Pong) -> None:
            pass

    result = verify_spec(
        Spec(
            Silent,
            replicas=2,
            sessions={"s1": session("r1", ops=["put"])},
            ops_per_session=2,
            properties=[],
        )
    )
    # put, deliver Ping, deliver Pong: 4 states, and no second put is ever issued.
    assert result.ok and result.stats.states == 4


def test_the_history_has_intervals_and_the_chart_draws_them() -> None:
    spec = load_spec(SPECS / "quorum_r1w1.py")
    result = verify_spec(spec)
    cex = result.counterexample
    assert cex is not None and cex.property == "read_your_writes"
    ops = history_of(cex.trace)
    assert all(isinstance(op, Op) for op in ops)
    put, get = ops
    assert (put.kind, put.start, put.end) == ("write", 1, 3)
    assert (get.kind, get.value, get.start, get.end) == ("read", None, 4, 6)
    assert "in steps 4-6" in cex.explanation and "confirmed by Z3" in cex.explanation
    lanes = list(result.lanes)
    chart = ascii_chart(cex.trace, lanes)
    lane = chart.splitlines()[0].index("s1") + 1  # the lane's centre, under its name
    rows = chart.splitlines()[2:]
    assert [row[lane] for row in rows[:6]] == ["|", "#", "+", "|", "#", "+"]
    mermaid = mermaid_chart(cex.trace, lanes)
    lines = [line.strip() for line in mermaid.splitlines()]
    assert lines.count("activate s1") == lines.count("deactivate s1") == 2
    assert "r1-->>s1" in mermaid


def test_a_chart_marks_requests_still_pending_at_the_end() -> None:
    spec = Spec(
        Echo,
        replicas=2,
        sessions={"s1": session("r1", ops=["put"]), "s2": session("r1", ops=["get"])},
        ops_per_session=1,
        properties=[linearizability],
    )
    system = Semantics(compile_plan(spec))
    trace = replay_labels(system, 0, ["put@r1(s1#1, 's1.1') by s1"]).trace
    assert "pending at the end (outcome unknown): s1#1" in ascii_chart(trace, system.lanes)


def test_a_read_of_a_pending_write_is_linearizable_either_way() -> None:
    spec = Spec(
        Echo,
        replicas=2,
        sessions={"s1": session("r1", ops=["put"]), "s2": session("r1", ops=["get"])},
        ops_per_session=1,
        faults={"loss": 1},
        properties=[linearizability],
    )
    assert verify_spec(spec).ok


def test_cas_and_sibling_reads_in_a_model() -> None:
    class CasRegister(Replica):
        value = field(None)

        @operation(new=unique, writes="new")
        def put(self, new: Any) -> None:
            self.value = new

        @operation(request=True, old=(None,), new=("x",), cas=("old", "new"))
        def swap(self, request: Request, old: Any, new: Any) -> None:
            ok = self.value == old
            if ok:
                self.value = new
            self.reply(request, ok)

        @operation(reads=True)
        def get(self) -> Any:
            return self.value

    class LostSwap(CasRegister):
        @operation(request=True, old=(None,), new=("x",), cas=("old", "new"))
        def swap(self, request: Request, old: Any, new: Any) -> None:
            self.reply(request, True)  # claims success, changes nothing

    def spec(protocol: type[Replica]) -> Spec:
        return Spec(
            protocol,
            replicas=1,
            sessions={"s1": "r1", "s2": "r1"},
            ops_per_session=2,
            properties=[linearizability],
        )

    assert verify_spec(spec(CasRegister)).ok
    broken = verify_spec(spec(LostSwap))
    assert broken.counterexample is not None
    assert broken.counterexample.property == "linearizability"
    assert "cas None->'x'" in broken.counterexample.explanation


def test_sibling_reads_see_every_value_they_return() -> None:
    _, worlds = reachable(load_spec(SPECS / "siblings_sessions.py"))
    two = [
        label
        for _, ls in worlds
        for label in ls
        if "get@" in label and ", " in label.split("->")[-1]
    ]
    assert two, "no read returned two siblings: the spec would not exercise multi-value reads"
    assert verify_spec(load_spec(SPECS / "siblings_sessions.py")).ok


def test_request_definition_errors() -> None:
    with pytest.raises(SpecError, match="must take the request after self"):

        class NoHandle(Replica):
            @operation(request=True)
            def get(self) -> None:
                pass

    class Asker(Replica):
        @operation(request=True)
        def ask(self, request: Request) -> None:
            self.reply(request)

    with pytest.raises(SpecError, match="requests are issued by client sessions"):
        compile_plan(Spec(Asker, replicas=2, ops_per_replica=1, properties=[]))

    class Swapper(Replica):
        value = field(None)

        @operation(old=(None,), new=(1,), cas=("old", "new"))
        def swap(self, old: Any, new: Any) -> bool:
            return True

    with pytest.raises(SpecError, match="only linearizability judges"):
        compile_plan(
            Spec(
                Swapper,
                replicas=1,
                sessions=["r1"],
                ops_per_session=1,
                properties=[read_your_writes],
            )
        )

    class BadReply(Echo):
        @on(Pong)
        def pong(self, msg: Pong) -> None:
            self.reply("not a request")  # type: ignore[arg-type]

    with pytest.raises(SpecError, match="needs the Request an operation received"):
        verify_spec(
            Spec(
                BadReply,
                replicas=2,
                sessions={"s1": session("r1", ops=["put"])},
                ops_per_session=1,
                properties=[],
            )
        )


@pytest.mark.parametrize("engine", ["python", "native"])
def test_engines_agree_on_a_request_spec(engine: str) -> None:
    spec = load_spec(SPECS / "quorum_counting.py")
    result = verify_spec(spec, engine=engine)
    assert result.counterexample is not None
    assert (result.counterexample.property, len(result.counterexample.trace)) == (
        "read_your_writes",
        10,
    )
    assert result.stats.states == 3177


def test_the_html_chart_draws_requests_as_bars() -> None:
    from evcheck.render.svg import svg_chart

    spec = load_spec(SPECS / "quorum_r1w1.py")
    result = verify_spec(spec)
    assert result.counterexample is not None
    svg = svg_chart(result.counterexample, list(result.lanes))
    assert svg.count('class="request"') == 2
    assert 'data-request="s1#1"' in svg and "s1#1: steps 1-3" in svg
    system = Semantics(compile_plan(spec))
    trace = replay_labels(system, 0, ["put@r1(s1#1, 's1.1') by s1"]).trace
    pending = replace(result.counterexample, trace=trace, loop=None)
    assert 'class="request pending"' in svg_chart(pending, list(system.lanes))


@pytest.mark.parametrize("engine", ["python", "native"])
@pytest.mark.parametrize("request_op", [False, True])
def test_a_cas_must_report_true_or_false(engine: str, request_op: bool) -> None:
    class Truthy(Replica):
        value = field(None)

        if request_op:

            @operation(request=True, old=(None,), new=(1,), cas=("old", "new"))
            def swap(self, request: Request, old: Any, new: Any) -> None:
                self.reply(request, 1)

        else:

            @operation(old=(None,), new=(1,), cas=("old", "new"))
            def swap(self, old: Any, new: Any) -> Any:
                return 1

    spec = Spec(
        Truthy, replicas=1, sessions=["r1"], ops_per_session=1, properties=[linearizability]
    )
    with pytest.raises(SpecError, match=r"must report True \(swapped\) or False"):
        verify_spec(spec, engine=engine)
