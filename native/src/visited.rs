//! The visited set: 64-bit fingerprints in one open-addressing table (linear probing).
//!
//! The capacity need not be a power of two: a fingerprint's home slot is its high bits
//! scaled to the capacity (multiply-shift), so the table can grow by 1.5x instead of 2x
//! and stay between 57% and 85% full, 9.4 to 14.1 bytes per state.
//! Fingerprint 0 marks an empty slot; the state whose fingerprint is 0 is kept aside.
//!
//! Slots are atomic so that other threads may ask `contains` while one thread inserts
//! (`try_insert`): with a single writer and no removal, a fingerprint seen present is
//! present for good, and one seen absent may only have been inserted meanwhile. On
//! x86-64 relaxed atomic loads and stores are plain moves.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};

pub struct Visited {
    table: Vec<AtomicU64>,
    len: AtomicUsize,
    has_zero: AtomicBool,
    limit: usize,
}

const MAX_LOAD: f64 = 0.85;

/// A zeroed table (allocated zeroed, so untouched pages cost nothing). On Linux a large
/// one is offered to transparent huge pages: with 4 KiB pages nearly every look-up in a
/// table of hundreds of megabytes also misses the TLB.
fn zeroed(cap: usize) -> Vec<AtomicU64> {
    let v = std::mem::ManuallyDrop::new(vec![0u64; cap]);
    #[cfg(target_os = "linux")]
    if cap * 8 >= 1 << 22 {
        extern "C" {
            fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
        }
        const MADV_HUGEPAGE: i32 = 14;
        const HUGE: usize = 1 << 21;
        let start = (v.as_ptr() as usize).next_multiple_of(HUGE);
        let end = (v.as_ptr() as usize + cap * 8) & !(HUGE - 1);
        if end > start {
            // SAFETY: [start, end) lies inside the allocation; the advice changes no
            // contents. Failure (no THP support) is harmless and ignored.
            unsafe {
                madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE);
            }
        }
    }
    // SAFETY: AtomicU64 has the size and alignment of u64 (x86-64 and every 64-bit
    // target with 64-bit atomics) and 0 is a valid value of it.
    unsafe { Vec::from_raw_parts(v.as_ptr() as *mut AtomicU64, v.len(), v.capacity()) }
}

impl Default for Visited {
    fn default() -> Self {
        Self::new()
    }
}

impl Visited {
    /// A table of 2^20 slots (8 MiB of address space): pages are touched only as
    /// fingerprints land in them, so a small search pays for what it uses, and a large
    /// one skips the rehashes of growing from a small table (14 ms of 0.6 s on LWW 4x1).
    pub fn new() -> Self {
        Self::with_capacity(1 << 20)
    }

    pub fn with_capacity(cap: usize) -> Self {
        Visited {
            table: zeroed(cap),
            len: AtomicUsize::new(0),
            has_zero: AtomicBool::new(false),
            limit: (cap as f64 * MAX_LOAD) as usize,
        }
    }

    #[inline]
    fn home(fp: u64, cap: usize) -> usize {
        ((fp.wrapping_mul(0x9E37_79B9_7F4A_7C15) as u128 * cap as u128) >> 64) as usize
    }

    pub fn bytes(&self) -> usize {
        self.table.len() * 8
    }

