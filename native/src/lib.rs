//! evcheck's compiled exploration core (`evcheck.native._core`).
//!
//! The search loop of `evcheck.search.loop` — visited fingerprints, frontier, parent
//! store, limits — together with successor generation and the property check, both
//! driven by tables mirrored from the Python environment parts (`tables.rs`). Python
//! is called only to fill a missing table entry, to record a violation, to report
//! progress, and to look for interrupts; the loop itself runs without the GIL.
//!
//! `explore` is breadth-first (one or several threads) or depth-first; it numbers
//! states in discovery order exactly as the Python engine does, so paths (initial
//! index, then action indices) replay on the Python semantics.

#![allow(
    clippy::too_many_arguments,
    clippy::needless_range_loop,
    clippy::type_complexity
)]

mod tables;
mod visited;

use std::time::Instant;

use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use tables::{Config, Miss, Succs, Tables, QUIET, SEC};
use visited::{FpSet, Sharded, Store, Visited, NO_PARENT};

const CLOCK_EVERY: u64 = 1 << 8;
const NONE: u32 = u32::MAX; // queue record length of a violating state

/// The BFS queue: records `[number, depth, fp_lo, fp_hi, len, world...]` back to back.
struct Queue {
    buf: Vec<u32>,
    head: usize,
    items: usize,
}

impl Queue {
    fn push(&mut self, world: &[u32], fp: u64, number: u32, depth: u32) {
        self.buf.extend_from_slice(&[
            number,
            depth,
            fp as u32,
            (fp >> 32) as u32,
            world.len() as u32,
        ]);
        self.buf.extend_from_slice(world);
        self.items += 1;
    }
    /// A violating state: stored and counted in the queue, never expanded.
    fn push_none(&mut self, number: u32, depth: u32) {
        self.buf.extend_from_slice(&[number, depth, 0, 0, NONE]);
        self.items += 1;
    }
    /// The next record, violating ones included (None for those).
    fn take_raw(&mut self) -> Option<(u32, u32, u64, Option<Vec<u32>>)> {
        if self.items == 0 {
            return None;
        }
        let h = self.head;
        if self.buf[h + 4] == NONE {
            let (number, depth) = (self.buf[h], self.buf[h + 1]);
            self.head += 5;
            self.items -= 1;
            return Some((number, depth, 0, None));
        }
        let (number, depth, fp, w) = self.peek().expect("a record");
        let item = (number, depth, fp, Some(w.to_vec()));
        self.pop();
        Some(item)
    }

    /// The next state to expand, skipping violating ones.
    fn peek(&mut self) -> Option<(u32, u32, u64, &[u32])> {
        while self.items > 0 && self.buf[self.head + 4] == NONE {
            self.head += 5;
            self.items -= 1;
        }
        if self.items == 0 {
            return None;
        }
        let h = self.head;
        let b = &self.buf;
        let fp = b[h + 2] as u64 | ((b[h + 3] as u64) << 32);
        let len = b[h + 4] as usize;
        Some((b[h], b[h + 1], fp, &b[h + 5..h + 5 + len]))
    }
    fn pop(&mut self) {
        let len = self.buf[self.head + 4] as usize;
        self.head += 5 + len;
        self.items -= 1;
        if self.head > (1 << 20) && self.head * 2 > self.buf.len() {
            self.buf.drain(..self.head);
            self.head = 0;
        }
    }
}

enum Frontier {
    Fifo(Queue),
    Lifo(Vec<(Box<[u32]>, u64, u32, u32)>),
}

impl Frontier {
    fn len(&self) -> usize {
        match self {
            Frontier::Fifo(q) => q.items,
            Frontier::Lifo(s) => s.len(),
        }
    }
}

/// Premise counters, counted where `evcheck.checking.Checker.check` and
/// `Sessions.expand` count them (`Semantics.premise_counts`): quiescent states judged,
/// states where strong eventual consistency compared replicas, reads judged, and per
/// property the checked states that violated it.
#[derive(Default)]
struct Counts {
    quiet: u64,
    sec: u64,
    reads: u64,
    verdicts: Vec<u64>,
}

