"""A deep dive's breakdowns (funnel plot and its table) and its comparison with similar councils over time
(chart and rank table), as a reader sees them. Every figure expected here is worked out by hand in the test."""

import pandas as pd
from component_helpers import peers, reading, register_row, soup, status_row, text

from pmkit.components.benchmark_chart import benchmark_trend
from pmkit.components.funnel_chart import breakdown_section
from pmkit.judge import benchmarking


def breakdowns(rows: list[tuple[str, str, str, float | None, float | None, float]]) -> pd.DataFrame:
    """Breakdown rows of REP-01: (period, dimension, category, numerator, denominator, value)."""
    return pd.DataFrame(
        [
            {
                "indicator_id": "REP-01",
                "period": period,
                "dimension": dimension,
                "category": category,
                "numerator": numerator,
                "denominator": denominator,
                "value": value,
            }
            for period, dimension, category, numerator, denominator, value in rows
        ]
    )


# Four wards in Sep 2025 (and an older quarter's figures for two of them, which the page leaves out):
# 1,800 + 40 + 500 + 90 = 2,430 of 2,000 + 100 + 600 + 100 = 2,800, an overall rate of 86.8% (0.867857).
# Limits at 100 cases: spread sqrt(0.867857 x 0.132143 / 100) = 0.033865, so 95% is 80.2% to 93.4% and 99.8% is 76.3%
# to 97.3%: Dale's 90.0% is within, Bridge's 40.0% below the 99.8% limit.
# At 600 cases (Castle) the spread is 0.013825: 95% is 84.1% to 89.5%, so Castle's 83.3% is below the 95% limit
# (99.8%: 82.5%), and at 2,000 cases (Abbey) 0.0075723: 95% is 85.3% to 88.3%, 99.8% is 84.4% to 89.1%, so
# Abbey's 90.0% is above the 99.8% limit.
WARDS = breakdowns(
    [
        ("Jun 2025", "ward", "Abbey", 10, 100, 10.0),
        ("Jun 2025", "ward", "Dale", 99, 100, 99.0),
        ("Sep 2025", "ward", "Dale", 90, 100, 90.0),
        ("Sep 2025", "ward", "Abbey", 1800, 2000, 90.0),
        ("Sep 2025", "ward", "Castle", 500, 600, 500 / 6),
        ("Sep 2025", "ward", "Bridge", 40, 100, 40.0),
    ]
)


def table_rows(html) -> list[list[str]]:
    return [[text(cell) for cell in tr.select("th, td")] for tr in html.select("table tbody tr")]


def test_the_breakdowns_table_holds_every_category_of_the_latest_period_in_order(internal):
    html = soup(breakdown_section(WARDS, "Repairs completed on time", internal))
    assert [text(h) for h in html.select("h4")] == ["By ward, Sep 2025"]
    assert [text(th) for th in html.select("table thead th")] == [
        "Ward",
        "Rate",
        "Cases meeting it",
        "Cases",
        "Compared with the rest",
    ]
    assert table_rows(html) == [
        ["Abbey", "90.0%", "1,800", "2,000", "Above the 99.8% limit"],
        ["Bridge", "40.0%", "40", "100", "Below the 99.8% limit"],
        ["Castle", "83.3%", "500", "600", "Below the 95% limit"],
        ["Dale", "90.0%", "90", "100", "Within the limits"],
    ]
    assert text(html.select_one("table caption")) == "Repairs completed on time by ward, Sep 2025"
    assert text(html.select_one(".breakdown p")) == (
        "Each point is one ward, placed by its number of cases: the limits show how far a figure can stray from the "
        "overall 86.8% by chance alone for a ward of that size."
    )
    alt = html.select_one("img.funnel-chart")["alt"]
    opening = (
        "Funnel plot of Repairs completed on time by ward, Sep 2025: 4 wards around the overall rate of 86.8% "
        "(2430 of 2800). Outside the limits: "
    )
    assert alt.startswith(opening) and alt.endswith(".")
    assert sorted(alt.removeprefix(opening).removesuffix(".").split("; ")) == [
        "Abbey 90.0% of 2000 (above the 99.8% limit)",
        "Bridge 40.0% of 100 (below the 99.8% limit)",
        "Castle 83.3% of 600 (below the 95% limit)",
    ]


def test_residents_read_the_same_table_in_plain_words(public):
    html = soup(breakdown_section(WARDS, "Repairs completed on time", public))
    assert [row[-1] for row in table_rows(html)] == [
        "Clearly higher than the rest",
        "Clearly lower than the rest",
        "Possibly lower than the rest",
        "No different from the rest, allowing for its size",
    ]
    assert "(clearly lower than the rest)" in html.select_one("img.funnel-chart")["alt"]


def test_figures_without_counts_are_listed_without_a_funnel_and_each_dimension_has_its_own_table(internal):
    # Age bands given as rates only: no cases, so no funnel plot and nothing said about chance; every band is listed.
    frame = pd.concat(
        [
            WARDS,
            breakdowns(
                [
                    ("Sep 2025", "age_band", "85+", None, None, 71.5),
                    ("Sep 2025", "age_band", "18-64", None, None, 88.4),
                    ("Sep 2025", "age_band", "65-84", None, None, 80.0),
                ]
            ),
        ]
    )
    html = soup(breakdown_section(frame, "Repairs completed on time", internal))
    parts = html.select(".breakdown")
    assert [text(p.select_one("h4")) for p in parts] == ["By age band, Sep 2025", "By ward, Sep 2025"]
    assert parts[0].select_one("img") is None and parts[0].select_one(".breakdown > p") is None
    assert table_rows(parts[0]) == [
        ["18-64", "88.4%", "", "", ""],
        ["65-84", "80.0%", "", "", ""],
        ["85+", "71.5%", "", "", ""],
    ]
    assert len(table_rows(parts[1])) == 4 and parts[1].select_one("img.funnel-chart") is not None


