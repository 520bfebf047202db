"""KPI tiles as a reader sees them: value with unit, target, status word, directions, rank line, SPC, alt text."""

import pandas as pd
from component_helpers import peers, reading, register_row, soup, status_row, text, view

from pmkit.components.tile import kpi_tile, kpi_tiles

# 15 months from Jul 2024 to Sep 2025. Mean 90.1667, mean moving range 19/14 = 1.357, so the limits
# are 86.56 to 93.78: the last value, 87.0, is inside them (common cause), and the target 92 lies
# between them (hit and miss). The last twelve run from Oct 2024 (90.0) to Sep 2025 (87.0).
STEADY = [90.0, 91.0, 89.0, 90.0, 92.0, 91.0, 90.0, 89.0, 91.0, 90.0, 92.0, 91.0, 90.0, 89.5, 87.0]


def tile(r, words, note=None):
    return soup(kpi_tile(r, note, words)).article


def test_value_unit_period_status_and_target(internal):
    t = tile(reading(spc_view=view(STEADY, "Jul 2024")), internal)
    assert t["data-indicator"] == "REP-01" and t["data-status"] == "red"
    assert text(t.select_one(".kpi-value .value")) == "87.0%"
    assert text(t.select_one(".kpi-value .period")) == "Sep 2025"
    assert text(t.select_one(".status")) == "\u2716 Off target"
    assert text(t.select_one(".target")) == "Target: 92.0%"


def test_other_units_keep_their_unit_and_decimals(internal):
    money = tile(
        reading(
            status_row(value=1250.0, target=1200.0, rag="red"),
            register_row(unit="gbp", decimals=0, polarity="lower_is_better"),
        ),
        internal,
    )
    assert text(money.select_one(".value")) == "£1,250" and text(money.select_one(".target")) == "Target: £1,200"
    days = tile(
        reading(status_row(value=12.5, target=None, rag="no_target"), register_row(unit="days", decimals=1)), internal
    )
    assert text(days.select_one(".value")) == "12.5 days" and text(days.select_one(".target")) == "Target: No target"


def test_both_directions_are_shown_when_they_differ_and_the_headline_is_named(internal):
    t = tile(reading(), internal)  # declining on the month, improving on the year; not seasonal
    lines = [text(p) for p in t.select("p.direction")]
    assert lines == ["\u2198 Declining since previous month (headline)", "\u2197 Improving since same period last year"]
    # the headline shows; the other comparison sits behind the drill-down
    assert [text(p) for p in t.details.select("p.direction")] == ["\u2197 Improving since same period last year"]


def test_a_seasonal_indicator_declining_twice_shows_the_month_and_says_the_year_is_the_headline(internal):
    row = status_row(
        dot_previous="declining",
        dot_last_year="no_change",
        dot="no_change",
        rag="amber",
        exceptions=["declining_twice"],
    )
    t = tile(reading(row, register_row(seasonal=True)), internal)
    lines = [text(p) for p in t.select("p.direction")]
    assert lines == [
        "\u2192 No change since same period last year (headline: seasonal, so compared with the same period last year)",
        "\u2198 Declining since previous month (and the month before)",
    ]


def test_one_direction_when_both_agree(internal):
    row = status_row(dot_previous="improving", dot_last_year="improving", dot="improving", rag="green", exceptions=[])
    assert [text(p) for p in tile(reading(row), internal).select("p.direction")] == [
        "\u2197 Improving since previous month"
    ]


def test_rank_line_states_quartile_rank_and_peer_median(internal, public):
    group = peers({"A": 95.0, "B": 93.0, "C": 91.0, "D": 86.0, "E": 85.0}, own=87.0)  # 3 better, 2 worse
    row = status_row(quartile=3, rank=4, n_peers=5, peer_median=91.0)
    assert text(tile(reading(row, peer_group=group), internal).select_one(".bench")) == (
        "3rd quartile of 6 (nearest neighbours and this council), ranked 4; peer median 91.0%"
    )
    assert text(tile(reading(row, peer_group=group), public).select_one(".bench")) == (
        "Worse than most similar councils: ranked 4th of 6 (1st is best); the middle figure was 91.0%"
    )
    assert tile(reading(row, peer_group=group), internal).select_one(".bench a")["href"] == "#bench-REP-01"


