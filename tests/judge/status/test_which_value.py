"""Which value: each indicator is judged on the latest period of its own frequency ending by the report period's end."""

import math

from status_rules import indicator


def test_quarterly_report_judges_monthly_indicator_on_last_month(judge):
    st = judge(
        [indicator("M", frequency="monthly")], [("M", "Aug 2025", 1.0), ("M", "Sep 2025", 2.0), ("M", "Oct 2025", 3.0)]
    )
    assert st.loc["M", "period"] == "Sep 2025"
    assert st.loc["M", "value"] == 2.0


def test_quarterly_report_judges_annual_indicator_on_last_complete_year(judge):
    st = judge([indicator("Y", frequency="annual")], [("Y", "2024/25", 7.0), ("Y", "2025/26", 9.0)])
    assert st.loc["Y", "period"] == "2024/25"
    assert st.loc["Y", "value"] == 7.0


def test_q4_report_takes_the_year_that_ends_with_it(judge):
    st = judge(
        [indicator("Y", frequency="annual")], [("Y", "2024/25", 7.0), ("Y", "2025/26", 9.0)], period="2025/26 Q4"
    )
    assert st.loc["Y", "period"] == "2025/26"


def test_missing_value_is_no_data_with_missing_data_exception(judge):
    st = judge([indicator("A")], [("A", "2025/26 Q1", 5.0)], targets=[("A", "2025/26", 4.0)])
    assert st.loc["A", "period"] == "2025/26 Q2"
    assert math.isnan(st.loc["A", "value"])
    assert st.loc["A", "rag"] == "no_data"
    assert "missing_data" in st.loc["A", "exceptions"]


def test_periods_in_any_accepted_label_are_matched(judge):
    st = judge([indicator("A")], [("A", "2025-26-Q2", 5.0)], period="2025/26 Q2")
    assert st.loc["A", "value"] == 5.0


def test_with_no_measures_at_all_every_indicator_is_no_data(judge):
    # A register before its first figures: each indicator is still judged, as missing, never an error.
    st = judge([indicator("A"), indicator("B", frequency="monthly")], [], targets=[("A", "2025/26", 4.0)])
    assert st["period"].to_dict() == {"A": "2025/26 Q2", "B": "Sep 2025"}
    assert st["value"].isna().all() and st["previous_value"].isna().all()
    assert st["rag"].tolist() == ["no_data", "no_data"] and st["quality"].tolist() == ["", ""]
    assert all("missing_data" in e for e in st["exceptions"])
