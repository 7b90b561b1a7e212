//! Breadth-first search level by level in several threads, for runs whose outcome does
//! not depend on the order states are numbered in.
//!
//! A search that ends with every reachable state explored (no violation, no state
//! limit) reports what any breadth-first order gives: the states, the transitions, the
//! depth, the premise counters, the fault kinds exercised, and with a depth bound the
//! states left at that depth. Only a violation's path and the statistics at the moment
//! it is found depend on the single-threaded numbering. So the threads here share one
//! visited set (compare-and-swap on its slots), expand the states of a level in chunks,
//! each appending the new states it finds to its own part of the next level, and keep
//! no parent store at all. The first violation any thread meets makes the search give
//! up (`Outcome::Violation`): the caller then runs the numbering search, which finds
//! the shortest counterexample the Python engine reports, with its statistics.
//!
//! Threads meet only at level ends and at table misses. Python runs on the calling
//! thread alone (a handler that never returns is then interrupted there, as in one
//! thread): another thread that meets a missing entry hands the state over and goes
//! on. The calling thread asks Python for the entry while the others go on reading the
//! tables, and holds them for writing only to store it; the others let go of them
//! between two states whenever a thread waits to write.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use pyo3::prelude::*;

use crate::tables::{Miss, Tables};
use crate::visited::Visited;
use crate::{expand_keys, resolve, Counts, Ctx, Pending, Run, CLOCK_EVERY, DEPTH};

/// States per chunk, the unit of work a thread claims.
const CHUNK: usize = 64;
/// Levels of fewer chunks are expanded by the calling thread alone.
const SHARED: usize = 8;
/// A thread adds the states it inserted to the visited set's count at least this often.
const FLUSH: usize = 256;

/// States of a level: records `[fp_lo, fp_hi, len, world...]` back to back, and where
/// every CHUNK-th record starts.
#[derive(Default)]
struct Segment {
    words: Vec<u32>,
    marks: Vec<usize>,
    len: usize,
}

impl Segment {
    fn push(&mut self, world: &[u32], fp: u64) {
        if self.len.is_multiple_of(CHUNK) {
            self.marks.push(self.words.len());
        }
        self.len += 1;
        self.words
            .extend_from_slice(&[fp as u32, (fp >> 32) as u32, world.len() as u32]);
        self.words.extend_from_slice(world);
    }

    /// The record at `pos`: its fingerprint, its world, and where the next one starts.
    #[inline]
    fn at(&self, pos: usize) -> (u64, &[u32], usize) {
        let w = &self.words;
        let fp = w[pos] as u64 | ((w[pos + 1] as u64) << 32);
        let end = pos + 3 + w[pos + 2] as usize;
        (fp, &w[pos + 3..end], end)
    }
}

/// What one thread counted in a level.
#[derive(Default)]
struct Tally {
    transitions: u64,
    expanded: u64,
    ex: u32,
    counts: Counts,
}

impl Tally {
    fn absorb(&mut self, o: &Tally) {
        self.transitions += o.transitions;
        self.expanded += o.expanded;
        self.ex |= o.ex;
        self.counts.add(&o.counts);
    }
}

/// How the search ended.
pub(crate) enum Outcome {
    Done(Run),
    /// A state violates a property: the numbering search must find which one first.
    Violation,
    /// The property check runs Python on every state: the other threads would only
    /// wait, and a violation would cost the search twice, so the numbering search
    /// takes over from the start.
    PythonBound,
}

/// What the threads of the search share.
struct Shared<'a, 't> {
    tables: RwLock<&'t mut Tables>,
    vis: RwLock<&'t mut Visited>,
    adapter: &'a Py<PyAny>,
    /// Threads waiting to write the tables or the visited set.
    writers: AtomicUsize,
    threads: usize,
}

type TablesGuard<'s, 't> = RwLockReadGuard<'s, &'t mut Tables>;
type VisitedGuard<'s, 't> = RwLockReadGuard<'s, &'t mut Visited>;

