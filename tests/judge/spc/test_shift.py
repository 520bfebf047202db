"""Shift: a run of at least shift_points values on the same side of the mean (6 under mdc, 7 under nhsr)."""

import pytest
from spc_helpers import kinds, rules

from pmkit.judge import spc

PREFIX = [7, 13] * 7  # mean 10, no run longer than one, ending above the mean


def below_run(length: int) -> list[float]:
    return PREFIX + [9] * length + [13]


@pytest.mark.parametrize(("rule_set", "needed"), [("mdc", 6), ("nhsr", 7)])
def test_a_run_of_the_rule_sets_length_is_flagged_and_a_shorter_one_is_not(rule_set, needed):
    res = spc.xmr(below_run(needed), rules=rule_set)
    run = slice(len(PREFIX), len(PREFIX) + needed)
    assert kinds(res)[run] == ["special_cause_concern"] * needed
    assert rules(res)[run] == ["shift"] * needed
    assert not spc.xmr(below_run(needed - 1), rules=rule_set).points["special_cause"].any()


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        ("increase", "special_cause_concern"),
        ("decrease", "special_cause_improvement"),
        ("neutral", "special_cause_neutral_low"),
    ],
)
def test_the_side_of_the_mean_against_the_improvement_direction(improvement, expected):
    assert kinds(spc.xmr(below_run(6), improvement=improvement))[len(PREFIX)] == expected


def test_a_value_exactly_on_the_mean_ends_the_run():
    on_mean = PREFIX + [9, 9, 9, 10, 9, 9, 9] + [11] * 6  # mean exactly 10
    res = spc.xmr(on_mean)
    assert res.points["mean"].iloc[0] == 10
    assert not res.points["special_cause"].iloc[:21].any()
    assert kinds(res)[21:] == ["special_cause_improvement"] * 6
    off_mean = PREFIX + [9] * 7 + [11] * 6
    assert kinds(spc.xmr(off_mean))[14:21] == ["special_cause_concern"] * 7


def test_shift_points_overrides_the_rule_set():
    assert not spc.xmr(below_run(7), shift_points=8).points["special_cause"].any()
    assert spc.xmr(below_run(6), rules="nhsr", shift_points=6).points["special_cause"].sum() == 6


def test_a_shift_continues_across_a_rebase_under_mdc_only():
    values = PREFIX + [9] * 7 + [13, 7] * 7
    res = spc.xmr(values, rebase_at=[18])
    assert (res.points["value"].iloc[14:21] < res.points["mean"].iloc[14:21]).all()
    assert kinds(res)[14:21] == ["special_cause_concern"] * 7
    for shift_points in (None, 6):
        nhsr = spc.xmr(values, rebase_at=[18], rules="nhsr", shift_points=shift_points)
        assert not nhsr.points["special_cause"].iloc[14:21].any()
