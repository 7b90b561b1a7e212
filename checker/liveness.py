"""Liveness on the explored state graph: fair cycles, lassos and reachability witnesses.

The engines stay ignorant of all this. When a spec has liveness or `sometimes`
properties, the graph is recorded in flat arrays — one target node number and one
action kind byte per edge, plus a word of predicate bits per state. Nothing about
replicas is stored: a state is a number. The native core records it in its
breadth-first loop; otherwise the runner hands the Python engine a `Recorder` instead
of the semantics, which computes successors exactly as `Semantics` does (part by part,
in the same order) and records the same arrays on the way (`Predicates` says what each
bit means, for both).

After the search, each property is decided on that graph:

- a fair *end* is a strongly connected set of states, with at least one edge inside,
  in which every weakly fair kind of action is either taken inside or disabled
  somewhere, and every strongly fair kind enabled somewhere is taken inside
  (Emerson-Lei: states enabling an untaken strong kind are removed and the rest split
  again); or a single state where no fair kind is enabled at all (the execution may
  stop there: stuttering);
- a property is violated when a fair end that it forbids is reachable; the lasso is
  the shortest prefix breadth-first search gives to a forbidden state of that end,
  then a cycle through it that meets each fairness obligation (built from BFS
  segments inside the end).

Strongly connected components are computed by an iterative Tarjan over the flat
arrays (networkx would hold a dict per node and per edge; tests check this Tarjan
against networkx's); networkx writes the `--graph` export. Where the compiled core is
installed, a `Graph` carries it (`Graph.native`) and the heavy steps (`fair_ends`, the
stopping-state scan, premise counts) run there; the functions here are the reference
the tests hold the core's to.
"""

from __future__ import annotations

import sys
from array import array
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .checking import WorldView
from .env.clients import ReplicaClients
from .env.clocks import Clocks
from .env.crashes import Crashes
from .env.duplication import Duplication
from .env.loss import Loss
from .env.network import Network
from .env.part import DELIVER as LINK_DELIVER
from .env.part import DROP as LINK_DROP
from .env.part import LOSE as LINK_LOSE
from .env.part import Part
from .env.partitions import Partitions
from .env.sessions import Sessions
from .env.tables import DISABLED, distinct_positions
from .env.timers import Timers
from .errors import EvcheckError, SpecError, StopRequested
from .execution import user_frame
from .kinds import (
    DELIVER,
    FAULT,
    HEAL,
    MAX_TIMERS,
    OP,
    RECOVER,
    TICK,
    TIMER,
    timer_kind,
)
from .kinds import timer_names as plan_timer_names
from .model import Node
from .properties import (
    EventualConvergence,
    Liveness,
    Property,
    Sometimes,
    StatePredicate,
)
from .semantics import Semantics

# Once operations and faults stop, these are what can still happen.
PROGRESS = bytes(0 if code in (OP, FAULT) else 1 for code in range(256))
EVERYTHING = bytes([1]) * 256
MAX_PREDICATES = 32


@dataclass(frozen=True)
class Lasso:
    """An execution: initial index, action indices, and the step the cycle returns to.

    The state after the last action equals the state after `loop` actions; `loop` equal
    to the number of actions means the execution stays in its last state forever (no
    fair action is enabled there). A witness of `sometimes` has `loop` None.
    """

    initial: int
    actions: tuple[int, ...]
    loop: int | None

    @property
    def path(self) -> tuple[int, ...]:
        return (self.initial, *self.actions)


@dataclass(frozen=True)
class Verdict:
    """How one graph property came out, and how often its premise occurred."""

    prop: int  # index in the plan's property names
    holds: bool
    lasso: Lasso | None  # counterexample of a liveness property, witness of sometimes
    premise: str
    explanation: str
    count: int = 0  # how often the premise occurred (the number in `premise`)
    vacuity: str = ""  # what a count of 0 means


def check_recordable(system: Semantics, predicates: int) -> None:
    """Refuse what the recorded graph cannot hold: more predicates than bits in a word,
    more timers than kinds in a byte (both engines record the same arrays)."""
    if predicates > MAX_PREDICATES:
        raise SpecError(f"at most {MAX_PREDICATES} liveness predicates per spec")
    if len(timer_names(system)) > MAX_TIMERS:
        raise SpecError(f"liveness checking supports at most {MAX_TIMERS} timers")


