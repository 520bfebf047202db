"""SPC charts that cannot show impossible ranges, and running totals charted on each period's own figure.

Every expected figure is worked out by hand in the comments: XmR limits are mean ± 2.66 × mean moving range.
"""

import pandas as pd
from component_helpers import month_labels, register_row, soup, status_row, text
from component_helpers import reading as make_reading

from pmkit.components import charts
from pmkit.components import spc_chart as chart
from pmkit.components.spc_chart import spc_icons, spc_section
from pmkit.io import periods
from pmkit.judge import reading, spc, status
from pmkit.judge.reading import SpcView

# Families in bed and breakfast over six weeks: 0, 1, 2, 1 four times. Mean 16 / 16 = 1; every moving
# range is 1, so the limits are 1 ± 2.66 = -1.66 to 3.66, shown to one decimal more than the values
# (0 decimals): -1.7 to 3.7. A count cannot fall below 0, so the lower limit is drawn and stated at 0.
FAMILIES = [0.0, 1.0, 2.0, 1.0] * 4


def families(target: float | None = 0.0):
    info = register_row(
        indicator_id="HOU-03",
        title="Families in bed and breakfast over six weeks",
        unit="count",
        decimals=0,
        polarity="lower_is_better",
    )
    row = status_row(
        indicator_id="HOU-03",
        title="Families in bed and breakfast over six weeks",
        value=1.0,
        target=target,
        rag="red",
        period="Jul 2025",
        exceptions=["red"],
    )
    labels = month_labels("Apr 2024", len(FAMILIES))
    return make_reading(row, info, SpcView(spc.xmr(FAMILIES, improvement="decrease", target=target), labels, target))


def last_row(section) -> list[str]:
    return [text(td) for td in section.select(".spc-data tbody tr")[-1].select("th, td")]


def test_a_count_limit_below_zero_is_drawn_at_zero_and_says_so(internal):
    section = soup(spc_section([families()], internal))
    alt = section.select_one("img.spc-chart")["alt"]
    assert "process limits 0 to 4" in alt  # at the register's 0 decimals: 3.7 reads 4
    assert "-1.7" not in alt and "-1.7" not in text(section)
    said = "The lower process limit would fall below 0, the lowest possible value, so it is drawn at 0."
    assert said in alt
    assert said in [text(p) for p in section.select(".spc-note")]
    assert last_row(section)[:5] == ["Jul 2025", "1", "1", "0", "4"]  # mean 1.29 and limit 3.7 at 0 decimals


def test_the_public_usual_range_starts_at_zero(public):
    section = soup(spc_section([families()], public))
    alt = section.select_one("img.spc-chart")["alt"]
    assert "usual range 0 to 4" in alt
    said = "The bottom of the usual range would fall below 0, the lowest possible figure, so it is shown as 0."
    assert said in alt and said in text(section)
    assert "Bottom of usual range" in text(section.select_one(".spc-data thead"))
    assert last_row(section)[3] == "0"


# Residents satisfied, a percentage: 95, 99 seven times. Mean 97, every moving range 4, so the limits
# are 97 ± 10.64 = 86.36% to 107.64%. No percentage passes 100%, so the upper limit is drawn at 100%.
SATISFIED = [95.0, 99.0] * 7


def satisfied(**register):
    info = register_row(indicator_id="SAT-01", title="Residents satisfied", decimals=1, **register)
    row = status_row(
        indicator_id="SAT-01",
        title="Residents satisfied",
        value=99.0,
        target=None,
        rag="no_target",
        period="May 2025",
        exceptions=[],
    )
    return make_reading(row, info, SpcView(spc.xmr(SATISFIED), month_labels("Apr 2024", len(SATISFIED)), None))


def test_a_percentage_limit_above_100_is_drawn_at_100(internal):
    section = soup(spc_section([satisfied()], internal))
    alt = section.select_one("img.spc-chart")["alt"]
    assert "process limits 86.4% to 100%" in alt  # at the register's 1 decimal
    assert "107.6" not in alt + text(section)
    assert "The upper process limit would rise above 100%, the highest possible value, so it is drawn at 100%." in alt
    assert last_row(section)[3:5] == ["86.4%", "100%"]


def test_the_register_maximum_overrides_the_unit_bound(internal):
    # Rent collected can pass 100% (arrears collected): the register says its maximum is 110, so 107.64% stands.
    section = soup(spc_section([satisfied(maximum=110.0)], internal))
    alt = section.select_one("img.spc-chart")["alt"]
    assert "process limits 86.4% to 107.6%" in alt
    assert not section.select(".spc-note")


def test_the_tile_disagreement_states_clipped_limits(internal):
    # Lower is better, target 5: limits -1.7 (drawn at 0) to 3.7 lie below the target, so the process
    # consistently passes; a latest value of 6 is off target and outside the limits.
    values = [0.0, 1.0, 2.0, 1.0] * 4 + [6.0]
    info = register_row(unit="count", decimals=0, polarity="lower_is_better")
    row = status_row(value=6.0, target=5.0, rag="red", period="Aug 2025", exceptions=["red"])
    view = SpcView(spc.xmr(values, improvement="decrease", target=5.0), month_labels("Apr 2024", len(values)), 5.0)
    line = text(soup(spc_icons(make_reading(row, info, view), internal)).select_one(".why-differ"))
    # One section of 17 values: mean 22 / 17 = 1.294; moving ranges fifteen 1s and a 5, mean 20 / 16 =
    # 1.25; limits 1.294 ± 3.325 = -2.03 (drawn at 0) to 4.62.
    assert "process limits (0 to 5)" in line  # 4.62 at 0 decimals


