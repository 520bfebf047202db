"""Targets as they were: charts step with the target of each period, changes are said (eased or tightened by
polarity), and internal pages name a target better than every similar council's or easier than the council's own."""

import pandas as pd
from component_helpers import peers, register_row, soup, status_row, text
from component_helpers import reading as make_reading

from pmkit.components.questions import ask
from pmkit.components.spc_chart import spc_section
from pmkit.components.tile import kpi_tile
from pmkit.components.year_end import year_end_table
from pmkit.io import periods
from pmkit.judge import findings, reading, status

# Households in temporary accommodation per 1,000, lower is better, 2021/22 Q1 to 2024/25 Q4 (16 quarters).
# Whole-year targets 2.38 (2022/23), 3.21 (2023/24), 3.60 (2024/25): eased twice, since a higher
# figure is worse. Nothing was set for 2021/22.
QUARTERS = [periods.label_of(periods.parse("2021/22 Q1").start + 3 * i, "quarterly") for i in range(16)]
TA_VALUES = [2.1, 2.3, 2.2, 2.4, 2.6, 2.5, 2.7, 2.8, 3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.4, 3.5]
TA = pd.DataFrame(
    [
        {
            "indicator_id": "TA-01",
            "title": "Households in temporary accommodation",
            "directorate": "Housing",
            "unit": "rate",
            "polarity": "lower_is_better",
            "frequency": "quarterly",
            "decimals": 2,
            "tolerance": 0.05,
            "tolerance_type": "relative",
            "seasonal": False,
            "cumulative": False,
            "benchmark_metric": "",
            "priority": "Homes",
        }
    ]
)
TA_TARGETS = pd.DataFrame(
    {"indicator_id": "TA-01", "period": ["2022/23", "2023/24", "2024/25"], "target": [2.38, 3.21, 3.60]}
)


def ta_reading():
    m = pd.DataFrame({"indicator_id": "TA-01", "period": QUARTERS, "value": TA_VALUES})
    st = status.assess(m, TA, "2024/25 Q4", targets=TA_TARGETS)
    views = reading.spc_views(m, TA, st, "2024/25 Q4", targets=TA_TARGETS)
    return reading.read(st, TA, views, targets=TA_TARGETS)["TA-01"]


def test_the_xmr_chart_steps_with_the_target_of_each_period(internal):
    alt = soup(spc_section([ta_reading()], internal)).select_one("img.spc-chart")["alt"]
    assert (
        "Target 3.60. The target line steps where the target changed: from 2.38 to 3.21 in 2023/24 Q1; from 3.21 to "
        "3.60 in 2024/25 Q1." in alt
    )


def test_the_tile_sparkline_and_drill_down_show_the_target_as_it_was(internal, public):
    r = ta_reading()
    for words in (internal, public):
        tile = soup(kpi_tile(r, None, words))
        # The sparkline holds the last 12 quarters, 2022/23 Q1 to 2024/25 Q4.
        assert tile.select_one("img.sparkline")["alt"].endswith(
            "; dashed line shows the target as it was: 2.38 from 2022/23 Q1, 3.21 from 2023/24 Q1, 3.60 from 2024/25 Q1, the latest figure below its target (better)."
        )
        details = {text(dt): text(dd) for dt, dd in zip(tile.select("dl dt"), tile.select("dl dd"))}
        assert details["About the target"].startswith(
            "Target eased from 2.38 to 3.21 in 2023/24. Target eased from 3.21 to 3.60 in 2024/25."
        )


def rent(
    targets: list[float],
    value: float = 98.5,
    polarity: str = "higher_is_better",
    peer_group=None,
    period="2024/25",
    unit="percent",
    **position,
):
    """Rent collected, judged for a year, with whole-year targets up to 2024/25."""
    years = ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"][-len(targets) :]
    history = findings.target_history(
        pd.DataFrame({"indicator_id": "RENT", "period": years, "target": targets}), "RENT"
    )
    row = status_row(
        indicator_id="RENT",
        title="Rent collected",
        period=period,
        value=value,
        target=targets[-1],
        rag="green",
        dot="improving",
        exceptions=[],
        **position,
    )
    info = register_row(
        indicator_id="RENT",
        title="Rent collected",
        frequency="annual",
        polarity=polarity,
        public=True,
        unit=unit,
        decimals=1 if unit == "percent" else 0,
    )
    return reading.Reading(row, info, None, peer_group, None, history)


def test_the_year_end_table_says_an_eased_target_and_draws_each_years_target(internal):
    r = rent([99.5, 99.5, 99.5, 99.5, 97.7])
    years = ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    history = pd.DataFrame({"indicator_id": "RENT", "year": years, "value": [98.9, 98.7, 98.4, 98.6, 98.5]})
    html = soup(year_end_table([r], years, history, None, internal))
    target_cell = html.select("tbody tr")[0].select("td")[5]
    assert (
        text(target_cell) == "97.7% eased from 99.5%"
    )  # the column is "Target 2024/25": the year and new target are said
    assert html.select_one("img.sparkline")["alt"] == (
        "Rent collected, 2020/21 to 2024/25: fell from 98.9% to 98.5%; dashed line shows the target as it was: "
        "99.5% from 2020/21, 97.7% from 2024/25, and 2024/25 ended above its target (better)."
    )