class Recorder:
    """The semantics, with the explored graph recorded (see the module docstring)."""

    def __init__(self, system: Semantics, predicates: list[Callable[[tuple[int, ...]], bool]]):
        check_recordable(system, len(predicates))
        self.system = system
        self.check = system.check
        self.n = system.n
        self.infos = system.tables.infos
        self.predicates = predicates
        self.ids: dict[int, int] = {}
        self.initial_ids: list[int] = []
        self.targets = array("i")
        self.kinds = bytearray()
        self.expanded = array("i")  # node numbers, in the order they were expanded
        self.starts = array("q")  # their first edge
        self.bits = array("I")  # their predicate bits
        self._all_deliver: dict[int, bool] = {}  # per global state: every link delivers
        self._known: dict[tuple[int, ...], bytes] = {}  # (global state, counts) -> kinds
        # With several timers, which one fires depends on replica states, not only counts.
        self._one_timer = len(timer_names(system)) <= 1
        self._timer_index = {name: k for k, name in enumerate(timer_names(system))}
        self._classify: dict[type[Part], Callable[..., None]] = {
            ReplicaClients: self._uniform(OP),
            Sessions: self._uniform(OP),
            Timers: self._uniform(TIMER) if len(timer_names(system)) == 1 else self._timers,
            Network: self._network,
            Loss: self._uniform(FAULT),
            Duplication: self._uniform(FAULT),
            Crashes: self._crashes,
            Partitions: self._partitions,
            Clocks: self._uniform(TICK),
        }

    # -- the transition system the engine sees --------------------------------------

    def initial(self) -> list[Node]:
        nodes = self.system.initial()
        ids = self.ids
        self.initial_ids = [ids.setdefault(fp, len(ids)) for _, fp in nodes]
        return nodes

    def successors(self, node: Node) -> list[Node]:
        world, fp = node
        n = self.n
        g = world[n]
        info = self.infos[g]
        out: list[Node] = []
        if not info.failed:
            distinct = distinct_positions(world[n + 1 :])
            counts = []
            for part in info.active:
                before = len(out)
                part.expand(world, fp, info, distinct, out, None)
                counts.append(len(out) - before)
            # Where every link delivers (and there is at most one timer), the kinds depend
            # only on the global state and how many actions each part produced: they are
            # classified once, then looked up.
            key = (g, *counts)
            codes = self._known.get(key)
            if codes is None:
                codes = self._kinds_of(world, info, distinct, counts)
                if self._one_timer and self._all_links_deliver(g, info):
                    self._known[key] = codes
            self.kinds += codes
            if self.system.requests_part is not None:
                self.system.settle_replies(out, None)
        ids = self.ids
        self.expanded.append(ids[fp])
        self.starts.append(len(self.targets))
        setdefault = ids.setdefault
        self.targets.extend([setdefault(f, len(ids)) for _, f in out])
        bits = 0
        for k, predicate in enumerate(self.predicates):
            if predicate(world):
                bits |= 1 << k
        self.bits.append(bits)
        return out

    def _all_links_deliver(self, g: int, info: Any) -> bool:
        plain = self._all_deliver.get(g)
        if plain is None:
            plain = self._all_deliver[g] = all(code == LINK_DELIVER for code in info.links)
        return plain

    def _kinds_of(
        self, world: tuple[int, ...], info: Any, distinct: Any, counts: list[int]
    ) -> bytes:
        """The kind of each action of `world`, part by part (`counts[k]` actions of the
        k-th active part)."""
        codes = bytearray()
        for part, produced in zip(info.active, counts, strict=True):
            kind_of = self._classify.get(type(part))
            if kind_of is None:
                raise SpecError(
                    f"liveness properties do not know the actions of the {part.name} part yet"
                )
            mark = len(codes)
            kind_of(codes, part, world, info, distinct, produced)
            if len(codes) - mark != produced:
                raise EvcheckError(
                    f"internal error: liveness classified {len(codes) - mark} actions of "
                    f"{part.name} but it produced {produced}"
                )
        return bytes(codes)

    # -- what kind each part's actions are --------------------------------------------
    # Each classifier appends one kind per action `part.expand` just produced (`produced`
    # of them); parts whose actions are all of one kind need nothing else.

    def _uniform(self, code: int) -> Callable[..., None]:
        def classify(
            codes: bytearray,
            part: Part,
            world: tuple[int, ...],
            info: Any,
            distinct: Any,
            produced: int,
        ) -> None:
            codes.extend(bytes([code]) * produced)

        return classify

    def _network(
        self,
        codes: bytearray,
        part: Part,
        world: tuple[int, ...],
        info: Any,
        distinct: Any,
        produced: int,
    ) -> None:
        assert isinstance(part, Network)
        if self._all_links_deliver(world[self.n], info):  # no partition, nobody down
            codes.extend(bytes([DELIVER]) * produced)
            return
        tables = self.system.tables
        src, dst, links, n = tables.env_src, tables.env_dst, info.links, self.n
        target = part.target(world) if part.target is not None else -1  # delivery-tail POR
        for _, e in distinct:
            d = dst[e]
            if target >= 0 and d != target:
                continue
            code = links[src[e] * n + d]
            if code == LINK_DELIVER:
                # A message its receiver does not accept yet (a `when=` guard) waits.
                entry = part.dtab[e].get(world[d]) or part.delivery(e, world[d])
                if entry[0] != DISABLED:
                    codes.append(DELIVER)
            elif code == LINK_LOSE:
                codes.append(DELIVER)
            elif code == LINK_DROP:
                codes.append(FAULT)

    def _timers(
        self,
        codes: bytearray,
        part: Part,
        world: tuple[int, ...],
        info: Any,
        distinct: Any,
        produced: int,
    ) -> None:
        assert isinstance(part, Timers)
        for i in range(self.n):
            if not info.up[i]:
                continue
            # One code per firing the timers part produces, in its order (its labels are
            # `timer NAME@rK`; an enabling condition may leave a timer out).
            for entry in part.entries(i, world[i]):
                codes.append(timer_kind(entry[3], self._timer_index))

    def _crashes(
        self,
        codes: bytearray,
        part: Part,
        world: tuple[int, ...],
        info: Any,
        distinct: Any,
        produced: int,
    ) -> None:
        down, used = part.component(world[self.n])
        crashes = sum(not d for d in down) if used < part.plan.faults.crash else 0
        codes.extend(bytes([FAULT]) * crashes + bytes([RECOVER]) * (produced - crashes))

    def _partitions(
        self,
        codes: bytearray,
        part: Part,
        world: tuple[int, ...],
        info: Any,
        distinct: Any,
        produced: int,
    ) -> None:
        groups, used = part.component(world[self.n])
        splits = 0
        if groups is None and used < part.plan.faults.partition:
            splits = len(part.plan.splits)
        codes.extend(bytes([FAULT]) * splits + bytes([HEAL]) * (produced - splits))

    # -- the recorded graph ------------------------------------------------------------

    def nodes_of(self, fps: list[int]) -> list[int]:
        """The node numbers of fingerprints (-1 where the graph does not have one)."""
        ids = self.ids
        return [ids.get(fp, -1) for fp in fps]

    def graph(self) -> Graph:
        count = len(self.ids)
        first = array("q", [0]) * count  # a state never expanded: no edges (0:0)
        last = array("q", [0]) * count
        bits = array("I", [0]) * count
        expanded = bytearray(count)
        total = len(self.targets)
        starts = self.starts
        for k, v in enumerate(self.expanded):
            first[v] = starts[k]
            last[v] = starts[k + 1] if k + 1 < len(starts) else total
            bits[v] = self.bits[k]
            expanded[v] = 1
        return Graph(first, last, self.targets, self.kinds, bits, expanded, self.initial_ids)


