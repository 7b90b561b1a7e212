//! The explored state graph: recorded by the breadth-first loop when liveness or
//! `sometimes` properties (or `--graph`) need it, and the graph algorithms that decide
//! those properties (`evcheck.liveness` holds the reference implementations in Python,
//! and the tests hold the two to the same answers).
//!
//! A state is a number (its discovery index, as the search numbers it); per expanded
//! state the graph keeps its first edge and a word of predicate bits, per edge a target
//! number and an action-kind byte.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::tables::FastMap;

/// Fingerprint -> state number, open addressing (linear probing, power-of-two capacity,
/// key and number side by side so that a look-up touches one cache line).
/// Fingerprint 0 marks an empty slot; the state whose fingerprint is 0 is kept aside.
pub struct IdMap {
    slots: Vec<(u64, u32)>,
    len: usize,
    zero: Option<u32>,
}

impl IdMap {
    fn new() -> Self {
        IdMap {
            slots: vec![(0, 0); 1 << 16],
            len: 0,
            zero: None,
        }
    }

    #[inline]
    fn home(key: u64, mask: usize) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask
    }

    /// Number of states numbered so far.
    pub fn len(&self) -> usize {
        self.len + self.zero.is_some() as usize
    }

    pub fn prefetch(&self, key: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let i = Self::home(key, self.slots.len() - 1);
            // SAFETY: i < slots.len(); prefetching has no observable effect.
            unsafe {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                _mm_prefetch(self.slots.as_ptr().add(i) as *const i8, _MM_HINT_T0);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    pub fn get(&self, key: u64) -> Option<u32> {
        if key == 0 {
            return self.zero;
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::home(key, mask);
        loop {
            let (k, id) = self.slots[i];
            if k == key {
                return Some(id);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The number of `key`, numbering it next if it is new.
    #[inline]
    pub fn number(&mut self, key: u64) -> u32 {
        let next = self.len() as u32;
        if key == 0 {
            return *self.zero.get_or_insert(next);
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::home(key, mask);
        loop {
            let (k, id) = self.slots[i];
            if k == key {
                return id;
            }
            if k == 0 {
                self.slots[i] = (key, next);
                self.len += 1;
                return next;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let cap = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); cap]);
        let mask = cap - 1;
        for (k, id) in old {
            if k == 0 {
                continue;
            }
            let mut i = Self::home(k, mask);
            while self.slots[i].0 != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = (k, id);
        }
    }

    pub fn bytes(&self) -> usize {
        self.slots.len() * 16
    }
}

/// What the state predicates of graph properties need: the bits of the convergence
/// predicate (computed here from what each replica observes), and a Python callable
/// for the user predicates (their bits), cached per replica slots unless one of them
/// reads the network.
pub struct Predicates {
    pub conv: u32,
    pub user: Option<Py<PyAny>>,
    pub network: bool,
    pub cache: FastMap<Box<[u32]>, u32>,
}

/// The graph as the search records it.
pub struct Recording {
    pub ids: IdMap,
    pub targets: Vec<u32>,
    pub kinds: Vec<u8>,
    /// Per expanded state, in expansion order: its number, first edge and predicate bits.
    pub expanded: Vec<u32>,
    pub starts: Vec<u64>,
    pub bits: Vec<u32>,
    pub initial: Vec<u32>,
    /// The numbers of the successors of the state being expanded.
    pub current: Vec<u32>,
    pub predicates: Predicates,
}

impl Recording {
    pub fn new(predicates: Predicates) -> Self {
        Recording {
            ids: IdMap::new(),
            targets: Vec::new(),
            kinds: Vec::new(),
            expanded: Vec::new(),
            starts: Vec::new(),
            bits: Vec::new(),
            initial: Vec::new(),
            current: Vec::new(),
            predicates,
        }
    }

    /// An initial state: numbered like every state; true when it is new.
    pub fn seed(&mut self, key: u64) -> bool {
        let before = self.ids.len();
        let id = self.ids.number(key);
        self.initial.push(id);
        self.ids.len() > before
    }

    /// State `number` was expanded into successors with `keys` and action `kinds`.
    pub fn expand(&mut self, number: u32, keys: &[u64], kinds: &[u8], bits: u32) {
        debug_assert_eq!(keys.len(), kinds.len());
        self.expanded.push(number);
        self.starts.push(self.targets.len() as u64);
        self.bits.push(bits);
        self.current.clear();
        for &key in keys {
            let id = self.ids.number(key);
            self.current.push(id);
        }
        self.targets.extend_from_slice(&self.current);
        self.kinds.extend_from_slice(kinds);
    }

    pub fn bytes(&self) -> usize {
        self.ids.bytes()
            + self.targets.capacity() * 4
            + self.kinds.capacity()
            + self.expanded.capacity() * 16
    }

    /// The recorded graph indexed by state number (its edges move out of the recording).
    pub fn graph(&mut self) -> Graph {
        let count = self.ids.len();
        let mut first = vec![0i64; count]; // a state never expanded: no edges (0..0)
        let mut last = vec![0i64; count];
        let mut bits = vec![0u32; count];
        let mut expanded = vec![0u8; count];
        let total = self.targets.len() as i64;
        for (k, &v) in self.expanded.iter().enumerate() {
            let v = v as usize;
            first[v] = self.starts[k] as i64;
            last[v] = self.starts.get(k + 1).map_or(total, |&s| s as i64);
            bits[v] = self.bits[k];
            expanded[v] = 1;
        }
        Graph {
            first,
            last,
            targets: std::mem::take(&mut self.targets),
            kinds: std::mem::take(&mut self.kinds),
            bits,
            expanded,
        }
    }
}

fn le_bytes<const W: usize, T>(data: &[u8], f: impl Fn([u8; W]) -> T) -> PyResult<Vec<T>> {
    if !data.len().is_multiple_of(W) {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "graph array of the wrong length",
        ));
    }
    Ok(data
        .chunks_exact(W)
        .map(|c| f(c.try_into().expect("chunk width")))
        .collect())
}

/// The explored graph (`evcheck.liveness.Graph`): node v's edges are
/// `first[v]..last[v]` of `targets`/`kinds`, in successor order (an empty range for a
/// state never expanded).
#[pyclass(module = "evcheck.native._core")]
pub struct Graph {
    first: Vec<i64>,
    last: Vec<i64>,
    targets: Vec<u32>,
    kinds: Vec<u8>,
    bits: Vec<u32>,
    expanded: Vec<u8>,
}

/// Scratch space of Tarjan's algorithm, reset only where it was used: per node its
/// (index, low link) side by side, one cache line per look-up; UNSEEN marks a node not
/// visited yet, ON_STACK (in the low link) one on the stack.
struct Tarjan {
    node: Vec<(u32, u32)>,
    touched: Vec<u32>,
}

const UNSEEN: u32 = u32::MAX;
const ON_STACK: u32 = 1 << 31;

impl Graph {
    #[inline]
    fn edges(&self, v: usize) -> std::ops::Range<usize> {
        self.first[v] as usize..self.last[v] as usize
    }

    fn tarjan(&self) -> Tarjan {
        let size = self.first.len();
        Tarjan {
            node: vec![(UNSEEN, 0); size],
            touched: Vec::new(),
        }
    }

    fn self_loop(&self, v: usize, edge_ok: &[u8]) -> bool {
        self.edges(v)
            .any(|e| self.targets[e] as usize == v && edge_ok[self.kinds[e] as usize] != 0)
    }

    /// Strongly connected sets of the subgraph (nodes with `allowed`, edges whose kind
    /// passes `edge_ok`) that hold an edge, from `roots` (every allowed node if None).
    fn components_in(
        &self,
        t: &mut Tarjan,
        allowed: &[u8],
        edge_ok: &[u8],
        roots: Option<&[u32]>,
    ) -> Vec<Vec<u32>> {
        let size = self.first.len();
        assert!(size < ON_STACK as usize, "graph too large");
        let mut found = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        let mut work: Vec<(usize, usize)> = Vec::new();
        let mut counter: u32 = 0;
        let every = allowed.iter().all(|&a| a != 0);
        let all: Vec<u32>;
        let roots = match roots {
            Some(r) => r,
            None => {
                all = (0..size as u32).collect();
                &all
            }
        };
        let node = &mut t.node;
        for &root in roots {
            let root = root as usize;
            if allowed[root] == 0 || node[root].0 != UNSEEN {
                continue;
            }
            node[root] = (counter, counter | ON_STACK);
            t.touched.push(root as u32);
            counter += 1;
            stack.push(root as u32);
            work.push((root, self.edges(root).start));
            while let Some(&mut (v, ref mut e)) = work.last_mut() {
                let end = self.edges(v).end;
                let mut descend = None;
                let mut low = node[v].1;
                while *e < end {
                    let k = *e;
                    *e += 1;
                    if edge_ok[self.kinds[k] as usize] == 0 {
                        continue;
                    }
                    let w = self.targets[k] as usize;
                    if !every && allowed[w] == 0 {
                        continue;
                    }
                    let (iw, lw) = node[w];
                    if iw == UNSEEN {
                        descend = Some(w);
                        break;
                    }
                    // On the stack, with an earlier index: v reaches back to it.
                    if lw & ON_STACK != 0 && (iw | ON_STACK) < low {
                        low = iw | ON_STACK;
                    }
                }
                node[v].1 = low;
                if let Some(w) = descend {
                    node[w] = (counter, counter | ON_STACK);
                    t.touched.push(w as u32);
                    counter += 1;
                    stack.push(w as u32);
                    work.push((w, self.edges(w).start));
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    if low < node[parent].1 {
                        node[parent].1 = low;
                    }
                }
                if low & !ON_STACK == node[v].0 {
                    if *stack.last().expect("Tarjan stack") as usize == v {
                        // A single node (most of them): a set only with a self-loop.
                        stack.pop();
                        node[v].1 &= !ON_STACK;
                        if self.self_loop(v, edge_ok) {
                            found.push(vec![v as u32]);
                        }
                        continue;
                    }
                    let mut scc = Vec::new();
                    loop {
                        let w = stack.pop().expect("Tarjan stack");
                        node[w as usize].1 &= !ON_STACK;
                        scc.push(w);
                        if w as usize == v {
                            break;
                        }
                    }
                    if scc.len() > 1 || self.self_loop(v, edge_ok) {
                        found.push(scc);
                    }
                }
            }
        }
        for &v in &t.touched {
            node[v as usize] = (UNSEEN, 0);
        }
        t.touched.clear();
        found
    }

    /// The fair classes with an action enabled in `v` (wherever it leads).
    #[inline]
    fn enabled(&self, v: usize, class_of: &[i32]) -> u64 {
        let mut mask = 0u64;
        for e in self.edges(v) {
            let c = class_of[self.kinds[e] as usize];
            if c >= 0 {
                mask |= 1 << c;
            }
        }
        mask
    }
}

fn table(v: &[u8], what: &str) -> PyResult<()> {
    if v.len() < 256 {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "{what} must have 256 entries"
        )));
    }
    Ok(())
}

