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
//! index, then action indices) replay on the Python semantics. Several threads explore
//! level by level without numbering (`levels.rs`) as long as nothing depends on the
//! numbering; a violation or a state limit brings in the numbering loops.

#![allow(
    clippy::too_many_arguments,
    clippy::needless_range_loop,
    clippy::type_complexity
)]

mod graph;
mod levels;
mod simulate;
mod tables;
mod visited;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, RwLock, RwLockReadGuard};
use std::time::Instant;

use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use graph::{Graph, Predicates, Recording};
use tables::{Config, FastMap, Miss, Succs, Tables, QUIET, SEC};
use visited::{FpSet, Store, Visited, NO_PARENT};

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
    /// Copy up to `max` records from the front into `b`, violating ones included,
    /// without taking them.
    fn copy_front(&self, max: usize, b: &mut Batch) {
        b.recs.clear();
        b.words.clear();
        let mut h = self.head;
        let want = max.min(self.items);
        while b.recs.len() < want {
            let r = &self.buf[h..h + 5];
            let fp = r[2] as u64 | ((r[3] as u64) << 32);
            if r[4] == NONE {
                b.recs.push((r[0], r[1], 0, 0, NONE));
                h += 5;
                continue;
            }
            let len = r[4] as usize;
            let start = b.words.len() as u32;
            b.recs.push((r[0], r[1], fp, start, len as u32));
            b.words.extend_from_slice(&self.buf[h + 5..h + 5 + len]);
            h += 5 + len;
        }
    }

    /// Take `k` records (violating ones included) from the front.
    fn discard(&mut self, k: usize) {
        for _ in 0..k {
            let len = self.buf[self.head + 4];
            self.head += 5 + if len == NONE { 0 } else { len as usize };
            self.items -= 1;
        }
        if self.head > (1 << 20) && self.head * 2 > self.buf.len() {
            self.buf.drain(..self.head);
            self.head = 0;
        }
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
    /// (world, fingerprint, number, depth, index of the action that reached it).
    Lifo(Vec<(Box<[u32]>, u64, u32, u32, u32)>),
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
    /// Add another thread's counters.
    fn add(&mut self, o: &Counts) {
        self.quiet += o.quiet;
        self.sec += o.sec;
        self.reads += o.reads;
        if self.verdicts.len() < o.verdicts.len() {
            self.verdicts.resize(o.verdicts.len(), 0);
        }
        for (a, b) in self.verdicts.iter_mut().zip(&o.verdicts) {
            *a += b;
        }
    }

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

impl Run {
    fn start() -> Run {
        Run {
            status: "holds",
            reason: None,
            transitions: 0,
            deepest: 0,
            depth_bounded: 0,
            frontier_left: None,
        }
    }
}

#[pyclass]
struct Core {
    tables: Tables,
    adapter: Py<PyAny>,
    exercised: u32,
    store_bytes: usize,
    /// States stored, left in the frontier, transitions and depth when a Python callback
    /// raised (a stop request or an interrupt in protocol code): the caller reports them
    /// as partial statistics.
    partial: (usize, usize, u64, u64),
    /// The premise counters of the last run.
    counts: Counts,
    /// The state graph of the last run, when it was recorded.
    recording: Option<Recording>,
    /// Which loop the last run took (`search`).
    search: &'static str,
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
    next_progress: std::cell::Cell<u64>,
}

impl Ctx<'_> {
    /// Record a violation with Python (the state's path: initial index, then action
    /// indices); true when the search should stop.
    fn violated(
        &self,
        path: Vec<u32>,
        prop: i32,
        parent: Option<(&[u32], usize)>,
    ) -> PyResult<bool> {
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
                // Reported when a multiple of `progress_every` was passed: the threads of
                // the level loop count expansions in chunks, not one by one.
                if expanded >= self.next_progress.get() {
                    let every = self.limits.progress_every;
                    self.next_progress.set((expanded / every + 1) * every);
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
    #[pyo3(signature = (adapter, n, por, conv, slot_props, has_timers, max_time, group, requests=false, env_props=false, expected=false, record=false))]
    fn new(
        adapter: Py<PyAny>,
        n: usize,
        por: bool,
        conv: i32,
        slot_props: bool,
        has_timers: bool,
        max_time: u32,
        group: usize,
        requests: bool,
        env_props: bool,
        expected: bool,
        record: bool,
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
            requests,
            env_props,
            expected,
            record,
        };
        Ok(Core {
            tables: Tables::new(cfg),
            adapter,
            exercised: 0,
            store_bytes: 0,
            partial: (0, 0, 0, 0),
            counts: Counts::default(),
            recording: None,
            search: "",
        })
    }

    /// Fault kinds exercised so far (bits: loss 1, dup 2, crash 4, partition 8, false
    /// suspicion 16).
    #[getter]
    fn exercised(&self) -> u32 {
        self.exercised
    }

    /// Bytes held by the visited set and the parent store at the end of the last run.
    #[getter]
    fn store_bytes(&self) -> usize {
        self.store_bytes
    }

    /// Which loop the last run took: "levels" (several threads, unordered), "levels,
    /// then numbered" (a violation sent it to the numbering loop), "levels, then single"
    /// (a property check that runs Python on every state sent it to one thread),
    /// "numbered" (several threads, the pipelined loop), "single" (one thread).
    #[getter]
    fn search(&self) -> &'static str {
        self.search
    }

    #[getter]
    fn partial(&self) -> (usize, usize, u64, u64) {
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

    /// Random simulation from `initial` ((world, fingerprint) pairs), continuing the
    /// Mersenne Twister `mt_state`, `mt_pos` of the Python engine's generator (see
    /// `simulate.rs`). Returns (status, states, transitions, depth, runs started, stop
    /// reason).
    #[pyo3(signature = (initial, runs, depth, mt_state, mt_pos, max_states, max_seconds, violation, progress=None))]
    fn simulate(
        &mut self,
        py: Python<'_>,
        initial: Vec<(Vec<u32>, u64)>,
        runs: u64,
        depth: u64,
        mt_state: Vec<u32>,
        mt_pos: usize,
        max_states: i64,
        max_seconds: f64,
        violation: Py<PyAny>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<simulate::Report> {
        let mut mt = simulate::Mt::new(&mt_state, mt_pos)?;
        let limits = simulate::Limits {
            runs,
            depth,
            max_states,
            max_seconds,
        };
        let (tables, adapter, exercised) = (&mut self.tables, &self.adapter, &mut self.exercised);
        py.allow_threads(|| {
            simulate::simulate(
                tables,
                adapter,
                exercised,
                &initial,
                &mut mt,
                &limits,
                &violation,
                progress.as_ref(),
            )
        })
    }

    /// The state graph the last run recorded (a core built with `record`, explored
    /// with `predicates`); once: its edges move into the graph.
    fn graph(&mut self) -> PyResult<Graph> {
        match &mut self.recording {
            Some(r) => Ok(r.graph()),
            None => Err(pyo3::exceptions::PyRuntimeError::new_err(
                "the last run recorded no graph",
            )),
        }
    }

    /// The node numbers of the initial states, in order (duplicates share one).
    #[getter]
    fn initial_nodes(&self) -> Vec<u32> {
        self.recording
            .as_ref()
            .map_or_else(Vec::new, |r| r.initial.clone())
    }

    /// The node numbers of fingerprints in the recorded graph (-1 where absent).
    fn nodes_of(&self, fps: Vec<u64>) -> Vec<i64> {
        match &self.recording {
            Some(r) => fps
                .iter()
                .map(|&fp| r.ids.get(fp).map_or(-1, |v| v as i64))
                .collect(),
            None => vec![-1; fps.len()],
        }
    }

    /// Explore from `initial` ((world, fingerprint) pairs). Returns (status, states,
    /// transitions, depth, frontier left, depth-bounded states, stop reason). With
    /// `predicates` (bits of the convergence predicate, a callable giving the user
    /// predicates' bits of a world, whether one of them reads the network), breadth-first
    /// search records the state graph (a core built with `record`, one thread).
    #[pyo3(signature = (initial, dfs, max_states, max_depth, max_seconds, workers, violation, progress, progress_every, predicates=None))]
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
        predicates: Option<(u32, Option<Py<PyAny>>, bool)>,
    ) -> PyResult<(&'static str, usize, u64, u64, usize, u64, Option<String>)> {
        self.recording = None;
        let mut recording = match predicates {
            None => None,
            Some((conv, user, network)) => {
                if !self.tables.cfg.record || dfs || workers > 1 {
                    return Err(pyo3::exceptions::PyValueError::new_err(
                        "the graph is recorded by breadth-first search in one thread of a core built with record=True",
                    ));
                }
                Some(Recording::new(Predicates {
                    conv,
                    user,
                    network,
                    cache: FastMap::default(),
                }))
            }
        };
        let rec_slot = &mut recording;
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
            next_progress: std::cell::Cell::new(progress_every.max(CLOCK_EVERY)),
        };
        let tables = &mut self.tables;
        let adapter = &self.adapter;
        let exercised = &mut self.exercised;
        let store_bytes = &mut self.store_bytes;
        let partial = &mut self.partial;
        let counts = &mut self.counts;
        *counts = Counts::default();
        let search_kind = &mut self.search;
        let result = py.allow_threads(move || {
            let mut store = if dfs { Store::counting() } else { Store::new() };
            let mut frontier = if dfs {
                Frontier::Lifo(Vec::new())
            } else {
                Frontier::Fifo(Queue {
                    buf: Vec::new(),
                    head: 0,
                    items: 0,
                })
            };
            // What the search has counted, kept for partial statistics if a callback raises.
            let mut so_far = Run::start();
            let mut seen = Visited::new();
            let mut batched = (workers > 1 || std::env::var_os("EVCHECK_NATIVE_BATCHED").is_some())
                && !dfs
                && rec_slot.is_none();
            // Several threads with nothing that depends on the numbering (no state
            // limit): level by level, without parents; on a violation, the numbering
            // search below starts over (the tables filled so far are kept) to find the
            // counterexample the single-threaded order finds first.
            let unordered = (workers > 1 || std::env::var_os("EVCHECK_NATIVE_LEVELS").is_some())
                && !dfs
                && rec_slot.is_none()
                && max_states <= 0
                && std::env::var_os("EVCHECK_NATIVE_ORDERED").is_none();
            *search_kind = if unordered {
                "levels"
            } else if batched {
                "numbered"
            } else {
                "single"
            };
            let mut by_levels = None;
            if unordered {
                match levels::search_levels(
                    tables,
                    adapter,
                    &ctx,
                    &initial,
                    &mut seen,
                    exercised,
                    counts,
                    workers,
                    &mut so_far,
                ) {
                    Ok(levels::Outcome::Done(run)) => by_levels = Some(Ok(run)),
                    Ok(outcome @ (levels::Outcome::Violation | levels::Outcome::PythonBound)) => {
                        // Checks that run Python on every state gain nothing from
                        // threads: one thread is then the fastest.
                        if matches!(outcome, levels::Outcome::PythonBound) {
                            batched = false;
                            *search_kind = "levels, then single";
                        } else {
                            *search_kind = "levels, then numbered";
                        }
                        ctx.next_progress.set(ctx.limits.progress_every);
                        seen = Visited::new();
                        so_far = Run::start();
                        *counts = Counts::default();
                    }
                    Err(e) => by_levels = Some(Err(e)),
                }
            }
            let run = match by_levels {
                Some(run) => run,
                None if batched => search_parallel(
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
                    &mut so_far,
                ),
                None => search(
                    tables,
                    adapter,
                    &ctx,
                    &initial,
                    &mut store,
                    &mut seen,
                    &mut frontier,
                    exercised,
                    counts,
                    rec_slot.as_mut(),
                    &mut so_far,
                ),
            };
            // States are numbered in the store, except by the level loop (which keeps
            // none: its count is the visited set's) and when recording (the graph's
            // numbering replaces the visited set).
            let states = store.len().max(seen.count());
            let run = run.inspect_err(|_| {
                *partial = (
                    states,
                    so_far.frontier_left.unwrap_or(frontier.len()),
                    so_far.transitions,
                    so_far.deepest,
                )
            })?;
            let set_bytes = seen.bytes() + rec_slot.as_ref().map_or(0, |r| r.bytes());
            *store_bytes = set_bytes + store.bytes();
            let left = run.frontier_left.unwrap_or(frontier.len());
            Ok::<_, PyErr>((
                run.status,
                states,
                run.transitions,
                run.deepest,
                left,
                run.depth_bounded,
                run.reason,
            ))
        });
        self.recording = recording;
        result
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
            if ctx.violated(vec![k as u32], prop, None)? {
                return Ok(true);
            }
            if let Frontier::Fifo(q) = frontier {
                q.push_none(number, 0);
            }
            continue;
        }
        match frontier {
            Frontier::Fifo(q) => q.push(world, *fp, number, 0),
            Frontier::Lifo(_) => {
                lifo.push((world.clone().into_boxed_slice(), *fp, number, 0, k as u32))
            }
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
    mut rec: Option<&mut Recording>,
    run: &mut Run,
) -> PyResult<Run> {
    // Recording, the graph's numbering of states is the visited set: a successor is
    // new exactly when it gets the next number (the two number in the same order).
    let stop = match rec.as_deref_mut() {
        Some(r) => seed(tables, adapter, ctx, initial, store, r, frontier, counts)?,
        None => seed(tables, adapter, ctx, initial, store, seen, frontier, counts)?,
    };
    if stop {
        return finish("violated", None, run);
    }
    let mut expanded: u64 = 0;
    let mut children: Vec<(u32, usize)> = Vec::new(); // (number, successor index)
    let mut trail: Vec<u32> = Vec::new(); // depth-first: the expanded state's path
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
                match rec.as_deref() {
                    Some(r) => r.ids.prefetch(key),
                    None => seen.prefetch(key),
                }
            }
        }
        *exercised |= cur.ex;
        if pipelined && next.take(frontier) {
            have_next = true;
            if !bounded(next.depth) {
                next.generate(tables, adapter)?;
                for &key in &next.keys {
                    match rec.as_deref() {
                        Some(r) => r.ids.prefetch(key),
                        None => seen.prefetch(key),
                    }
                }
            }
        }
        let (number, depth) = (cur.number, cur.depth);
        if store.is_counting() {
            // Depth-first, the state's ancestors are the last states expanded at each
            // smaller depth: its path is the trail up to its depth, then its action.
            trail.truncate(depth as usize);
            trail.push(cur.action);
        }
        if let Some(r) = rec.as_deref_mut() {
            let bits = state_bits(tables, adapter, &cur.world, &mut r.predicates)?;
            r.expand(number, &cur.keys, &cur.succs.kinds, bits);
        }
        let succs = &cur.succs;
        run.transitions += succs.len() as u64;
        counts.reads += succs.reads as u64;
        children.clear();
        let before = store.len();
        for k in 0..succs.len() {
            let new = match rec.as_deref() {
                Some(r) => r.current[k] as usize == store.len(),
                None => seen.insert(cur.keys[k]),
            };
            if !new {
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
                let path = if store.is_counting() {
                    let mut path = trail.clone();
                    path.push(k as u32);
                    path
                } else {
                    store.path_to(child)
                };
                if ctx.violated(path, prop, Some((&cur.world, k)))? {
                    run.deepest = run.deepest.max(depth as u64 + 1);
                    run.frontier_left = Some(frontier.len() + have_next as usize);
                    return finish("violated", None, run);
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
                        k as u32,
                    ));
                }
            }
        }
        expanded += 1;
        let left = frontier.len() + have_next as usize;
        if expanded.is_multiple_of(CLOCK_EVERY) {
            if let Some(reason) = ctx.tick(expanded, store.len(), run, left)? {
                run.frontier_left = Some(left);
                return finish("stopped", Some(reason), run);
            }
        }
        if ctx.limits.max_states > 0 && store.len() as i64 >= ctx.limits.max_states {
            run.frontier_left = Some(left);
            return finish(
                "stopped",
                Some(format!("state limit of {} reached", ctx.limits.max_states)),
                run,
            );
        }
    }
    finish("holds", None, run)
}

