"""Target precedence: a row for the exact period wins over a row for its whole financial year."""

import math

from status_rules import indicator


def test_exact_period_target_wins_over_year(judge):
    st = judge(
        [indicator("A")], [("A", "2025/26 Q2", 75.0)], targets=[("A", "2025/26", 70.0), ("A", "2025/26 Q2", 80.0)]
    )
    assert st.loc["A", "target"] == 80.0


def test_year_target_applies_to_its_quarters_and_months(judge):
    st = judge(
        [indicator("A"), indicator("M", frequency="monthly")],
        [("A", "2025/26 Q2", 75.0), ("M", "Sep 2025", 1.0)],
        targets=[("A", "2025/26", 70.0), ("M", "2025/26", 2.0), ("A", "2024/25", 99.0)],
    )
    assert st.loc["A", "target"] == 70.0
    assert st.loc["M", "target"] == 2.0


def test_targets_change_by_year(judge):
    targets = [("A", "2024/25", 60.0), ("A", "2025/26", 70.0)]
    st = judge([indicator("A")], [("A", "2024/25 Q2", 65.0)], targets=targets, period="2024/25 Q2")
    assert st.loc["A", "target"] == 60.0


def test_no_target_row_gives_no_target(judge):
    st = judge([indicator("A")], [("A", "2025/26 Q2", 75.0)])
    assert math.isnan(st.loc["A", "target"])
    assert st.loc["A", "rag"] == "no_target"


def test_targets_only_for_other_indicators_give_no_target(judge):
    # a directorate's run: the source's targets are all for indicators of other directorates
    st = judge([indicator("A")], [("A", "2025/26 Q2", 75.0)], targets=[("B", "2025/26", 70.0)])
    assert math.isnan(st.loc["A", "target"])
    assert st.loc["A", "rag"] == "no_target"
