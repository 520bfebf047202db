"""Trend: trend_points values each strictly above (or below) the one before, counting the first."""

import pytest
from spc_helpers import kinds, rules

from pmkit.judge import spc

RISING = [7, 13] * 7 + [6, 8, 9, 11, 12, 14]  # mean 10: the rising run crosses it, so no shift
FALLING = [13, 7] * 7 + [14, 13, 12, 9, 8, 7]


def test_a_rising_run_of_six_is_flagged_counting_its_first_value():
    res = spc.xmr(RISING)
    assert kinds(res)[14:] == ["special_cause_improvement"] * 6
    assert rules(res)[14:] == ["trend"] * 6
    assert not res.points["special_cause"].iloc[:14].any()


def test_five_values_are_not_a_trend_under_mdc_nor_six_under_nhsr():
    assert not spc.xmr(RISING[:-1]).points["special_cause"].any()
    assert not spc.xmr(RISING, rules="nhsr").points["special_cause"].any()
    assert spc.xmr(RISING, rules="nhsr", trend_points=6).points["special_cause"].sum() == 6


def test_the_direction_is_the_trends_not_the_side_of_the_mean():
    res = spc.xmr(FALLING)
    assert (res.points["value"].iloc[14:17] > res.points["mean"].iloc[14:17]).all()
    assert kinds(res)[14:] == ["special_cause_concern"] * 6
    assert kinds(spc.xmr(FALLING, improvement="decrease"))[14:] == ["special_cause_improvement"] * 6
    assert kinds(spc.xmr(FALLING, improvement="neutral"))[14:] == ["special_cause_neutral_low"] * 6


def test_an_equal_neighbour_ends_the_trend():
    assert not spc.xmr([13, 7] * 7 + [14, 13, 12, 12, 9, 8, 7]).points["special_cause"].any()


PEAK = [0, 8] * 3 + [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]  # 7 rising to the peak, 7 falling from it
TOP = PEAK.index(7)


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        ("increase", "special_cause_improvement"),
        ("decrease", "special_cause_improvement"),
        ("neutral", "special_cause_neutral_high"),
    ],
)
def test_mdc_a_peak_belongs_to_both_trends_and_improvement_wins(improvement, expected):
    res = spc.xmr(PEAK, improvement=improvement)
    assert rules(res)[TOP] == "trend"
    assert kinds(res)[TOP] == expected


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        ("increase", "special_cause_concern"),
        ("decrease", "special_cause_improvement"),
        ("neutral", "special_cause_neutral_low"),
    ],
)
def test_nhsr_a_peak_takes_the_later_trends_direction(improvement, expected):
    res = spc.xmr(PEAK, improvement=improvement, rules="nhsr")
    assert rules(res)[TOP] == "trend"
    assert kinds(res)[TOP] == expected
    assert kinds(res)[TOP - 1] != expected  # the value before the peak is only in the rising trend


def test_a_trend_continues_across_a_rebase_under_mdc_only():
    values = [7, 13] * 7 + [6, 8, 9] + [11, 12, 14] + [13, 7] * 7
    assert kinds(spc.xmr(values, rebase_at=[17]))[14:20] == ["special_cause_improvement"] * 6
    nhsr = spc.xmr(values, rebase_at=[17], rules="nhsr", trend_points=6)
    assert not nhsr.points["special_cause"].iloc[14:20].any()
