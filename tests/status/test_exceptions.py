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