Arrays = tuple["array[int]", "array[int]", "array[int]", bytearray, "array[int]", bytearray]


class Graph:
    """The explored graph: node v's edges are `first[v]:last[v]` of `targets`/`kinds`, in
    successor order, so an edge's offset from `first[v]` is its action index; `bits[v]`
    are its predicate bits, `expanded[v]` whether it was expanded.

    `native`, when set, holds the same graph in the compiled core, whose methods run the
    graph algorithms below (the functions here are their reference: tests hold the two
    to the same answers). A graph the core recorded makes its Python arrays only when
    something reads them (a lasso to build, a graph file to write)."""

    def __init__(
        self,
        first: array[int],
        last: array[int],
        targets: array[int],
        kinds: bytearray,
        bits: array[int],
        expanded: bytearray,
        initial: list[int],
        native: Any = None,
    ) -> None:
        self._arrays: Arrays | None = (first, last, targets, kinds, bits, expanded)
        self._loaded: dict[int, Any] = {}
        self.initial = initial
        self.native = native

    @classmethod
    def from_native(cls, native: Any, initial: list[int]) -> Graph:
        """The Python view of a graph the native core recorded."""
        graph = cls.__new__(cls)
        graph._arrays = None
        graph._loaded = {}
        graph.initial = initial
        graph.native = native
        return graph

    def _array(self, which: int) -> Any:
        """One of the six arrays (numbered as `__init__` takes them), made from the
        native graph's on first use."""
        if self._arrays is not None:
            return self._arrays[which]
        made = self._loaded.get(which)
        if made is None:
            data = self.native.array(which)
            if which in (3, 5):
                made = bytearray(data)
            else:
                made = array("q" if which < 2 else "i" if which == 2 else "I")
                made.frombytes(data)
                if sys.byteorder != "little":
                    made.byteswap()
            self._loaded[which] = made
        return made

    @property
    def first(self) -> array[int]:
        return self._array(0)  # type: ignore[no-any-return]

    @property
    def last(self) -> array[int]:
        return self._array(1)  # type: ignore[no-any-return]

    @property
    def targets(self) -> array[int]:
        return self._array(2)  # type: ignore[no-any-return]

    @property
    def kinds(self) -> bytearray:
        return self._array(3)  # type: ignore[no-any-return]

    @property
    def bits(self) -> array[int]:
        return self._array(4)  # type: ignore[no-any-return]

    @property
    def expanded(self) -> bytearray:
        return self._array(5)  # type: ignore[no-any-return]

    def __len__(self) -> int:
        if self._arrays is None:
            return len(self.native)
        return len(self._arrays[0])

    @property
    def edges(self) -> int:
        if self._arrays is None:
            return int(self.native.edges)
        return len(self._arrays[2])

    def with_kernel(self, kernel: Any) -> Graph:
        """This graph with its algorithms run by `kernel` (the native core's graph class),
        built from the arrays when it has none yet."""
        if self.native is not None or kernel is None:
            return self
        first, last, targets, kinds, bits, expanded = (self._array(k) for k in range(6))
        words = [first, last, targets, bits]
        if sys.byteorder != "little":
            words = [array(a.typecode, a) for a in words]
            for a in words:
                a.byteswap()
        data = [a.tobytes() for a in words]
        native = kernel(data[0], data[1], data[2], bytes(kinds), data[3], bytes(expanded))
        return Graph(first, last, targets, kinds, bits, expanded, self.initial, native)


