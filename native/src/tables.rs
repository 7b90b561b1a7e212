//! The Rust side of evcheck's transition tables, and successor generation from them.
//!
//! Every entry mirrors a memoised table of the Python environment parts
//! (`evcheck.env`): client operations and timer firings per (replica, slot), deliveries
//! per (envelope, receiver's slot), recoveries, timer re-arming and clock ticks per
//! (replica, slot), and per global state the facts `EnvInfo` holds plus the global moves
//! its parts can make. A lookup that misses returns `Miss`, naming the one entry to fetch
//! from Python (`fill`), after which the lookup is retried: each distinct entry crosses
//! the language boundary once.
//!
//! Successors are produced in exactly the order of `evcheck.semantics.Semantics`
//! (operations, timers, deliveries, loss, duplication, crashes and recoveries,
//! partitions and heal, tick), with the same fingerprints (wrapping sums mod 2**64).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// A multiplicative hasher for small integer keys (no dependency needed).
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(v as u64);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

// Link verdicts (evcheck.env.info).
const DELIVER: u8 = 0;
const LOSE: u8 = 2;
const DROP: u8 = 3;

// Slots below this index get a direct delivery index per envelope (4 bytes per
// (envelope, slot) pair up to it); slots above it go through a hash map.
const DIRECT: u32 = 1 << 12;

// The new slot of a memoised entry whose enabling condition (`when=`) is false
// (`evcheck.env.tables.DISABLED`): no transition, the action waits.
pub const DISABLED: i64 = -(1 << 62);

// The receiver of a reply (`evcheck.env.envelope.CLIENT`, env_dst -1): the client
// sessions. Replies never stay in a stored world: `settle` completes them in the step
// that made them.
pub const CLIENT: u32 = u32::MAX;

// Fault kinds exercised (bit mask reported back to Python).
pub const EX_LOSS: u32 = 1;
pub const EX_DUP: u32 = 2;
pub const EX_CRASH: u32 = 4;
pub const EX_PARTITION: u32 = 8;
pub const EX_SUSPICION: u32 = 16;

/// A memoised handler run: new slot (or -1-failure), sent envelopes (sorted), fp delta.
pub struct Entry {
    pub s2: i64,
    pub sends: Box<[u32]>,
    pub delta: u64,
}

pub type Move = (u32, u64); // (new global state or slot, fp delta)

/// A memoised client operation, and the per-operation budget (`max_calls`) it spends:
/// an index into `GInfo::budgets`, or -1.
pub struct OpEntry {
    pub en: Entry,
    pub budget: i32,
}

/// One part active in a global state, with the global moves it may make from there.
pub enum Act {
    Ops,
    Timers,
    Net,
    Loss(Move),
    Dup(Move),
    /// With a failure detector (`detect`), a crash of j makes every other replica
    /// suspect j and drops j's own wrong suspicions (the replicas listed with it; its
    /// move includes the detectors' part), and a recovery makes the others trust j.
    Crash {
        exercised: bool,
        crash: Vec<(u32, Move, Vec<u32>)>,
        recover: Vec<(u32, Move)>,
        detect: bool,
    },
    /// An eventually perfect detector: wrong suspicions (i, j) that may start (unless
    /// i's slot suspects j already), and those outstanding, which may end.
    Detect {
        exercised: bool,
        suspect: Vec<(u32, u32, Move)>,
        trust: Vec<(u32, u32, Move)>,
    },
    Partition {
        exercised: bool,
        splits: Vec<Move>,
        heal: Option<Move>,
    },
    Tick,
    /// Client sessions still able to operate here: (session, replicas it may use).
    Sessions(Vec<(u32, Vec<u32>)>),
}

/// A session operation: new slot (or -1-failure), sends, delta, next global state, delta.
pub struct SEntry {
    pub s2: i64,
    pub sends: Box<[u32]>,
    pub delta: u64,
    pub g2: u32,
    pub gdelta: u64,
    pub read: bool, // a read the history monitors judge
}

/// What a global state decides (`EnvInfo`, the property facts of it, its moves).
pub struct GInfo {
    pub failed: bool,
    pub history: i32, // index of a violated history property, or -1
    pub quiet: bool,
    pub up: Vec<bool>,
    pub links: Vec<u8>,
    pub ops: Option<Move>, // client operations enabled: (next global state, delta)
    /// Per budgeted operation (`max_calls`): where spending it moves the global state,
    /// or None once the budget is spent (`ReplicaClients.expand`).
    pub budgets: Vec<Option<Move>>,
    pub acts: Vec<Act>,
}

/// Premises `Tables::check` met: a quiescent state judged by quiescent convergence, and
/// replicas that strong eventual consistency compares (`Checker.sec_premise`).
pub const QUIET: u8 = 1;
pub const SEC: u8 = 2;

/// A table entry that is not on the Rust side yet.
#[derive(Debug, Clone)]
pub enum Miss {
    Glob(u32),
    Ops(u32, u32),
    Timers(u32, u32),
    Delivery(u32, u32),
    Env(u32),
    Recovery(u32, u32),
    Rearm(u32, u32),
    Tick(u32, u32),
    Slot(u32),
    Fail(u32, i64),
    Slots(Box<[u32]>),
    MaySend(u32, Box<[u32]>),
    SymSlot(u32),
    SymGlob(u32),
    SymEnv(u32),
    Session(u32, u32, u32, u32),
    Reply(u32, u32),
    Suspect(u32, u32, u32, bool),
    EnvCheck(Box<[u32]>),
    Right(u32),
}

/// A table entry as Python gave it, before it is stored (`Tables::fetch`, `put`).
pub enum Fetched {
    Glob(GInfo),
    Ops(Box<[OpEntry]>),
    Timers(Box<[Entry]>, Box<[u8]>),
    Entry(Entry),
    Env(u32, u32, u64),
    Move(Move),
    Slot(SlotInfo),
    Verdict((i32, bool)),
    Session(Box<[SEntry]>),
    Flag(bool),
    Reply((u32, u64, bool)),
    Sym(Box<[u64]>),
}

