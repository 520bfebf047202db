"""Outside the limits: a value strictly above the upper or below the lower process limit."""

import numpy as np
import pytest
from spc_helpers import LPL, UPL, after_baseline, kinds, rules

from pmkit.judge import spc


@pytest.mark.parametrize(
    ("improvement", "value", "expected"),
    [
        ("increase", 5.0, "special_cause_improvement"),
        ("increase", -4.0, "special_cause_concern"),
        ("decrease", 5.0, "special_cause_concern"),
        ("decrease", -4.0, "special_cause_improvement"),
        ("neutral", 5.0, "special_cause_neutral_high"),
        ("neutral", -4.0, "special_cause_neutral_low"),
    ],
)
def test_beyond_a_limit_is_improvement_or_concern_by_direction(improvement, value, expected):
    res = after_baseline([value], improvement=improvement)
    assert kinds(res)[-1] == expected
    assert rules(res)[-1] == "outside"
    assert res.points["special_cause"].iloc[-1]
    assert not res.points["special_cause"].iloc[:-1].any()


@pytest.mark.parametrize("rule_set", ["mdc", "nhsr"])
def test_a_value_on_a_limit_is_not_outside(rule_set):
    for limit in (UPL, LPL):
        res = after_baseline([limit], rules=rule_set, screen_outliers=False)
        assert res.points["upl"].iloc[-1] == UPL and res.points["lpl"].iloc[-1] == LPL
        assert not res.points["special_cause"].any()


def test_a_step_beyond_rounding_is_outside_but_rounding_is_not():
    assert rules(after_baseline([UPL + 1e-6]))[-1] == "outside"
    assert rules(after_baseline([LPL - 1e-6]))[-1] == "outside"
    assert rules(after_baseline([np.nextafter(UPL, np.inf)]))[-1] is None
    assert rules(after_baseline([np.nextafter(LPL, -np.inf)]))[-1] is None


def test_a_value_equal_to_a_limit_in_decimals_is_on_it_though_binary_rounding_differs():
    # In exact decimal arithmetic these 14 values have mean 48.55 and mean moving range 5.3, so
    # the upper limit is mean + 2.66 x MRbar = 62.648 exactly; in binary
    # floating point it comes out as 62.647999999999996, just below the value 62.648.
    baseline = [50.7, 58.7, 56.2, 51.9, 43.6, 50.7, 50.0, 45.9, 40.2, 45.6, 50.4, 42.4, 48.6, 44.8]
    res = spc.xmr(baseline + [62.648], fix_after_n_points=14)
    assert res.points["upl"].iloc[-1] < 62.648  # the rounding the rule must allow for
    assert not res.points["special_cause"].iloc[-1]
    assert res.variation == "common_cause"


def test_a_section_of_one_value_has_no_limits_and_nothing_outside():
    values = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 10, 9, 1000]
    res = spc.xmr(values, rebase_at=[14])
    last = res.points.iloc[-1]
    assert np.isnan(last["lpl"]) and np.isnan(last["upl"]) and last["mean"] == 1000
    assert not last["special_cause"]


def test_each_value_is_judged_against_its_own_section():
    values = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 10] + [50, 52, 49, 51, 50, 52, 49, 51, 50, 52, 49, 51, 50]
    assert rules(spc.xmr(values))[13:].count("outside") > 0
    assert not spc.xmr(values, rebase_at=[13]).points["special_cause"].iloc[13:].any()