impl Counts {
    /// A newly stored state was checked: `check` is what `Tables::check` returned.
    fn checked(&mut self, check: (i32, u8)) {
        let (verdict, met) = check;
        self.quiet += (met & QUIET != 0) as u64;
        self.sec += (met & SEC != 0) as u64;
        if verdict >= 0 {
            let v = verdict as usize;
            if self.verdicts.len() <= v {
                self.verdicts.resize(v + 1, 0);
            }
            self.verdicts[v] += 1;
        }
    }
}

struct Limits {
    max_states: i64,
    max_depth: i64,
    max_seconds: f64,
    progress_every: u64,
}

struct Run {
    status: &'static str,
    reason: Option<String>,
    transitions: u64,
    deepest: u64,
    depth_bounded: u64,
    frontier_left: Option<usize>,
}

#[pyclass]
struct Core {
    tables: Tables,
    adapter: Py<PyAny>,
    exercised: u32,
    store_bytes: usize,
    /// States stored and left in the frontier when a Python callback raised (a stop
    /// request or an interrupt in protocol code): the caller reports them as partial.
    partial: (usize, usize),
    /// The premise counters of the last run.
    counts: Counts,
}

/// Retry `f` until no table entry is missing, filling misses from Python.
fn resolve<T>(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    mut f: impl FnMut(&Tables) -> Result<T, Miss>,
) -> PyResult<T> {
    loop {
        match f(tables) {
            Ok(v) => return Ok(v),
            Err(miss) => Python::with_gil(|py| tables.fill(py, adapter.bind(py), miss))?,
        }
    }
}

struct Ctx<'a> {
    violation: &'a Py<PyAny>,
    progress: &'a Option<Py<PyAny>>,
    limits: Limits,
    start: Instant,
}

impl Ctx<'_> {
    /// Record a violation with Python; true when the search should stop.
    fn violated(
        &self,
        store: &Store,
        prop: i32,
        number: u32,
        parent: Option<(&[u32], usize)>,
    ) -> PyResult<bool> {
        let path = store.path_to(number);
        Python::with_gil(|py| {
            let path = PyTuple::new(py, path)?;
            let (pw, k): (PyObject, PyObject) = match parent {
                Some((w, k)) => (
                    PyTuple::new(py, w)?.into_any().unbind(),
                    k.into_pyobject(py)?.into_any().unbind(),
                ),
                None => (py.None(), py.None()),
            };
            self.violation
                .call1(py, (prop, path, pw, k))?
                .extract::<bool>(py)
        })
    }

    /// Every CLOCK_EVERY expansions: time limit, interrupts, progress.
    fn tick(
        &self,
        expanded: u64,
        states: usize,
        run: &Run,
        frontier: usize,
    ) -> PyResult<Option<String>> {
        if self.limits.max_seconds >= 0.0
            && self.start.elapsed().as_secs_f64() >= self.limits.max_seconds
        {
            return Ok(Some(format!(
                "time limit of {}s reached",
                fmt_g(self.limits.max_seconds)
            )));
        }
        Python::with_gil(|py| {
            if let Err(e) = py.check_signals() {
                if e.is_instance_of::<PyKeyboardInterrupt>(py) {
                    return Ok(Some("interrupted".to_string()));
                }
                // evcheck.errors.StopRequested (a limit or SIGTERM) carries its reason.
                if let Ok(reason) = e
                    .value(py)
                    .getattr("reason")
                    .and_then(|r| r.extract::<String>())
                {
                    return Ok(Some(reason));
                }
                return Err(e);
            }
            if let Some(p) = self.progress {
                if expanded.is_multiple_of(self.limits.progress_every) {
                    let r = p.call1(
                        py,
                        (
                            states,
                            run.transitions,
                            run.deepest,
                            self.start.elapsed().as_secs_f64(),
                            frontier,
                        ),
                    )?;
                    if !r.is_none(py) {
                        return Ok(Some(r.extract::<String>(py)?));
                    }
                }
            }
            Ok(None)
        })
    }
}

