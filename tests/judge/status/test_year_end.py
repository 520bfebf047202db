"""On track for year end: cumulative (year-to-date) indicators are projected to the year end."""

import pandas as pd
from status_rules import indicator


def test_year_to_date_projection_against_annual_target(judge):
    ind = [indicator("C", cumulative=True), indicator("D", cumulative=True, polarity="lower_is_better"), indicator("N")]
    measures = [("C", "2025/26 Q2", 240.0), ("D", "2025/26 Q2", 240.0), ("N", "2025/26 Q2", 240.0)]
    targets = [("C", "2025/26", 500.0), ("D", "2025/26", 500.0), ("N", "2025/26", 500.0)]
    st = judge(ind, measures, targets=targets)
    assert st.loc["C", "projected_year_end"] == 480.0  # six months in, straight line
    assert st.loc["C", "annual_target"] == 500.0 and pd.isna(st.loc["N", "annual_target"])
    assert bool(st.loc["C", "on_track"]) is False
    assert bool(st.loc["D", "on_track"]) is True
    assert pd.isna(st.loc["N", "projected_year_end"]) and pd.isna(st.loc["N", "on_track"])
