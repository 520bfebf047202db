"""The annual report's pieces: council plan actions, the year in numbers, and the year-end table."""

import pandas as pd
from component_helpers import reading, register_row, soup, status_row, text, view

from pmkit.components.actions import action_summary, next_steps, slipped
from pmkit.components.words import words_for
from pmkit.components.year_end import year_end_table
from pmkit.io import periods
from pmkit.reports.annual import volumes, year_in_numbers

YEAR = periods.parse("2024/25")
INTERNAL, PUBLIC = words_for("internal"), words_for("public")
ACTIONS = pd.DataFrame(
    {
        "action_id": ["A1", "A2", "A3", "A4", "A5"],
        "title": ["Open hubs", "Recommission care", "Cut waits", "Buy homes", "New app"],
        "priority": "Homes",
        "directorate": "Housing",
        "lead": "Head of X",
        "due": ["2024/25 Q2", "2025/26 Q3", "2024/25 Q4", "2025/26 Q4", "2024/25 Q1"],
        "status": ["complete", "at_risk", "on_track", "on_track", "off_track"],
        "percent_complete": [100.0, 55.0, 80.0, 40.0, 10.0],
        "update": ["Done.", "**Two** providers left.", "", "", "Tender failed."],
        "public": [True, True, True, True, False],
    }
)


def test_slipped_actions_are_at_risk_off_track_or_past_due_and_not_complete():
    # A3 is "on track" but was due in 2024/25 Q4, which ended by the end of 2024/25: overdue.
    assert slipped(ACTIONS, YEAR)["action_id"].tolist() == ["A2", "A3", "A5"]


def test_action_summary_counts_and_lists_what_slipped_with_updates():
    html = soup(action_summary(ACTIONS, YEAR, INTERNAL))
    assert (
        text(html.select_one(".actions-count"))
        == "1 of 5 actions completed by 31 March 2025 , \u2716 1 off track , \u25b2 1 at risk , \u2192 2 on track ."
    )
    assert [a["data-action"] for a in html.select("li[data-action]")] == ["A2", "A5", "A3"]  # by status, then id
    a2 = html.select_one('li[data-action="A2"]')
    assert " ".join(a2.get_text().split()) == (
        "Recommission care (A2) \u25b2 At risk, 55% done; due 2025/26 Q3; lead: Head of X. Two providers left."
    )
    assert a2.select_one(".commentary strong") is not None
    assert "(now overdue)" in text(html.select_one('li[data-action="A3"]'))
    plain = soup(action_summary(ACTIONS[ACTIONS["public"]], YEAR, PUBLIC))
    assert "Head of X" not in text(plain) and "(A2)" not in text(plain)


def test_next_steps_lists_what_ended_off_target_and_the_open_actions_by_due_date():
    html = soup(
        next_steps(
            ["Repairs: 78.3% against a target of 88.4%."], ACTIONS[ACTIONS["status"] != "complete"], YEAR, INTERNAL
        )
    )
    assert [text(li) for li in html.select(".next-off-target li")] == ["Repairs: 78.3% against a target of 88.4%."]
    assert [text(li).split(":")[0] for li in html.select(".next-actions li")] == [
        "New app",
        "Cut waits",
        "Recommission care",
        "Buy homes",
    ]


def measure_rows(iid, labels, values):
    return pd.DataFrame({"indicator_id": iid, "period": labels, "value": values})


def test_volumes_are_flows_with_a_whole_year_largest_first():
    # Rows as the annual report's status holds them: each year's figure already added up by its aggregation.
    visits = reading(
        status_row(indicator_id="VISITS", value=12000.0, aggregation="sum", coverage=""),
        register_row(indicator_id="VISITS", unit="count"),
    )
    calls = reading(
        status_row(indicator_id="CALLS", value=5500.0, aggregation="sum", coverage="11 of 12 months"),
        register_row(indicator_id="CALLS", unit="count"),
    )
    homes = reading(
        status_row(indicator_id="HOMES", value=251.0, aggregation="sum", coverage=""),
        register_row(indicator_id="HOMES", unit="count", frequency="annual"),
    )
    waiting = reading(
        status_row(indicator_id="WAITING", value=900.0, aggregation="last", coverage=""),
        register_row(indicator_id="WAITING", unit="count"),
    )  # a stock is no volume of service
    waits = reading(
        status_row(indicator_id="WAITS", value=40.0),
        register_row(indicator_id="WAITS", unit="count", polarity="lower_is_better"),
    )
    found = [(r.indicator_id, total) for r, total in volumes([visits, calls, homes, waiting, waits])]
    assert found == [("VISITS", 12000.0), ("HOMES", 251.0)]


