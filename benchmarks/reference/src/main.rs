//! Breadth-first search of exactly one model, written by hand with no generality: the
//! Lamport LWW register of `specs/lww.py` (values {1, 2}, stamps (counter, replica id),
//! broadcast on write, adopt on a larger stamp), R replicas x W writes each, network a
//! multiset with reordering, no faults. It explores the same graph as
//! `evcheck verify specs/lww.py --set replicas=R --set ops_per_replica=W --set values=1,2
//! --no-por`, so state and transition counts must match; it is the floor the general
//! native core is compared with (benchmarks/reference.py builds and runs it).
//!
//! A state is a vector of u32: per replica one word (value 2 bits, counter 8, id 4,
//! writes done 4), then the in-flight messages as sorted words (src 4, dst 4, value 2,
//! counter 8, id 4). The visited set holds 64-bit hashes of states; the frontier is a
//! flat queue of encoded states.

use std::time::Instant;

fn hash(words: &[u32]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ words.len() as u64;
    for &w in words {
        h = (h ^ w as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 29;
    }
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32) | 1
}

struct Seen {
    table: Vec<u64>,
    len: usize,
}

impl Seen {
    fn insert(&mut self, h: u64) -> bool {
        if self.len * 4 >= self.table.len() * 3 {
            let bigger = vec![0; self.table.len() * 2];
            let old = std::mem::replace(&mut self.table, bigger);
            self.len = 0;
            for x in old.into_iter().filter(|&x| x != 0) {
                self.insert(x);
            }
        }
        let mask = self.table.len() - 1;
        let mut i = (h as usize) & mask;
        loop {
            if self.table[i] == h {
                return false;
            }
            if self.table[i] == 0 {
                self.table[i] = h;
                self.len += 1;
                return true;
            }
            i = (i + 1) & mask;
        }
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let (r, w) = (args[0], args[1]);
    let start = Instant::now();
    let rep =
        |value: u32, counter: u32, id: u32, done: u32| value | counter << 2 | id << 10 | done << 14;
    let init: Vec<u32> = (0..r).map(|_| rep(0, 0, 0, 0)).collect();
    let mut seen = Seen {
        table: vec![0; 1 << 20],
        len: 0,
    };
    seen.insert(hash(&init));
    let mut queue: Vec<u32> = Vec::new();
    let mut head = 0;
    queue.push(init.len() as u32);
    queue.extend_from_slice(&init);
    let (mut states, mut transitions) = (1u64, 0u64);
    let mut next: Vec<u32> = Vec::with_capacity(64);
    let mut visit = |next: &Vec<u32>, queue: &mut Vec<u32>, states: &mut u64| {
        if seen.insert(hash(next)) {
            *states += 1;
            queue.push(next.len() as u32);
            queue.extend_from_slice(next);
        }
    };
    while head < queue.len() {
        let len = queue[head] as usize;
        let s: Vec<u32> = queue[head + 1..head + 1 + len].to_vec();
        head += 1 + len;
        let net = &s[r..];
        // Writes: replica i writes value v, broadcasting to every peer.
        for i in 0..r {
            let x = s[i];
            let (counter, done) = (x >> 2 & 0xff, x >> 14 & 0xf);
            if done as usize >= w {
                continue;
            }
            for v in 1..=2u32 {
                let c = counter + 1;
                let id = i as u32 + 1;
                next.clear();
                next.extend_from_slice(&s[..r]);
                next[i] = rep(v, c, id, done + 1);
                next.extend_from_slice(net);
                for d in 0..r {
                    if d != i {
                        next.push((i as u32) | (d as u32) << 4 | v << 8 | c << 10 | id << 18);
                    }
                }
                next[r..].sort_unstable();
                transitions += 1;
                visit(&next, &mut queue, &mut states);
            }
        }
        // Deliveries: each distinct in-flight message.
        for j in 0..net.len() {
            if j > 0 && net[j] == net[j - 1] {
                continue;
            }
            let m = net[j];
            let d = (m >> 4 & 0xf) as usize;
            let (v, c, id) = (m >> 8 & 3, m >> 10 & 0xff, m >> 18 & 0xf);
            let x = s[d];
            let (mc, mid) = (x >> 2 & 0xff, x >> 10 & 0xf);
            next.clear();
            next.extend_from_slice(&s[..r]);
            if (c, id) > (mc, mid) {
                next[d] = rep(v, c, id, x >> 14 & 0xf);
            }
            next.extend(
                net.iter()
                    .enumerate()
                    .filter(|&(k, _)| k != j)
                    .map(|(_, &e)| e),
            );
            transitions += 1;
            visit(&next, &mut queue, &mut states);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"replicas\": {r}, \"writes\": {w}, \"states\": {states}, \"transitions\": {transitions}, \"seconds\": {secs:.3}}}"
    );
}
