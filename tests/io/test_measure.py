"""What each measure means: its year is its figures added up as the register says, and figures that a
measure cannot take are refused.

Every expected figure is worked out by hand in the comments:
- CALLS, calls answered (a flow, monthly, count; aggregation left empty, so ``sum``): eleven months of
  13,500 and March 12,293: the year is 11 x 13,500 + 12,293 = 160,793 ("total for the year"); the
  2024/25 target row (13,000 a month) makes the year's target 12 x 13,000 = 156,000.
- WAITING, people waiting (a stock, ``last``): its year is March's figure, 410 ("at 31 March 2025").
- EHCP, plans issued in 20 weeks (a rate with numerators and denominators, ``ratio`` by default):
  numerators 10 a month, denominators 20 for six months and 30 for six: 120 / 300 = 40.0% for the
  year, though March alone is 10 / 30 = 33.3%.
- HOMES, affordable homes delivered (year to date, quarterly, cumulative): 44, 93, 150, 251: the year
  is 251 ("year to date at 31 March 2025"); its quarters alone are 44, 49, 57, 101.
- RECYCLING, waste recycled (percent, quarterly, no counts: ``mean``): 52.8, 53.2, 47.0, 44.0: the
  year is 197.0 / 4 = 49.25% ("average a quarter"), not Q4's 44.0%.
"""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pmkit.io import measure, periods
from pmkit.judge import status

MONTHS = [periods.label_of(periods.parse("Apr 2024").start + i, "monthly") for i in range(12)]
QUARTERS = ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]
REGISTER = pd.DataFrame(
    [
        {
            "indicator_id": "CALLS",
            "unit": "count",
            "frequency": "monthly",
            "polarity": "higher_is_better",
            "aggregation": "",
            "cumulative": False,
        },
        {
            "indicator_id": "WAITING",
            "unit": "count",
            "frequency": "monthly",
            "polarity": "lower_is_better",
            "aggregation": "last",
            "cumulative": False,
        },
        {
            "indicator_id": "EHCP",
            "unit": "percent",
            "frequency": "monthly",
            "polarity": "higher_is_better",
            "aggregation": "",
            "cumulative": False,
        },
        {
            "indicator_id": "HOMES",
            "unit": "count",
            "frequency": "quarterly",
            "polarity": "higher_is_better",
            "aggregation": "",
            "cumulative": True,
        },
        {
            "indicator_id": "RECYCLING",
            "unit": "percent",
            "frequency": "quarterly",
            "polarity": "higher_is_better",
            "aggregation": "",
            "cumulative": False,
        },
    ]
)


def rows(indicator_id, labels, values, numerators=None, denominators=None):
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "period": labels,
            "value": values,
            "numerator": numerators if numerators is not None else np.nan,
            "denominator": denominators if denominators is not None else np.nan,
            "quality": "final",
        }
    )


EHCP_DEN = [20.0] * 6 + [30.0] * 6
MEASURES = pd.concat(
    [
        rows("CALLS", MONTHS, [13500.0] * 11 + [12293.0]),
        rows("WAITING", MONTHS, [380.0, 395.0, 402.0, 390.0, 385.0, 399.0, 420.0, 431.0, 415.0, 405.0, 400.0, 410.0]),
        rows("EHCP", MONTHS, [round(1000 / d, 1) for d in EHCP_DEN], [10.0] * 12, EHCP_DEN),
        rows("HOMES", QUARTERS, [44.0, 93.0, 150.0, 251.0]),
        rows("RECYCLING", QUARTERS, [52.8, 53.2, 47.0, 44.0]),
    ],
    ignore_index=True,
)


def year_of(frame, indicator_id, year="2024/25"):
    return frame[(frame["indicator_id"] == indicator_id) & (frame["period"] == year)].iloc[0]


@pytest.mark.parametrize(
    "indicator_id, value, basis",
    [
        ("CALLS", 160793.0, "total for the year"),
        ("WAITING", 410.0, "at 31 March 2025"),
        ("EHCP", 40.0, "the year as a whole"),
        ("HOMES", 251.0, "year to date at 31 March 2025"),
        ("RECYCLING", 49.25, "average a quarter"),
    ],
)
def test_a_year_is_its_figures_added_up_as_the_register_says(indicator_id, value, basis):
    year = year_of(measure.roll_up(MEASURES, REGISTER, "annual"), indicator_id)
    assert year["value"] == pytest.approx(value)
    assert year["basis"] == basis
    assert (year["had"], year["expected"], year["note"]) in [(12, 12, ""), (4, 4, "")]