def test_year_in_numbers_by_rule():
    # Two on target, one near, one off. Only an improvement larger than the figure usually moves is news: BIG moved
    # 6 points where its moving ranges average (13 x 1 + 5) / 14 = 1.29, so at most 3.267 x 1.29 = 4.2 is usual;
    # SMALL moved from 1 to 0, well within the 3.267 x 1 it moves as a rule, so it is no headline figure.
    big = reading(
        status_row(
            indicator_id="BIG",
            title="Repairs on time",
            value=96.0,
            target=90.0,
            rag="green",
            dot="improving",
            last_year_value=90.0,
            previous_value=90.0,
        ),
        register_row(indicator_id="BIG"),
        view([90.0, 91.0] * 7 + [96.0], "Jan 2024", target=90.0),
    )
    small = reading(
        status_row(
            indicator_id="SMALL",
            title="Families in B&B",
            value=0.0,
            target=1.0,
            rag="green",
            dot="improving",
            last_year_value=1.0,
            previous_value=1.0,
        ),
        register_row(indicator_id="SMALL", unit="count", decimals=0, polarity="lower_is_better"),
        view([0.0, 1.0] * 7 + [0.0], "Jan 2024", improvement="decrease", target=1.0),
    )
    near = reading(status_row(indicator_id="N", rag="amber", dot="no_change"), register_row(indicator_id="N"))
    off = reading(status_row(indicator_id="O", rag="red", dot="declining"), register_row(indicator_id="O"))
    figures = year_in_numbers([small, big, near, off], ACTIONS, YEAR, public=False)
    assert [(f.value, f.label, f.detail) for f in figures] == [
        ("2 of 4", "indicators on target at year end", "1 more near target."),
        (
            "1 of 3",
            "council plan actions due in 2024/25 completed by 31 March 2025",
            "",
        ),  # A2 and A4 are due in 2025/26
        ("96.0%", "Repairs on time", "Up from 90.0% in Sep 2024."),
    ]


def test_year_end_table_has_five_years_target_status_and_an_alt_text_with_its_numbers():
    r = reading(
        status_row(period="2024/25", value=87.0, target=92.0, rag="red", dot="improving"),
        register_row(frequency="annual"),
    )
    years = ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    history = pd.DataFrame({"indicator_id": "REP-01", "year": years, "value": [80.0, 82.5, None, 85.0, 87.0]})
    html = soup(year_end_table([r], years, history, None, INTERNAL))
    cells = [text(c) for c in html.select("tbody tr")[0].select("th, td")]
    # The direction is a word under the column "On last year" (not "Improving since same period last year" in every row),
    # and the row is the anchor other pages link to.
    assert cells[1:9] == ["80.0%", "82.5%", "–", "85.0%", "87.0%", "92.0%", "\u2716 Off target", "Improving"]
    assert [text(th) for th in html.select("thead th")][8] == "On last year"
    assert html.select_one("tbody tr")["id"] == "ind-rep-01"
    assert cells[0] == "Repairs completed on time" and cells[-1] == "Head of Repairs"
    assert html.select_one("img.sparkline")["alt"] == (
        "Repairs completed on time, 2020/21 to 2024/25: rose from 80.0% to "
        "87.0%; the 2024/25 target was 92.0%, and 2024/25 ended below its "
        "target (worse)."
    )
    assert "Owner" not in text(soup(year_end_table([r], years, history, None, PUBLIC)))


def test_year_end_table_says_what_each_figure_is():
    # A flow's row says its years are totals; a stock's, figures at 31 March; the year that lacks a month says so.
    years = ["2023/24", "2024/25"]
    visits = reading(
        status_row(
            indicator_id="VIS",
            title="Library visits",
            period="2024/25",
            value=725536.0,
            target=694800.0,
            rag="green",
            dot="improving",
            basis="total for the year",
            coverage="11 of 12 months",
        ),
        register_row(indicator_id="VIS", title="Library visits", unit="count", decimals=0, frequency="annual"),
    )
    waiting = reading(
        status_row(
            indicator_id="WAIT",
            title="People waiting",
            period="2024/25",
            value=410.0,
            target=400.0,
            rag="amber",
            dot="declining",
            basis="at 31 March 2025",
            coverage="",
        ),
        register_row(
            indicator_id="WAIT",
            title="People waiting",
            unit="count",
            decimals=0,
            frequency="annual",
            polarity="lower_is_better",
        ),
    )
    history = pd.DataFrame(
        {"indicator_id": ["VIS", "VIS", "WAIT", "WAIT"], "year": years * 2, "value": [700100.0, 725536.0, 380.0, 410.0]}
    )
    html = soup(year_end_table([visits, waiting], years, history, None, PUBLIC))
    heads = [text(th) for th in html.select("tbody th")]
    assert heads == ["Library visits Total for the year; 2024/25 from 11 of 12 months", "People waiting At 31 March"]
    assert [text(td) for td in html.select('tr[data-indicator="VIS"] td')][:2] == ["700,100", "725,536"]


def test_a_monthly_indicators_year_end_commentary_is_its_last_months():
    # The year's figure is 2024/25; the officers wrote their year-end commentary against March 2025, its last month.
    r = reading(
        status_row(
            period="2024/25",
            value=81.5,
            target=84.0,
            rag="amber",
            dot="declining",
            basis="the year as a whole",
            coverage="",
            last_period="Mar 2025",
        ),
        register_row(frequency="annual"),
    )
    commentary = pd.DataFrame(
        {
            "indicator_id": ["REP-01"],
            "directorate": [""],
            "period": ["Mar 2025"],
            "audience": ["internal"],
            "text": ["Two contractors left in *January*."],
            "actions": [""],
        }
    )
    history = pd.DataFrame({"indicator_id": "REP-01", "year": ["2023/24", "2024/25"], "value": [82.6, 81.5]})
    html = soup(year_end_table([r], ["2023/24", "2024/25"], history, commentary, INTERNAL))
    assert [text(dd) for dd in html.select(".year-end-commentary dd")] == ["Two contractors left in January ."]


def test_a_directorate_without_actions_shows_no_actions_part(internal):
    assert (
        action_summary(pd.DataFrame(columns=["action_id", "status", "due"]), periods.parse("2025/26 Q2"), internal)
        == ""
    )


def test_an_anchor_drops_apostrophes_of_either_kind():
    from pmkit.components.anchors import slugify

    assert slugify("Children\u2019s Services") == slugify("Children's Services") == "childrens-services"
    assert slugify("  Adults' social care: Q2 ") == "adults-social-care-q2"