def test_no_breakdowns_no_section(internal):
    assert breakdown_section(WARDS.iloc[0:0], "Repairs completed on time", internal) == ""


# --- compared with similar councils over time --------------------------------------------------------------------

# Fifteen similar councils with 10, 20, ... 150 in each of two years, and England's figure; this council had 55 in
# 2023/24 and 145 in 2024/25. Higher is better: in 2023/24 the ten councils with 60 to 150 did better, so it ranked
# 11th of 16 (quartile: 4 x 11 / 16 = 2.75, the 3rd); in 2024/25 only the one with 150 did, so 2nd of 16 (4 x 2 / 16
# = 0.5, the 1st). Lower is better: in 2023/24 the five with 10 to 50 did better, 6th of 16 (quartile 1.5: the 2nd);
# in 2024/25 fourteen did, 15th of 16 (3.75: the 4th). The peer median is 80 both years.
PEERS = [f"P{i:02d}" for i in range(1, 16)]
BENCHMARKS = pd.DataFrame(
    [
        {"metric": "visits", "authority_code": code, "period": year, "value": 10.0 * (i + 1), "group": "nn"}
        for year in ("2023/24", "2024/25")
        for i, code in enumerate(PEERS)
    ]
    + [
        {"metric": "visits", "authority_code": "E92000001", "period": "2023/24", "value": 70.0, "group": "england"},
        {"metric": "visits", "authority_code": "E92000001", "period": "2024/25", "value": 75.0, "group": "england"},
    ]
)
OWN = pd.Series({"2023/24": 55.0, "2024/25": 145.0})


def visits(polarity: str):
    """An annual count benchmarked against the fifteen, as a deep dive reads it."""
    values = {code: 10.0 * (i + 1) for i, code in enumerate(PEERS)}
    return reading(
        status_row(indicator_id="LIB-01", title="Library visits per 1,000 people", period="2024/25", value=145.0),
        register_row(
            indicator_id="LIB-01",
            title="Library visits per 1,000 people",
            unit="count",
            decimals=0,
            polarity=polarity,
            frequency="annual",
        ),
        peer_group=peers(values, 145.0, higher_better=polarity == "higher_is_better", national=75.0),
    )


def trend(polarity: str, words) -> tuple:
    history = benchmarking.trajectory("visits", polarity, OWN, BENCHMARKS, "nn")
    return history, soup(benchmark_trend(visits(polarity), history, "Thornbury Vale", words))


def test_the_rank_table_says_each_years_place_among_similar_councils_1st_being_best(internal):
    history, html = trend("higher_is_better", internal)
    assert [text(th) for th in html.select("table thead th")] == [
        "Period",
        "Thornbury Vale",
        "Rank (1st is best)",
        "Quartile",
        "Peer median",
        "England",
    ]
    assert table_rows(html) == [
        ["2023/24", "55", "11 of 16", "3rd", "80", "70"],
        ["2024/25", "145", "2 of 16", "1st", "80", "75"],
    ]
    # the table prints the trajectory's own ranks, not a rank counted from the other end
    assert [row[2] for row in table_rows(html)] == [f"{r.rank} of {r.councils}" for r in history.itertuples()]
    assert html.select_one("img.benchmark-trend")["alt"] == (
        "Library visits per 1,000 people: line chart of Thornbury Vale against nearest neighbours, 2023/24 to 2024/25. "
        "Ranked 11 of 16 in 2023/24 (55, peer median 80) and 2 of 16 in 2024/25 (145, peer median 80)."
    )


def test_where_lower_is_better_the_same_figures_rank_from_the_other_end(internal, public):
    history, html = trend("lower_is_better", internal)
    assert [row[2:4] for row in table_rows(html)] == [["6 of 16", "2nd"], ["15 of 16", "4th"]]
    assert [row[2] for row in table_rows(html)] == [f"{r.rank} of {r.councils}" for r in history.itertuples()]
    _, plain = trend("lower_is_better", public)
    assert [text(th) for th in plain.select("table thead th")][3:5] == ["Among similar councils", "Middle figure"]
    assert [row[3] for row in table_rows(plain)] == ["Second-best 25%", "Worst 25%"]


def test_no_ranks_no_trend(internal):
    unranked = benchmarking.trajectory("visits", "higher_is_better", pd.Series(dtype=float), BENCHMARKS, "nn")
    assert unranked["rank"].isna().all() and len(unranked) == 2
    assert benchmark_trend(visits("higher_is_better"), unranked, "Thornbury Vale", internal) == ""


def test_residents_read_the_trend_chart_against_similar_councils_with_the_middle_figure(public):
    _, html = trend("higher_is_better", public)
    assert html.select_one("img.benchmark-trend")["alt"] == (
        "Library visits per 1,000 people: line chart of Thornbury Vale against similar councils, 2023/24 to 2024/25. "
        "Ranked 11 of 16 in 2023/24 (55, middle figure 80) and 2 of 16 in 2024/25 (145, middle figure 80)."
    )