/// Per-slot facts the property check reads: real time, and what each replica observes
/// in that slot (an interned id). (Whether a timer may still fire depends on the replica
/// too, through enabling conditions: it is read from the timer table.)
pub struct SlotInfo {
    pub time: u32,
    pub suspects: u32, // the replicas this slot suspects (bit i: replica i)
    pub obs: Box<[u32]>,
}

#[derive(Clone)]
pub struct Config {
    pub n: usize,
    pub por: bool,
    pub conv: i32,        // index of quiescent convergence, or -1
    pub slot_props: bool, // properties that are functions of the replica slots
    pub has_timers: bool,
    pub max_time: u32,
    pub group: usize, // symmetry group elements besides the identity (0: no symmetry)
    pub requests: bool, // request operations: replies complete them (`settle`)
    pub env_props: bool, // invariants that read the environment
    pub expected: bool, // quiescent convergence to an expected value
    pub record: bool, // successors carry their action kind (the recorded state graph)
}

// Action kinds of the recorded state graph (`evcheck.liveness`: OP, DELIVER, ...; a
// timer's kind, TIMER + its index by name, comes with its table entry).
pub const K_OP: u8 = 0;
pub const K_DELIVER: u8 = 1;
pub const K_FAULT: u8 = 2;
pub const K_HEAL: u8 = 3;
pub const K_RECOVER: u8 = 4;
pub const K_TICK: u8 = 5;

pub struct Tables {
    pub cfg: Config,
    globs: Vec<Option<GInfo>>,
    ops: Vec<Vec<Option<Box<[OpEntry]>>>>,
    timers: Vec<Vec<Option<Box<[Entry]>>>>,
    timer_kinds: Vec<Vec<Option<Box<[u8]>>>>,
    recovery: Vec<Vec<Option<Entry>>>,
    rearm: Vec<Vec<Option<Move>>>,
    tick: Vec<Vec<Option<Move>>>,
    // Deliveries: entries in an arena; for slots below DIRECT, a direct index per
    // envelope (`delivery_index[e][sid]`, 0 = missing), else a hash map.
    delivery_arena: Vec<Entry>,
    delivery_index: Vec<Vec<u32>>,
    deliveries: FastMap<u64, Entry>,
    env_src: Vec<u32>,
    env_dst: Vec<u32>,
    env_key: Vec<u64>,
    env_known: Vec<bool>,
    slots: Vec<Option<SlotInfo>>,
    fails: FastMap<(u32, i64), Move>,
    slot_verdicts: FastMap<Box<[u32]>, (i32, bool)>,
    may_send: FastMap<(u32, Box<[u32]>), bool>,
    // Symmetry: per slot [k * n + i], per global state [k], per envelope [k], the key of
    // the component moved by group element k (the identity excluded).
    sym_slot: Vec<Option<Box<[u64]>>>,
    sym_glob: Vec<Option<Box<[u64]>>>,
    sym_env: Vec<Option<Box<[u64]>>>,
    sessions: FastMap<(u32, u32, u32, u32), Box<[SEntry]>>,
    // A reply envelope completing a request from a global state: (next global state,
    // fp delta, whether it completes a read the history monitors judge).
    replies: FastMap<(u32, u32), (u32, u64, bool)>,
    // Replica i's slot with replica j suspected or not (`Detectors.move`).
    suspicion: FastMap<(u32, u32, u32, bool), Move>,
    // Verdicts of the invariants that read the environment: per (slots, global state)
    // where they did not read the network; the last world's where they did (the core
    // asks for a world's verdict and reads it back at once).
    env_verdicts: FastMap<Box<[u32]>, i32>,
    env_last: Option<(Box<[u32]>, i32)>,
    // Per slot of the first replica: whether it exposes the value its applied updates
    // call for (`Checker.right_value`).
    rights: Vec<Option<bool>>,
}

fn get2<T>(v: &[Vec<Option<T>>], i: u32, sid: u32) -> Option<&T> {
    v[i as usize].get(sid as usize).and_then(|x| x.as_ref())
}

fn put2<T>(v: &mut [Vec<Option<T>>], i: u32, sid: u32, value: T) {
    let row = &mut v[i as usize];
    if row.len() <= sid as usize {
        row.resize_with(sid as usize + 1, || None);
    }
    row[sid as usize] = Some(value);
}

fn put1<T>(v: &mut Vec<Option<T>>, k: u32, value: T) {
    if v.len() <= k as usize {
        v.resize_with(k as usize + 1, || None);
    }
    v[k as usize] = Some(value);
}

/// Sorted merge of a sorted network (minus position `skip`, if any) with sorted sends.
#[inline]
fn merge_into(out: &mut Vec<u32>, net: &[u32], skip: usize, sends: &[u32]) {
    let mut k = 0;
    for (j, &e) in net.iter().enumerate() {
        if j == skip {
            continue;
        }
        while k < sends.len() && sends[k] < e {
            out.push(sends[k]);
            k += 1;
        }
        out.push(e);
    }
    out.extend_from_slice(&sends[k..]);
}

/// Successors in a flat buffer: worlds back to back, with (start, length, fingerprint).
#[derive(Default)]
pub struct Succs {
    pub words: Vec<u32>,
    pub items: Vec<(u32, u32, u64)>,
    /// Reads by client sessions among them (the premise count of history properties).
    pub reads: u32,
    /// Per item, the kind of its action (only when recording the graph).
    pub kinds: Vec<u8>,
}