/// `%g`-like rendering of a number of seconds, as Python's f"{x:g}" prints it.
fn fmt_g(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{}", x);
        s
    }
}

#[pymethods]
impl Core {
    #[new]
    #[pyo3(signature = (adapter, n, por, conv, slot_props, has_timers, max_time, group))]
    fn new(
        adapter: Py<PyAny>,
        n: usize,
        por: bool,
        conv: i32,
        slot_props: bool,
        has_timers: bool,
        max_time: u32,
        group: usize,
    ) -> PyResult<Self> {
        if n > 16 {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "the native core handles up to 16 replicas",
            ));
        }
        let cfg = Config {
            n,
            por,
            conv,
            slot_props,
            has_timers,
            max_time,
            group,
        };
        Ok(Core {
            tables: Tables::new(cfg),
            adapter,
            exercised: 0,
            store_bytes: 0,
            partial: (0, 0),
            counts: Counts::default(),
        })
    }

    /// Fault kinds exercised so far (bits: loss 1, dup 2, crash 4, partition 8).
    #[getter]
    fn exercised(&self) -> u32 {
        self.exercised
    }

    /// Bytes held by the visited set and the parent store at the end of the last run.
    #[getter]
    fn store_bytes(&self) -> usize {
        self.store_bytes
    }

    #[getter]
    fn partial(&self) -> (usize, usize) {
        self.partial
    }

    /// The premise counters of the last run: (quiescent states judged, states where
    /// strong eventual consistency compared replicas, reads judged, violations per
    /// property index).
    #[getter]
    fn premises(&self) -> (u64, u64, u64, Vec<u64>) {
        let c = &self.counts;
        (c.quiet, c.sec, c.reads, c.verdicts.clone())
    }

    /// Explore from `initial` ((world, fingerprint) pairs). Returns (status, states,
    /// transitions, depth, frontier left, depth-bounded states, stop reason).
    #[pyo3(signature = (initial, dfs, max_states, max_depth, max_seconds, workers, violation, progress, progress_every))]
    #[allow(clippy::too_many_arguments)]
    fn explore(
        &mut self,
        py: Python<'_>,
        initial: Vec<(Vec<u32>, u64)>,
        dfs: bool,
        max_states: i64,
        max_depth: i64,
        max_seconds: f64,
        workers: usize,
        violation: Py<PyAny>,
        progress: Option<Py<PyAny>>,
        progress_every: u64,
    ) -> PyResult<(&'static str, usize, u64, u64, usize, u64, Option<String>)> {
        let ctx = Ctx {
            violation: &violation,
            progress: &progress,
            limits: Limits {
                max_states,
                max_depth,
                max_seconds,
                progress_every: progress_every.max(CLOCK_EVERY),
            },
            start: Instant::now(),
        };
        let tables = &mut self.tables;
        let adapter = &self.adapter;
        let exercised = &mut self.exercised;
        let store_bytes = &mut self.store_bytes;
        let partial = &mut self.partial;
        let counts = &mut self.counts;
        *counts = Counts::default();
        py.allow_threads(move || {
            let mut store = Store::new();
            let mut frontier = if dfs {
                Frontier::Lifo(Vec::new())
            } else {
                Frontier::Fifo(Queue {
                    buf: Vec::new(),
                    head: 0,
                    items: 0,
                })
            };
            let (run, set_bytes) =
                if (workers > 1 || std::env::var_os("EVCHECK_NATIVE_BATCHED").is_some()) && !dfs {
                    let mut seen = Sharded::new(32);
                    let run = search_parallel(
                        tables,
                        adapter,
                        &ctx,
                        &initial,
                        &mut store,
                        &mut seen,
                        &mut frontier,
                        exercised,
                        counts,
                        workers,
                    );
                    let run = run.inspect_err(|_| *partial = (store.len(), frontier.len()))?;
                    (run, seen.bytes())
                } else {
                    let mut seen = Visited::new();
                    let run = search(
                        tables,
                        adapter,
                        &ctx,
                        &initial,
                        &mut store,
                        &mut seen,
                        &mut frontier,
                        exercised,
                        counts,
                    );
                    let run = run.inspect_err(|_| *partial = (store.len(), frontier.len()))?;
                    (run, seen.bytes())
                };
            *store_bytes = set_bytes + store.bytes();
            let left = run.frontier_left.unwrap_or(frontier.len());
            Ok((
                run.status,
                store.len(),
                run.transitions,
                run.deepest,
                left,
                run.depth_bounded,
                run.reason,
            ))
        })
    }
}