/// A thread's read holds on the tables and the visited set, let go and taken again
/// around writes.
struct Held<'s, 't> {
    t: Option<TablesGuard<'s, 't>>,
    v: Option<VisitedGuard<'s, 't>>,
    /// Insertions not yet added to the visited set's count.
    unflushed: usize,
}

impl<'s, 't> Held<'s, 't> {
    fn take(sh: &'s Shared<'_, 't>) -> Self {
        grow_if_needed(sh);
        Held {
            t: Some(sh.tables.read().expect("tables lock")),
            v: Some(sh.vis.read().expect("visited lock")),
            unflushed: 0,
        }
    }

    #[inline]
    fn tables(&self) -> &Tables {
        self.t.as_deref().expect("tables held")
    }

    #[inline]
    fn seen(&self) -> &Visited {
        self.v.as_deref().expect("visited set held")
    }

    fn flush(&mut self) {
        if self.unflushed > 0 {
            self.seen().add_len(self.unflushed);
            self.unflushed = 0;
        }
    }

    fn release(&mut self) {
        self.flush();
        self.v = None;
        self.t = None;
    }

    fn retake(&mut self, sh: &'s Shared<'_, 't>) {
        self.release();
        *self = Held::take(sh);
    }

    /// Fill the entry `miss` names, letting go of the tables meanwhile.
    fn fill(&mut self, sh: &'s Shared<'_, 't>, miss: Miss) -> PyResult<()> {
        self.release();
        let got = Python::with_gil(|py| Tables::fetch(py, sh.adapter.bind(py), &miss))?;
        write(sh, &sh.tables).put(miss, got);
        *self = Held::take(sh);
        Ok(())
    }
}

/// Hold `lock` for writing, asking the threads expanding chunks to let go of it.
fn write<'l, T>(sh: &Shared, lock: &'l RwLock<T>) -> RwLockWriteGuard<'l, T> {
    sh.writers.fetch_add(1, Ordering::Relaxed);
    let w = lock.write().expect("lock");
    sh.writers.fetch_sub(1, Ordering::Relaxed);
    w
}

/// Grow the visited set past its load limit, all threads rehashing.
fn grow_if_needed(sh: &Shared) {
    if sh.vis.read().expect("visited lock").needs_growth() {
        let mut w = write(sh, &sh.vis);
        if w.needs_growth() {
            w.grow_parallel(sh.threads);
        }
    }
}

/// The work on one level: its chunks, claimed in turn, and how it is going.
struct Level<'a> {
    segs: &'a [Segment],
    /// (segment, where its first record starts, records) of each chunk.
    chunks: Vec<(u32, usize, u32)>,
    next: AtomicUsize,
    violation: AtomicBool,
    /// Set to make every thread stop: a limit, an interrupt, an error.
    stop: AtomicBool,
    error: Mutex<Option<PyErr>>,
    /// States the other threads could not finish without Python, and how many.
    handoffs: Mutex<Vec<Handoff>>,
    handed: AtomicUsize,
    /// Helper threads still expanding chunks.
    busy: AtomicUsize,
    transitions: AtomicU64,
    expanded: AtomicU64,
}

/// A state a helper thread could not finish with the tables as they are: its
/// expansion met a missing entry, or it is new and its property check is not tabled.
enum Handoff {
    Expand(Box<[u32]>, u64),
    Check(Box<[u32]>, u64),
}