    /// Ask the CPU to fetch `fp`'s home slot now: a successor list is prefetched as a
    /// whole before its members are looked up, so the cache misses overlap.
    #[inline]
    pub fn prefetch(&self, fp: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let i = Self::home(fp, self.table.len());
            // SAFETY: i < table.len(); prefetching has no observable effect.
            unsafe {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                _mm_prefetch(self.table.as_ptr().add(i) as *const i8, _MM_HINT_T0);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = fp;
    }

    /// Whether `fp` is in the set (safe while another thread inserts: see above).
    #[inline]
    pub fn contains(&self, fp: u64) -> bool {
        if fp == 0 {
            return self.has_zero.load(Relaxed);
        }
        let cap = self.table.len();
        let mut i = Self::home(fp, cap);
        loop {
            let v = self.table[i].load(Relaxed);
            if v == fp {
                return true;
            }
            if v == 0 {
                return false;
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Insert; true when it was not there.
    #[inline]
    pub fn insert(&mut self, fp: u64) -> bool {
        loop {
            match self.try_insert(fp) {
                Some(new) => return new,
                None => self.grow(),
            }
        }
    }

    /// Insert without growing: None when the table is full (grow it, then retry). One
    /// thread at a time may insert; others may call `contains` meanwhile.
    #[inline]
    pub fn try_insert(&self, fp: u64) -> Option<bool> {
        if fp == 0 {
            return Some(!self.has_zero.swap(true, Relaxed));
        }
        let len = self.len.load(Relaxed);
        if len >= self.limit {
            return None;
        }
        let cap = self.table.len();
        let mut i = Self::home(fp, cap);
        loop {
            let v = self.table[i].load(Relaxed);
            if v == fp {
                return Some(false);
            }
            if v == 0 {
                self.table[i].store(fp, Relaxed);
                self.len.store(len + 1, Relaxed);
                return Some(true);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Insert from any of several threads (compare-and-swap on the slot); true when it
    /// was not there. The count is not updated here: each thread adds what it inserted
    /// with `add_len` from time to time, and grows the table (under an exclusive lock)
    /// once `needs_growth` says so; the load may overshoot the limit by what the
    /// threads inserted meanwhile, which the 15% headroom absorbs.
    #[inline]
    pub fn insert_shared(&self, fp: u64) -> bool {
        if fp == 0 {
            return !self.has_zero.swap(true, Relaxed);
        }
        let cap = self.table.len();
        let mut i = Self::home(fp, cap);
        loop {
            let v = self.table[i].load(Relaxed);
            if v == fp {
                return false;
            }
            if v == 0 {
                match self.table[i].compare_exchange(0, fp, Relaxed, Relaxed) {
                    Ok(_) => return true,
                    Err(now) if now == fp => return false,
                    Err(_) => {}
                }
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Count `n` fingerprints inserted by `insert_shared`.
    #[inline]
    pub fn add_len(&self, n: usize) {
        self.len.fetch_add(n, Relaxed);
    }

    /// Whether the table is past its load limit (grow before inserting more).
    #[inline]
    pub fn needs_growth(&self) -> bool {
        self.len.load(Relaxed) >= self.limit
    }

    /// The number of fingerprints held.
    pub fn count(&self) -> usize {
        self.len.load(Relaxed) + self.has_zero.load(Relaxed) as usize
    }

    /// `grow` with the rehashing split between `threads` threads (the others of a
    /// parallel search wait for the table meanwhile, so their cores are free).
    pub fn grow_parallel(&mut self, threads: usize) {
        if threads < 2 || self.table.len() < 1 << 20 {
            return self.grow();
        }
        let cap = self.table.len() + self.table.len() / 2;
        let old = std::mem::replace(&mut self.table, zeroed(cap));
        self.limit = (cap as f64 * MAX_LOAD) as usize;
        let new = &self.table;
        let part = old.len().div_ceil(threads);
        std::thread::scope(|scope| {
            for piece in old.chunks(part).skip(1) {
                scope.spawn(move || Self::rehash(new, piece));
            }
            Self::rehash(new, &old[..part.min(old.len())]);
        });
    }

    fn rehash(table: &[AtomicU64], old: &[AtomicU64]) {
        let cap = table.len();
        for fp in old {
            let fp = fp.load(Relaxed);
            if fp == 0 {
                continue;
            }
            let mut i = Self::home(fp, cap);
            loop {
                if table[i].load(Relaxed) == 0
                    && table[i].compare_exchange(0, fp, Relaxed, Relaxed).is_ok()
                {
                    break;
                }
                i += 1;
                if i == cap {
                    i = 0;
                }
            }
        }
    }

    pub fn grow(&mut self) {
        let cap = self.table.len() + self.table.len() / 2;
        let old = std::mem::replace(&mut self.table, zeroed(cap));
        self.limit = (cap as f64 * MAX_LOAD) as usize;
        for fp in old {
            let fp = fp.into_inner();
            if fp == 0 {
                continue;
            }
            let mut i = Self::home(fp, cap);
            while *self.table[i].get_mut() != 0 {
                i += 1;
                if i == cap {
                    i = 0;
                }
            }
            *self.table[i].get_mut() = fp;
        }
    }
}

/// What the search needs of a visited set.
pub trait FpSet {
    fn insert(&mut self, fp: u64) -> bool;
}

impl FpSet for Visited {
    fn insert(&mut self, fp: u64) -> bool {
        Visited::insert(self, fp)
    }
}

/// Marks a state without parent (an initial state) in the parent store.
pub const NO_PARENT: u32 = u32::MAX;

/// Grow `v` by a quarter (at least 4,096 items) when full: at most 25% spare capacity.
#[inline]
fn reserve_quarter<T>(v: &mut Vec<T>) {
    if v.len() == v.capacity() {
        let more = (v.len() / 4).max(1 << 12);
        v.reserve_exact(more);
    }
}

/// Parent numbers. Breadth-first search expands states in the order it numbers them,
/// so parents never decrease from one state to the next: that sequence is kept as a
/// bit string (per state, as many 0s as its parent exceeds the previous state's, then
/// a 1; at most 2 bits per state) with the position of every 512th 1 as an index.
/// The first push of a smaller parent (depth-first search) turns it into a flat
/// array of `u32`.
enum Parents {
    Mono {
        /// The leading states without parent (initial states).
        roots: usize,
        bits: Vec<u64>,
        nbits: u64,
        /// Position of the (512 k)-th 1.
        marks: Vec<u64>,
        count: usize,
        last: u32,
    },
    Flat(Vec<u32>),
}

const MARK_EVERY: usize = 512;

impl Parents {
    fn len(&self) -> usize {
        match self {
            Parents::Mono { roots, count, .. } => roots + count,
            Parents::Flat(v) => v.len(),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Parents::Mono { bits, marks, .. } => bits.capacity() * 8 + marks.capacity() * 8,
            Parents::Flat(v) => v.capacity() * 4,
        }
    }

    fn push_bit(bits: &mut Vec<u64>, nbits: &mut u64, one: bool) {
        let w = (*nbits / 64) as usize;
        if w == bits.len() {
            reserve_quarter(bits);
            bits.push(0);
        }
        if one {
            bits[w] |= 1 << (*nbits % 64);
        }
        *nbits += 1;
    }

    fn push(&mut self, parent: u32) {
        match self {
            Parents::Mono {
                roots,
                bits,
                nbits,
                marks,
                count,
                last,
            } => {
                if parent == NO_PARENT && *count == 0 {
                    *roots += 1;
                    return;
                }
                if parent == NO_PARENT || parent < *last {
                    let mut flat: Vec<u32> = (0..self.len()).map(|i| self.get(i)).collect();
                    flat.push(parent);
                    *self = Parents::Flat(flat);
                    return;
                }
                // Runs of zeros: whole words at once.
                let mut gap = (parent - *last) as u64;
                while gap > 0 {
                    let room = 64 - *nbits % 64;
                    let step = gap.min(room);
                    if (*nbits / 64) as usize == bits.len() {
                        reserve_quarter(bits);
                        bits.push(0);
                    }
                    *nbits += step;
                    gap -= step;
                }
                if *count % MARK_EVERY == 0 {
                    reserve_quarter(marks);
                    marks.push(*nbits);
                }
                Self::push_bit(bits, nbits, true);
                *count += 1;
                *last = parent;
            }
            Parents::Flat(v) => {
                reserve_quarter(v);
                v.push(parent);
            }
        }
    }

    fn get(&self, i: usize) -> u32 {
        match self {
            Parents::Mono {
                roots, bits, marks, ..
            } => {
                if i < *roots {
                    return NO_PARENT;
                }
                let j = i - roots;
                // Find the position of the j-th 1, from the mark before it.
                let mut pos = marks[j / MARK_EVERY];
                let mut left = j % MARK_EVERY; // 1s to skip after the marked one
                let mut w = (pos / 64) as usize;
                let mut word = bits[w] & (!0u64 << (pos % 64));
                loop {
                    let ones = word.count_ones() as usize;
                    if left < ones {
                        for _ in 0..left {
                            word &= word - 1;
                        }
                        pos = w as u64 * 64 + word.trailing_zeros() as u64;
                        break;
                    }
                    left -= ones;
                    w += 1;
                    word = bits[w];
                }
                // Zeros before the j-th 1 sum the parent increments from 0.
                (pos - j as u64) as u32
            }
            Parents::Flat(v) => v[i],
        }
    }
}

/// Per stored state its parent number and the index of the action that reached it
/// (one byte while every index fits, else two). A depth-first search keeps none of it
/// (`counting`): the path to the state it expands is its own stack of ancestors, so the
/// store only counts.
pub struct Store {
    parents: Parents,
    narrow: Vec<u8>,
    wide: Vec<u16>,
    counting: Option<usize>,
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Store {
    pub fn new() -> Self {
        Store {
            parents: Parents::Mono {
                roots: 0,
                bits: Vec::new(),
                nbits: 0,
                marks: Vec::new(),
                count: 0,
                last: 0,
            },
            narrow: Vec::new(),
            wide: Vec::new(),
            counting: None,
        }
    }

    /// A store that numbers states without keeping parents (depth-first search).
    pub fn counting() -> Self {
        Store {
            counting: Some(0),
            ..Self::new()
        }
    }

    pub fn is_counting(&self) -> bool {
        self.counting.is_some()
    }

    pub fn len(&self) -> usize {
        match self.counting {
            Some(n) => n,
            None => self.parents.len(),
        }
    }

    #[allow(dead_code)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held (capacity included).
    pub fn bytes(&self) -> usize {
        self.parents.bytes() + self.narrow.capacity() + self.wide.capacity() * 2
    }

    #[inline]
    pub fn push(&mut self, parent: u32, action: usize) {
        debug_assert!(action <= u16::MAX as usize);
        if let Some(n) = &mut self.counting {
            *n += 1;
            return;
        }
        self.parents.push(parent);
        if self.wide.is_empty() && action <= u8::MAX as usize {
            reserve_quarter(&mut self.narrow);
            self.narrow.push(action as u8);
        } else {
            if self.wide.is_empty() {
                let mut wide = Vec::with_capacity(self.narrow.len() + self.narrow.len() / 4 + 1);
                wide.extend(self.narrow.iter().map(|&a| a as u16));
                self.wide = wide;
                self.narrow = Vec::new();
            }
            reserve_quarter(&mut self.wide);
            self.wide.push(action as u16);
        }
    }

    fn action(&self, i: usize) -> u32 {
        if self.wide.is_empty() {
            self.narrow[i] as u32
        } else {
            self.wide[i] as u32
        }
    }

    pub fn parent(&self, i: usize) -> u32 {
        self.parents.get(i)
    }

    /// Action indices from an initial state (its index first) to state `number`.
    pub fn path_to(&self, mut number: u32) -> Vec<u32> {
        assert!(self.counting.is_none(), "a counting store keeps no paths");
        let mut steps = Vec::new();
        loop {
            steps.push(self.action(number as usize));
            let p = self.parent(number as usize);
            if p == NO_PARENT {
                break;
            }
            number = p;
        }
        steps.reverse();
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotone_parents_round_trip() {
        let mut s = Store::new();
        let mut want = Vec::new();
        for k in 0..3 {
            s.push(NO_PARENT, k);
            want.push(NO_PARENT);
        }
        let mut p = 0u32;
        let mut x = 12345u64;
        for i in 0..100_000usize {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if x >> 60 < 6 {
                p += ((x >> 40) % 200) as u32; // sometimes long gaps
            }
            s.push(p, i % 7);
            want.push(p);
        }
        assert!(matches!(s.parents, Parents::Mono { .. }));
        for (i, &w) in want.iter().enumerate() {
            assert_eq!(s.parent(i), w, "state {i}");
        }
        // A smaller parent (depth-first order) turns the store flat, same answers.
        s.push(1, 300);
        want.push(1);
        assert!(matches!(s.parents, Parents::Flat(_)));
        for (i, &w) in want.iter().enumerate() {
            assert_eq!(s.parent(i), w, "state {i}");
        }
        assert_eq!(s.action(want.len() - 1), 300);
        assert_eq!(s.action(5), 2);
    }
}