def test_eased_and_tightened_follow_the_polarity(internal):
    # Higher is better: a lower target is eased, a higher one tightened.
    assert "Target tightened from 90.0% to 95.0% in 2024/25." in kpi_tile(
        rent([90.0, 95.0], value=96.0), None, internal
    )
    # Lower is better (days to relet): 193 to 283 is easier, 283 to 150 harder.
    r = rent([193.0, 283.0, 150.0], value=140.0, polarity="lower_is_better", unit="days")
    said = {
        text(dt): text(dd)
        for dt, dd in zip(
            soup(kpi_tile(r, None, internal)).select("dl dt"), soup(kpi_tile(r, None, internal)).select("dl dd")
        )
    }["About the target"]
    assert said.startswith(
        "Target eased from 193 days to 283 days in 2023/24. Target tightened from 283 days to 150 days in 2024/25."
    )


def test_changes_older_than_three_years_are_not_listed(internal):
    # Judged 2024/25: the last three financial years are 2022/23 to 2024/25; the change in 2021/22 is older.
    r = rent([99.5, 98.0, 98.0, 98.0, 98.0])
    assert "Target eased" not in kpi_tile(r, None, internal)


def test_a_target_better_than_every_similar_council_is_named_internally(internal, public):
    # Higher is better: target 99.5%, the best of three similar councils collects 99.1% (B).
    group = peers({"A": 98.2, "B": 99.1, "C": 97.9}, own=98.5)  # one better: ranked 2 of 4, second quarter
    r = rent([99.5], value=98.5, peer_group=group, rank=2, quartile=2, n_peers=3, peer_median=98.2)
    said = (
        "The target for Rent collected (99.5%) is better than every similar council's figure for Sep 2025: "
        "the best of the 3 is B with 99.1%."
    )
    assert said in text(soup(kpi_tile(r, None, internal)))
    assert said not in text(soup(kpi_tile(r, None, public)))
    found = findings.target_beyond_peers(r)
    assert ask(found, r, internal) == (
        said,
        "Is the target realistic, and what would it take to reach it that no similar council has done?",
    )


def test_a_lower_is_better_target_beyond_every_peer():
    # Days to relet: target 20, the best similar council takes 25 days: beyond them all. A target of 30 is not.
    group = peers({"A": 30.0, "B": 25.0}, own=28.0, higher_better=False)
    days = dict(polarity="lower_is_better")
    assert findings.target_beyond_peers(rent([20.0], value=28.0, peer_group=group, **days)).facts["best"] == 25.0
    assert findings.target_beyond_peers(rent([30.0], value=28.0, peer_group=group, **days)) is None


def test_a_target_easier_than_the_councils_own_figure_is_named_internally(internal, public):
    r = rent([97.7], value=98.5)
    said = (
        "The target for Rent collected (97.7%) is easier than the council's own figure (98.5% in 2024/25), so it "
        "is met without any improvement."
    )
    assert said in text(soup(kpi_tile(r, None, internal)))
    assert "easier than the council's own figure" not in text(soup(kpi_tile(r, None, public)))
    # Lower is better: a target of 3.60 when the figure is 3.50 is easier; a target of 3.40 is not.
    assert findings.target_below_own(rent([3.6], value=3.5, polarity="lower_is_better")) is not None
    assert findings.target_below_own(rent([3.4], value=3.5, polarity="lower_is_better")) is None
    assert findings.target_below_own(rent([98.5], value=98.5)) is None  # met exactly: not easier


def test_the_deep_dive_findings_include_the_target_questions():
    r = rent([97.7], value=98.5, peer_group=peers({"A": 99.0}, own=98.5))  # A's 99.0% is above the target
    kinds = [
        f.kind
        for f in findings.for_indicator(r, pd.DataFrame(), pd.DataFrame(columns=["indicator_id", "period", "target"]))
    ]
    assert "target_below_own" in kinds and "target_beyond_peers" not in kinds


def test_a_zero_tolerance_target_is_called_a_limit(public):
    info = register_row(
        indicator_id="HOU-03",
        title="Families in bed and breakfast over six weeks",
        unit="count",
        decimals=0,
        polarity="lower_is_better",
        zero_tolerance=True,
    )
    row = status_row(
        indicator_id="HOU-03",
        title="Families in bed and breakfast over six weeks",
        value=1.0,
        target=0.0,
        rag="red",
        exceptions=["red"],
    )
    tile = soup(kpi_tile(make_reading(row, info), None, public))
    details = {text(dt): text(dd) for dt, dd in zip(tile.select("dl dt"), tile.select("dl dd"))}
    assert (
        details["About the target"]
        == "Any figure worse than the target is off target, never near it: it is a limit, not an aim."
    )


def test_a_running_total_below_its_annual_target_is_not_called_an_easy_target():
    # Complaints received (year to date), lower is better: 10 by Q1 against 40 for the year is not "easier than the figure".
    r = rent([40.0], value=10.0, polarity="lower_is_better", unit="count")
    assert findings.target_below_own(r) is not None  # as a plain count it would be
    info = r.info.copy()
    info["cumulative"] = True
    assert findings.target_below_own(reading.Reading(r.row, info, None, None, None, r.targets)) is None
