"""Limits: mean ± 2.66 × mean moving range per section, with screening, fixed baselines, rebases,
missing values and the too-few-points rule of each rule set."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from spc_helpers import ALTERNATING, kinds

from pmkit.judge import spc

DOC_15 = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]  # MDC's worked example


def spread(res: spc.XmRResult, row: int = -1) -> float:
    """2.66 × MRbar as the result shows it."""
    return res.points["upl"].iloc[row] - res.points["mean"].iloc[row]


def test_mean_and_limits_follow_the_worked_example():
    res = spc.xmr(DOC_15)
    mr_bar = sum(abs(b - a) for a, b in zip(DOC_15, DOC_15[1:])) / 14
    assert mr_bar == pytest.approx(5.428571, abs=1e-6)
    p = res.points
    assert p["mean"].tolist() == pytest.approx([23.2] * 15)
    assert p["upl"].iloc[0] == pytest.approx(23.2 + 2.66 * mr_bar, abs=1e-12)
    assert p["lpl"].iloc[0] == pytest.approx(23.2 - 2.66 * mr_bar, abs=1e-12)
    assert round(p["lpl"].iloc[0], 2) == 8.76 and round(p["upl"].iloc[0], 2) == 37.64


def test_two_sigma_lines_are_two_thirds_of_the_way_to_the_limits():
    p = spc.xmr(DOC_15).points
    assert (p["upper_two_sigma"] - p["mean"]).iloc[0] == pytest.approx(
        2 / 3 * (p["upl"] - p["mean"]).iloc[0], rel=1e-14
    )
    assert (p["mean"] - p["lower_two_sigma"]).iloc[0] == pytest.approx(1.7733333333333 * 5.428571428571, rel=1e-12)


def test_moving_ranges_are_shown_and_none_at_a_section_start():
    p = spc.xmr(DOC_15, rebase_at=[8]).points
    assert np.isnan(p["moving_range"].iloc[0]) and np.isnan(p["moving_range"].iloc[8])
    assert p["moving_range"].iloc[1] == 4 and p["moving_range"].iloc[9] == 3


SPIKE = [0, 1] * 7 + [20] + [1, 0] * 3  # two moving ranges of 19 beside the spike, the rest 1


def test_screening_drops_large_moving_ranges_but_not_the_mean():
    screened = spc.xmr(SPIKE, rules="nhsr")
    plain = spc.xmr(SPIKE, rules="mdc")
    assert spread(screened) == pytest.approx(2.66 * 1.0)
    assert spread(plain) == pytest.approx(2.66 * (18 + 38) / 20)
    assert screened.points["mean"].iloc[0] == plain.points["mean"].iloc[0] == pytest.approx(sum(SPIKE) / len(SPIKE))
    assert spread(spc.xmr(SPIKE, rules="mdc", screen_outliers=True)) == pytest.approx(2.66)
    assert spread(spc.xmr(SPIKE, rules="nhsr", screen_outliers=False)) == spread(plain)


def test_screening_happens_once():
    values = [0, 1] * 7 + [6, 106]  # moving ranges: thirteen 1s, a 5 and a 100
    assert spread(spc.xmr(values, rules="nhsr")) == pytest.approx(2.66 * 18 / 14)  # the 5 stays


def test_equal_values_have_no_moving_range_left_after_screening():
    flat = [4.0] * 15
    nhsr = spc.xmr(flat, rules="nhsr").points
    assert nhsr["lpl"].isna().all() and nhsr["upl"].isna().all() and (nhsr["mean"] == 4).all()
    mdc = spc.xmr(flat).points
    assert (mdc["lpl"] == 4).all() and (mdc["upl"] == 4).all()
    assert not nhsr["special_cause"].any() and not mdc["special_cause"].any()


def test_a_fixed_baseline_sets_the_limits_from_its_first_values():
    res = spc.xmr(DOC_15 + [100, -50, 70], fix_after_n_points=15)
    same = spc.xmr(DOC_15)
    for column in ("mean", "lpl", "upl"):
        assert res.points[column].iloc[-1] == same.points[column].iloc[0]
    assert kinds(res)[-3:] == ["special_cause_improvement", "special_cause_concern", "special_cause_improvement"]


def test_a_fixed_baseline_applies_within_each_section():
    values = DOC_15 + [v + 100 for v in DOC_15] + [500]
    res = spc.xmr(values, rebase_at=[15], fix_after_n_points=15)
    assert res.points["mean"].iloc[-1] == pytest.approx(123.2)
    assert spread(res) == pytest.approx(spread(spc.xmr(DOC_15)))
    assert res.points["rule"].iloc[-1] == "outside"


def test_rebase_gives_each_section_its_own_lines():
    values = DOC_15 + [v + 100 for v in DOC_15]
    p = spc.xmr(values, rebase_at=[15]).points
    assert p["section"].tolist() == [0] * 15 + [1] * 15
    assert p["mean"].iloc[0] == pytest.approx(23.2) and p["mean"].iloc[15] == pytest.approx(123.2)
    assert spread(spc.xmr(values, rebase_at=[15]), 0) == pytest.approx(spread(spc.xmr(values, rebase_at=[15])))


def test_missing_values_are_dropped_and_reported():
    with_gaps = DOC_15[:4] + [None] + DOC_15[4:10] + [float("nan"), pd.NA] + DOC_15[10:]
    res = spc.xmr(with_gaps)
    assert res.dropped == 3 and res.dropped_positions == (4, 11, 12) and res.n == 15
    assert res.points["position"].tolist() == [p for p in range(len(with_gaps)) if p not in (4, 11, 12)]
    clean = spc.xmr(DOC_15).points
    columns = [c for c in spc.POINT_COLUMNS if c != "position"]
    pd.testing.assert_frame_equal(res.points[columns].reset_index(drop=True), clean[columns])
    assert res.points["moving_range"].iloc[4] == abs(DOC_15[4] - DOC_15[3])  # the gap is bridged


def test_a_rebase_on_a_missing_value_starts_at_the_next_value():
    values = DOC_15 + [None] + DOC_15
    res = spc.xmr(values, rebase_at=[15])
    assert res.points["section"].tolist() == [0] * 15 + [1] * 15
    assert res.points["position"].iloc[15] == 16


@pytest.mark.parametrize("n", [1, 2, 12])
def test_mdc_twelve_or_fewer_values_give_a_mean_but_no_limits_flags_or_icons(n):
    values = [2.0**k for k in range(n)]  # a steep rise: clear signals if judged
    res = spc.xmr(values, target=1.0)
    assert res.points["mean"].iloc[0] == pytest.approx(sum(values) / n)
    assert res.points["lpl"].isna().all() and res.points["upl"].isna().all()
    assert set(kinds(res)) == {"common_cause"}
    assert res.variation is None and res.assurance is None
    assert not res.enough_points


def test_mdc_counts_values_after_dropping_missing_ones():
    rising = list(range(13))
    assert spc.xmr(rising).variation == "improvement_high"
    assert spc.xmr(rising[:-1] + [None, 12]).variation == "improvement_high"
    assert spc.xmr(rising[:-1] + [None]).variation is None


def test_nhsr_computes_with_few_values_and_warns():
    with pytest.warns(spc.SPCWarning, match="only 8 values"):
        res = spc.xmr([1, 3, 2, 4, 3, 5, 4, 6], rules="nhsr")
    assert not res.points["upl"].isna().any() and res.variation is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spc.xmr(DOC_15, rules="nhsr")


def test_rule_sets_hold_the_documented_defaults():
    mdc, nhsr = spc.RULE_SETS["mdc"], spc.RULE_SETS["nhsr"]
    assert (mdc.screen_outliers, mdc.shift_points, mdc.trend_points) == (False, 6, 6)
    assert (nhsr.screen_outliers, nhsr.shift_points, nhsr.trend_points) == (True, 7, 7)
    assert mdc.improvement_wins and mdc.runs_cross_sections and mdc.blank_when_short
    assert not (nhsr.improvement_wins or nhsr.runs_cross_sections or nhsr.blank_when_short)
    opts = spc.xmr(DOC_15, rules="nhsr", screen_outliers=False, shift_points=5).options
    assert (opts.screen_outliers, opts.shift_points, opts.trend_points) == (False, 5, 7)


def test_empty_and_all_missing_series():
    for values in ([], [None, float("nan")]):
        res = spc.xmr(values)
        assert res.n == 0 and res.variation is None and res.assurance is None
        assert list(res.points.columns) == spc.POINT_COLUMNS


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(rules="plotthedots"), "unknown SPC rule set"),
        (dict(improvement="up"), "unknown improvement direction"),
        (dict(rebase_at=[15]), "outside the 15 values"),
        (dict(shift_points=0), "positive whole number"),
        (dict(fix_after_n_points=2.5), "positive whole number"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        spc.xmr(DOC_15, **kwargs)


def test_infinite_values_are_refused():
    with pytest.raises(ValueError, match="infinite"):
        spc.xmr(DOC_15 + [math.inf])


def test_polarity_names_are_accepted():
    assert spc.xmr(DOC_15, improvement="lower_is_better").improvement == "decrease"
    assert spc.xmr(ALTERNATING, improvement="higher_is_better").improvement == "increase"