# ----------------------------------------------------------------- strongly connected sets


def components(
    graph: Graph, allowed: bytearray, edge_ok: bytes, roots: Iterable[int] | None = None
) -> list[list[int]]:
    """The strongly connected sets of the subgraph (nodes with `allowed[v]`, edges whose
    kind passes `edge_ok`) that contain an edge: the sets an infinite execution can stay
    in. Iterative Tarjan over the flat arrays; `roots` limits the search to what they
    reach (all allowed nodes by default)."""
    first, last, targets, kinds = graph.first, graph.last, graph.targets, graph.kinds
    size = len(graph)
    index = array("i", [-1]) * size
    low = array("i", [0]) * size
    on_stack = bytearray(size)
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(size) if roots is None else roots:
        if not allowed[root] or index[root] >= 0:
            continue
        work = [(root, first[root])]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        while work:
            v, e = work[-1]
            end = last[v]
            descended = False
            while e < end:
                w = targets[e]
                code = kinds[e]
                e += 1
                if not edge_ok[code] or not allowed[w]:
                    continue
                iw = index[w]
                if iw < 0:
                    work[-1] = (v, e)
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    work.append((w, first[w]))
                    descended = True
                    break
                if on_stack[w] and iw < low[v]:
                    low[v] = iw
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[v] < low[parent]:
                    low[parent] = low[v]
            if low[v] == index[v]:
                scc = []
                while True:
                    w = stack.pop()
                    on_stack[w] = 0
                    scc.append(w)
                    if w == v:
                        break
                if len(scc) > 1 or _self_loop(graph, v, edge_ok):
                    found.append(scc)
    return found


def _self_loop(graph: Graph, v: int, edge_ok: bytes) -> bool:
    lo, hi = graph.first[v], graph.last[v]
    if v not in graph.targets[lo:hi]:  # the common case, at C speed
        return False
    return any(graph.targets[e] == v and edge_ok[graph.kinds[e]] for e in range(lo, hi))


# ----------------------------------------------------------------- fairness