/// Record the initial states; true when a violation among them ends the search.
#[allow(clippy::too_many_arguments)]
fn seed(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    ctx: &Ctx,
    initial: &[(Vec<u32>, u64)],
    store: &mut Store,
    seen: &mut impl FpSet,
    frontier: &mut Frontier,
    counts: &mut Counts,
) -> PyResult<bool> {
    let mut lifo = Vec::new();
    for (k, (world, fp)) in initial.iter().enumerate() {
        let key = resolve(tables, adapter, |t| t.canonical(world, *fp))?;
        if !seen.insert(key) {
            continue;
        }
        store.push(NO_PARENT, k);
        let number = (store.len() - 1) as u32;
        let check = resolve(tables, adapter, |t| t.check(world))?;
        counts.checked(check);
        let prop = check.0;
        if prop >= 0 {
            if ctx.violated(store, prop, number, None)? {
                return Ok(true);
            }
            if let Frontier::Fifo(q) = frontier {
                q.push_none(number, 0);
            }
            continue;
        }
        match frontier {
            Frontier::Fifo(q) => q.push(world, *fp, number, 0),
            Frontier::Lifo(_) => lifo.push((world.clone().into_boxed_slice(), *fp, number, 0)),
        }
    }
    if let Frontier::Lifo(s) = frontier {
        lifo.reverse();
        s.extend(lifo);
    }
    Ok(false)
}

fn finish(status: &'static str, reason: Option<String>, run: &mut Run) -> PyResult<Run> {
    Ok(Run {
        status,
        reason,
        transitions: run.transitions,
        deepest: run.deepest,
        depth_bounded: run.depth_bounded,
        frontier_left: run.frontier_left,
    })
}