/// The predicate bits of a state the recorded graph keeps: convergence (every replica
/// observes the same), then the user predicates' (from Python, per replica slots unless
/// one reads the network).
fn state_bits(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    world: &[u32],
    p: &mut Predicates,
) -> PyResult<u32> {
    let n = tables.cfg.n;
    let mut bits = 0;
    if p.conv != 0 {
        let first = resolve(tables, adapter, |t| t.observed(world[0], 0))?;
        let mut same = true;
        for i in 1..n {
            if resolve(tables, adapter, |t| t.observed(world[i], i))? != first {
                same = false;
                break;
            }
        }
        if same {
            bits |= p.conv;
        }
    }
    if let Some(user) = &p.user {
        let key = if p.network { world } else { &world[..n] };
        bits |= match p.cache.get(key) {
            Some(&b) => b,
            None => {
                let b = Python::with_gil(|py| {
                    user.call1(py, (PyTuple::new(py, world)?,))?
                        .extract::<u32>(py)
                })?;
                if !p.network {
                    p.cache.insert(key.to_vec().into_boxed_slice(), b);
                }
                b
            }
        };
    }
    Ok(bits)
}

/// One state being expanded: where it is, its successors and their visited-set keys.
#[derive(Default)]
struct Expansion {
    number: u32,
    depth: u32,
    action: u32, // depth-first: the index of the action that reached it
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
                Some((w, fp, number, depth, action)) => {
                    self.world.extend_from_slice(&w);
                    (self.number, self.depth, self.fp, self.action) = (number, depth, fp, action);
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

/// Queued records copied out of the queue: (number, depth, fingerprint, start, length
/// or NONE for a violating state) with the worlds back to back.
#[derive(Default)]
struct Batch {
    words: Vec<u32>,
    recs: Vec<(u32, u32, u64, u32, u32)>,
}

/// The expansions of a chunk of a batch: successor worlds and their visited-set keys,
/// per state its item range, transition count and reads, or None on a table miss.
#[derive(Default)]
struct Out {
    succs: Succs,
    keys: Vec<u64>,
    /// Per item: the action index and the property check (MISS: not looked up).
    action: Vec<u16>,
    verdict: Vec<(i32, u8)>,
    states: Vec<Option<(u32, u32, u32, u32)>>,
    ex: u32,
    /// States in flight: their visited-set slots are fetched while earlier states'
    /// successors are filtered.
    ring: [Pending; DEPTH],
}

const DEPTH: usize = 4;

/// All successors of one state and their keys.
#[derive(Default)]
struct Pending {
    succs: Succs,
    keys: Vec<u64>,
}

const MISS: i32 = i32::MIN + 1;

impl Out {
    fn clear(&mut self) {
        self.succs.clear();
        self.keys.clear();
        self.action.clear();
        self.verdict.clear();
        self.states.clear();
    }
}

/// Successors of a state and their keys into `p`, the keys' slots prefetched.
fn expand_keys(
    t: &Tables,
    world: &[u32],
    fp: u64,
    p: &mut Pending,
    ex: &mut u32,
    seen: Option<&Visited>,
) -> Result<(), Miss> {
    t.successors(world, fp, &mut p.succs, ex)?;
    p.keys.clear();
    for k in 0..p.succs.len() {
        let (_, _, cfp) = p.succs.items[k];
        let key = if t.cfg.group > 0 {
            t.canonical(p.succs.world(k), cfp)?
        } else {
            cfp
        };
        if let Some(seen) = seen {
            seen.prefetch(key);
        }
        p.keys.push(key);
    }
    Ok(())
}

/// Append the successors in `p` to `o`: with `seen`, only those it does not hold yet,
/// with their property checks. Returns (transitions, reads).
fn filter_into(t: &Tables, p: &Pending, o: &mut Out, seen: Option<&Visited>) -> (u32, u32) {
    for k in 0..p.succs.len() {
        let (_, _, cfp) = p.succs.items[k];
        let wk = p.succs.world(k);
        let key = p.keys[k];
        let verdict = match seen {
            Some(seen) if seen.contains(key) => continue,
            Some(_) => t.check(wk).unwrap_or((MISS, 0)),
            None => (MISS, 0),
        };
        let start = o.succs.words.len() as u32;
        o.succs.words.extend_from_slice(wk);
        o.succs.items.push((start, wk.len() as u32, cfp));
        o.keys.push(key);
        o.action.push(k as u16);
        o.verdict.push(verdict);
    }
    (p.succs.len() as u32, p.succs.reads)
}

/// Expand the records `lo..hi` of a batch, read-only on the tables, generating one
/// state while the previous one's visited-set slots arrive.
fn gen_chunk(
    t: &Tables,
    seen: Option<&Visited>,
    b: &Batch,
    lo: usize,
    hi: usize,
    maxd: i64,
    o: &mut Out,
) {
    #[derive(Clone, Copy)]
    enum Got {
        Skip,
        Miss,
        Ready,
    }
    o.clear();
    // States in flight: expanded (their slots being fetched), not yet filtered.
    let mut flight: [Got; DEPTH] = [Got::Skip; DEPTH];
    for idx in lo..hi + DEPTH - 1 {
        if idx < hi {
            let (_, depth, fp, start, len) = b.recs[idx];
            flight[idx % DEPTH] = if len == NONE || (maxd >= 0 && depth as i64 >= maxd) {
                Got::Skip
            } else {
                let world = &b.words[start as usize..(start + len) as usize];
                let p = &mut o.ring[idx % DEPTH];
                match expand_keys(t, world, fp, p, &mut o.ex, seen) {
                    Ok(()) => Got::Ready,
                    Err(_) => Got::Miss,
                }
            };
        }
        if idx + 1 < lo + DEPTH {
            continue;
        }
        let j = idx + 1 - DEPTH; // the state to filter now
        let from = o.keys.len() as u32;
        let state = match flight[j % DEPTH] {
            Got::Skip => Some((from, from, 0, 0)),
            Got::Miss => None,
            Got::Ready => {
                let p = std::mem::take(&mut o.ring[j % DEPTH]);
                let (transitions, reads) = filter_into(t, &p, o, seen);
                o.ring[j % DEPTH] = p;
                Some((from, o.keys.len() as u32, transitions, reads))
            }
        };
        o.states.push(state);
    }
}

/// All successors of one state into `o` (the redo of a state that met a table miss).
fn gen_state(t: &Tables, world: &[u32], fp: u64, o: &mut Out) -> Result<(u32, u32), Miss> {
    let mut p = std::mem::take(&mut o.ring[0]);
    let mut ex = o.ex;
    let r = expand_keys(t, world, fp, &mut p, &mut ex, None);
    o.ex = ex;
    let r = r.map(|()| filter_into(t, &p, o, None));
    o.ring[0] = p;
    r
}

/// `resolve` for tables shared with expanding threads: look up under the read lock
/// held in `guard`; on a miss, fetch the entry from Python and store it under the
/// write lock.
fn resolve_rw<'l, 't, T>(
    lock: &'l RwLock<&'t mut Tables>,
    guard: &mut Option<RwLockReadGuard<'l, &'t mut Tables>>,
    adapter: &Py<PyAny>,
    mut f: impl FnMut(&Tables) -> Result<T, Miss>,
) -> PyResult<T> {
    loop {
        let t: &Tables = guard.get_or_insert_with(|| lock.read().expect("tables lock"));
        match f(t) {
            Ok(v) => return Ok(v),
            Err(miss) => {
                // Python is asked with the tables let go, so that the expanding threads
                // go on meanwhile; they are held for writing only to store the entry.
                *guard = None;
                let got = Python::with_gil(|py| Tables::fetch(py, adapter.bind(py), &miss))?;
                lock.write().expect("tables lock").put(miss, got);
            }
        }
    }
}

const BATCH: usize = 1 << 10;
const CHUNK: usize = 64;

/// Chunks of a batch handed out to the threads: `next` holds the batch's epoch (high
/// 32 bits) and the chunks claimed so far; `done` counts the chunks finished.
struct Work<'a> {
    slots: &'a [RwLock<Batch>; 2],
    outs: &'a [Vec<Mutex<Out>>; 2],
    next: AtomicU64,
    done: AtomicUsize,
    /// (epoch, slot, records) of the batch being expanded; helpers wait on `wake`.
    job: Mutex<(u64, usize, usize)>,
    wake: Condvar,
    stop: AtomicBool,
    /// Whether expanding threads drop successors already in the visited set.
    prefilter: AtomicBool,
    maxd: i64,
}

impl Work<'_> {
    /// Claim and expand chunks of the batch of `epoch` until none is left.
    fn help(
        &self,
        tables: &RwLock<&mut Tables>,
        seen: &RwLock<&mut Visited>,
        epoch: u64,
        slot: usize,
        n: usize,
    ) -> usize {
        let chunks = n.div_ceil(CHUNK) as u64;
        let mut claimed = 0;
        loop {
            let v = self.next.load(Ordering::Acquire);
            if v >> 32 != epoch || (v & 0xffff_ffff) >= chunks {
                return claimed;
            }
            if self
                .next
                .compare_exchange_weak(v, v + 1, Ordering::AcqRel, Ordering::Relaxed)
                .is_err()
            {
                continue;
            }
            let c = (v & 0xffff_ffff) as usize;
            claimed += 1;
            {
                let t = tables.read().expect("tables lock");
                let s = seen.read().expect("visited lock");
                let b = self.slots[slot].read().expect("batch lock");
                let mut o = self.outs[slot][c].lock().expect("chunk lock");
                let lo = c * CHUNK;
                let filter = self.prefilter.load(Ordering::Relaxed).then_some(&**s);
                gen_chunk(&t, filter, &b, lo, (lo + CHUNK).min(n), self.maxd, &mut o);
            }
            self.done.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Offer the batch in `slot` (`n` records) to every thread.
    fn publish(&self, epoch: u64, slot: usize, n: usize) {
        self.done.store(0, Ordering::Release);
        self.next.store(epoch << 32, Ordering::Release);
        *self.job.lock().expect("job lock") = (epoch, slot, n);
        self.wake.notify_all();
    }

    /// Wait until every chunk of the batch of `n` records is expanded.
    fn wait(&self, n: usize) {
        let chunks = n.div_ceil(CHUNK);
        let mut spins = 0u32;
        while self.done.load(Ordering::Acquire) < chunks {
            spins += 1;
            if spins < 1 << 10 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }

    /// A helper thread: expand the chunks of each batch offered, until told to stop.
    fn helper(&self, tables: &RwLock<&mut Tables>, seen: &RwLock<&mut Visited>) {
        let mut last = 0u64;
        loop {
            let job = {
                let g = self.job.lock().expect("job lock");
                let g = self
                    .wake
                    .wait_while(g, |j| j.0 == last && !self.stop.load(Ordering::Acquire))
                    .expect("job lock");
                *g
            };
            if self.stop.load(Ordering::Acquire) {
                return;
            }
            last = job.0;
            self.help(tables, seen, job.0, job.1, job.2);
        }
    }

    fn finish(&self) {
        self.stop.store(true, Ordering::Release);
        let _g = self.job.lock().expect("job lock");
        self.wake.notify_all();
    }
}

/// Breadth-first search with `workers` threads, giving exactly the single-threaded
/// numbering (runs with a state limit, and the search for the counterexample once the
/// level loop met a violation). The queue is taken in batches of up to 1,024 records. While this thread
/// commits one batch (visited-set insertions, parents, property checks and queue, in
/// queue order, as the single-threaded loop does), the helper threads expand the next
/// one (the records queued behind it, up to the batch size) in chunks of 64 states,
/// read-only on the tables (successors and canonical fingerprints), and this thread
/// joins them once its commit is done. A state whose expansion met a table miss is
/// expanded again at commit, with Python at hand. The visited set is this thread's
/// alone, so no shard or lock is needed there; the tables are behind a read-write lock
/// taken for writing only to fill a miss.
fn search_parallel(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    ctx: &Ctx,
    initial: &[(Vec<u32>, u64)],
    store: &mut Store,
    seen: &mut Visited,
    frontier: &mut Frontier,
    exercised: &mut u32,
    counts: &mut Counts,
    workers: usize,
    run: &mut Run,
) -> PyResult<Run> {
    if seed(tables, adapter, ctx, initial, store, seen, frontier, counts)? {
        return finish("violated", None, run);
    }
    let Frontier::Fifo(queue) = frontier else {
        unreachable!()
    };
    let slots: [RwLock<Batch>; 2] = Default::default();
    let chunks = BATCH / CHUNK;
    let outs: [Vec<Mutex<Out>>; 2] = [
        (0..chunks).map(|_| Mutex::default()).collect(),
        (0..chunks).map(|_| Mutex::default()).collect(),
    ];
    let work = Work {
        slots: &slots,
        outs: &outs,
        next: AtomicU64::new(0),
        done: AtomicUsize::new(0),
        job: Mutex::new((0, 0, 0)),
        wake: Condvar::new(),
        stop: AtomicBool::new(false),
        prefilter: AtomicBool::new(false),
        maxd: ctx.limits.max_depth,
    };
    let lock = RwLock::new(tables);
    let vis = RwLock::new(seen);
    std::thread::scope(|scope| {
        for _ in 1..workers {
            let (work, lock, vis) = (&work, &lock, &vis);
            scope.spawn(move || work.helper(lock, vis));
        }
        let result = (|| {
            let mut epoch = 0u64;
            let mut expanded: u64 = 0;
            let mut next_clock = CLOCK_EVERY;
            // Copy the front of the queue into `slot` and have it expanded by all.
            let start = |slot: usize, queue: &Queue, epoch: &mut u64| -> usize {
                let n = {
                    let mut b = slots[slot].write().expect("batch lock");
                    queue.copy_front(BATCH, &mut b);
                    b.recs.len()
                };
                if n > 0 {
                    *epoch += 1;
                    work.publish(*epoch, slot, n);
                }
                n
            };
            let mut cur = 0;
            let mut n = start(cur, queue, &mut epoch);
            let _ = work.help(&lock, &vis, epoch, cur, n);
            work.wait(n);
            queue.discard(n);
            while n > 0 {
                let nxt = 1 - cur;
                let m = start(nxt, queue, &mut epoch);
                let e = epoch;
                let b = slots[cur].read().expect("batch lock");
                if let Some(done) = commit(
                    &lock,
                    adapter,
                    ctx,
                    &b,
                    &outs[cur],
                    queue,
                    store,
                    &vis,
                    exercised,
                    counts,
                    run,
                    &mut expanded,
                    &mut next_clock,
                )? {
                    return Ok(done);
                }
                drop(b);
                if m > 0 {
                    // Balance: when this thread finds no chunk left after its commit, it
                    // is the bottleneck, and the helpers also filter out successors already
                    // visited (so that it inserts fewer); when it expands a good share
                    // itself, they are, and stop filtering.
                    let mine = work.help(&lock, &vis, e, nxt, m);
                    if workers > 1 {
                        if mine == 0 {
                            work.prefilter.store(true, Ordering::Relaxed);
                        } else if mine * 4 > m.div_ceil(CHUNK) {
                            work.prefilter.store(false, Ordering::Relaxed);
                        }
                    }
                    work.wait(m);
                    queue.discard(m);
                    (cur, n) = (nxt, m);
                } else {
                    n = start(cur, queue, &mut epoch);
                    let _ = work.help(&lock, &vis, epoch, cur, n);
                    work.wait(n);
                    queue.discard(n);
                }
            }
            finish("holds", None, run)
        })();
        work.finish();
        result
    })
}

/// Commit an expanded batch in queue order; Some(result) when the search ends in it.
fn commit(
    lock: &RwLock<&mut Tables>,
    adapter: &Py<PyAny>,
    ctx: &Ctx,
    b: &Batch,
    outs: &[Mutex<Out>],
    queue: &mut Queue,
    store: &mut Store,
    vis: &RwLock<&mut Visited>,
    exercised: &mut u32,
    counts: &mut Counts,
    run: &mut Run,
    expanded: &mut u64,
    next_clock: &mut u64,
) -> PyResult<Option<Run>> {
    let n = b.recs.len();
    let maxd = ctx.limits.max_depth;
    let mut guard = None;
    let mut seen = vis.read().expect("visited lock");
    let mut redo = Out::default();
    const AHEAD: usize = 8;
    for c in 0..n.div_ceil(CHUNK) {
        let mut o = outs[c].lock().expect("chunk lock");
        *exercised |= o.ex;
        o.ex = 0;
        for &key in o.keys.iter().take(AHEAD) {
            seen.prefetch(key);
        }
        let lo = c * CHUNK;
        let hi = (lo + CHUNK).min(n);
        for idx in lo..hi {
            let (number, depth, fp, start, len) = b.recs[idx];
            let left = queue.items + n - idx - 1;
            if len == NONE {
                continue;
            }
            if maxd >= 0 && depth as i64 >= maxd {
                run.depth_bounded += 1 + left as u64;
                run.frontier_left = Some(left);
                return finish("holds", None, run).map(Some);
            }
            let world = &b.words[start as usize..(start + len) as usize];
            let (src, from, to, transitions, reads) = match o.states[idx - lo] {
                Some((f, t, tr, rd)) => (&*o, f as usize, t as usize, tr, rd),
                None => {
                    redo.clear();
                    let r = &mut redo;
                    let (tr, rd) =
                        resolve_rw(lock, &mut guard, adapter, |t| gen_state(t, world, fp, r))?;
                    *exercised |= redo.ex;
                    (&redo, 0, redo.keys.len(), tr, rd)
                }
            };
            run.transitions += transitions as u64;
            counts.reads += reads as u64;
            let before = store.len();
            for k in from..to {
                if let Some(&key) = src.keys.get(k + AHEAD) {
                    seen.prefetch(key);
                }
                let key = src.keys[k];
                let new = loop {
                    match seen.try_insert(key) {
                        Some(new) => break new,
                        None => {
                            drop(seen);
                            vis.write().expect("visited lock").grow();
                            seen = vis.read().expect("visited lock");
                        }
                    }
                };
                if !new {
                    continue;
                }
                let action = src.action[k] as usize;
                store.push(number, action);
                let child = (store.len() - 1) as u32;
                let wk = src.succs.world(k);
                let mut check = src.verdict[k];
                if check.0 == MISS {
                    check = resolve_rw(lock, &mut guard, adapter, |t| t.check(wk))?;
                }
                counts.checked(check);
                let prop = check.0;
                if prop < 0 {
                    queue.push(wk, src.succs.items[k].2, child, depth + 1);
                } else {
                    if ctx.violated(store.path_to(child), prop, Some((world, action)))? {
                        run.deepest = run.deepest.max(depth as u64 + 1);
                        run.frontier_left = Some(left);
                        return finish("violated", None, run).map(Some);
                    }
                    queue.push_none(child, depth + 1);
                }
            }
            if store.len() > before {
                run.deepest = run.deepest.max(depth as u64 + 1);
            }
            *expanded += 1;
            let left = queue.items + n - idx - 1; // now with this state's children
            if *expanded >= *next_clock {
                *next_clock += CLOCK_EVERY;
                if let Some(reason) = ctx.tick(*expanded, store.len(), run, left)? {
                    run.frontier_left = Some(left);
                    return finish("stopped", Some(reason), run).map(Some);
                }
            }
            if ctx.limits.max_states > 0 && store.len() as i64 >= ctx.limits.max_states {
                run.frontier_left = Some(left);
                return finish(
                    "stopped",
                    Some(format!("state limit of {} reached", ctx.limits.max_states)),
                    run,
                )
                .map(Some);
            }
        }
    }
    Ok(None)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Core>()?;
    m.add_class::<Graph>()?;
    m.add_function(wrap_pyfunction!(simulate::mt_randbelow, m)?)?;
    Ok(())
}
