//! The visited set: 64-bit fingerprints in one open-addressing table (linear probing).
//!
//! The capacity need not be a power of two: a fingerprint's home slot is its high bits
//! scaled to the capacity (multiply-shift), so the table can grow by 1.5x instead of 2x
//! and stay between 56% and 85% full, about 11 bytes per state on average.
//! Fingerprint 0 marks an empty slot; the state whose fingerprint is 0 is kept aside.

pub struct Visited {
    table: Vec<u64>,
    len: usize,
    has_zero: bool,
    limit: usize,
}

const MAX_LOAD: f64 = 0.85;

impl Visited {
    pub fn new() -> Self {
        Self::with_capacity(1 << 16)
    }

    pub fn with_capacity(cap: usize) -> Self {
        Visited {
            table: vec![0; cap],
            len: 0,
            has_zero: false,
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

    #[inline]
    pub fn contains(&self, fp: u64) -> bool {
        if fp == 0 {
            return self.has_zero;
        }
        let cap = self.table.len();
        let mut i = Self::home(fp, cap);
        loop {
            let v = self.table[i];
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
        if fp == 0 {
            let new = !self.has_zero;
            self.has_zero = true;
            return new;
        }
        if self.len >= self.limit {
            self.grow();
        }
        let cap = self.table.len();
        let mut i = Self::home(fp, cap);
        loop {
            let v = self.table[i];
            if v == fp {
                return false;
            }
            if v == 0 {
                self.table[i] = fp;
                self.len += 1;
                return true;
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    fn grow(&mut self) {
        let cap = self.table.len() + self.table.len() / 2;
        let old = std::mem::replace(&mut self.table, vec![0; cap]);
        self.limit = (cap as f64 * MAX_LOAD) as usize;
        for fp in old {
            if fp == 0 {
                continue;
            }
            let mut i = Self::home(fp, cap);
            while self.table[i] != 0 {
                i += 1;
                if i == cap {
                    i = 0;
                }
            }
            self.table[i] = fp;
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

/// A visited set split by fingerprint into independent shards, so that several threads
/// can insert at once, each into the shards it owns.
pub struct Sharded {
    pub shards: Vec<Visited>,
}

impl Sharded {
    pub fn new(count: usize) -> Self {
        Sharded {
            shards: (0..count)
                .map(|_| Visited::with_capacity(1 << 12))
                .collect(),
        }
    }
    #[inline]
    pub fn shard(&self, fp: u64) -> usize {
        (fp >> 59) as usize % self.shards.len()
    }
    #[inline]
    pub fn contains(&self, fp: u64) -> bool {
        self.shards[self.shard(fp)].contains(fp)
    }
    #[inline]
    pub fn prefetch(&self, fp: u64) {
        self.shards[self.shard(fp)].prefetch(fp)
    }
    pub fn bytes(&self) -> usize {
        self.shards.iter().map(|s| s.bytes()).sum()
    }
}

impl FpSet for Sharded {
    fn insert(&mut self, fp: u64) -> bool {
        let k = self.shard(fp);
        self.shards[k].insert(fp)
    }
}
