"""Exceptions: the front page of a report."""

from status_rules import indicator


def test_red_and_declining_twice(judge):
    measures = [("A", "2025/26 Q2", 50.0), ("A", "2025/26 Q1", 60.0), ("A", "2024/25 Q4", 70.0)]
    st = judge([indicator("A")], measures, targets=[("A", "2025/26", 80.0)])
    assert st.loc["A", "exceptions"] == ["red", "declining_twice"]


def test_one_decline_is_not_declining_twice(judge):
    measures = [("A", "2025/26 Q2", 50.0), ("A", "2025/26 Q1", 60.0), ("A", "2024/25 Q4", 55.0)]
    assert "declining_twice" not in judge([indicator("A")], measures).loc["A", "exceptions"]


def test_green_but_bottom_quartile(judge):
    ind = [indicator("A", benchmark_metric="m")]
    bench = [("m", f"P{i}", "2025/26 Q2", v, "nearest_neighbours") for i, v in enumerate([90, 95, 99])]
    st = judge(ind, [("A", "2025/26 Q2", 85.0)], targets=[("A", "2025/26", 80.0)], benchmarks=bench)
    assert st.loc["A", "rag"] == "green"
    assert st.loc["A", "exceptions"] == ["green_bottom_quartile"]


def test_provisional_value(judge):
    st = judge([indicator("A")], [("A", "2025/26 Q2", 85.0, "provisional")])
    assert st.loc["A", "exceptions"] == ["provisional_data"]


def test_final_value_on_target_has_no_exception(judge):
    st = judge([indicator("A")], [("A", "2025/26 Q2", 85.0, "final")], targets=[("A", "2025/26", 80.0)])
    assert st.loc["A", "exceptions"] == []


def test_a_running_total_never_declines_twice_against_the_previous_period(judge):
    # Escalated complaints, year to date (lower is better): 20, 45, 70 in 2025/26 Q1 to Q3 rise every
    # quarter, as a running total must; 75 at 2024/25 Q3, so the year is better than last year.
    ind = [indicator("C", cumulative=True, polarity="lower_is_better"), indicator("F", polarity="lower_is_better")]
    measures = [
        (i, p, v)
        for i in "CF"
        for p, v in [("2024/25 Q3", 75.0), ("2025/26 Q1", 20.0), ("2025/26 Q2", 45.0), ("2025/26 Q3", 70.0)]
    ]
    st = judge(ind, measures, period="2025/26 Q3")
    assert st.loc["C", "exceptions"] == [] and st.loc["C", "dot"] == "improving"
    assert st.loc["F", "exceptions"] == ["declining_twice"] and st.loc["F", "dot"] == "declining"