def test_a_year_says_how_many_of_its_periods_it_had():
    eleven = MEASURES[~((MEASURES["indicator_id"] == "CALLS") & (MEASURES["period"] == "Feb 2025"))]
    year = year_of(measure.roll_up(eleven, REGISTER, "annual"), "CALLS")
    assert (year["value"], year["had"], year["note"]) == (10 * 13500.0 + 12293.0, 11, "11 of 12 months")


def test_a_quarter_from_months_by_each_aggregation():
    quarters = measure.roll_up(MEASURES, REGISTER, "quarterly")
    q4 = quarters[quarters["period"] == "2024/25 Q4"].set_index("indicator_id")
    assert q4.loc["CALLS", "value"] == 2 * 13500 + 12293  # Jan + Feb + Mar
    assert q4.loc["WAITING", "value"] == 410.0  # at 31 March
    assert q4.loc["EHCP", "value"] == pytest.approx(100 * 30 / 90)  # 30 of 90
    assert q4.loc["CALLS", "basis"] == "total for the quarter"


def test_a_rate_per_thousand_keeps_its_scale():
    register = pd.DataFrame([{"indicator_id": "TA", "unit": "rate", "frequency": "quarterly", "aggregation": "ratio"}])
    measures = rows("TA", QUARTERS, [3.0, 3.5, 4.0, 2.5], [300.0, 350.0, 400.0, 250.0], [100000.0] * 4)
    assert year_of(measure.roll_up(measures, register, "annual"), "TA")["value"] == pytest.approx(1000 * 1300 / 400000)


def test_the_quarters_of_a_running_total():
    starts = [periods.parse(q).start for q in QUARTERS]
    assert measure.in_period([44.0, 93.0, 150.0, 251.0], starts, cumulative=True).tolist() == [44.0, 49.0, 57.0, 101.0]


def test_targets_add_up_as_the_figures_do():
    targets = pd.DataFrame(
        {
            "indicator_id": ["CALLS", "WAITING", "EHCP", "HOMES", "HOMES", "RECYCLING"],
            "period": ["2024/25", "2024/25", "2024/25", "2024/25 Q4", "2024/25", "2024/25"],
            "target": [13000.0, 400.0, 45.0, 240.0, 240.0, 50.0],
        }
    )
    year = measure.roll_up_targets(targets, REGISTER, MEASURES, "annual").set_index("indicator_id")["target"]
    assert year.to_dict() == {"CALLS": 156000.0, "WAITING": 400.0, "EHCP": 45.0, "HOMES": 240.0, "RECYCLING": 50.0}


def test_the_status_engine_judges_the_year_not_its_last_month():
    # CALLS: 160,793 against 156,000 is on target; March alone (12,293 against 13,000) would be off.
    targets = pd.DataFrame(
        {"indicator_id": ["CALLS", "EHCP"], "period": ["2024/25", "2024/25"], "target": [13000.0, 38.0]}
    )
    yearly = measure.rolled(MEASURES, REGISTER.assign(title="t", directorate="d"), targets)
    st = status.assess(yearly.measures, yearly.indicators, "2024/25", targets=yearly.targets, spc_rules=None).set_index(
        "indicator_id"
    )
    assert (st.loc["CALLS", "value"], st.loc["CALLS", "target"], st.loc["CALLS", "rag"]) == (
        160793.0,
        156000.0,
        "green",
    )
    assert (st.loc["EHCP", "value"], st.loc["EHCP", "rag"]) == (pytest.approx(40.0), "green")  # March's 33.3% is red


def test_peers_are_compared_on_a_year_only_where_their_figure_is_the_years():
    # WAITING is a stock: the peers' March figure is their year's. CALLS is a flow: a peer's March is no year.
    register = REGISTER.assign(benchmark_metric=["calls", "waiting", "", "", ""])
    peers = pd.DataFrame(
        {
            "metric": ["waiting", "waiting", "calls", "waiting"],
            "authority_code": ["A", "A", "A", "B"],
            "period": ["Mar 2025", "Feb 2025", "Mar 2025", "2024/25"],
            "value": [300.0, 310.0, 12000.0, 500.0],
            "group": "nearest_neighbours",
        }
    )
    yearly = measure.roll_up_benchmarks(peers, register, MEASURES, "annual")
    years = yearly[yearly["period"] == "2024/25"].sort_values("authority_code")
    assert years[["metric", "authority_code", "value"]].values.tolist() == [
        ["waiting", "A", 300.0],
        ["waiting", "B", 500.0],
    ]


def test_bounds_by_unit_and_register():
    assert measure.bounds({"unit": "percent"}) == (0.0, 100.0)
    assert measure.bounds({"unit": "percent", "maximum": 110.0}) == (0.0, 110.0)
    assert measure.bounds({"unit": "gbp", "minimum": -1e6}) == (-1e6, np.inf)
    assert measure.bounds({"unit": "score"}) == (-np.inf, np.inf)