impl Level<'_> {
    fn over(&self) -> bool {
        self.violation.load(Ordering::Relaxed) || self.stop.load(Ordering::Relaxed)
    }

    /// Keep the first error and make every thread stop.
    fn fail(&self, e: PyErr) {
        self.error.lock().expect("error lock").get_or_insert(e);
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Run `f` on a thread's tally, then publish what it counted (for progress and
    /// the statistics) and its error, if any.
    fn counted(&self, tally: &mut Tally, f: impl FnOnce(&mut Tally) -> PyResult<()>) {
        let before = (tally.transitions, tally.expanded);
        if let Err(e) = f(tally) {
            self.fail(e);
        }
        self.transitions
            .fetch_add(tally.transitions - before.0, Ordering::Relaxed);
        self.expanded
            .fetch_add(tally.expanded - before.1, Ordering::Relaxed);
    }

    /// Claim the next chunk and expand it; false when none was left.
    fn one_chunk(
        &self,
        sh: &Shared,
        main: Option<&mut Pending>,
        out: &mut Segment,
        tally: &mut Tally,
        ring: &mut [Pending; DEPTH],
    ) -> bool {
        let c = self.next.fetch_add(1, Ordering::Relaxed);
        if c >= self.chunks.len() {
            return false;
        }
        self.counted(tally, |tally| {
            self.chunk(sh, main, self.chunks[c], out, tally, ring)
        });
        true
    }

    /// Expand a chunk: each state's successors are generated (and their visited-set
    /// slots prefetched) a few states before they are inserted, so that the cache misses
    /// overlap with generation. On a table miss the calling thread (`main`, with room
    /// for the states handed over) fills the tables; another thread hands the state
    /// over. The calling thread finishes what was handed over as soon as it is, between
    /// two states of its own: while the tables are filling, it runs Python and the
    /// others expand.
    fn chunk(
        &self,
        sh: &Shared,
        mut main: Option<&mut Pending>,
        (seg, start, n): (u32, usize, u32),
        out: &mut Segment,
        tally: &mut Tally,
        ring: &mut [Pending; DEPTH],
    ) -> PyResult<()> {
        let seg = &self.segs[seg as usize];
        let n = n as usize;
        let mut held = Held::take(sh);
        let mut pos = start;
        let mut ready = [false; DEPTH];
        for idx in 0..n + DEPTH - 1 {
            if sh.writers.load(Ordering::Relaxed) > 0 {
                held.retake(sh);
            }
            if let Some(scratch) = main.as_deref_mut() {
                if self.handed.load(Ordering::Relaxed) > 0 {
                    held.release();
                    self.settle(sh, out, tally, scratch)?;
                    if self.over() {
                        return Ok(());
                    }
                    held = Held::take(sh);
                }
            }
            if idx < n {
                let (fp, world, end) = seg.at(pos);
                pos = end;
                let slot = idx % DEPTH;
                ready[slot] = loop {
                    let (t, seen) = (held.tables(), held.seen());
                    match expand_keys(t, world, fp, &mut ring[slot], &mut tally.ex, Some(seen)) {
                        Ok(()) => break true,
                        Err(miss) if main.is_some() => held.fill(sh, miss)?,
                        Err(_) => {
                            self.hand_over(Handoff::Expand(world.into(), fp));
                            break false;
                        }
                    }
                };
            }
            if idx + 1 < DEPTH || !ready[(idx + 1 - DEPTH) % DEPTH] {
                continue;
            }
            let p = &ring[(idx + 1 - DEPTH) % DEPTH];
            tally.transitions += p.succs.len() as u64;
            tally.counts.reads += p.succs.reads as u64;
            tally.expanded += 1;
            for k in 0..p.succs.len() {
                if !held.seen().insert_shared(p.keys[k]) {
                    continue;
                }
                held.unflushed += 1;
                let w = p.succs.world(k);
                let check = loop {
                    match held.tables().check(w) {
                        Ok(check) => break Some(check),
                        Err(miss) if main.is_some() => held.fill(sh, miss)?,
                        Err(_) => {
                            self.hand_over(Handoff::Check(w.into(), p.succs.items[k].2));
                            break None;
                        }
                    }
                };
                let Some(check) = check else { continue };
                tally.counts.checked(check);
                if check.0 >= 0 {
                    self.violation.store(true, Ordering::Relaxed);
                    return Ok(());
                }
                out.push(w, p.succs.items[k].2);
            }
            if held.unflushed >= FLUSH {
                // Counted often enough that the threads together overshoot the load
                // limit by a few thousand states at most, well within the headroom.
                held.flush();
                if held.seen().needs_growth() {
                    held.retake(sh);
                }
            }
        }
        held.flush();
        Ok(())
    }

    fn hand_over(&self, h: Handoff) {
        self.handoffs.lock().expect("handoff lock").push(h);
        self.handed.fetch_add(1, Ordering::Relaxed);
    }

    /// Finish the states handed over (the calling thread), filling tables from Python.
    fn settle(
        &self,
        sh: &Shared,
        out: &mut Segment,
        tally: &mut Tally,
        p: &mut Pending,
    ) -> PyResult<()> {
        let items = std::mem::take(&mut *self.handoffs.lock().expect("handoff lock"));
        self.handed.fetch_sub(items.len(), Ordering::Relaxed);
        for h in items {
            if self.over() {
                break;
            }
            let mut held = Held::take(sh);
            let mut news = Vec::new();
            match h {
                Handoff::Check(w, fp) => news.push((w, fp)),
                Handoff::Expand(w, fp) => {
                    while let Err(miss) = expand_keys(held.tables(), &w, fp, p, &mut tally.ex, None)
                    {
                        held.fill(sh, miss)?;
                    }
                    tally.transitions += p.succs.len() as u64;
                    tally.counts.reads += p.succs.reads as u64;
                    tally.expanded += 1;
                    for k in 0..p.succs.len() {
                        if held.seen().insert_shared(p.keys[k]) {
                            held.unflushed += 1;
                            news.push((p.succs.world(k).into(), p.succs.items[k].2));
                        }
                    }
                }
            }
            for (w, fp) in news {
                let check = loop {
                    match held.tables().check(&w) {
                        Ok(check) => break check,
                        Err(miss) => held.fill(sh, miss)?,
                    }
                };
                tally.counts.checked(check);
                if check.0 >= 0 {
                    self.violation.store(true, Ordering::Relaxed);
                    break;
                }
                out.push(&w, fp);
            }
            held.release();
        }
        Ok(())
    }
}