#[pymethods]
impl Graph {
    /// A graph from the little-endian bytes of its arrays (first and last: i64 per
    /// node; targets: u32 and kinds: u8 per edge; bits: u32 and expanded: u8 per node).
    #[new]
    fn new(
        first: &[u8],
        last: &[u8],
        targets: &[u8],
        kinds: &[u8],
        bits: &[u8],
        expanded: &[u8],
    ) -> PyResult<Self> {
        let g = Graph {
            first: le_bytes(first, i64::from_le_bytes)?,
            last: le_bytes(last, i64::from_le_bytes)?,
            targets: le_bytes(targets, u32::from_le_bytes)?,
            kinds: kinds.to_vec(),
            bits: le_bytes(bits, u32::from_le_bytes)?,
            expanded: expanded.to_vec(),
        };
        let size = g.first.len();
        if g.last.len() != size || g.bits.len() != size || g.expanded.len() != size {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "graph arrays of different lengths",
            ));
        }
        if g.targets.len() != g.kinds.len()
            || g.targets.iter().any(|&w| w as usize >= size)
            || (0..size).any(|v| {
                g.first[v] >= 0 && (g.first[v] > g.last[v] || g.last[v] as usize > g.targets.len())
            })
        {
            return Err(pyo3::exceptions::PyValueError::new_err("malformed graph"));
        }
        Ok(g)
    }

    fn __len__(&self) -> usize {
        self.first.len()
    }

    #[getter(edges)]
    fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// The little-endian bytes of one array, numbered in the order `Graph(...)` takes
    /// them (0 first, 1 last, 2 targets, 3 kinds, 4 bits, 5 expanded).
    fn array<'py>(&self, py: Python<'py>, which: usize) -> PyResult<Bound<'py, PyBytes>> {
        fn out<'py, T: Copy, const W: usize>(
            py: Python<'py>,
            v: &[T],
            f: impl Fn(T) -> [u8; W],
        ) -> Bound<'py, PyBytes> {
            PyBytes::new_with(py, v.len() * W, |buf| {
                for (chunk, &x) in buf.chunks_exact_mut(W).zip(v) {
                    chunk.copy_from_slice(&f(x));
                }
                Ok(())
            })
            .expect("bytes")
        }
        Ok(match which {
            0 => out(py, &self.first, i64::to_le_bytes),
            1 => out(py, &self.last, i64::to_le_bytes),
            2 => out(py, &self.targets, u32::to_le_bytes),
            3 => PyBytes::new(py, &self.kinds),
            4 => out(py, &self.bits, u32::to_le_bytes),
            5 => PyBytes::new(py, &self.expanded),
            _ => {
                return Err(pyo3::exceptions::PyIndexError::new_err(
                    "a graph has six arrays",
                ))
            }
        })
    }

    /// `evcheck.liveness.components`.
    #[pyo3(signature = (allowed, edge_ok, roots=None))]
    fn components(
        &self,
        py: Python<'_>,
        allowed: &[u8],
        edge_ok: &[u8],
        roots: Option<Vec<u32>>,
    ) -> PyResult<Vec<Vec<u32>>> {
        table(edge_ok, "edge_ok")?;
        if allowed.len() != self.first.len() {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "allowed must have one entry per node",
            ));
        }
        if let Some(r) = &roots {
            if r.iter().any(|&v| v as usize >= self.first.len()) {
                return Err(pyo3::exceptions::PyValueError::new_err("root out of range"));
            }
        }
        Ok(py.allow_threads(|| {
            let mut t = self.tarjan();
            self.components_in(&mut t, allowed, edge_ok, roots.as_deref())
        }))
    }

    /// `evcheck.liveness.fair_ends`: strongly connected sets some fair execution can
    /// stay in forever (Emerson-Lei for the strongly fair classes). `class_of[kind]` is
    /// the fairness class of a kind or -1; `weak` and `strong` are class bit masks.
    fn fair_ends(
        &self,
        py: Python<'_>,
        allowed: &[u8],
        edge_ok: &[u8],
        class_of: Vec<i32>,
        weak: u64,
        strong: u64,
    ) -> PyResult<Vec<Vec<u32>>> {
        table(edge_ok, "edge_ok")?;
        if class_of.len() < 256 || class_of.iter().any(|&c| c >= 64) {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "class_of must have 256 entries below 64",
            ));
        }
        if allowed.len() != self.first.len() {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "allowed must have one entry per node",
            ));
        }
        Ok(py.allow_threads(|| {
            let size = self.first.len();
            let mut t = self.tarjan();
            let mut found = Vec::new();
            let mut pending = self.components_in(&mut t, allowed, edge_ok, None);
            let mut inside = vec![false; size];
            let mut sub = vec![0u8; size];
            let mut enabled: Vec<u64> = Vec::new();
            while let Some(scc) = pending.pop() {
                for &v in &scc {
                    inside[v as usize] = true;
                }
                let (mut everywhere, mut somewhere, mut taken) = (u64::MAX, 0u64, 0u64);
                enabled.clear();
                for &v in &scc {
                    let v = v as usize;
                    let mask = self.enabled(v, &class_of);
                    enabled.push(mask);
                    everywhere &= mask;
                    somewhere |= mask;
                    for e in self.edges(v) {
                        let kind = self.kinds[e] as usize;
                        if edge_ok[kind] != 0 && inside[self.targets[e] as usize] {
                            let c = class_of[kind];
                            if c >= 0 {
                                taken |= 1 << c;
                            }
                        }
                    }
                }
                for &v in &scc {
                    inside[v as usize] = false;
                }
                if weak & everywhere & !taken != 0 {
                    continue; // a weakly fair class always enabled, never taken
                }
                let untaken = strong & somewhere & !taken;
                if untaken == 0 {
                    found.push(scc);
                    continue;
                }
                let kept: Vec<u32> = scc
                    .iter()
                    .zip(&enabled)
                    .filter(|&(_, &m)| m & untaken == 0)
                    .map(|(&v, _)| v)
                    .collect();
                if !kept.is_empty() {
                    for &v in &kept {
                        sub[v as usize] = 1;
                    }
                    pending.extend(self.components_in(&mut t, &sub, edge_ok, Some(&kept)));
                    for &v in &kept {
                        sub[v as usize] = 0;
                    }
                }
            }
            found
        }))
    }

    /// `evcheck.liveness._stops`: expanded states where no action of a kind with
    /// `fair[kind]` is enabled.
    fn stops(&self, py: Python<'_>, fair: &[u8]) -> PyResult<Vec<u32>> {
        table(fair, "fair")?;
        Ok(py.allow_threads(|| {
            (0..self.first.len())
                .filter(|&v| {
                    self.expanded[v] != 0
                        && !self.edges(v).any(|e| fair[self.kinds[e] as usize] != 0)
                })
                .map(|v| v as u32)
                .collect()
        }))
    }

    /// How many states have any of the predicate bits in `mask`.
    fn count(&self, mask: u32) -> usize {
        self.bits.iter().filter(|&&b| b & mask != 0).count()
    }

    /// Per node, 1 where its predicate bits miss all of `mask` (0 where they meet it).
    fn without<'py>(&self, py: Python<'py>, mask: u32) -> Bound<'py, PyBytes> {
        PyBytes::new_with(py, self.bits.len(), |buf| {
            for (b, &bits) in buf.iter_mut().zip(&self.bits) {
                *b = (bits & mask == 0) as u8;
            }
            Ok(())
        })
        .expect("bytes")
    }
}

impl crate::visited::FpSet for Recording {
    fn insert(&mut self, fp: u64) -> bool {
        self.seed(fp)
    }
}
