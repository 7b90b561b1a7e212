"""Fingerprints: incremental = from scratch, stable across processes, multiset semantics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from evcheck import Spec
from evcheck.fingerprint import MASK, collision_probability, key
from evcheck.models import LamportLWW
from tests.support import System

ROOT = Path(__file__).resolve().parent.parent

FINGERPRINTS_OF_ALL_STATES = """
import json, sys
from evcheck import Spec
from evcheck.models import LamportLWW
from tests.support import System
system = System(Spec(LamportLWW, replicas=2, ops_per_replica=1, values=("a", "b"), por=False))
start = system.initial()[0]
seen = {start[1]}
stack = [start]
while stack:
    node = stack.pop()
    for nxt in system.successors(node)[::-1]:
        if nxt[1] not in seen:
            seen.add(nxt[1]); stack.append(nxt)
json.dump(sorted(seen), sys.stdout)
"""


def _fingerprints_in_subprocess(hash_seed: str) -> list[int]:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    out = subprocess.run(
        [sys.executable, "-c", FINGERPRINTS_OF_ALL_STATES],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    return list(json.loads(out.stdout))


def test_fingerprints_are_identical_across_processes_and_hash_seeds() -> None:
    first = _fingerprints_in_subprocess("1")
    second = _fingerprints_in_subprocess("4242")
    assert len(first) == 35
    assert first == second


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=40))
def test_random_walks_keep_incremental_fingerprint_exact(choices: list[int]) -> None:
    system = System(Spec(LamportLWW, replicas=3, ops_per_replica=2, values=("a", "b")))
    node = system.initial()[0]
    for choice in choices:
        succs = system.successors(node)
        if not succs:
            break
        node = succs[choice % len(succs)]
        assert node[1] == system.fingerprint(node[0])
        assert list(node[0][4:]) == sorted(node[0][4:])  # canonical network


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=8))
def test_network_is_hashed_as_a_multiset(items: list[int]) -> None:
    keys = [key(b"test", i) for i in items]
    forward = sum(keys) & MASK
    backward = sum(reversed(keys)) & MASK
    assert forward == backward
    if items:
        assert (forward + keys[0]) & MASK != forward  # multiplicity counts


def test_keys_depend_on_domain_and_value() -> None:
    assert key(b"a", 1) != key(b"b", 1)
    assert key(b"a", 1) != key(b"a", 2)
    assert key(b"a", (1, "x")) == key(b"a", (1, "x"))


def test_collision_probability_is_the_birthday_bound() -> None:
    assert collision_probability(1) == 0
    assert 1.6e-6 < collision_probability(7_745_547) < 1.7e-6
