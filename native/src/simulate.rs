//! Random simulation in the core: the loop of `evcheck.search.simulate`, step for step.
//!
//! The Python engine is the reference, and a simulation is only reproducible if the
//! seed means the same walks on both engines. So the core does not pick its own
//! random numbers: it continues the Mersenne Twister of the Python engine's
//! `random.Random(seed)` (its 624 state words and position, from `getstate()`) and
//! draws as CPython's `randrange(n)` does, which makes every choice, and so every run,
//! state count and counterexample, the Python engine's.

use std::time::Instant;

use pyo3::exceptions::{PyException, PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::tables::{Succs, Tables};
use crate::visited::Visited;
use crate::{fmt_g, resolve};

/// Runs between progress reports (`PROGRESS_EVERY_RUNS` of the Python engine).
const PROGRESS_EVERY_RUNS: u64 = 100;

const N: usize = 624;
const M: usize = 397;

/// CPython's MT19937 (`Modules/_randommodule.c`), continued from a state it exported.
pub struct Mt {
    mt: [u32; N],
    index: usize,
}

impl Mt {
    /// The generator with the state words and position of `Random.getstate()[1]`.
    pub fn new(words: &[u32], index: usize) -> PyResult<Self> {
        if words.len() != N || index > N {
            return Err(PyValueError::new_err(
                "a Mersenne Twister state is 624 words and a position up to 624",
            ));
        }
        let mut mt = [0u32; N];
        mt.copy_from_slice(words);
        Ok(Mt { mt, index })
    }

    /// The state words and position, as `Random.setstate` takes them back.
    pub fn state(&self) -> (Vec<u32>, usize) {
        (self.mt.to_vec(), self.index)
    }

    fn twist(&mut self) {
        const MAG01: [u32; 2] = [0, 0x9908_b0df];
        let mt = &mut self.mt;
        for kk in 0..N {
            let y = (mt[kk] & 0x8000_0000) | (mt[(kk + 1) % N] & 0x7fff_ffff);
            mt[kk] = mt[(kk + M) % N] ^ (y >> 1) ^ MAG01[(y & 1) as usize];
        }
        self.index = 0;
    }

    /// `genrand_uint32`: the next tempered word.
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `getrandbits(k)` for 1 <= k <= 32: the top `k` bits of one word.
    fn getrandbits(&mut self, k: u32) -> u32 {
        self.next_u32() >> (32 - k)
    }

    /// `randrange(n)` for 0 < n < 2**32 (`_randbelow_with_getrandbits`): rejection
    /// sampling on `n.bit_length()` bits, so even `randrange(1)` consumes a word.
    pub fn randbelow(&mut self, n: usize) -> PyResult<usize> {
        if n == 0 {
            return Err(PyValueError::new_err("empty range for randrange()"));
        }
        if n as u64 > u32::MAX as u64 {
            return Err(PyValueError::new_err("randrange bound beyond 32 bits"));
        }
        let k = usize::BITS - n.leading_zeros();
        loop {
            let r = self.getrandbits(k) as usize;
            if r < n {
                return Ok(r);
            }
        }
    }
}

/// Draw `randrange(n)` for each of `bounds` in turn from the generator with `words` and
/// `index`; the draws and the final state (what the port is tested against Python with).
#[pyfunction]
pub fn mt_randbelow(
    words: Vec<u32>,
    index: usize,
    bounds: Vec<usize>,
) -> PyResult<(Vec<usize>, Vec<u32>, usize)> {
    let mut mt = Mt::new(&words, index)?;
    let draws = bounds
        .iter()
        .map(|&n| mt.randbelow(n))
        .collect::<PyResult<Vec<_>>>()?;
    let (words, index) = mt.state();
    Ok((draws, words, index))
}

pub struct Limits {
    pub runs: u64,
    pub depth: u64,
    pub max_states: i64,
    pub max_seconds: f64,
}

/// What a simulation reports: (status, distinct states, transitions, depth, runs
/// started, stop reason).
pub type Report = (&'static str, usize, u64, u64, u64, Option<String>);

#[derive(Default)]
struct Stats {
    states: usize,
    transitions: u64,
    depth: u64,
    done: u64,
}

/// The simulation loop; fault kinds exercised are or-ed into `exercised`. A stop
/// request or interrupt raised in Python code the loop called (a signal handler, a
/// callback, protocol code filling a table) ends it with the statistics so far, as the
/// Python engine's `except` clauses do; any other error propagates.
pub fn simulate(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    exercised: &mut u32,
    initial: &[(Vec<u32>, u64)],
    mt: &mut Mt,
    limits: &Limits,
    violation: &Py<PyAny>,
    progress: Option<&Py<PyAny>>,
) -> PyResult<Report> {
    let start = Instant::now();
    let mut st = Stats::default();
    let r = walk(
        tables, adapter, exercised, initial, mt, limits, violation, progress, start, &mut st,
    );
    let (status, reason) = match r {
        Ok(end) => end,
        Err(e) => ("stopped", Some(stop_reason(e)?)),
    };
    Ok((status, st.states, st.transitions, st.depth, st.done, reason))
}

/// The reason of a stop request or interrupt; any other error is given back.
fn stop_reason(e: PyErr) -> PyResult<String> {
    Python::with_gil(|py| {
        if e.is_instance_of::<PyKeyboardInterrupt>(py) {
            return Ok("interrupted".to_string());
        }
        // evcheck.errors.StopRequested: a BaseException (not an Exception, so not a
        // spec error) carrying its reason.
        if !e.is_instance_of::<PyException>(py) {
            if let Ok(reason) = e.value(py).getattr("reason").and_then(|r| r.extract()) {
                return Ok(reason);
            }
        }
        Err(e)
    })
}

/// Status and stop reason of a finished loop ("holds" also when violations were
/// recorded: the caller knows them).
type End = (&'static str, Option<String>);

#[allow(clippy::too_many_arguments)]
fn walk(
    tables: &mut Tables,
    adapter: &Py<PyAny>,
    exercised: &mut u32,
    initial: &[(Vec<u32>, u64)],
    mt: &mut Mt,
    limits: &Limits,
    violation: &Py<PyAny>,
    progress: Option<&Py<PyAny>>,
    start: Instant,
    st: &mut Stats,
) -> PyResult<End> {
    let mut seen = Visited::new();
    let mut succs = Succs::default();
    let mut world: Vec<u32> = Vec::new();
    let mut path: Vec<usize> = Vec::new();
    let symmetric = tables.cfg.group > 0;
    for _ in 0..limits.runs {
        if limits.max_seconds >= 0.0 && start.elapsed().as_secs_f64() >= limits.max_seconds {
            let reason = format!("time limit of {}s reached", fmt_g(limits.max_seconds));
            return Ok(("stopped", Some(reason)));
        }
        if limits.max_states >= 0 && st.states as i64 >= limits.max_states {
            let reason = format!("state limit of {} reached", limits.max_states);
            return Ok(("stopped", Some(reason)));
        }
        st.done += 1;
        // Where the Python engine would see an interrupt or stop request (checked once a
        // run, as the GIL is taken only for this).
        Python::with_gil(|py| py.check_signals())?;
        if let Some(p) = progress {
            if st.done.is_multiple_of(PROGRESS_EVERY_RUNS) {
                let seconds = start.elapsed().as_secs_f64();
                let left = limits.runs - st.done;
                let stop = Python::with_gil(|py| {
                    p.call1(py, (st.states, st.transitions, st.depth, seconds, left))?
                        .extract::<Option<String>>(py)
                })?;
                if let Some(reason) = stop {
                    return Ok(("stopped", Some(reason)));
                }
            }
        }
        let s = mt.randbelow(initial.len())?;
        let (w0, mut fp) = (&initial[s].0, initial[s].1);
        world.clear();
        world.extend_from_slice(w0);
        path.clear();
        path.push(s);
        let key = resolve(tables, adapter, |t| t.canonical(&world, fp))?;
        st.states += seen.insert(key) as usize;
        let prop = resolve(tables, adapter, |t| t.check(&world))?.0;
        if prop >= 0 {
            if violated(violation, prop, &path, None)? {
                return Ok(("holds", None));
            }
            continue;
        }
        for _ in 0..limits.depth {
            resolve(tables, adapter, |t| {
                t.successors(&world, fp, &mut succs, exercised)
            })?;
            if succs.len() == 0 {
                break;
            }
            let k = mt.randbelow(succs.len())?;
            path.push(k);
            st.transitions += 1;
            let cfp = succs.items[k].2;
            let next = succs.world(k);
            let key = if symmetric {
                resolve(tables, adapter, |t| t.canonical(next, cfp))?
            } else {
                cfp
            };
            st.states += seen.insert(key) as usize;
            st.depth = st.depth.max(path.len() as u64 - 1);
            let prop = resolve(tables, adapter, |t| t.check(next))?.0;
            if prop >= 0 {
                if violated(violation, prop, &path, Some((&world, k)))? {
                    return Ok(("holds", None));
                }
                break;
            }
            world.clear();
            world.extend_from_slice(next);
            fp = cfp;
        }
    }
    Ok(("holds", None))
}

/// Record a violation with Python (`violation(prop, path, parent world, action)`);
/// true when the simulation should stop.
fn violated(
    violation: &Py<PyAny>,
    prop: i32,
    path: &[usize],
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
        violation
            .call1(py, (prop, path, pw, k))?
            .extract::<bool>(py)
    })
}
