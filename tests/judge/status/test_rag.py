"""RAG against target with tolerance and polarity, and the precedence of the other status codes."""

import pytest
from status_rules import indicator

T = [("A", "2025/26", 80.0)]


@pytest.mark.parametrize(
    ("value", "rag"),
    [(85.0, "green"), (80.0, "green"), (79.99, "amber"), (76.0, "amber"), (75.99, "red"), (10.0, "red")],
)
def test_higher_is_better_relative_band(judge, value, rag):
    assert judge([indicator("A")], [("A", "2025/26 Q2", value)], targets=T).loc["A", "rag"] == rag


@pytest.mark.parametrize(
    ("value", "rag"), [(70.0, "green"), (80.0, "green"), (80.01, "amber"), (84.0, "amber"), (84.01, "red")]
)
def test_lower_is_better_mirrors(judge, value, rag):
    ind = [indicator("A", polarity="lower_is_better")]
    assert judge(ind, [("A", "2025/26 Q2", value)], targets=T).loc["A", "rag"] == rag


@pytest.mark.parametrize(("value", "rag"), [(78.0, "amber"), (77.99, "red")])
def test_absolute_tolerance_is_in_units_of_the_value(judge, value, rag):
    ind = [indicator("A", tolerance=2.0, tolerance_type="absolute")]
    assert judge(ind, [("A", "2025/26 Q2", value)], targets=T).loc["A", "rag"] == rag


def test_negative_target_band_uses_magnitude(judge):
    ind = [indicator("A")]
    st = judge(ind, [("A", "2025/26 Q2", -10.4)], targets=[("A", "2025/26", -10.0)])
    assert st.loc["A", "rag"] == "amber"


def test_zero_tolerance_has_no_amber(judge):
    ind = [indicator("A", tolerance=0.0)]
    assert judge(ind, [("A", "2025/26 Q2", 79.9)], targets=T).loc["A", "rag"] == "red"


def test_neutral_is_not_judged(judge):
    ind = [indicator("A", polarity="neutral")]
    assert judge(ind, [("A", "2025/26 Q2", 1.0)], targets=T).loc["A", "rag"] == "not_judged"


def test_suspended_period_is_shown_not_judged(judge):
    st = judge(
        [indicator("A")],
        [("A", "2020/21 Q2", 1.0)],
        targets=[("A", "2020/21", 80.0)],
        period="2020/21 Q2",
        rag_suspended=["2020/21"],
    )
    assert st.loc["A", "rag"] == "suspended"
    assert st.loc["A", "value"] == 1.0


def test_precedence_no_data_then_suspended_then_not_judged_then_no_target(judge):
    ind = [indicator("N", polarity="neutral"), indicator("S", polarity="neutral"), indicator("D", polarity="neutral")]
    measures = [("N", "2025/26 Q2", 1.0), ("S", "2025/26 Q2", 1.0), ("D", "2025/26 Q1", 1.0)]
    st = judge(ind, measures)
    assert st.loc["D", "rag"] == "no_data"
    assert st.loc["N", "rag"] == "not_judged"
    st = judge(ind, measures, rag_suspended=["2025/26 Q2"])
    assert st.loc["S", "rag"] == "suspended"
    assert st.loc["D", "rag"] == "no_data"


@pytest.mark.parametrize(("flag", "rag"), [(False, "amber"), (True, "red")])
def test_zero_tolerance_makes_any_breach_off_target_when_lower_is_better(judge, flag, rag):
    # Families in bed and breakfast over six weeks: target 0, absolute tolerance 1. A figure of 1 is
    # 1 on the wrong side: within the band (near target) unless the register marks a statutory limit.
    ind = [indicator("B", polarity="lower_is_better", tolerance=1.0, tolerance_type="absolute", zero_tolerance=flag)]
    st = judge(ind, [("B", "2025/26 Q2", 1.0)], targets=[("B", "2025/26", 0.0)])
    assert st.loc["B", "rag"] == rag


@pytest.mark.parametrize(("value", "rag"), [(0.0, "green"), (1.0, "red")])
def test_zero_tolerance_meeting_the_limit_is_on_target(judge, value, rag):
    ind = [indicator("B", polarity="lower_is_better", tolerance=1.0, tolerance_type="absolute", zero_tolerance=True)]
    assert judge(ind, [("B", "2025/26 Q2", value)], targets=[("B", "2025/26", 0.0)]).loc["B", "rag"] == rag


@pytest.mark.parametrize(("flag", "rag"), [(False, "amber"), (True, "red")])
def test_zero_tolerance_when_higher_is_better(judge, flag, rag):
    # Target 80 with a 5% band (4): 79 is 1 short, near target, but off target under zero tolerance.
    ind = [indicator("A", zero_tolerance=flag)]
    assert judge(ind, [("A", "2025/26 Q2", 79.0)], targets=T).loc["A", "rag"] == rag
