"""Summary icons: variation from the last value, assurance from the target against the last section's limits."""

import pytest
from spc_helpers import LPL, UPL, after_baseline

from pmkit.judge import spc


@pytest.mark.parametrize(
    ("improvement", "last", "icon"),
    [
        ("increase", 5.0, "improvement_high"),
        ("increase", -4.0, "concern_low"),
        ("decrease", 5.0, "concern_high"),
        ("decrease", -4.0, "improvement_low"),
        ("neutral", 5.0, "neutral_high"),
        ("neutral", -4.0, "neutral_low"),
        ("increase", 0.0, "common_cause"),
        ("neutral", 1.0, "common_cause"),
    ],
)
def test_variation_comes_from_the_last_value(improvement, last, icon):
    assert after_baseline([last], improvement=improvement).variation == icon


def test_earlier_special_causes_do_not_set_the_variation_icon():
    res = after_baseline([5.0, 0.0])
    assert res.points["special_cause"].iloc[-2] and res.variation == "common_cause"


def test_no_variation_icon_under_mdc_with_twelve_values_or_an_empty_series():
    assert spc.xmr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 50]).variation is None
    assert spc.xmr([]).variation is None


@pytest.mark.parametrize(
    ("improvement", "target", "icon"),
    [
        ("increase", 4.0, "consistent_fail"),
        ("increase", -3.0, "consistent_pass"),
        ("increase", 1.0, "inconsistent"),
        ("increase", UPL, "inconsistent"),
        ("increase", LPL, "inconsistent"),
        ("decrease", 4.0, "consistent_pass"),
        ("decrease", -3.0, "consistent_fail"),
        ("decrease", UPL, "inconsistent"),
        ("decrease", LPL, "inconsistent"),
        ("neutral", 4.0, None),
        ("increase", None, None),
    ],
)
def test_assurance_compares_the_target_with_the_limits(improvement, target, icon):
    res = after_baseline([0.5], improvement=improvement, target=target)
    assert (res.points["lpl"].iloc[-1], res.points["upl"].iloc[-1]) == (LPL, UPL)
    assert res.assurance == icon


def test_assurance_uses_the_last_sections_limits():
    first = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]  # limits 8.76 to 37.64
    second = [v + 100 for v in first]  # limits 108.76 to 137.64
    assert spc.xmr(first + second, target=50).assurance == "inconsistent"
    assert spc.xmr(first + second, target=50, rebase_at=[15]).assurance == "consistent_pass"
    assert spc.xmr(first + second, target=50, rebase_at=[15], improvement="decrease").assurance == "consistent_fail"


def test_no_assurance_without_limits():
    assert spc.xmr(list(range(12)), target=100).assurance is None  # mdc: too few values
    assert spc.xmr(list(range(14)) + [3], target=100, rebase_at=[14]).assurance is None  # a one-value section