class Fairness:
    """Which action kinds are fair, and how: classes are delivery, heal, recover, then one
    per timer; `class_of[kind]` is -1 for kinds nobody may count on."""

    def __init__(self, levels: tuple[tuple[str, str], ...], timer_names: list[str]) -> None:
        chosen = dict(levels)
        unknown = [
            k for k in chosen if k.startswith("timer:") and k[len("timer:") :] not in timer_names
        ]
        if unknown:
            raise SpecError(
                f"fairness names {unknown[0]!r}, but the protocol has no such timer "
                f"(timers: {', '.join(timer_names) or 'none'})"
            )
        self.names = ["deliver", "heal", "recover", *(f"timer {t}" for t in timer_names)]
        levels_of = [chosen["deliver"], chosen["heal"], chosen["recover"]]
        levels_of += [chosen.get(f"timer:{t}", chosen["timers"]) for t in timer_names]
        self.levels = levels_of
        self.weak = sum(1 << c for c, level in enumerate(levels_of) if level == "weak")
        self.strong = sum(1 << c for c, level in enumerate(levels_of) if level == "strong")
        codes = [DELIVER, HEAL, RECOVER, *(TIMER + j for j in range(len(timer_names)))]
        self.class_of = [-1] * 256
        for c, code in enumerate(codes):
            if levels_of[c] != "none":
                self.class_of[code] = c
        self.fair_codes = [(code, 1 << c) for c, code in enumerate(codes) if levels_of[c] != "none"]
        self.fair_table = bytes(1 if self.class_of[code] >= 0 else 0 for code in range(256))

    def enabled(self, graph: Graph, v: int) -> int:
        """The fair classes with an action enabled in node v (wherever it leads)."""
        present = graph.kinds[graph.first[v] : graph.last[v]]
        mask = 0
        for code, bit in self.fair_codes:
            if code in present:
                mask |= bit
        return mask


def fair_ends(
    graph: Graph, allowed: bytearray, edge_ok: bytes, fairness: Fairness
) -> list[list[int]]:
    """Strongly connected sets (within `allowed`, along `edge_ok`) that some fair
    execution can stay in forever, visiting every node of the set (Emerson-Lei for
    strong fairness: nodes enabling an untaken strong class are removed, the rest split
    again)."""
    if graph.native is not None:
        return graph.native.fair_ends(  # type: ignore[no-any-return]
            bytes(allowed), edge_ok, fairness.class_of, fairness.weak, fairness.strong
        )
    found: list[list[int]] = []
    pending = components(graph, allowed, edge_ok)
    first, last, targets, kinds = graph.first, graph.last, graph.targets, graph.kinds
    class_of = fairness.class_of
    while pending:
        scc = pending.pop()
        inside = set(scc)
        everywhere = -1
        somewhere = 0
        taken = 0
        enabled = {}
        for v in scc:
            mask = enabled[v] = fairness.enabled(graph, v)
            everywhere &= mask
            somewhere |= mask
            for e in range(first[v], last[v]):
                if edge_ok[kinds[e]] and targets[e] in inside:
                    c = class_of[kinds[e]]
                    if c >= 0:
                        taken |= 1 << c
        if fairness.weak & everywhere & ~taken:
            continue  # a weakly fair class is always enabled and never taken: no subset helps
        untaken = fairness.strong & somewhere & ~taken
        if not untaken:
            found.append(scc)
            continue
        kept = [v for v in scc if not enabled[v] & untaken]
        if kept:
            sub = bytearray(len(graph))
            for v in kept:
                sub[v] = 1
            pending.extend(components(graph, sub, edge_ok, kept))
    return found


# ----------------------------------------------------------------- paths

Path = list[tuple[int, int]]  # (node, action index) per step


def shortest(
    graph: Graph,
    sources: list[int],
    goal: Callable[[int], bool],
    first_ok: Callable[[int], bool] | None = None,
    switch: Callable[[int], bool] | None = None,
    second_ok: Callable[[int], bool] | None = None,
) -> tuple[int, Path] | None:
    """Breadth-first: the shortest path from a source to a goal node, as (source, steps).

    Nodes must pass `first_ok`; with `switch`, the path may pass into a second phase at
    a node where `switch` holds, after which nodes must pass `second_ok`, and only there
    do goals count (leads-to: anything until the premise, then only states without the
    consequence)."""
    parents: dict[int, tuple[int, int]] = {}
    queue: deque[int] = deque()
    two = switch is not None

    def enter(key: int, parent: int, action: int) -> None:
        if key not in parents:
            parents[key] = (parent, action)
            queue.append(key)

    def admit(v: int, phase: int, parent: int, action: int) -> None:
        if phase == 0 and (first_ok is None or first_ok(v)):
            enter(2 * v, parent, action)
            if two and switch is not None and switch(v) and (second_ok is None or second_ok(v)):
                enter(2 * v + 1, 2 * v if 2 * v in parents else parent, -1)
        elif phase == 1 and (second_ok is None or second_ok(v)):
            enter(2 * v + 1, parent, action)

    for v in sources:
        admit(v, 0, -1, -1)
    first, last, targets = graph.first, graph.last, graph.targets
    while queue:
        key = queue.popleft()
        v, phase = key >> 1, key & 1
        if (phase == 1 or not two) and goal(v):
            return _unwind(parents, key)
        for e in range(first[v], last[v]):
            admit(targets[e], phase, key, e - first[v])
    return None


