"""Independent, plain-Python enumerations of small models (no evcheck code): the LWW
model, and a watcher under a failure detector (`detector_counts`).

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


def detector_counts(
    n: int, max_ops: int, crash: int, false_suspicion: int = 0, eventual: bool = False
) -> tuple[int, int]:
    """(distinct states, transitions) of replicas that record whom they suspect.

    Each replica's only field is `saw`, the set of replicas (1-based) it has suspected
    when it ran `look` (at most `max_ops` looks in all): `saw |= what it suspects now`.
    What replica i suspects is every other replica that is down, plus the replicas it
    suspects wrongly (eventually perfect only: pairs (i, j) of `wrong`, both up). A crash
    of j ends every wrong suspicion by or of j; a recovery changes no suspicion of its
    own (j is no longer down). A wrong suspicion of an up replica not already suspected
    spends the `false_suspicion` budget; trusting it again is free.
    """

    def suspected(i: int, down: tuple[bool, ...], wrong: frozenset[tuple[int, int]]) -> set[int]:
        return {j + 1 for j in range(n) if j != i and (down[j] or (i, j) in wrong)}

    State = tuple[
        tuple[frozenset[int], ...], tuple[bool, ...], int, frozenset[tuple[int, int]], int, int
    ]
    init: State = ((frozenset(),) * n, (False,) * n, 0, frozenset(), 0, 0)
    seen = {init}
    queue = deque([init])
    transitions = 0
    while queue:
        saw, down, crashes, wrong, spent, looks = queue.popleft()
        succs: list[State] = []
        if looks < max_ops:
            for i in range(n):
                if not down[i]:
                    new = saw[i] | suspected(i, down, wrong)
                    saw2 = saw[:i] + (new,) + saw[i + 1 :]
                    succs.append((saw2, down, crashes, wrong, spent, looks + 1))
        if crashes < crash:
            for j in range(n):
                if not down[j]:
                    down2 = down[:j] + (True,) + down[j + 1 :]
                    rest = frozenset(p for p in wrong if j not in p)
                    succs.append((saw, down2, crashes + 1, rest, spent, looks))
        for j in range(n):
            if down[j]:
                down2 = down[:j] + (False,) + down[j + 1 :]
                succs.append((saw, down2, crashes, wrong, spent, looks))
        if eventual and spent < false_suspicion:
            for i in range(n):
                for j in range(n):
                    if i == j or down[i] or down[j] or (j + 1) in suspected(i, down, wrong):
                        continue
                    succs.append((saw, down, crashes, wrong | {(i, j)}, spent + 1, looks))
        if eventual:
            for pair in wrong:
                succs.append((saw, down, crashes, wrong - {pair}, spent, looks))
        transitions += len(succs)
        for s in succs:
            if s not in seen:
                seen.add(s)
                queue.append(s)
    return len(seen), transitions