def test_public_rank_words_are_true_of_the_counts(public):
    # Rank 3 of 5: two peers better, two worse: neither "better" nor "worse than most".
    group = peers({"A": 95.0, "B": 93.0, "C": 85.0, "D": 80.0}, own=90.0)
    row = status_row(quartile=3, rank=3, n_peers=4, peer_median=89.0)
    assert text(tile(reading(row, peer_group=group), public).select_one(".bench")).startswith(
        "In the middle of similar councils"
    )
    best = peers({"A": 80.0, "B": 70.0, "C": 60.0}, own=90.0)
    row = status_row(quartile=1, rank=1, n_peers=3, peer_median=70.0)
    assert text(tile(reading(row, peer_group=best), public).select_one(".bench")).startswith(
        "Among the best 25% of similar councils"
    )


def test_sparkline_alt_states_the_trend_with_its_numbers(internal):
    img = tile(reading(spc_view=view(STEADY, "Jul 2024")), internal).select_one("img.sparkline")
    assert img["src"].startswith("data:image/png;base64,")
    assert img["alt"] == (
        "Trend over 12 months from Oct 2024 to Sep 2025: fell from 90.0% to 87.0% "
        "(declining since previous month); dashed line shows the target of 92.0%, the latest figure below its "
        "target (worse)."
    )


def test_spc_icons_show_variation_and_assurance(internal, public):
    t = tile(reading(spc_view=view(STEADY, "Jul 2024")), internal)
    icons = [i["data-icon"] for i in t.details.select(".pmkit-spc-icon")]  # behind the drill-down
    assert icons == ["common_cause", "inconsistent"]
    assert "Hit and miss: may or may not meet the target" in text(t)
    plain = tile(reading(spc_view=view(STEADY, "Jul 2024")), public)
    assert "Within its usual range this month" in text(plain) and "Sometimes meets its target, sometimes not" in text(
        plain
    )
    quarterly = tile(reading(info=register_row(frequency="quarterly"), spc_view=view(STEADY, "Jul 2024")), public)
    assert "Within its usual range this quarter" in text(quarterly)  # the indicator's own period, not a month


def test_stale_limits_replace_the_assurance_verdict_and_suggest_a_rebase(internal):
    # Fourteen values alternating 10 and 11 from Jan 2024, then seven near 13 from Mar 2025 on.
    values = [10.0, 11.0] * 7 + [13.0, 12.5, 13.2, 12.8, 13.1, 12.9, 13.0]
    row = status_row(value=13.0, target=12.0, rag="green", exceptions=[])
    t = tile(reading(row, spc_view=view(values, "Jan 2024", target=12.0)), internal)
    assert not [
        i
        for i in t.select(".pmkit-spc-icon")
        if i["data-icon"] in ("consistent_pass", "consistent_fail", "inconsistent")
    ]
    assert text(t.select_one(".stale-limits")) == (
        "\u26a0 Limits out of date: 7 months in a row above the mean since Mar 2025, a sustained shift. "
        "No assurance verdict from the old limits; suggested rebase: Mar 2025."
    )


def test_a_status_that_seems_to_deny_the_assurance_icon_says_why(internal, public):
    # The process ran at 95-96% (limits 91.5% to 98.7%, all above the 91% target), then 90%: below
    # the lower limit. Near target now, though the process would consistently meet the target.
    values = [95.0, 96.0] * 7 + [90.0]
    row = status_row(value=90.0, target=91.0, rag="amber", exceptions=["spc_concern"])
    t = tile(reading(row, spc_view=view(values, "Jul 2024", target=91.0)), internal)
    assert [i["data-icon"] for i in t.select(".pmkit-spc-icon")] == ["concern_low", "consistent_pass"]
    assert text(t.select_one(".why-differ")) == (
        "Near target this month, although the process limits (91.5% to 98.7%) lie wholly on the right side of the "
        "target, so the process would consistently meet it: this value is outside the limits, a special cause to investigate."
    )
    plain = tile(reading(row, spc_view=view(values, "Jul 2024", target=91.0)), public)
    assert text(plain.select_one(".why-differ")) == (
        "It usually meets its target, so missing it this month is unusual: the figure is outside the range it "
        "normally stays within (91.5% to 98.7%)."
    )