def _unwind(parents: dict[int, tuple[int, int]], key: int) -> tuple[int, Path]:
    steps: Path = []
    while True:
        parent, action = parents[key]
        if parent < 0:
            break
        if action >= 0:  # -1: the switch into the second phase, not a step
            steps.append((parent >> 1, action))
        key = parent
    steps.reverse()
    return key >> 1, steps


def cycle(graph: Graph, inside: set[int], start: int, edge_ok: bytes, fairness: Fairness) -> Path:
    """A cycle from `start` through the fair end `inside` that meets every fairness
    obligation: each weak class enabled everywhere in it and each strong class enabled
    somewhere is taken; each other weak class is seen disabled somewhere."""
    masks = {v: fairness.enabled(graph, v) for v in inside}
    everywhere = -1
    somewhere = 0
    for mask in masks.values():
        everywhere &= mask
        somewhere |= mask
    must_take = (fairness.weak & everywhere) | (fairness.strong & somewhere)
    must_see_off = fairness.weak & ~everywhere & somewhere
    steps: Path = []
    here = start
    taken = 0
    seen_off = ~masks[start]
    for c in range(len(fairness.levels)):
        bit = 1 << c
        if must_take & bit and not taken & bit:
            leg = _walk(graph, inside, edge_ok, here, None, (fairness.class_of, c))
        elif must_see_off & bit and not seen_off & bit:

            def disabled(v: int, b: int = bit) -> bool:
                return not masks[v] & b

            leg = _walk(graph, inside, edge_ok, here, disabled, None)
        else:
            continue
        for v, action in leg:
            e = graph.first[v] + action
            c2 = fairness.class_of[graph.kinds[e]]
            if c2 >= 0:
                taken |= 1 << c2
            here = graph.targets[e]
            seen_off |= ~masks[here]
        steps.extend(leg)
    back = _walk(graph, inside, edge_ok, here, lambda v: v == start, None, leave=not steps)
    steps.extend(back)
    return steps


def _walk(
    graph: Graph,
    inside: set[int],
    edge_ok: bytes,
    source: int,
    node_goal: Callable[[int], bool] | None,
    edge_goal: tuple[list[int], int] | None,
    leave: bool = False,
) -> Path:
    """Shortest steps inside `inside` from `source` to a node passing `node_goal`, or
    through an edge of class `edge_goal`; with `leave`, at least one step."""
    if node_goal is not None and not leave and node_goal(source):
        return []
    parents: dict[int, tuple[int, int]] = {source: (-1, -1)}
    queue = deque([source])
    first, last, targets, kinds = graph.first, graph.last, graph.targets, graph.kinds
    while queue:
        v = queue.popleft()
        for e in range(first[v], last[v]):
            w = targets[e]
            if not edge_ok[kinds[e]] or w not in inside:
                continue
            step = (v, e - first[v])
            if edge_goal is not None and edge_goal[0][kinds[e]] == edge_goal[1]:
                return [*_back(parents, v), step]
            if node_goal is not None and node_goal(w):
                return [*_back(parents, v), step]
            if w not in parents:
                parents[w] = step
                queue.append(w)
    raise EvcheckError("internal error: a fair end is not strongly connected")


def _back(parents: dict[int, tuple[int, int]], v: int) -> Path:
    steps: Path = []
    while parents[v][0] >= 0:
        step = parents[v]
        steps.append(step)
        v = step[0]
    steps.reverse()
    return steps


# ----------------------------------------------------------------- properties


def graph_properties(plan_properties: tuple[Property, ...]) -> list[tuple[int, Property]]:
    """(index in property names, property) of the properties decided on the graph."""
    return [
        (index, p)
        for index, p in enumerate(plan_properties, start=1)
        if isinstance(p, (Liveness, Sometimes))
    ]