/// Breadth-first search of everything reachable from `initial` in `workers` threads,
/// level by level; `Outcome::Violation` as soon as a state violates a property.
pub(crate) fn search_levels(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    ctx: &Ctx,
    initial: &[(Vec<u32>, u64)],
    seen: &mut Visited,
    exercised: &mut u32,
    counts: &mut Counts,
    workers: usize,
    run: &mut Run,
) -> PyResult<Outcome> {
    let mut level = vec![Segment::default()];
    for (world, fp) in initial {
        let key = resolve(tables, adapter, |t| t.canonical(world, *fp))?;
        if !seen.insert(key) {
            continue;
        }
        let check = resolve(tables, adapter, |t| t.check(world))?;
        counts.checked(check);
        if check.0 >= 0 {
            return Ok(Outcome::Violation);
        }
        level[0].push(world, *fp);
    }
    let maxd = ctx.limits.max_depth;
    let sh = Shared {
        tables: RwLock::new(tables),
        vis: RwLock::new(seen),
        adapter,
        writers: AtomicUsize::new(0),
        threads: workers,
    };
    let mut total = Tally::default();
    let mut depth: u64 = 0;
    let mut expanded_before: u64 = 0;
    let mut next_clock = CLOCK_EVERY;
    let done = |total: &Tally, exercised: &mut u32, counts: &mut Counts| {
        *exercised |= total.ex;
        counts.add(&total.counts);
    };
    loop {
        if sh.tables.read().expect("tables lock").checks_in_python() {
            return Ok(Outcome::PythonBound);
        }
        let size: usize = level.iter().map(|s| s.len).sum();
        if size == 0 {
            run.frontier_left = None;
            break;
        }
        if maxd >= 0 && depth as i64 >= maxd {
            // As the numbering search reports it: it stops at the first state at the
            // bound, counting it and the ones queued behind it.
            run.depth_bounded += size as u64;
            run.frontier_left = Some(size - 1);
            break;
        }
        let mut chunks = Vec::with_capacity(size.div_ceil(CHUNK) + level.len());
        for (s, seg) in level.iter().enumerate() {
            for (c, &start) in seg.marks.iter().enumerate() {
                let n = (seg.len - c * CHUNK).min(CHUNK);
                chunks.push((s as u32, start, n as u32));
            }
        }
        let helpers = if chunks.len() >= SHARED {
            workers - 1
        } else {
            0
        };
        let lv = Level {
            segs: &level,
            chunks,
            next: AtomicUsize::new(0),
            violation: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            error: Mutex::new(None),
            handoffs: Mutex::new(Vec::new()),
            handed: AtomicUsize::new(0),
            busy: AtomicUsize::new(helpers),
            transitions: AtomicU64::new(0),
            expanded: AtomicU64::new(0),
        };
        let transitions_before = run.transitions;
        let (lv, sh) = (&lv, &sh);
        let (next, stopped) = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..helpers)
                .map(|_| {
                    scope.spawn(move || {
                        let mut out = Segment::default();
                        let mut tally = Tally::default();
                        let mut ring: [Pending; DEPTH] = Default::default();
                        while !lv.over() && lv.one_chunk(sh, None, &mut out, &mut tally, &mut ring)
                        {
                        }
                        lv.busy.fetch_sub(1, Ordering::Release);
                        (out, tally)
                    })
                })
                .collect();
            // This thread also looks at the clock (time limit, interrupts, progress)
            // between its chunks.
            let mut out = Segment::default();
            let mut tally = Tally::default();
            let mut ring: [Pending; DEPTH] = Default::default();
            let mut scratch = Pending::default();
            let mut stopped = None;
            loop {
                // What the helpers handed over first: the tables fill sooner, and while
                // they keep missing, this thread runs Python and they expand.
                lv.counted(&mut tally, |tally| {
                    lv.settle(sh, &mut out, tally, &mut scratch)
                });
                let claimed = !lv.over()
                    && lv.one_chunk(sh, Some(&mut scratch), &mut out, &mut tally, &mut ring);
                if !claimed {
                    // Wait for the helpers, finishing what they hand over.
                    if lv.busy.load(Ordering::Acquire) == 0
                        && (lv.over() || lv.handoffs.lock().expect("handoff lock").is_empty())
                    {
                        break;
                    }
                    std::thread::yield_now();
                    continue;
                }
                let expanded = expanded_before + lv.expanded.load(Ordering::Relaxed);
                if expanded < next_clock {
                    continue;
                }
                next_clock = expanded - expanded % CLOCK_EVERY + CLOCK_EVERY;
                run.transitions = transitions_before + lv.transitions.load(Ordering::Relaxed);
                let states = sh.vis.read().expect("visited lock").count();
                let left =
                    size.saturating_sub(lv.expanded.load(Ordering::Relaxed) as usize) + out.len;
                run.frontier_left = Some(left);
                match ctx.tick(expanded, states, run, left) {
                    Ok(None) => {}
                    Ok(Some(reason)) => {
                        stopped = Some(reason);
                        lv.stop.store(true, Ordering::Relaxed);
                    }
                    Err(e) => lv.fail(e),
                }
            }
            let mut next = vec![out];
            for h in handles {
                let (o, t) = h.join().expect("search thread");
                next.push(o);
                tally.absorb(&t);
            }
            total.absorb(&tally);
            (next, stopped)
        });
        run.transitions = transitions_before + lv.transitions.load(Ordering::Relaxed);
        expanded_before += lv.expanded.load(Ordering::Relaxed);
        let found: usize = next.iter().map(|s| s.len).sum();
        if found > 0 {
            run.deepest = depth + 1;
        }
        let left = size.saturating_sub(lv.expanded.load(Ordering::Relaxed) as usize) + found;
        if let Some(e) = lv.error.lock().expect("error lock").take() {
            run.frontier_left = Some(left);
            return Err(e);
        }
        if lv.violation.load(Ordering::Relaxed) {
            return Ok(Outcome::Violation);
        }
        if let Some(reason) = stopped {
            done(&total, exercised, counts);
            run.frontier_left = Some(left);
            return Ok(Outcome::Done(crate::finish("stopped", Some(reason), run)?));
        }
        level = next;
        depth += 1;
    }
    done(&total, exercised, counts);
    Ok(Outcome::Done(crate::finish("holds", None, run)?))
}