impl Succs {
    pub fn clear(&mut self) {
        self.words.clear();
        self.items.clear();
        self.reads = 0;
        self.kinds.clear();
    }
    /// The items pushed since the last mark are actions of `kind`.
    #[inline]
    fn mark(&mut self, record: bool, kind: u8) {
        if record {
            self.kinds.resize(self.items.len(), kind);
        }
    }
    #[inline]
    pub fn world(&self, k: usize) -> &[u32] {
        let (s, l, _) = self.items[k];
        &self.words[s as usize..(s + l) as usize]
    }
    #[inline]
    fn begin(&self) -> usize {
        self.words.len()
    }
    #[inline]
    fn end(&mut self, start: usize, fp: u64) {
        let len = self.words.len() - start;
        self.items.push((start as u32, len as u32, fp));
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

impl Tables {
    pub fn new(cfg: Config) -> Self {
        let n = cfg.n;
        Tables {
            cfg,
            globs: Vec::new(),
            ops: (0..n).map(|_| Vec::new()).collect(),
            timers: (0..n).map(|_| Vec::new()).collect(),
            timer_kinds: (0..n).map(|_| Vec::new()).collect(),
            recovery: (0..n).map(|_| Vec::new()).collect(),
            rearm: (0..n).map(|_| Vec::new()).collect(),
            tick: (0..n).map(|_| Vec::new()).collect(),
            delivery_arena: Vec::new(),
            delivery_index: Vec::new(),
            deliveries: FastMap::default(),
            env_src: Vec::new(),
            env_dst: Vec::new(),
            env_key: Vec::new(),
            env_known: Vec::new(),
            slots: Vec::new(),
            fails: FastMap::default(),
            slot_verdicts: FastMap::default(),
            may_send: FastMap::default(),
            sym_slot: Vec::new(),
            sym_glob: Vec::new(),
            sym_env: Vec::new(),
            sessions: FastMap::default(),
            replies: FastMap::default(),
            suspicion: FastMap::default(),
            env_verdicts: FastMap::default(),
            env_last: None,
            rights: Vec::new(),
        }
    }

    #[inline]
    fn ginfo(&self, g: u32) -> Result<&GInfo, Miss> {
        self.globs
            .get(g as usize)
            .and_then(|x| x.as_ref())
            .ok_or(Miss::Glob(g))
    }

    #[inline]
    fn env(&self, e: u32) -> Result<(u32, u32, u64), Miss> {
        let k = e as usize;
        if k < self.env_known.len() && self.env_known[k] {
            Ok((self.env_src[k], self.env_dst[k], self.env_key[k]))
        } else {
            Err(Miss::Env(e))
        }
    }

    #[inline]
    fn slot(&self, sid: u32) -> Result<&SlotInfo, Miss> {
        self.slots
            .get(sid as usize)
            .and_then(|x| x.as_ref())
            .ok_or(Miss::Slot(sid))
    }

    #[inline]
    fn delivery(&self, e: u32, sid: u32) -> Option<&Entry> {
        if sid < DIRECT {
            let k = *self.delivery_index.get(e as usize)?.get(sid as usize)?;
            if k == 0 {
                None
            } else {
                Some(&self.delivery_arena[k as usize - 1])
            }
        } else {
            self.deliveries.get(&(((e as u64) << 32) | sid as u64))
        }
    }

    #[inline]
    fn ops_of(&self, i: u32, sid: u32) -> Result<&[OpEntry], Miss> {
        get2(&self.ops, i, sid)
            .map(|b| &b[..])
            .ok_or(Miss::Ops(i, sid))
    }

    #[inline]
    fn fail(&self, g: u32, code: i64) -> Result<Move, Miss> {
        self.fails
            .get(&(g, code))
            .copied()
            .ok_or(Miss::Fail(g, code))
    }

    /// Whether a timer of replica i may fire in slot sid (`Timers.is_busy`): its timer
    /// entries, which respect enabling conditions, are not all gone.
    #[inline]
    fn busy(&self, i: u32, sid: u32) -> Result<bool, Miss> {
        if !self.cfg.has_timers {
            return Ok(false);
        }
        get2(&self.timers, i, sid)
            .map(|t| !t.is_empty())
            .ok_or(Miss::Timers(i, sid))
    }

    /// Replica i in slot sid comes to suspect replica j, or to trust it (`Detectors.move`).
    #[inline]
    fn suspect(&self, i: u32, sid: u32, j: u32, suspected: bool) -> Result<Move, Miss> {
        self.suspicion
            .get(&(i, sid, j, suspected))
            .copied()
            .ok_or(Miss::Suspect(i, sid, j, suspected))
    }

    #[inline]
    fn rearm_of(&self, i: u32, sid: u32) -> Result<Move, Miss> {
        if !self.cfg.has_timers {
            return Ok((sid, 0));
        }
        get2(&self.rearm, i, sid)
            .copied()
            .ok_or(Miss::Rearm(i, sid))
    }

    /// A failed handler: the world with the failure recorded in its global state.
    fn push_fail(&self, out: &mut Succs, world: &[u32], fp: u64, code: i64) -> Result<(), Miss> {
        let n = self.cfg.n;
        let (g2, d) = self.fail(world[n], code)?;
        let start = out.begin();
        out.words.extend_from_slice(world);
        out.words[start + n] = g2;
        out.end(start, fp.wrapping_add(d));
        Ok(())
    }

    /// A replica's handler ran (operation, timer, recovery): new slot, sends merged.
    fn push_local(
        &self,
        out: &mut Succs,
        world: &[u32],
        i: usize,
        s2: u32,
        g2: u32,
        sends: &[u32],
        fp: u64,
    ) {
        let n = self.cfg.n;
        let start = out.begin();
        out.words.extend_from_slice(&world[..=n]);
        out.words[start + i] = s2;
        out.words[start + n] = g2;
        merge_into(&mut out.words, &world[n + 1..], usize::MAX, sends);
        out.end(start, fp);
    }

    /// The receiver whose deliveries alone need exploring (partial-order reduction), or -1.
    fn target(&self, world: &[u32], gi: &GInfo) -> Result<i64, Miss> {
        let n = self.cfg.n;
        let net = &world[n + 1..];
        if net.is_empty() {
            return Ok(-1);
        }
        if gi.ops.is_some() {
            for i in 0..n {
                if !self.ops_of(i as u32, world[i])?.is_empty() {
                    return Ok(-1);
                }
            }
        }
        let mut pending: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &e in net {
            let (_, d, _) = self.env(e)?;
            pending[d as usize].push(e);
        }
        for i in 0..n {
            if pending[i].is_empty() {
                continue;
            }
            let key = (world[i], pending[i].clone().into_boxed_slice());
            match self.may_send.get(&key) {
                Some(true) => return Ok(-1),
                Some(false) => {}
                None => return Err(Miss::MaySend(key.0, key.1)),
            }
        }
        Ok(pending
            .iter()
            .position(|p| !p.is_empty())
            .map(|i| i as i64)
            .unwrap_or(-1))
    }

    /// All successors of `world` in the order of `Semantics.successors`; the mask of
    /// fault kinds exercised is or-ed into `exercised`.
    pub fn successors(
        &self,
        world: &[u32],
        fp: u64,
        out: &mut Succs,
        exercised: &mut u32,
    ) -> Result<(), Miss> {
        out.clear();
        let n = self.cfg.n;
        let g = world[n];
        let gi = self.ginfo(g)?;
        if gi.failed {
            return Ok(());
        }
        let net = &world[n + 1..];
        let rec = self.cfg.record;
        for act in &gi.acts {
            match act {
                Act::Ops => {
                    let Some(step) = gi.ops else { continue };
                    for i in 0..n {
                        if !gi.up[i] {
                            continue;
                        }
                        for op in self.ops_of(i as u32, world[i])? {
                            let en = &op.en;
                            let (g2, gdelta) = if op.budget >= 0 {
                                match gi.budgets[op.budget as usize] {
                                    Some(m) => m,
                                    None => continue, // its budget is spent
                                }
                            } else {
                                step
                            };
                            if en.s2 < 0 {
                                self.push_fail(out, world, fp, en.s2)?;
                            } else {
                                let f = fp.wrapping_add(en.delta).wrapping_add(gdelta);
                                self.push_local(out, world, i, en.s2 as u32, g2, &en.sends, f);
                            }
                        }
                    }
                    out.mark(rec, K_OP);
                }
                Act::Timers => {
                    for i in 0..n {
                        if !gi.up[i] {
                            continue;
                        }
                        let entries = get2(&self.timers, i as u32, world[i])
                            .ok_or(Miss::Timers(i as u32, world[i]))?;
                        for (k, en) in entries.iter().enumerate() {
                            if en.s2 < 0 {
                                self.push_fail(out, world, fp, en.s2)?;
                            } else {
                                let f = fp.wrapping_add(en.delta);
                                self.push_local(out, world, i, en.s2 as u32, g, &en.sends, f);
                            }
                            if rec {
                                let kinds = get2(&self.timer_kinds, i as u32, world[i])
                                    .ok_or(Miss::Timers(i as u32, world[i]))?;
                                out.mark(rec, kinds[k]);
                            }
                        }
                    }
                }
                Act::Net => {
                    if net.is_empty() {
                        continue;
                    }
                    let target = if self.cfg.por {
                        self.target(world, gi)?
                    } else {
                        -1
                    };
                    let mut prev = u32::MAX;
                    for (j, &e) in net.iter().enumerate() {
                        if e == prev {
                            continue;
                        }
                        prev = e;
                        let (src, d, key) = self.env(e)?;
                        if target >= 0 && d as i64 != target {
                            continue;
                        }
                        let code = gi.links[src as usize * n + d as usize];
                        if code != DELIVER {
                            if code == LOSE || code == DROP {
                                let start = out.begin();
                                out.words.extend_from_slice(&world[..=n]);
                                merge_into(&mut out.words, net, j, &[]);
                                out.end(start, fp.wrapping_sub(key));
                                // A message to a down replica is lost (delivered, as far
                                // as fairness goes); one across a partition is a fault.
                                out.mark(rec, if code == LOSE { K_DELIVER } else { K_FAULT });
                            }
                            continue;
                        }
                        let s = world[d as usize];
                        let en = self.delivery(e, s).ok_or(Miss::Delivery(e, s))?;
                        if en.s2 == DISABLED {
                            continue; // the receiver does not accept it yet: it waits
                        }
                        if en.s2 < 0 {
                            self.push_fail(out, world, fp, en.s2)?;
                        } else {
                            let start = out.begin();
                            out.words.extend_from_slice(&world[..=n]);
                            out.words[start + d as usize] = en.s2 as u32;
                            merge_into(&mut out.words, net, j, &en.sends);
                            out.end(start, fp.wrapping_add(en.delta));
                        }
                        out.mark(rec, K_DELIVER);
                    }
                }
                Act::Loss((g2, gdelta)) => {
                    if net.is_empty() {
                        continue;
                    }
                    *exercised |= EX_LOSS;
                    let mut prev = u32::MAX;
                    for (j, &e) in net.iter().enumerate() {
                        if e == prev {
                            continue;
                        }
                        prev = e;
                        let (_, _, key) = self.env(e)?;
                        let start = out.begin();
                        out.words.extend_from_slice(&world[..n]);
                        out.words.push(*g2);
                        merge_into(&mut out.words, net, j, &[]);
                        out.end(start, fp.wrapping_add(*gdelta).wrapping_sub(key));
                    }
                    out.mark(rec, K_FAULT);
                }
                Act::Dup((g2, gdelta)) => {
                    if net.is_empty() {
                        continue;
                    }
                    *exercised |= EX_DUP;
                    let mut prev = u32::MAX;
                    for &e in net.iter() {
                        if e == prev {
                            continue;
                        }
                        prev = e;
                        let (_, _, key) = self.env(e)?;
                        let start = out.begin();
                        out.words.extend_from_slice(&world[..n]);
                        out.words.push(*g2);
                        merge_into(&mut out.words, net, usize::MAX, &[e]);
                        out.end(start, fp.wrapping_add(*gdelta).wrapping_add(key));
                    }
                    out.mark(rec, K_FAULT);
                }
                Act::Crash {
                    exercised: ex,
                    crash,
                    recover,
                    detect,
                } => {
                    if *ex {
                        *exercised |= EX_CRASH;
                    }
                    for (j, (g2, gdelta), wrong) in crash {
                        let start = out.begin();
                        out.words.extend_from_slice(world);
                        out.words[start + n] = *g2;
                        let mut f = fp.wrapping_add(*gdelta);
                        if *detect {
                            // `Detectors.detect(..., down=True)`: the others suspect j,
                            // j drops its wrong suspicions.
                            for k in 0..n {
                                if k != *j as usize {
                                    let (s2, d) = self.suspect(k as u32, world[k], *j, true)?;
                                    out.words[start + k] = s2;
                                    f = f.wrapping_add(d);
                                }
                            }
                            for &w in wrong {
                                let at = start + *j as usize;
                                let (s2, d) = self.suspect(*j, out.words[at], w, false)?;
                                out.words[at] = s2;
                                f = f.wrapping_add(d);
                            }
                        }
                        out.end(start, f);
                    }
                    out.mark(rec, K_FAULT);
                    for &(i, (g2, gdelta)) in recover {
                        let en = get2(&self.recovery, i, world[i as usize])
                            .ok_or(Miss::Recovery(i, world[i as usize]))?;
                        if en.s2 < 0 {
                            self.push_fail(out, world, fp, en.s2)?;
                            continue;
                        }
                        let mut rdelta = 0u64;
                        let start = out.begin();
                        for k in 0..n {
                            if k == i as usize {
                                out.words.push(en.s2 as u32);
                            } else {
                                let (mut s2, d2) = self.rearm_of(k as u32, world[k])?;
                                rdelta = rdelta.wrapping_add(d2);
                                if *detect {
                                    // `Detectors.detect(..., down=False)`: they trust i.
                                    let (s3, d3) = self.suspect(k as u32, s2, i, false)?;
                                    s2 = s3;
                                    rdelta = rdelta.wrapping_add(d3);
                                }
                                out.words.push(s2);
                            }
                        }
                        out.words.push(g2);
                        merge_into(&mut out.words, net, usize::MAX, &en.sends);
                        let f = fp
                            .wrapping_add(en.delta)
                            .wrapping_add(gdelta)
                            .wrapping_add(rdelta);
                        out.end(start, f);
                    }
                    out.mark(rec, K_RECOVER);
                }
                Act::Detect {
                    exercised: ex,
                    suspect,
                    trust,
                } => {
                    if *ex {
                        *exercised |= EX_SUSPICION;
                    }
                    for &(i, j, (g2, gdelta)) in suspect {
                        let s = world[i as usize];
                        if self.slot(s)?.suspects & (1 << j) != 0 {
                            continue;
                        }
                        let (s2, d) = self.suspect(i, s, j, true)?;
                        let start = out.begin();
                        out.words.extend_from_slice(world);
                        out.words[start + i as usize] = s2;
                        out.words[start + n] = g2;
                        out.end(start, fp.wrapping_add(d).wrapping_add(gdelta));
                    }
                    for &(i, j, (g2, gdelta)) in trust {
                        let (s2, d) = self.suspect(i, world[i as usize], j, false)?;
                        let start = out.begin();
                        out.words.extend_from_slice(world);
                        out.words[start + i as usize] = s2;
                        out.words[start + n] = g2;
                        out.end(start, fp.wrapping_add(d).wrapping_add(gdelta));
                    }
                    out.mark(rec, K_FAULT);
                }
                Act::Partition {
                    exercised: ex,
                    splits,
                    heal,
                } => {
                    if *ex {
                        *exercised |= EX_PARTITION;
                    }
                    for &(g2, gdelta) in splits {
                        let start = out.begin();
                        out.words.extend_from_slice(world);
                        out.words[start + n] = g2;
                        out.end(start, fp.wrapping_add(gdelta));
                    }
                    out.mark(rec, K_FAULT);
                    if let Some((g2, gdelta)) = *heal {
                        let mut rdelta = 0u64;
                        let start = out.begin();
                        for k in 0..n {
                            let (s2, d2) = self.rearm_of(k as u32, world[k])?;
                            out.words.push(s2);
                            rdelta = rdelta.wrapping_add(d2);
                        }
                        out.words.push(g2);
                        out.words.extend_from_slice(net);
                        out.end(start, fp.wrapping_add(gdelta).wrapping_add(rdelta));
                    }
                    out.mark(rec, K_HEAL);
                }
                Act::Sessions(active) => {
                    for (k, homes) in active {
                        for &i in homes {
                            let i = i as usize;
                            if !gi.up[i] {
                                continue;
                            }
                            let key = (g, *k, i as u32, world[i]);
                            let entries = self
                                .sessions
                                .get(&key)
                                .ok_or(Miss::Session(key.0, key.1, key.2, key.3))?;
                            for en in entries.iter() {
                                if en.s2 < 0 {
                                    self.push_fail(out, world, fp, en.s2)?;
                                } else {
                                    out.reads += en.read as u32;
                                    let f = fp.wrapping_add(en.delta).wrapping_add(en.gdelta);
                                    self.push_local(
                                        out,
                                        world,
                                        i,
                                        en.s2 as u32,
                                        en.g2,
                                        &en.sends,
                                        f,
                                    );
                                }
                            }
                        }
                    }
                    out.mark(rec, K_OP);
                }
                Act::Tick => {
                    let now = self.slot(world[0])?.time;
                    if now >= self.cfg.max_time {
                        continue;
                    }
                    let mut delta = 0u64;
                    let start = out.begin();
                    for k in 0..n {
                        let (s2, d2) = get2(&self.tick, k as u32, world[k])
                            .copied()
                            .ok_or(Miss::Tick(k as u32, world[k]))?;
                        out.words.push(s2);
                        delta = delta.wrapping_add(d2);
                    }
                    out.words.extend_from_slice(&world[n..]);
                    out.end(start, fp.wrapping_add(delta));
                    out.mark(rec, K_TICK);
                }
            }
        }
        if self.cfg.requests {
            self.settle(out)?;
        }
        Ok(())
    }

    /// Replies made in a step complete their requests in that step
    /// (`evcheck.semantics.Semantics._settle`): each reply envelope leaves the
    /// successor's network, in network order, and moves its global state. Worlds only
    /// shrink, so each is compacted where it lies.
    fn settle(&self, out: &mut Succs) -> Result<(), Miss> {
        let n = self.cfg.n;
        for k in 0..out.items.len() {
            let (s, l, mut fp) = out.items[k];
            let (s, l) = (s as usize, l as usize);
            let mut any = false;
            for &e in &out.words[s + n + 1..s + l] {
                if self.env(e)?.1 == CLIENT {
                    any = true;
                    break;
                }
            }
            if !any {
                continue;
            }
            let mut g = out.words[s + n];
            let mut w = s + n + 1;
            for r in s + n + 1..s + l {
                let e = out.words[r];
                let (_, d, key) = self.env(e)?;
                if d != CLIENT {
                    out.words[w] = e;
                    w += 1;
                    continue;
                }
                let &(g2, delta, read) = self.replies.get(&(g, e)).ok_or(Miss::Reply(g, e))?;
                fp = fp.wrapping_sub(key).wrapping_add(delta);
                out.reads += read as u32;
                g = g2;
            }
            out.words[s + n] = g;
            out.items[k] = (s as u32, (w - s) as u32, fp);
        }
        Ok(())
    }

    /// The fingerprint the visited set sees: the smallest over the symmetry group
    /// (`evcheck.symmetry.Symmetric.canonical`), or `fp` itself without symmetry.
    pub fn canonical(&self, world: &[u32], fp: u64) -> Result<u64, Miss> {
        let m = self.cfg.group;
        if m == 0 {
            return Ok(fp);
        }
        let n = self.cfg.n;
        let look = |v: &Vec<Option<Box<[u64]>>>, x: u32, miss: Miss| -> Result<*const u64, Miss> {
            v.get(x as usize)
                .and_then(|b| b.as_ref())
                .map(|b| b.as_ptr())
                .ok_or(miss)
        };
        let mut best = fp;
        let g = look(&self.sym_glob, world[n], Miss::SymGlob(world[n]))?;
        let mut slots = [std::ptr::null::<u64>(); 16];
        for i in 0..n {
            slots[i] = look(&self.sym_slot, world[i], Miss::SymSlot(world[i]))?;
        }
        let mut envs: Vec<*const u64> = Vec::with_capacity(world.len() - n - 1);
        for &e in &world[n + 1..] {
            envs.push(look(&self.sym_env, e, Miss::SymEnv(e))?);
        }
        for k in 0..m {
            // SAFETY: each pointer is to a boxed slice of m (globals, envelopes) or m * n
            // (slots) keys that lives as long as `self`, and k < m, i < n.
            let mut total = unsafe { *g.add(k) };
            for i in 0..n {
                total = total.wrapping_add(unsafe { *slots[i].add(k * n + i) });
            }
            for &p in &envs {
                total = total.wrapping_add(unsafe { *p.add(k) });
            }
            if total < best {
                best = total;
            }
        }
        Ok(best)
    }

    /// What replica i observes in slot sid (an interned id).
    #[inline]
    pub fn observed(&self, sid: u32, i: usize) -> Result<u32, Miss> {
        Ok(self.slot(sid)?.obs[i])
    }

    /// The index of a property `world` violates, or -1 (`evcheck.checking.Checker.check`),
    /// with the premises met on the way (`QUIET`, `SEC`), counted as that counts them.
    pub fn check(&self, world: &[u32]) -> Result<(i32, u8), Miss> {
        let n = self.cfg.n;
        let gi = self.ginfo(world[n])?;
        if gi.failed {
            return Ok((0, 0));
        }
        if gi.history >= 0 {
            return Ok((gi.history, 0));
        }
        let mut met = 0u8;
        if self.cfg.conv >= 0 && world.len() == n + 1 && gi.quiet {
            let mut quiet = true;
            for (i, &s) in world[..n].iter().enumerate() {
                if self.busy(i as u32, s)? {
                    quiet = false;
                    break;
                }
            }
            if quiet {
                met |= QUIET;
                let first = self.slot(world[0])?.obs[0];
                for i in 1..n {
                    if self.slot(world[i])?.obs[i] != first {
                        return Ok((self.cfg.conv, met));
                    }
                }
                if self.cfg.expected {
                    let right = self
                        .rights
                        .get(world[0] as usize)
                        .copied()
                        .flatten()
                        .ok_or(Miss::Right(world[0]))?;
                    if !right {
                        return Ok((self.cfg.conv, met));
                    }
                }
            }
        }
        if self.cfg.slot_props {
            match self.slot_verdicts.get(&world[..n]) {
                Some(&(v, sec)) => {
                    if sec {
                        met |= SEC;
                    }
                    if v >= 0 {
                        return Ok((v, met));
                    }
                }
                None => return Err(Miss::Slots(world[..n].to_vec().into_boxed_slice())),
            }
        }
        if self.cfg.env_props {
            return Ok((self.env_verdict(world)?, met));
        }
        Ok((-1, met))
    }

    /// The first invariant that reads the environment and `world` violates, or -1:
    /// per (replica slots, global state) when the invariants did not read the network
    /// (the rest of the environment is a function of those), else for this world alone.
    fn env_verdict(&self, world: &[u32]) -> Result<i32, Miss> {
        let n = self.cfg.n;
        if let Some(&v) = self.env_verdicts.get(&world[..=n]) {
            return Ok(v);
        }
        match &self.env_last {
            Some((w, v)) if &w[..] == world => Ok(*v),
            _ => Err(Miss::EnvCheck(world.to_vec().into_boxed_slice())),
        }
    }

    /// Whether the property check calls Python for every state (an invariant that reads
    /// the network): then threads can only wait for the one that runs Python.
    pub fn checks_in_python(&self) -> bool {
        self.env_last.is_some()
    }

    /// Fetch one missing entry from Python (the adapter object of `evcheck.native_tables`).
    pub fn fill(&mut self, py: Python<'_>, ad: &Bound<'_, PyAny>, miss: Miss) -> PyResult<()> {
        let f = Self::fetch(py, ad, &miss)?;
        self.put(miss, f);
        Ok(())
    }

    /// Ask Python for the entry `miss` names, without touching the tables: a parallel
    /// search does this while other threads go on reading them, and holds them
    /// exclusively only for `put`.
    pub fn fetch(py: Python<'_>, ad: &Bound<'_, PyAny>, miss: &Miss) -> PyResult<Fetched> {
        Ok(match miss {
            Miss::Glob(g) => Fetched::Glob(Self::fetch_glob(py, ad, *g)?),
            Miss::Ops(i, sid) => {
                let v: Vec<(Bound<'_, PyAny>, i32)> =
                    ad.call_method1("ops", (*i, *sid))?.extract()?;
                let ops = v
                    .iter()
                    .map(|(en, budget)| {
                        Ok(OpEntry {
                            en: entry(en)?,
                            budget: *budget,
                        })
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                Fetched::Ops(ops.into_boxed_slice())
            }
            Miss::Timers(i, sid) => {
                let v = ad.call_method1("timers", (*i, *sid))?;
                let list: Vec<Bound<'_, PyAny>> = v.extract()?;
                let mut fired = Vec::with_capacity(list.len());
                let mut kinds = Vec::with_capacity(list.len());
                for item in &list {
                    let (s2, sends, delta, kind): (i64, Vec<u32>, u64, u8) = item.extract()?;
                    fired.push(Entry {
                        s2,
                        sends: sends.into_boxed_slice(),
                        delta,
                    });
                    kinds.push(kind);
                }
                Fetched::Timers(fired.into_boxed_slice(), kinds.into_boxed_slice())
            }
            Miss::Recovery(i, sid) => {
                Fetched::Entry(entry(&ad.call_method1("recovery", (*i, *sid))?)?)
            }
            Miss::Delivery(e, sid) => {
                Fetched::Entry(entry(&ad.call_method1("delivery", (*e, *sid))?)?)
            }
            Miss::Env(e) => {
                let (src, dst, key): (u32, i64, u64) = ad.call_method1("env", (*e,))?.extract()?;
                Fetched::Env(src, if dst < 0 { CLIENT } else { dst as u32 }, key)
            }
            Miss::Rearm(i, sid) => Fetched::Move(ad.call_method1("rearm", (*i, *sid))?.extract()?),
            Miss::Tick(i, sid) => Fetched::Move(ad.call_method1("tick", (*i, *sid))?.extract()?),
            Miss::Slot(sid) => {
                let (time, suspects, obs): (u32, u32, Vec<u32>) =
                    ad.call_method1("slot", (*sid,))?.extract()?;
                Fetched::Slot(SlotInfo {
                    time,
                    suspects,
                    obs: obs.into_boxed_slice(),
                })
            }
            Miss::Fail(g, code) => Fetched::Move(ad.call_method1("fail", (*g, *code))?.extract()?),
            Miss::Slots(slots) => {
                let t = PyTuple::new(py, slots.iter())?;
                Fetched::Verdict(ad.call_method1("slots_verdict", (t,))?.extract()?)
            }
            Miss::Session(g, k, i, sid) => {
                let v: Vec<(i64, Vec<u32>, u64, u32, u64, bool)> = ad
                    .call_method1("session_ops", (*g, *k, *i, *sid))?
                    .extract()?;
                let entries = v
                    .into_iter()
                    .map(|(s2, sends, delta, g2, gdelta, read)| SEntry {
                        s2,
                        sends: sends.into_boxed_slice(),
                        delta,
                        g2,
                        gdelta,
                        read,
                    })
                    .collect::<Vec<_>>()
                    .into_boxed_slice();
                Fetched::Session(entries)
            }
            Miss::Suspect(i, sid, j, suspected) => Fetched::Move(
                ad.call_method1("suspect", (*i, *sid, *j, *suspected))?
                    .extract()?,
            ),
            Miss::Right(sid) => Fetched::Flag(ad.call_method1("right", (*sid,))?.extract()?),
            Miss::EnvCheck(world) => {
                let t = PyTuple::new(py, world.iter())?;
                Fetched::Verdict(ad.call_method1("env_verdict", (t,))?.extract()?)
            }
            Miss::Reply(g, e) => Fetched::Reply(ad.call_method1("reply", (*g, *e))?.extract()?),
            Miss::SymSlot(sid) => {
                let v: Vec<u64> = ad.call_method1("sym_slot", (*sid,))?.extract()?;
                Fetched::Sym(v.into_boxed_slice())
            }
            Miss::SymGlob(g) => {
                let v: Vec<u64> = ad.call_method1("sym_glob", (*g,))?.extract()?;
                Fetched::Sym(v.into_boxed_slice())
            }
            Miss::SymEnv(e) => {
                let v: Vec<u64> = ad.call_method1("sym_env", (*e,))?.extract()?;
                Fetched::Sym(v.into_boxed_slice())
            }
            Miss::MaySend(sid, pending) => {
                let t = PyTuple::new(py, pending.iter())?;
                Fetched::Flag(ad.call_method1("may_send", (*sid, t))?.extract()?)
            }
        })
    }

    /// Store what `fetch` returned for `miss`.
    pub fn put(&mut self, miss: Miss, f: Fetched) {
        match (miss, f) {
            (Miss::Glob(g), Fetched::Glob(info)) => put1(&mut self.globs, g, info),
            (Miss::Ops(i, sid), Fetched::Ops(ops)) => put2(&mut self.ops, i, sid, ops),
            (Miss::Timers(i, sid), Fetched::Timers(fired, kinds)) => {
                put2(&mut self.timers, i, sid, fired);
                put2(&mut self.timer_kinds, i, sid, kinds);
            }
            (Miss::Recovery(i, sid), Fetched::Entry(en)) => put2(&mut self.recovery, i, sid, en),
            (Miss::Delivery(e, sid), Fetched::Entry(en)) => {
                if sid < DIRECT {
                    if self.delivery_index.len() <= e as usize {
                        self.delivery_index.resize_with(e as usize + 1, Vec::new);
                    }
                    let row = &mut self.delivery_index[e as usize];
                    if row.len() <= sid as usize {
                        row.resize(sid as usize + 1, 0);
                    }
                    self.delivery_arena.push(en);
                    row[sid as usize] = self.delivery_arena.len() as u32;
                } else {
                    self.deliveries.insert(((e as u64) << 32) | sid as u64, en);
                }
            }
            (Miss::Env(e), Fetched::Env(src, dst, key)) => {
                let k = e as usize;
                if self.env_known.len() <= k {
                    self.env_known.resize(k + 1, false);
                    self.env_src.resize(k + 1, 0);
                    self.env_dst.resize(k + 1, 0);
                    self.env_key.resize(k + 1, 0);
                }
                self.env_known[k] = true;
                self.env_src[k] = src;
                self.env_dst[k] = dst;
                self.env_key[k] = key;
            }
            (Miss::Rearm(i, sid), Fetched::Move(m)) => put2(&mut self.rearm, i, sid, m),
            (Miss::Tick(i, sid), Fetched::Move(m)) => put2(&mut self.tick, i, sid, m),
            (Miss::Slot(sid), Fetched::Slot(info)) => put1(&mut self.slots, sid, info),
            (Miss::Fail(g, code), Fetched::Move(m)) => {
                self.fails.insert((g, code), m);
            }
            (Miss::Slots(slots), Fetched::Verdict(v)) => {
                self.slot_verdicts.insert(slots, v);
            }
            (Miss::Session(g, k, i, sid), Fetched::Session(entries)) => {
                self.sessions.insert((g, k, i, sid), entries);
            }
            (Miss::Suspect(i, sid, j, suspected), Fetched::Move(m)) => {
                self.suspicion.insert((i, sid, j, suspected), m);
            }
            (Miss::Right(sid), Fetched::Flag(v)) => put1(&mut self.rights, sid, v),
            (Miss::EnvCheck(world), Fetched::Verdict((v, network))) => {
                if network {
                    self.env_last = Some((world, v));
                } else {
                    let n = self.cfg.n;
                    self.env_verdicts.insert(world[..=n].into(), v);
                }
            }
            (Miss::Reply(g, e), Fetched::Reply(v)) => {
                self.replies.insert((g, e), v);
            }
            (Miss::SymSlot(sid), Fetched::Sym(v)) => put1(&mut self.sym_slot, sid, v),
            (Miss::SymGlob(g), Fetched::Sym(v)) => put1(&mut self.sym_glob, g, v),
            (Miss::SymEnv(e), Fetched::Sym(v)) => put1(&mut self.sym_env, e, v),
            (Miss::MaySend(sid, pending), Fetched::Flag(v)) => {
                self.may_send.insert((sid, pending), v);
            }
            (miss, _) => unreachable!("fetched entry does not answer {miss:?}"),
        }
    }

    fn fetch_glob(_py: Python<'_>, ad: &Bound<'_, PyAny>, g: u32) -> PyResult<GInfo> {
        let v = ad.call_method1("glob", (g,))?;
        let (failed, history, quiet, up, links, ops, budgets, acts): (
            bool,
            i32,
            bool,
            Vec<bool>,
            Vec<u8>,
            Option<Move>,
            Vec<Option<Move>>,
            Vec<Bound<'_, PyAny>>,
        ) = v.extract()?;
        let mut out = Vec::with_capacity(acts.len());
        for a in acts {
            let kind: u32 = a.get_item(0)?.extract()?;
            out.push(match kind {
                0 => Act::Ops,
                1 => Act::Timers,
                2 => Act::Net,
                3 => Act::Loss(a.get_item(1)?.extract()?),
                4 => Act::Dup(a.get_item(1)?.extract()?),
                5 => Act::Crash {
                    exercised: a.get_item(1)?.extract()?,
                    crash: a.get_item(2)?.extract()?,
                    recover: a.get_item(3)?.extract()?,
                    detect: a.get_item(4)?.extract()?,
                },
                6 => Act::Partition {
                    exercised: a.get_item(1)?.extract()?,
                    splits: a.get_item(2)?.extract()?,
                    heal: a.get_item(3)?.extract()?,
                },
                7 => Act::Tick,
                8 => Act::Sessions(a.get_item(1)?.extract()?),
                9 => Act::Detect {
                    exercised: a.get_item(1)?.extract()?,
                    suspect: a.get_item(2)?.extract()?,
                    trust: a.get_item(3)?.extract()?,
                },
                _ => {
                    return Err(pyo3::exceptions::PyValueError::new_err(format!(
                        "unknown part kind {kind}"
                    )))
                }
            });
        }
        Ok(GInfo {
            failed,
            history,
            quiet,
            up,
            links,
            ops,
            budgets,
            acts: out,
        })
    }
}

fn entry(v: &Bound<'_, PyAny>) -> PyResult<Entry> {
    let (s2, sends, delta): (i64, Vec<u32>, u64) = v.extract()?;
    Ok(Entry {
        s2,
        sends: sends.into_boxed_slice(),
        delta,
    })
}
