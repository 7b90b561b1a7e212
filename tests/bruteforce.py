"""An independent, plain-Python enumeration of the LWW model (no evcheck code).

Used to pin the engine's state and transition counts: replica = (value, counter,
writer, writes done); a write stamps (counter + 1, me) and sends to every other
replica; a delivery adopts the message's value if its stamp is larger (or, with
`tiebreak=False`, if its counter is larger). The network is a sorted tuple.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence


def lww_counts(
    n: int,
    writes: int | None,
    values: Sequence[object] = (1, 2),
    tiebreak: bool = True,
    max_ops: int | None = None,
    loss: int = 0,
    dup: int = 0,
) -> tuple[int, int, bool]:
    """(distinct states, transitions, converged in every quiescent state).

    With `loss`/`dup` budgets, any distinct in-flight message may also be dropped or
    copied while the budget lasts; the budgets spent are part of the state.
    """
    seen, transitions, converged = _lww_states(n, writes, values, tiebreak, max_ops, loss, dup)
    return len(seen), transitions, converged


def lww_quiescent(
    n: int,
    writes: int | None,
    values: Sequence[object] = (1, 2),
    tiebreak: bool = True,
    max_ops: int | None = None,
) -> int:
    """How many reachable states have nothing in flight (quiescent convergence's premise)."""
    seen, _, _ = _lww_states(n, writes, values, tiebreak, max_ops, 0, 0)
    return sum(1 for state in seen if not state[1])


def _lww_states(
    n: int,
    writes: int | None,
    values: Sequence[object],
    tiebreak: bool,
    max_ops: int | None,
    loss: int,
    dup: int,
) -> tuple[set[tuple[object, ...]], int, bool]:
    init = (tuple((None, 0, 0, 0) for _ in range(n)), (), 0, 0, 0)
    seen = {init}
    queue = deque([init])
    transitions = 0
    converged = True
    while queue:
        reps, net, used, lost, duped = queue.popleft()
        if not net and len({r[0] for r in reps}) > 1:
            converged = False
        succs = []
        if max_ops is None or used < max_ops:
            for i in range(n):
                _value, counter, _writer, done = reps[i]
                if writes is not None and done >= writes:
                    continue
                for v in values:
                    me = i + 1
                    new = (v, counter + 1, me, done + 1 if writes is not None else 0)
                    sends = tuple((me, j + 1, v, counter + 1, me) for j in range(n) if j != i)
                    succs.append(
                        (
                            reps[:i] + (new,) + reps[i + 1 :],
                            tuple(sorted(net + sends)),
                            used + 1,
                            lost,
                            duped,
                        )
                    )
        previous = None
        for k, env in enumerate(net):
            if env == previous:
                continue
            previous = env
            _src, dst, v, c, w = env
            _value, counter, writer, done = reps[dst - 1]
            newer = (c, w) > (counter, writer) if tiebreak else c > counter
            new_reps = reps
            if newer:
                new_reps = reps[: dst - 1] + ((v, c, w, done),) + reps[dst:]
            succs.append((new_reps, net[:k] + net[k + 1 :], used, lost, duped))
            if lost < loss:
                succs.append((reps, net[:k] + net[k + 1 :], used, lost + 1, duped))
            if duped < dup:
                succs.append((reps, tuple(sorted((*net, env))), used, lost, duped + 1))
        transitions += len(succs)
        for s in succs:
            if s not in seen:
                seen.add(s)
                queue.append(s)
    return seen, transitions, converged