/// The single-threaded loop of `evcheck.search.loop.explore`, for both frontiers.
#[allow(clippy::too_many_arguments)]
fn search(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    ctx: &Ctx,
    initial: &[(Vec<u32>, u64)],
    store: &mut Store,
    seen: &mut Visited,
    frontier: &mut Frontier,
    exercised: &mut u32,
    counts: &mut Counts,
) -> PyResult<Run> {
    let mut run = Run {
        status: "holds",
        reason: None,
        transitions: 0,
        deepest: 0,
        depth_bounded: 0,
        frontier_left: None,
    };
    if seed(tables, adapter, ctx, initial, store, seen, frontier, counts)? {
        return finish("violated", None, &mut run);
    }
    let mut expanded: u64 = 0;
    let mut children: Vec<(u32, usize)> = Vec::new(); // (number, successor index)
                                                      // Breadth-first, the next queued state is expanded while the current one's
                                                      // successors are looked up, so that their visited-set cache misses overlap with
                                                      // useful work; it stays counted in the frontier until it becomes current.
    let pipelined = matches!(frontier, Frontier::Fifo(_));
    let maxd = ctx.limits.max_depth;
    let bounded = |depth: u32| maxd >= 0 && depth as i64 >= maxd;
    let mut cur = Expansion::default();
    let mut next = Expansion::default();
    let mut have_next = false;
    loop {
        if have_next {
            std::mem::swap(&mut cur, &mut next);
            have_next = false;
        } else if !cur.take(frontier) {
            break;
        }
        if bounded(cur.depth) {
            run.depth_bounded += 1;
            if let Frontier::Fifo(q) = frontier {
                run.depth_bounded += q.items as u64;
                break;
            }
            continue;
        }
        if !cur.ready {
            cur.generate(tables, adapter)?;
            for &key in &cur.keys {
                seen.prefetch(key);
            }
        }
        *exercised |= cur.ex;
        if pipelined && next.take(frontier) {
            have_next = true;
            if !bounded(next.depth) {
                next.generate(tables, adapter)?;
                for &key in &next.keys {
                    seen.prefetch(key);
                }
            }
        }
        let (number, depth) = (cur.number, cur.depth);
        let succs = &cur.succs;
        run.transitions += succs.len() as u64;
        counts.reads += succs.reads as u64;
        children.clear();
        let before = store.len();
        for k in 0..succs.len() {
            if !seen.insert(cur.keys[k]) {
                continue;
            }
            store.push(number, k);
            let child = (store.len() - 1) as u32;
            let w = succs.world(k);
            let check = resolve(tables, adapter, |t| t.check(w))?;
            counts.checked(check);
            let prop = check.0;
            if prop < 0 {
                children.push((child, k));
            } else {
                if ctx.violated(store, prop, child, Some((&cur.world, k)))? {
                    run.deepest = run.deepest.max(depth as u64 + 1);
                    run.frontier_left = Some(frontier.len() + have_next as usize);
                    return finish("violated", None, &mut run);
                }
                children.push((child, usize::MAX));
            }
        }
        if store.len() > before {
            run.deepest = run.deepest.max(depth as u64 + 1);
        }
        match frontier {
            Frontier::Fifo(q) => {
                for &(child, k) in &children {
                    if k == usize::MAX {
                        q.push_none(child, depth + 1);
                        continue;
                    }
                    let (_, _, cfp) = succs.items[k];
                    q.push(succs.world(k), cfp, child, depth + 1);
                }
            }
            Frontier::Lifo(st) => {
                for &(child, k) in children.iter().rev() {
                    if k == usize::MAX {
                        continue;
                    }
                    let (_, _, cfp) = succs.items[k];
                    st.push((
                        succs.world(k).to_vec().into_boxed_slice(),
                        cfp,
                        child,
                        depth + 1,
                    ));
                }
            }
        }
        expanded += 1;
        let left = frontier.len() + have_next as usize;
        if expanded.is_multiple_of(CLOCK_EVERY) {
            if let Some(reason) = ctx.tick(expanded, store.len(), &run, left)? {
                run.frontier_left = Some(left);
                return finish("stopped", Some(reason), &mut run);
            }
        }
        if ctx.limits.max_states > 0 && store.len() as i64 >= ctx.limits.max_states {
            run.frontier_left = Some(left);
            return finish(
                "stopped",
                Some(format!("state limit of {} reached", ctx.limits.max_states)),
                &mut run,
            );
        }
    }
    finish("holds", None, &mut run)
}

/// One state being expanded: where it is, its successors and their visited-set keys.
#[derive(Default)]
struct Expansion {
    number: u32,
    depth: u32,
    fp: u64,
    world: Vec<u32>,
    succs: Succs,
    keys: Vec<u64>,
    ex: u32,
    ready: bool,
}

impl Expansion {
    /// Take the next state from the frontier; false when it is empty.
    fn take(&mut self, frontier: &mut Frontier) -> bool {
        self.ready = false;
        self.ex = 0;
        self.world.clear();
        match frontier {
            Frontier::Fifo(q) => match q.peek() {
                None => false,
                Some((number, depth, fp, w)) => {
                    self.world.extend_from_slice(w);
                    (self.number, self.depth, self.fp) = (number, depth, fp);
                    q.pop();
                    true
                }
            },
            Frontier::Lifo(s) => match s.pop() {
                None => false,
                Some((w, fp, number, depth)) => {
                    self.world.extend_from_slice(&w);
                    (self.number, self.depth, self.fp) = (number, depth, fp);
                    true
                }
            },
        }
    }

