"""Funnel limits at their edges: units without a usable size are left out, limits stop at 0% and 100%, and
a rate on a clipped limit is not beyond it (expected values worked out by hand)."""

import numpy as np
import pandas as pd

from pmkit.judge.funnel import funnel, limits


def test_units_without_a_positive_or_readable_size_are_left_out():
    units = pd.DataFrame(
        {
            "category": ["A", "B", "C", "D"],
            "numerator": [45, 0, 3, 35],
            "denominator": [50, 0, "suppressed", 50],
        }
    )
    f = funnel(units)
    assert f["category"].tolist() == ["A", "D"]
    assert f["overall"].iloc[0] == 0.8  # (45 + 35) / (50 + 50)


def test_limits_stop_at_none_and_all():
    # overall 95%, 5 cases: spread sqrt(0.95 * 0.05 / 5) = 0.0975; 95% limits 0.759 to 1.141, clipped at 1
    lower, upper = limits(0.95, np.array([5.0]))["95"]
    assert round(float(lower[0]), 3) == 0.759 and float(upper[0]) == 1.0
    lower, upper = limits(0.05, np.array([5.0]))["998"]
    assert float(lower[0]) == 0.0 and round(float(upper[0]), 3) == 0.351  # 0.05 + 3.09 * 0.0975


def test_a_small_unit_at_all_or_none_is_within_limits_clipped_there():
    # Overall 190/200 = 95%: a ward of 5 with all 5 is on the 100% its limits are clipped to, not beyond them.
    high = funnel(pd.DataFrame({"category": ["Big", "Small"], "numerator": [185, 5], "denominator": [195, 5]}))
    assert high.set_index("category").loc["Small", "signal"] == "within"
    # Overall 10/200 = 5%: a ward of 5 with none is on the 0% its limits are clipped to.
    low = funnel(pd.DataFrame({"category": ["Big", "Small"], "numerator": [10, 0], "denominator": [195, 5]}))
    assert low.set_index("category").loc["Small", "signal"] == "within"
