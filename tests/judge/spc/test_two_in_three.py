"""Two in three: of three consecutive values on one side of the mean, two or more beyond the
two-sigma line but inside the limits are flagged (only those)."""

from spc_helpers import UPPER_2S, after_baseline, kinds, rules

from pmkit.judge import spc

BASE = 14  # the tail starts after the fixed baseline


def test_two_of_three_beyond_two_sigma_flags_just_those_two():
    res = after_baseline([2.5, 0.6, 2.5])
    assert res.points["upper_two_sigma"].iloc[-1] == UPPER_2S
    assert rules(res)[BASE:] == ["two_in_three", None, "two_in_three"]
    assert kinds(res)[BASE:] == ["special_cause_improvement", "common_cause", "special_cause_improvement"]


def test_three_of_three_are_all_flagged():
    assert rules(after_baseline([2.5, 2.4, 2.6]))[BASE:] == ["two_in_three"] * 3


def test_below_the_mean_is_concern_when_higher_is_better():
    res = after_baseline([-1.5, 0.3, -1.5])
    assert kinds(res)[BASE:] == ["special_cause_concern", "common_cause", "special_cause_concern"]
    assert kinds(after_baseline([-1.5, 0.3, -1.5], improvement="neutral"))[BASE] == "special_cause_neutral_low"


def test_values_on_opposite_sides_of_the_mean_do_not_count():
    assert not after_baseline([2.5, -1.5]).points["special_cause"].any()


def test_a_window_with_a_value_across_the_mean_does_not_count():
    assert not after_baseline([2.5, 0.4, 2.5]).points["special_cause"].any()


def test_a_value_outside_the_limits_is_not_one_of_the_two():
    res = after_baseline([3.5, 2.5, 0.6])
    assert rules(res)[BASE:] == ["outside", None, None]


def test_the_window_continues_across_a_rebase_under_mdc_only():
    values = [0.0, 1.0] * 7 + [2.5] + [2.6] + [1.0, 0.0] * 7
    mdc = spc.xmr(values, rebase_at=[15])
    p = mdc.points
    assert p["section"].iloc[14] == 0 and p["section"].iloc[15] == 1
    beyond = (p["value"] > p["upper_two_sigma"]) & (p["value"] <= p["upl"])
    assert beyond.iloc[14] and beyond.iloc[15] and p["value"].iloc[16] > p["mean"].iloc[16]
    assert rules(mdc)[14:16] == ["two_in_three"] * 2
    assert not spc.xmr(values, rebase_at=[15], rules="nhsr").points["special_cause"].iloc[14:16].any()