    /// Successors, their keys (canonical fingerprints), and a prefetch of their slots.
    fn generate(&mut self, tables: &mut Tables, adapter: &Py<PyAny>) -> PyResult<()> {
        let (world, fp) = (&self.world, self.fp);
        let succs = &mut self.succs;
        let ex = &mut self.ex;
        resolve(tables, adapter, |t| t.successors(world, fp, succs, ex))?;
        self.keys.clear();
        for k in 0..self.succs.len() {
            let (_, _, cfp) = self.succs.items[k];
            let key = if tables.cfg.group > 0 {
                let w = self.succs.world(k);
                resolve(tables, adapter, |t| t.canonical(w, cfp))?
            } else {
                cfp
            };
            self.keys.push(key);
        }
        self.ready = true;
        Ok(())
    }
}

/// Breadth-first search with `workers` threads, giving exactly the single-threaded
/// numbering. Queued states are taken in batches; per batch:
/// 1. in parallel, read-only on the tables: successors, canonical fingerprints, a
///    pre-filter against the visited set, and the property check of the others;
/// 2. one thread expands again, with Python at hand, the states that met a table miss;
/// 3. in parallel, each thread inserts into the visited-set shards it owns, in queue
///    order, which decides exactly as one thread would which occurrence is new;
/// 4. one thread commits the new states in queue order: parents, checks, queue.
fn search_parallel(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    ctx: &Ctx,
    initial: &[(Vec<u32>, u64)],
    store: &mut Store,
    seen: &mut Sharded,
    frontier: &mut Frontier,
    exercised: &mut u32,
    counts: &mut Counts,
    workers: usize,
) -> PyResult<Run> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let mut run = Run {
        status: "holds",
        reason: None,
        transitions: 0,
        deepest: 0,
        depth_bounded: 0,
        frontier_left: None,
    };
    if seed(tables, adapter, ctx, initial, store, seen, frontier, counts)? {
        return finish("violated", None, &mut run);
    }
    let Frontier::Fifo(queue) = frontier else {
        unreachable!()
    };
    const BATCH: usize = 1 << 12;
    const MISS: i32 = i32::MIN + 1;
    // Successors of a run of states: worlds, per item its visited-set key and verdict
    // (a property index, -1 or MISS) and action index, for the successors not seen before
    // the batch; per state its item range and transition count, or None on a miss.
    #[derive(Default)]
    struct Part {
        succs: Succs,
        keys: Vec<u64>,
        verdict: Vec<(i32, u8)>,
        states: Vec<Option<(usize, usize, usize, u32)>>, // (from, to, transitions, reads)
        action: Vec<u32>,
        fresh: Vec<AtomicBool>,
        ex: u32,
    }
    let mut parts: Vec<Part> = (0..workers).map(|_| Part::default()).collect();
    // Queued records, violating states (never expanded) included as None, so that the
    // frontier left on a stop counts them as the Python queue does.
    let mut batch: Vec<(u32, u32, u64, Option<Vec<u32>>)> = Vec::with_capacity(BATCH);
    let mut expanded: u64 = 0;
    let mut next_clock = CLOCK_EVERY;
    let mut one: Vec<u32> = Vec::new();
    loop {
        batch.clear();
        while batch.len() < BATCH {
            let Some(item) = queue.take_raw() else { break };
            batch.push(item);
        }
        if batch.is_empty() {
            break;
        }
        let chunk = batch.len().div_ceil(workers);
        let maxd = ctx.limits.max_depth;
        // 1. Expand in parallel.
        {
            let t: &Tables = tables;
            let s: &Sharded = seen;
            std::thread::scope(|scope| {
                for (w, p) in parts.iter_mut().enumerate() {
                    let lo = (w * chunk).min(batch.len());
                    let hi = ((w + 1) * chunk).min(batch.len());
                    let mine = &batch[lo..hi];
                    scope.spawn(move || {
                        p.succs.clear();
                        p.keys.clear();
                        p.verdict.clear();
                        p.states.clear();
                        p.action.clear();
                        let mut tmp = Succs::default();
                        let mut tkeys: Vec<u64> = Vec::new();
                        for (_, depth, fp, world) in mine {
                            let from = p.keys.len();
                            let Some(world) = world else {
                                p.states.push(Some((from, from, 0, 0)));
                                continue;
                            };
                            if maxd >= 0 && *depth as i64 >= maxd {
                                p.states.push(Some((from, from, 0, 0)));
                                continue;
                            }
                            if t.successors(world, *fp, &mut tmp, &mut p.ex).is_err() {
                                p.states.push(None);
                                continue;
                            }
                            tkeys.clear();
                            let mut ok = true;
                            for k in 0..tmp.len() {
                                let (_, _, cfp) = tmp.items[k];
                                match t.canonical(tmp.world(k), cfp) {
                                    Ok(key) => {
                                        s.prefetch(key);
                                        tkeys.push(key);
                                    }
                                    Err(_) => {
                                        ok = false;
                                        break;
                                    }
                                }
                            }
                            if !ok {
                                p.states.push(None);
                                continue;
                            }
                            // Only successors not seen before this batch are kept.
                            for k in 0..tmp.len() {
                                if s.contains(tkeys[k]) {
                                    continue;
                                }
                                let wk = tmp.world(k);
                                let start = p.succs.words.len();
                                p.succs.words.extend_from_slice(wk);
                                p.succs
                                    .items
                                    .push((start as u32, wk.len() as u32, tmp.items[k].2));
                                p.keys.push(tkeys[k]);
                                p.verdict.push(t.check(wk).unwrap_or((MISS, 0)));
                                p.action.push(k as u32);
                            }
                            p.states
                                .push(Some((from, p.keys.len(), tmp.len(), tmp.reads)));
                        }
                    });
                }
            });
        }
        // 2. Expand the states that met a table miss, in order, filling the tables.
        let mut redo = Succs::default();
        for (w, p) in parts.iter_mut().enumerate() {
            *exercised |= p.ex;
            p.ex = 0;
            for si in 0..p.states.len() {
                if p.states[si].is_some() {
                    continue;
                }
                let (_, _, fp, ref world) = batch[w * chunk + si];
                let world = world.as_ref().expect("a state, not a violation");
                let mut ex = 0;
                resolve(tables, adapter, |t| {
                    t.successors(world, fp, &mut redo, &mut ex)
                })?;
                *exercised |= ex;
                let from = p.keys.len();
                for k in 0..redo.len() {
                    let (_, _, cfp) = redo.items[k];
                    let wk = redo.world(k);
                    let key = resolve(tables, adapter, |t| t.canonical(wk, cfp))?;
                    if seen.contains(key) {
                        continue;
                    }
                    p.keys.push(key);
                    p.verdict.push((MISS, 0));
                    p.action.push(k as u32);
                    let start = p.succs.words.len();
                    p.succs.words.extend_from_slice(wk);
                    p.succs.items.push((start as u32, wk.len() as u32, cfp));
                }
                p.states[si] = Some((from, p.keys.len(), redo.len(), redo.reads));
            }
            p.fresh.clear();
            p.fresh.resize_with(p.keys.len(), || AtomicBool::new(false));
        }
        // 3. Insert into the visited set, each thread into the shards it owns, in order.
        {
            let mut owned: Vec<Vec<&mut Visited>> = (0..workers).map(|_| Vec::new()).collect();
            for (k, shard) in seen.shards.iter_mut().enumerate() {
                owned[k % workers].push(shard);
            }
            let count = owned.iter().map(|o| o.len()).sum::<usize>();
            let parts_ref: &[Part] = &parts;
            std::thread::scope(|scope| {
                for (w, mut mine) in owned.into_iter().enumerate() {
                    scope.spawn(move || {
                        // This thread's items, in queue order; their slots are
                        // prefetched a few items ahead of the insertions.
                        let mut todo: Vec<(u32, u32)> = Vec::new();
                        for (pi, p) in parts_ref.iter().enumerate() {
                            for &(from, to, _, _) in p.states.iter().flatten() {
                                for k in from..to {
                                    let shard = (p.keys[k] >> 59) as usize % count;
                                    if shard % workers == w {
                                        todo.push((pi as u32, k as u32));
                                    }
                                }
                            }
                        }
                        const AHEAD: usize = 8;
                        for i in 0..todo.len() {
                            if let Some(&(pa, ka)) = todo.get(i + AHEAD) {
                                let key = parts_ref[pa as usize].keys[ka as usize];
                                mine[((key >> 59) as usize % count) / workers].prefetch(key);
                            }
                            let (pi, k) = (todo[i].0 as usize, todo[i].1 as usize);
                            let p = &parts_ref[pi];
                            let key = p.keys[k];
                            if mine[((key >> 59) as usize % count) / workers].insert(key) {
                                p.fresh[k].store(true, Ordering::Relaxed);
                            }
                        }
                    });
                }
            });
        }
        // 4. Commit in queue order.
        for (w, p) in parts.iter().enumerate() {
            for (si, range) in p.states.iter().enumerate() {
                let idx = w * chunk + si;
                let (number, depth, _, ref world) = batch[idx];
                let left = queue.items + batch.len() - idx - 1;
                let Some(world) = world else { continue };
                if maxd >= 0 && depth as i64 >= maxd {
                    run.depth_bounded += 1 + left as u64;
                    run.frontier_left = Some(left);
                    return finish("holds", None, &mut run);
                }
                let (from, to, transitions, reads) = range.expect("every state expanded");
                run.transitions += transitions as u64;
                counts.reads += reads as u64;
                let before = store.len();
                for k in from..to {
                    if !p.fresh[k].load(Ordering::Relaxed) {
                        continue;
                    }
                    let action = p.action[k] as usize;
                    store.push(number, action);
                    let child = (store.len() - 1) as u32;
                    let wk = p.succs.world(k);
                    let mut check = p.verdict[k];
                    if check.0 == MISS {
                        one.clear();
                        one.extend_from_slice(wk);
                        let w1 = &one;
                        check = resolve(tables, adapter, |t| t.check(w1))?;
                    }
                    counts.checked(check);
                    let prop = check.0;
                    if prop < 0 {
                        queue.push(wk, p.succs.items[k].2, child, depth + 1);
                    } else {
                        if ctx.violated(store, prop, child, Some((world, action)))? {
                            run.deepest = run.deepest.max(depth as u64 + 1);
                            run.frontier_left = Some(left);
                            return finish("violated", None, &mut run);
                        }
                        queue.push_none(child, depth + 1);
                    }
                }
                if store.len() > before {
                    run.deepest = run.deepest.max(depth as u64 + 1);
                }
                expanded += 1;
                let left = queue.items + batch.len() - idx - 1; // now with this state's children
                if expanded >= next_clock {
                    next_clock += CLOCK_EVERY;
                    if let Some(reason) = ctx.tick(expanded, store.len(), &run, left)? {
                        run.frontier_left = Some(left);
                        return finish("stopped", Some(reason), &mut run);
                    }
                }
                if ctx.limits.max_states > 0 && store.len() as i64 >= ctx.limits.max_states {
                    run.frontier_left = Some(left);
                    return finish(
                        "stopped",
                        Some(format!("state limit of {} reached", ctx.limits.max_states)),
                        &mut run,
                    );
                }
            }
        }
    }
    finish("holds", None, &mut run)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Core>()?;
    Ok(())
}
