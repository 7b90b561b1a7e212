"""The fault profile: validation, overrides, parsing, partition splits."""

from __future__ import annotations

import pytest

from evcheck import FaultProfile, Spec, SpecError
from evcheck.faults import parse_faults, show_partition
from evcheck.models import LamportLWW


def test_budgets_must_be_non_negative_ints() -> None:
    with pytest.raises(SpecError, match="loss must be a non-negative int"):
        FaultProfile(loss=-1)
    with pytest.raises(SpecError, match="partition_mode must be one of wait, drop"):
        FaultProfile(partition_mode="sometimes")
    with pytest.raises(SpecError, match="crash_inbox must be one of lose, wait"):
        FaultProfile(crash_inbox="keep")


def test_overrides_and_description() -> None:
    profile = FaultProfile(loss=1).with_overrides(
        {"dup": 2, "partition_mode": "drop", "partition": 1}
    )
    assert profile.describe() == "loss=1, dup=2, partition=1, partition_mode=drop"
    assert profile.declared() == ["loss", "dup", "partition"]
    assert FaultProfile().describe() == "none"
    with pytest.raises(SpecError, match="unknown fault 'drop'"):
        profile.with_overrides({"drop": 1})


def test_parse_faults() -> None:
    assert parse_faults("loss=2,dup=1,partition=1,crash=1,skew=1") == {
        "loss": 2,
        "dup": 1,
        "partition": 1,
        "crash": 1,
        "skew": 1,
    }
    assert parse_faults("crash=1, crash_inbox=wait") == {"crash": 1, "crash_inbox": "wait"}
    assert parse_faults("none") == {
        "loss": 0,
        "dup": 0,
        "partition": 0,
        "crash": 0,
        "skew": 0,
        "false_suspicion": 0,
    }
    with pytest.raises(SpecError, match="whole number"):
        parse_faults("loss=many")
    with pytest.raises(SpecError, match="name=value"):
        parse_faults("loss")


@pytest.mark.parametrize(("n", "count"), [(2, 1), (3, 3), (4, 7), (5, 15)])
def test_default_splits_are_every_two_way_split(n: int, count: int) -> None:
    splits = FaultProfile(partition=1).partition_splits(n)
    assert len(splits) == count == len(set(splits))
    for split in splits:
        assert split[0] == 0 and set(split) == {0, 1}


def test_listed_splits() -> None:
    profile = FaultProfile(partition=1, splits=((frozenset({1}), frozenset({2, 3})),))
    assert profile.partition_splits(3) == [(0, 1, 1)]
    assert show_partition((0, 1, 1)) == "{r1}|{r2,r3}"
    with pytest.raises(SpecError, match="exactly one group"):
        Spec(
            LamportLWW,
            replicas=3,
            ops_per_replica=1,
            values=(1,),
            faults=FaultProfile(partition=1, splits=((frozenset({1}), frozenset({2})),)),
        )


def test_spec_fault_validation() -> None:
    with pytest.raises(SpecError, match="clock skew needs clocks"):
        Spec(LamportLWW, ops_per_replica=1, values=(1,), faults={"skew": 1})
    with pytest.raises(SpecError, match="unknown fault 'los'"):
        Spec(LamportLWW, ops_per_replica=1, values=(1,), faults={"los": 1})
    spec = Spec(LamportLWW, ops_per_replica=1, values=(1,))
    assert spec.with_faults({"loss": 2}).faults.loss == 2
    assert spec.faults.loss == 0