def test_no_reason_is_given_when_status_and_assurance_agree(internal):
    t = tile(reading(spc_view=view(STEADY, "Jul 2024")), internal)
    assert t.select_one(".why-differ") is None and t.select_one(".stale-limits") is None


def test_drill_down_has_definition_owner_and_commentary_for_members_only_owner(internal, public):
    note = pd.Series({"text": "Two **surveyors** left.", "actions": "- Recruit two surveyors"})
    inside = tile(reading(), internal, note)
    terms = [text(dt) for dt in inside.select("dt")]
    assert terms == [
        "Definition",
        "Why it matters",
        "Target",
        "Owner",
        "Data source",
        "Data quality",
        "Commentary",
        "Actions",
    ]
    assert "<strong>surveyors</strong>" in str(inside.select("dd")[6])
    assert text(inside.select("dd")[3]) == "Head of Repairs"
    outside = tile(reading(), public, note)
    assert "Owner" not in [text(dt) for dt in outside.select("dt")] and "Head of Repairs" not in text(outside)
    assert "What is being done" in [text(dt) for dt in outside.select("dt")]
    assert text(outside.select_one("summary")) == "About this measure Repairs completed on time"


def test_too_few_values_say_so_internally_and_say_nothing_publicly(internal, public):
    short = view([90.0, 91.0, 89.0, 90.0], "Jun 2025")
    assert "Not enough data for SPC: 4 points" in text(tile(reading(spc_view=short), internal))
    said = text(tile(reading(spc_view=short), public))
    assert "SPC" not in said and "usual" not in said and "too few" not in said


def test_tiles_are_grouped_by_council_priority_with_counts(internal):
    homes = reading(status_row(indicator_id="A", rag="red"), register_row(indicator_id="A", priority="Good homes"))
    green = reading(
        status_row(indicator_id="B", rag="green", exceptions=[]),
        register_row(indicator_id="B", priority="Clean streets"),
    )
    more = reading(
        status_row(indicator_id="C", rag="green", exceptions=[]), register_row(indicator_id="C", priority="Good homes")
    )
    page = soup(kpi_tiles([homes, green, more], None, internal))
    groups = [
        (text(s.h3), text(s.select_one(".priority-counts")), [a["data-indicator"] for a in s.select("article")])
        for s in page.select("section.priority")
    ]
    assert groups == [
        ("Good homes", "2 indicators: 1 on target, 1 off target.", ["A", "C"]),
        ("Clean streets", "1 indicator: 1 on target.", ["B"]),
    ]


def test_text_from_data_is_escaped(internal):
    evil = reading(
        status_row(title='<script>alert("t")</script>'), register_row(definition="<img src=x onerror=alert(1)>")
    )
    html = kpi_tile(evil, None, internal)
    assert "<script>" not in html and "<img src=x" not in html and "&lt;script&gt;" in html


def test_a_figure_is_shown_at_the_registers_decimals_on_the_tile_and_in_its_trend(internal):
    two_places = register_row(decimals=2)
    trail = view([90.25, 91.5, 89.75, 90.0, 87.25], "May 2025")
    t = tile(reading(status_row(value=87.25, target=92.0), two_places, trail), internal)
    assert text(t.select_one(".kpi-value .value")) == "87.25%"
    assert text(t.select_one(".target")) == "Target: 92.00%"
    assert t.select_one("img.sparkline")["alt"].startswith(
        "Trend over 5 months from May 2025 to Sep 2025: fell from 90.25% to 87.25%"
    )


def test_the_data_quality_line_says_how_final_the_figure_is(internal):
    def quality(row):
        t = tile(reading(row), internal)
        return {text(dt): text(dd) for dt, dd in zip(t.select("dt"), t.select("dd"))}["Data quality"]

    assert quality(status_row(quality="provisional")) == "Provisional"
    assert quality(status_row(quality="estimated")) == "Estimated"
    assert quality(status_row(quality=None)) == "Final"
    assert quality(status_row(value=float("nan"), rag="no_data", quality=None)) == "No value supplied"