# --- validation ------------------------------------------------------------------------------------


def write(folder, name, frame):
    frame.to_csv(folder / f"{name}.csv", index=False)


def source(folder, measures, targets=None, extra=None):
    register = pd.DataFrame(
        [
            {
                "indicator_id": "REP",
                "title": "Repairs on time",
                "directorate": "Housing",
                "unit": "percent",
                "polarity": "higher_is_better",
                "frequency": "monthly",
                "aggregation": "",
            },
            {
                "indicator_id": "SPEND",
                "title": "Spend on agency staff",
                "directorate": "Resources",
                "unit": "gbp",
                "polarity": "lower_is_better",
                "frequency": "quarterly",
                "aggregation": "",
            },
            {
                "indicator_id": "RATE",
                "title": "Rate with counts",
                "directorate": "Housing",
                "unit": "percent",
                "polarity": "higher_is_better",
                "frequency": "quarterly",
                "aggregation": "ratio",
            },
            *(extra or []),
        ]
    )
    folder.mkdir(exist_ok=True)
    write(folder, "indicators", register)
    write(folder, "measures", measures)
    if targets is not None:
        write(folder, "targets", targets)
    return folder


def validate(folder):
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "validate", str(folder)], capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


GOOD = pd.DataFrame(
    {
        "indicator_id": ["REP"] * 5 + ["SPEND", "RATE"],
        "period": ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025", "Aug 2025", "2025/26 Q1", "2025/26 Q1"],
        "value": [94.1, 94.6, 95.0, 94.8, 94.2, 2655438.0, 80.0],
        "numerator": [None] * 6 + [40.0],
        "denominator": [None] * 6 + [50.0],
    }
)


def test_a_valid_source_passes(tmp_path):
    code, out = validate(source(tmp_path / "ok", GOOD))
    assert code == 0, out


def test_a_percentage_typed_as_a_fraction_is_refused(tmp_path):
    bad = GOOD.copy()
    bad.loc[3, "value"] = 0.944  # Jul 2025, row 5 of the file
    code, out = validate(source(tmp_path / "fraction", bad))
    assert code == 2
    assert "measures.csv:5:value: 0.944 looks like a fraction" in out
    assert "did you mean 94.4%?" in out
    assert "Traceback" not in out


def test_figures_and_targets_outside_the_bounds_are_refused(tmp_path):
    bad = GOOD.copy()
    bad.loc[5, "value"] = -2655438.0  # spend cannot be negative unless the register allows it
    targets = pd.DataFrame({"indicator_id": ["REP"], "period": ["2025/26"], "target": [102.0]})
    code, out = validate(source(tmp_path / "bounds", bad, targets))
    assert code == 2
    assert (
        "targets.csv:2:target: 102 is outside what REP can take (percent: expected a figure between 0 and 100)" in out
    )
    assert (
        "measures.csv:7:value: -2.65544e+06 is outside what SPEND can take (gbp: expected a figure at least 0)" in out
    )


def test_a_register_minimum_allows_negative_figures(tmp_path):
    variance = {
        "indicator_id": "VAR",
        "title": "Budget variance",
        "directorate": "Resources",
        "unit": "gbp",
        "polarity": "neutral",
        "frequency": "quarterly",
        "aggregation": "",
        "minimum": -5000000,
    }
    measures = pd.concat(
        [GOOD, pd.DataFrame({"indicator_id": ["VAR"], "period": ["2025/26 Q1"], "value": [-1200000.0]})]
    )
    code, out = validate(source(tmp_path / "variance", measures, extra=[variance]))
    assert code == 0, out


def test_a_ratio_without_its_counts_is_refused(tmp_path):
    bad = GOOD.copy()
    bad.loc[6, "denominator"] = None
    code, out = validate(source(tmp_path / "ratio", bad))
    assert code == 2
    assert "measures.csv:8:denominator: is empty but RATE's aggregation is ratio" in out


def test_an_annual_period_is_asked_for_with_an(tmp_path):
    register = {
        "indicator_id": "ANN",
        "title": "Residents satisfied",
        "directorate": "Resources",
        "unit": "percent",
        "polarity": "higher_is_better",
        "frequency": "annual",
        "aggregation": "",
    }
    measures = pd.concat([GOOD, pd.DataFrame({"indicator_id": ["ANN"], "period": ["Jul 2025"], "value": [71.0]})])
    code, out = validate(source(tmp_path / "annual", measures, extra=[register]))
    assert code == 2
    assert (
        "measures.csv:9:period: 'Jul 2025' does not match the indicator's frequency; expected an annual period" in out
    )
