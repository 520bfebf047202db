"""spc_concern: the judged value is a special cause of concern on its indicator's XmR chart."""

import pandas as pd
from status_rules import indicator

from pmkit.io import periods

STABLE = [50.0, 52.0, 49.0, 51.0, 50.0, 53.0, 48.0, 50.0, 51.0, 49.0, 52.0, 50.0, 51.0, 49.0]


def monthly(values, end="Sep 2025"):
    last = periods.parse(end)
    return [("M", last.shift(i - len(values) + 1).label, v) for i, v in enumerate(values)]


def test_a_value_far_below_the_limits_is_a_concern_when_higher_is_better(judge):
    st = judge([indicator("M", frequency="monthly")], monthly(STABLE + [30.0]))
    assert "spc_concern" in st.loc["M", "exceptions"]


def test_the_same_value_is_an_improvement_when_lower_is_better(judge):
    st = judge([indicator("M", frequency="monthly", polarity="lower_is_better")], monthly(STABLE + [30.0]))
    assert "spc_concern" not in st.loc["M", "exceptions"]


def test_too_few_points_raise_no_concern_under_mdc(judge):
    st = judge([indicator("M", frequency="monthly")], monthly(STABLE[:8] + [30.0]))
    assert "spc_concern" not in st.loc["M", "exceptions"]


def test_rebase_after_a_service_change_starts_new_limits(judge):
    values = STABLE + [30.0, 31.0, 29.0, 30.0, 31.0, 30.0, 29.0, 30.0, 31.0, 30.0, 29.0, 31.0, 30.0]
    plain = judge([indicator("M", frequency="monthly")], monthly(values))
    assert "spc_concern" in plain.loc["M", "exceptions"]
    rebase_month = periods.parse("Sep 2025").shift(-12).label
    rebased = judge([indicator("M", frequency="monthly", rebase_at=rebase_month)], monthly(values))
    assert "spc_concern" not in rebased.loc["M", "exceptions"]


def test_history_stops_at_the_judged_period():
    from pmkit.judge.status import history

    ind = pd.DataFrame([indicator("M", frequency="monthly", rebase_at="Jul 2025; Aug 2025")])
    m = pd.DataFrame(monthly([1.0, 2.0, 3.0, 4.0], end="Oct 2025"), columns=["indicator_id", "period", "value"])
    h = history(m, ind, "2025/26 Q2")
    assert h["period"].tolist() == ["Jul 2025", "Aug 2025", "Sep 2025"]
    assert h["rebase"].tolist() == [True, True, False]
    assert h["improvement"].unique().tolist() == ["increase"]


def test_each_rebase_marks_the_first_value_on_or_after_it_in_its_own_indicator_only():
    from pmkit.judge.status import history

    ind = pd.DataFrame(
        [
            # before the first value, on a missing value (Jul), and one the history never reaches
            indicator("A", frequency="monthly", rebase_at="Jan 2020; Jul 2025, Dec 2025"),
            indicator("B", frequency="monthly"),  # no rebase: A's listing must not reach into B's rows
            indicator("C", frequency="monthly", rebase_at="Aug 2025"),
        ]
    )
    a = [("A", p, v) for p, v in zip(["May 2025", "Jun 2025", "Jul 2025", "Aug 2025", "Sep 2025"], [1, 2, None, 4, 5])]
    b = [("B", p, 1.0) for p in ["May 2025", "Jun 2025", "Jul 2025", "Aug 2025", "Sep 2025"]]
    c = [("C", p, 1.0) for p in ["Jun 2025", "Jul 2025"]]  # Aug 2025 is after its last value
    h = history(pd.DataFrame(a + b + c, columns=["indicator_id", "period", "value"]), ind, "2025/26 Q2")
    marked = h.loc[h["rebase"], ["indicator_id", "period"]].values.tolist()
    assert marked == [["A", "May 2025"], ["A", "Aug 2025"]]