class Predicates:
    """The state predicates the recorder evaluates per state, one bit each: convergence
    (if asked for), then each user predicate. User predicates see the world view that
    invariants get and are cached by replica states unless they read the network."""

    def __init__(self, system: Semantics, props: list[tuple[int, Property]]) -> None:
        self.system = system
        self.functions: list[Callable[[tuple[int, ...]], bool]] = []
        self.bit: dict[tuple[int, str], int] = {}  # (property index, "p"/"q"/"conv") -> bit
        self.conv_mask = 0  # the bits of the convergence predicate
        self.user_bits: list[int] = []  # the bits of user predicates
        self.network = False  # whether one of them reads the network
        for index, prop in props:
            if isinstance(prop, EventualConvergence):
                self.bit[(index, "conv")] = bit = self._add(self._converged())
                self.conv_mask |= 1 << bit
            elif isinstance(prop, (StatePredicate, Sometimes)):
                self.bit[(index, "p")] = self._add(self._user(prop, prop.predicate))
                self.user_bits.append(self.bit[(index, "p")])
                if isinstance(prop, StatePredicate) and prop.then is not None:
                    self.bit[(index, "q")] = self._add(self._user(prop, prop.then))
                    self.user_bits.append(self.bit[(index, "q")])
                self.network = self.network or prop.network

    def user(self, world: tuple[int, ...]) -> int:
        """The bits of the user predicates that hold in `world` (for the native core,
        which computes the convergence bits itself)."""
        functions = self.functions
        bits = 0
        for k in self.user_bits:
            if functions[k](world):
                bits |= 1 << k
        return bits

    def _add(self, fn: Callable[[tuple[int, ...]], bool]) -> int:
        self.functions.append(fn)
        return len(self.functions) - 1

    def _converged(self) -> Callable[[tuple[int, ...]], bool]:
        obs = self.system.checker.obs
        n = self.system.n

        def converged(world: tuple[int, ...]) -> bool:
            seen = obs[0][world[0]]
            return all(obs[i][world[i]] == seen for i in range(1, n))

        return converged

    def _user(
        self, prop: StatePredicate | Sometimes, fn: Callable[[Any], Any]
    ) -> Callable[[tuple[int, ...]], bool]:
        checker = self.system.checker
        n = self.system.n
        network = prop.network
        cache: dict[tuple[int, ...], bool] = {}

        def judge(world: tuple[int, ...]) -> bool:
            view: WorldView = checker.world_view(world, with_network=network)
            try:
                returned = fn(view)
            except StopRequested:
                raise
            except Exception as exc:
                raise SpecError(
                    f"predicate of {prop.name} raised {type(exc).__name__}: {exc}",
                    location=user_frame(exc) or prop.location,
                ) from None
            if not (returned is True or returned is False):
                raise SpecError(
                    f"predicate of {prop.name} returned {returned!r}; it must return True or False",
                    location=prop.location,
                )
            return bool(returned)

        if network:
            return judge

        def cached(world: tuple[int, ...]) -> bool:
            slots = world[:n]
            verdict = cache.get(slots)
            if verdict is None:
                verdict = cache[slots] = judge(world)
            return verdict

        return cached


def decide(
    system: Semantics, graph: Graph, props: list[tuple[int, Property]], predicates: Predicates
) -> list[Verdict]:
    """Decide every graph property on the complete explored graph."""
    names = timer_names(system)
    verdicts = []
    for index, prop in props:
        if isinstance(prop, Sometimes):
            verdicts.append(_sometimes(graph, index, prop, predicates.bit[(index, "p")]))
        else:
            assert isinstance(prop, Liveness)
            fairness = Fairness(prop.fairness, names)
            verdicts.append(_liveness(graph, index, prop, predicates, fairness))
    return verdicts


def _count(graph: Graph, bit: int) -> int:
    mask = 1 << bit
    if graph.native is not None:
        return graph.native.count(mask)  # type: ignore[no-any-return]
    return sum(1 for b in graph.bits if b & mask)


def _sometimes(graph: Graph, index: int, prop: Sometimes, bit: int) -> Verdict:
    bits, mask = graph.bits, 1 << bit
    found = shortest(graph, graph.initial, lambda v: bool(bits[v] & mask))
    occurred = _count(graph, bit)
    premise = f"states where it holds: {occurred:,}"
    never = "no reachable state satisfies it"
    if found is None:
        why = f"no reachable state satisfies {prop.name}"
        return Verdict(index, False, None, premise, why, occurred, never)
    source, steps = found
    lasso = Lasso(graph.initial.index(source), tuple(a for _, a in steps), None)
    why = f"witnessed after {len(steps)} step(s)"
    return Verdict(index, True, lasso, premise, why, occurred, never)


