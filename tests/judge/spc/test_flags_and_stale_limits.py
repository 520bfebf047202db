"""Every rule that flagged a point (both directions kept), and sustained shifts that make limits stale."""

import numpy as np
from spc_helpers import ALTERNATING, UPL, after_baseline

from pmkit.judge import spc


def test_a_point_flagged_both_ways_keeps_both_rules():
    # Higher is worse. Thirteen steady values, then a jump above the upper limit that starts a
    # falling trend of six: Making Data Count counts the jump as improvement (the trend wins),
    # but the chart must still be able to say that it was also above the upper limit.
    values = [5.0, 5.2, 4.9, 5.1, 5.0, 4.8, 5.1, 5.0, 4.9, 5.2, 5.0, 4.9, 5.1, 9.0, 8.0, 7.0, 6.0, 5.5, 5.05]
    res = spc.xmr(values, improvement="decrease")
    jump = res.points.iloc[13]
    assert jump["value"] > jump["upl"]
    assert jump["point_type"] == "special_cause_improvement" and jump["rule"] == "trend"
    assert spc.signals(jump["flags_high"], jump["flags_low"]) == [("outside", "high"), ("trend", "low")]


def test_common_cause_points_have_no_flags():
    res = spc.xmr(ALTERNATING)
    assert (res.points["flags_high"] == 0).all() and (res.points["flags_low"] == 0).all()


def test_flags_agree_with_the_rule_and_direction_that_decided():
    res = after_baseline([UPL + 1, 0.4, 0.6, -3])
    last = res.points.iloc[-1]
    assert spc.signals(last["flags_high"], last["flags_low"]) == [("outside", "low")]
    first = res.points.iloc[len(ALTERNATING)]
    assert spc.signals(first["flags_high"], first["flags_low"]) == [("outside", "high")]


def test_a_run_on_one_side_reaching_the_latest_value_is_a_sustained_shift():
    values = [10.0, 11.0] * 7 + [13.0, 12.5, 13.2, 12.8, 13.1, 12.9, 13.0]
    shift = spc.sustained_shift(spc.xmr(values))
    assert shift == spc.Shift(start=14, values=7, side="above")


def test_a_run_shorter_than_the_rule_or_broken_at_the_end_is_not_a_shift():
    assert spc.sustained_shift(spc.xmr([10.0, 11.0] * 7 + [13.0] * 5)) is None  # 5 < 6 under mdc
    assert spc.sustained_shift(spc.xmr([10.0, 11.0] * 7 + [13.0] * 6 + [9.0])) is None  # the latest value left it
    assert spc.sustained_shift(spc.xmr([10.0, 11.0] * 7 + [13.0] * 6, rules="nhsr")) is None  # 6 < 7 under nhsr


def test_a_shift_before_the_last_rebase_is_not_stale():
    values = [10.0, 11.0] * 7 + [13.0, 12.5, 13.2, 12.8, 13.1, 12.9, 13.0]
    assert spc.sustained_shift(spc.xmr(values, rebase_at=[14])) is None


def test_too_few_values_for_limits_give_no_shift():
    assert spc.sustained_shift(spc.xmr([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])) is None
    assert spc.sustained_shift(spc.xmr([])) is None


def test_a_target_on_a_limit_up_to_rounding_is_hit_and_miss():
    baseline = [50.7, 58.7, 56.2, 51.9, 43.6, 50.7, 50.0, 45.9, 40.2, 45.6, 50.4, 42.4, 48.6, 44.8]
    res = spc.xmr(baseline, target=62.648)  # the upper limit in decimals (see test_outside_limits)
    assert np.isclose(res.points["upl"].iloc[-1], 62.648) and res.points["upl"].iloc[-1] < 62.648
    assert res.assurance == "inconsistent"
    assert spc.xmr(baseline, target=62.7).assurance == "consistent_fail"
