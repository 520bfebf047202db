"""Direction of travel against the previous period and the same period last year."""

import pytest
from status_rules import indicator


@pytest.mark.parametrize(
    ("now", "before", "polarity", "dot"),
    [
        (101.1, 100.0, "higher_is_better", "improving"),
        (101.0, 100.0, "higher_is_better", "no_change"),  # exactly 1%: within the band
        (98.9, 100.0, "higher_is_better", "declining"),
        (98.9, 100.0, "lower_is_better", "improving"),
        (101.1, 100.0, "lower_is_better", "declining"),
        (101.1, 100.0, "neutral", "increasing"),
        (98.9, 100.0, "neutral", "decreasing"),
        (100.5, 100.0, "neutral", "no_change"),
        (-9.8, -10.0, "higher_is_better", "improving"),  # band uses the magnitude of a negative value
    ],
)
def test_previous_period(judge, now, before, polarity, dot):
    st = judge([indicator("A", polarity=polarity)], [("A", "2025/26 Q1", before), ("A", "2025/26 Q2", now)])
    assert st.loc["A", "dot_previous"] == dot
    assert st.loc["A", "dot"] == dot


@pytest.mark.parametrize(("now", "dot"), [(0.0, "no_change"), (0.001, "improving"), (-0.001, "declining")])
def test_zero_baseline_only_an_exact_tie_is_no_change(judge, now, dot):
    st = judge([indicator("A")], [("A", "2025/26 Q1", 0.0), ("A", "2025/26 Q2", now)])
    assert st.loc["A", "dot_previous"] == dot


def test_missing_earlier_value_is_not_comparable(judge):
    st = judge([indicator("A")], [("A", "2025/26 Q2", 5.0)])
    assert st.loc["A", "dot_previous"] == "not_comparable"
    assert st.loc["A", "dot_last_year"] == "not_comparable"


def test_seasonal_headline_uses_same_period_last_year(judge):
    ind = [indicator("S", seasonal=True), indicator("P")]
    measures = [(i, p, v) for i in "SP" for p, v in [("2024/25 Q2", 50.0), ("2025/26 Q1", 70.0), ("2025/26 Q2", 60.0)]]
    st = judge(ind, measures)
    assert st.loc["S", "dot_last_year"] == "improving"
    assert st.loc["S", "dot_previous"] == "declining"
    assert st.loc["S", "dot"] == "improving"
    assert st.loc["P", "dot"] == "declining"


def test_monthly_last_year_is_twelve_months_back(judge):
    ind = [indicator("M", frequency="monthly")]
    st = judge(ind, [("M", "Sep 2024", 10.0), ("M", "Aug 2025", 20.0), ("M", "Sep 2025", 12.0)])
    assert st.loc["M", "last_year_value"] == 10.0
    assert st.loc["M", "previous_value"] == 20.0


def test_a_running_total_is_compared_with_the_same_point_last_year(judge):
    # Homes delivered, year to date: 80 at 2024/25 Q2, 44 at 2025/26 Q1, 93 at 2025/26 Q2. Against
    # the previous quarter the running total always rises; the headline is 93 against 80 (and a
    # second one, 93 against 100 a year before, is a decline although the quarter "rose").
    ind = [indicator("Y", cumulative=True), indicator("Z", cumulative=True)]
    measures = [
        ("Y", "2024/25 Q2", 80.0),
        ("Y", "2025/26 Q1", 44.0),
        ("Y", "2025/26 Q2", 93.0),
        ("Z", "2024/25 Q2", 100.0),
        ("Z", "2025/26 Q1", 44.0),
        ("Z", "2025/26 Q2", 93.0),
    ]
    st = judge(ind, measures)
    assert st.loc["Y", "dot_previous"] == "improving" and st.loc["Y", "dot"] == "improving"
    assert st.loc["Z", "dot_previous"] == "improving"  # the column stays as it is
    assert st.loc["Z", "dot_last_year"] == "declining" and st.loc["Z", "dot"] == "declining"