def _liveness(
    graph: Graph, index: int, prop: Liveness, predicates: Predicates, fairness: Fairness
) -> Verdict:
    size = len(graph)
    edge_ok = EVERYTHING
    sources = graph.initial
    first_ok: Callable[[int], bool] | None = None
    switch: Callable[[int], bool] | None = None
    second_ok: Callable[[int], bool] | None = None
    if isinstance(prop, EventualConvergence):
        conv = 1 << predicates.bit[(index, "conv")]
        allowed = bytearray([1]) * size
        edge_ok = PROGRESS

        def bad(v: int) -> bool:  # a state the fair end must keep returning to
            return not graph.bits[v] & conv

        what = "fair ends checked"
    else:
        assert isinstance(prop, StatePredicate)
        p = 1 << predicates.bit[(index, "p")]
        avoid = 1 << predicates.bit[(index, "q")] if prop.shape == "leads_to" else p
        if graph.native is not None:
            allowed = bytearray(graph.native.without(avoid))
        else:
            allowed = bytearray(0 if b & avoid else 1 for b in graph.bits)

        def bad(v: int) -> bool:
            return True

        if prop.shape == "eventually":
            first_ok = allowed.__getitem__  # type: ignore[assignment]
        elif prop.shape == "leads_to":

            def premise_holds(v: int) -> bool:
                return bool(graph.bits[v] & p)

            switch = premise_holds
            second_ok = allowed.__getitem__  # type: ignore[assignment]
        what = "states where the premise holds"
    ends = fair_ends(graph, allowed, edge_ok, fairness)
    end_of: dict[int, int] = {}
    for k, end in enumerate(ends):
        for v in end:
            if bad(v):
                end_of.setdefault(v, k)
    stops = _stops(graph, fairness)
    dead_set = {v for v in stops if allowed[v] and bad(v)}
    if isinstance(prop, EventualConvergence):
        count = len(ends) + len(stops)
        never = "no fair execution has an end to check"
    else:
        count = _count(graph, predicates.bit[(index, "p")])
        never = "its premise never holds" if prop.shape == "leads_to" else "it never holds"
    premise = f"{what}: {count:,}"

    def verdict(holds: bool, lasso: Lasso | None, why: str) -> Verdict:
        return Verdict(index, holds, lasso, premise, why, count, never)

    if not end_of and not dead_set:
        return verdict(True, None, "")
    found = shortest(
        graph,
        sources,
        lambda v: v in end_of or v in dead_set,
        first_ok,
        switch,
        second_ok,
    )
    if found is None:
        return verdict(True, None, "")
    source, steps = found
    target = graph.targets[graph.first[steps[-1][0]] + steps[-1][1]] if steps else source
    prefix = tuple(a for _, a in steps)
    initial = graph.initial.index(source)
    if target in end_of:
        loop = cycle(graph, set(ends[end_of[target]]), target, edge_ok, fairness)
        actions = prefix + tuple(a for _, a in loop)
        why = (
            f"from state {len(prefix)}, steps {len(prefix) + 1}-{len(actions)} can repeat "
            f"forever under fairness ({_fair_text(graph, fairness)})"
        )
    else:
        actions = prefix
        why = f"in state {len(prefix)} no fair action is enabled: the execution may stay there forever"
    return verdict(False, Lasso(initial, actions, len(prefix)), why)


def _stops(graph: Graph, fairness: Fairness) -> list[int]:
    """States where no fair action is enabled: an execution may stop there for good."""
    table = fairness.fair_table
    if graph.native is not None:
        return graph.native.stops(table)  # type: ignore[no-any-return]
    first, last, kinds, expanded = graph.first, graph.last, graph.kinds, graph.expanded
    return [
        v
        for v in range(len(graph))
        if expanded[v] and 1 not in kinds[first[v] : last[v]].translate(table)
    ]


def _fair_text(graph: Graph, fairness: Fairness) -> str:
    """The fairness in force, naming only kinds of action the graph has."""
    present = [c for code, c in enumerate(fairness.class_of) if c >= 0 and code in graph.kinds]
    shown = [f"{fairness.names[c]} {fairness.levels[c]}" for c in sorted(present)]
    return ", ".join(shown) or "no action is fair"


def timer_names(system: Semantics) -> list[str]:
    """The timers of every replica class, by name (fairness is declared per name)."""
    return plan_timer_names(system.plan)