# --- running totals: affordable homes delivered (year to date), quarterly ----------------------------------
# Each year's quarters deliver 20, 24, 22, 26 homes, so the running totals are 20, 44, 66, 92. In
# 2025/26 Q1 23 homes, then 2 in Q2: the year to date is 23 then 25. On the quarters' own figures the 2
# is far below the lower limit (about 10); on the running totals it looks like any year's second quarter.
OWN = [20.0, 24.0, 22.0, 26.0] * 4 + [23.0, 2.0]
YTD = [20.0, 44.0, 66.0, 92.0] * 4 + [23.0, 25.0]
QUARTERS = [periods.label_of(periods.parse("2021/22 Q1").start + 3 * i, "quarterly") for i in range(len(YTD))]
HOMES = pd.DataFrame(
    [
        {
            "indicator_id": "HOM-01",
            "title": "Affordable homes delivered (year to date)",
            "directorate": "Housing",
            "unit": "count",
            "polarity": "higher_is_better",
            "frequency": "quarterly",
            "decimals": 0,
            "tolerance": 0.05,
            "tolerance_type": "relative",
            "seasonal": False,
            "cumulative": True,
            "benchmark_metric": "",
            "priority": "Homes",
        }
    ]
)
MEASURES = pd.DataFrame({"indicator_id": "HOM-01", "period": QUARTERS, "value": YTD})
TARGETS = pd.DataFrame({"indicator_id": ["HOM-01"], "period": ["2025/26"], "target": [90.0]})


def homes():
    st = status.assess(MEASURES, HOMES, "2025/26 Q2", targets=TARGETS)
    views = reading.spc_views(MEASURES, HOMES, st, "2025/26 Q2", targets=TARGETS)
    return st, reading.read(st, HOMES, views, targets=TARGETS)["HOM-01"]


def test_a_running_total_is_charted_on_each_quarters_own_figure(internal):
    st, r = homes()
    section = soup(spc_section([r], internal))
    assert text(section.select_one(".spc-message")) == (
        "Special cause of concern: the latest value is below the lower process limit."
    )
    said = (
        "Drawn on each quarter's own figure (the difference between consecutive year-to-date figures), not the "
        "running total, whose rise through each year is not variation. Its target is for the running total, so it "
        "is not drawn and gives no assurance verdict."
    )
    assert said in text(section) and said in section.select_one("img.spc-chart")["alt"]
    head = [text(th) for th in section.select(".spc-data thead th")]
    assert head[:3] == ["Period", "Value for the quarter", "Year to date"]
    rows = {text(tr.th): [text(td) for td in tr.select("td")] for tr in section.select(".spc-data tbody tr")}
    assert rows["2024/25 Q2"][:2] == ["24", "44"]
    assert rows["2025/26 Q2"][:2] == ["2", "25"]
    assert "Target" not in section.select_one("img.spc-chart")["alt"]


def test_the_picture_of_a_running_total_says_under_its_title_what_it_shows(monkeypatch, internal, public):
    # The title names the running total; the points are each quarter's own figure, and the picture says so.
    drawn = []
    blank = charts.Drawing("data:image/png;base64,", 820, 460, 11.0)
    monkeypatch.setattr(chart, "figure_to_data_uri", lambda fig, **_: drawn.append(fig) or blank)
    _, r = homes()
    spc_section([r], internal)
    wide = drawn[0]
    assert wide.axes[0].get_title(loc="left") == (
        "Each quarter's own figure, not the running total, higher is better; dashed lines show the usual range"
    )
    assert wide._suptitle.get_text() == "Affordable homes delivered (year to date)"
    charts.forget_drawings()
    spc_section([r], public)  # the same picture for residents
    assert drawn[2].axes[0].get_title(loc="left") == wide.axes[0].get_title(loc="left")


def test_the_status_engine_judges_the_same_in_period_figures(internal):
    st, r = homes()
    assert "spc_concern" in st.set_index("indicator_id").loc["HOM-01", "exceptions"]
    assert r.variation == "concern_low" and r.assurance is None
    # The tile's own figures stay the running totals; its SPC line says what it judges.
    assert r.history(3).tolist() == [92.0, 23.0, 25.0]
    assert (
        text(soup(spc_icons(r, internal)).select_one(".spc-basis"))
        == "SPC on each quarter's own figure, not the running total."
    )


def test_the_public_chart_says_the_same_plainly(public):
    _, r = homes()
    section = soup(spc_section([r], public))
    assert "Drawn on each quarter's own figure, not the running total for the year." in text(section)


def test_a_quarter_missing_within_a_year_leaves_the_next_quarters_own_figure_unknown():
    # 2025/26 Q1 is missing: Q2's running total (25) cannot be split into Q1 and Q2, so SPC has no figure for Q2.
    gap = MEASURES[MEASURES["period"] != "2025/26 Q1"]
    st = status.assess(gap, HOMES, "2025/26 Q2", targets=TARGETS)
    view = reading.spc_views(gap, HOMES, st, "2025/26 Q2")["HOM-01"]
    assert view.result.dropped_positions == (16,) and view.labels[16] == "2025/26 Q2"
    assert "spc_concern" not in st.set_index("indicator_id").loc["HOM-01", "exceptions"]


def test_a_series_too_short_for_limits_claims_no_clipping():
    from pmkit.components.spc_chart import spc_chart

    _, alt = spc_chart(spc.xmr([1.0, 2.0, 3.0]), "Families in bed and breakfast", unit="count")
    assert "lowest possible" not in alt and "highest possible" not in alt
