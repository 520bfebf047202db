"""Words for people: quartiles as shares of similar councils, numbers and nouns that agree, "a" and
"an" as they are said, means and limits at the measure's decimals, and analyst housekeeping kept
out of what members and residents read. Expected text is written out by hand."""

import pandas as pd
from component_helpers import peers, reading, register_row, soup, status_row, text, view

from pmkit.components import page
from pmkit.components.benchmark_chart import benchmark_section
from pmkit.components.exceptions import exception_list
from pmkit.components.funnel_chart import breakdown_section
from pmkit.components.narrative import headlines
from pmkit.components.spc_chart import spc_section, too_few_points
from pmkit.components.theme_summary import theme_summary_block
from pmkit.components.tile import kpi_tile
from pmkit.io.periods import parse
from pmkit.judge import spc
from pmkit.judge.themes import ThemeSummary
from pmkit.reports.annual import year_in_numbers
from pmkit.reports.deep_dive import history_notes


def top_of_four():
    # 90.0% against peers on 80, 70 and 60: best of 4, so the 1st quartile.
    return reading(
        status_row(quartile=1, rank=1, n_peers=3, peer_median=70.0, rag="green", exceptions=[]),
        peer_group=peers({"A": 80.0, "B": 70.0, "C": 60.0}, own=90.0),
    )


def bottom_of_four(iid="REP-02", title="Calls answered"):
    # 50.0% against peers on 80, 70 and 60: worst of 4, the 4th quartile; on target (45.0%).
    return reading(
        status_row(
            indicator_id=iid,
            title=title,
            value=50.0,
            target=45.0,
            quartile=4,
            rank=4,
            n_peers=3,
            peer_median=70.0,
            rag="green",
            exceptions=["green_bottom_quartile"],
        ),
        register_row(indicator_id=iid, title=title),
        peer_group=peers({"A": 80.0, "B": 70.0, "C": 60.0}, own=50.0),
    )


# --- quartiles -------------------------------------------------------------------------------------------


def test_public_pages_say_the_best_and_worst_25_percent(public):
    best = soup(kpi_tile(top_of_four(), None, public)).select_one(".bench")
    assert (
        text(best)
        == "Among the best 25% of similar councils: ranked 1st of 4 (1st is best); the middle figure was 70.0%"
    )
    worst = soup(kpi_tile(bottom_of_four(), None, public)).select_one(".bench")
    assert text(worst).startswith("Among the worst 25% of similar councils: ranked 4th of 4")
    reasons = [text(li) for li in soup(exception_list([bottom_of_four()], None, public)).select(".reasons li")]
    assert reasons == ["Met its target but among the worst 25% of similar councils: ranked 4 of 4"]


def test_public_benchmark_table_names_the_share_not_the_quartile(public, internal):
    rows = [
        [text(c) for c in tr.select("th, td")]
        for tr in soup(benchmark_section([bottom_of_four()], "Thornbury Vale", public)).select("tbody tr")
    ]
    assert rows == [
        ["1", "A", "80.0%", "Best 25%"],
        ["2", "B", "70.0%", "Second-best 25%"],
        ["3", "C", "60.0%", "Second-worst 25%"],
        ["4", "Thornbury Vale (this council)", "50.0%", "Worst 25%"],
    ]
    heads = [
        text(th) for th in soup(benchmark_section([bottom_of_four()], "Thornbury Vale", public)).select("thead th")
    ]
    assert heads[-1] == "Among similar councils"
    inside = [
        text(tr.select("td")[-1])
        for tr in soup(benchmark_section([bottom_of_four()], "Thornbury Vale", internal)).select("tbody tr")
    ]
    assert inside == ["1st", "2nd", "3rd", "4th"]


def test_headlines_count_the_best_and_worst_25_percent(public, internal):
    said = {s.kind: s.text for s in headlines([top_of_four(), bottom_of_four()], public)}
    assert said["benchmark"] == (
        "Of the 2 measures compared with similar councils, 1 is among the best 25% and 1 among the worst 25%."
    )
    said = {s.kind: s.text for s in headlines([top_of_four()], public)}
    assert said["benchmark"] == "The measure compared with similar councils is among the best 25%."
    said = {s.kind: s.text for s in headlines([top_of_four()], internal)}
    assert said["benchmark"] == "The indicator benchmarked against nearest neighbours is in the top quartile."


def test_the_year_in_numbers_counts_the_best_25_percent():
    figures = year_in_numbers([top_of_four(), bottom_of_four()], pd.DataFrame(), parse("2024/25"), public=True)
    shares = [(f.value, f.label) for f in figures if "similar councils" in f.label]
    assert shares == [("1 of 2", "measures among the best 25% of similar councils")]


# --- numbers and nouns --------------------------------------------------------------------------------------


def test_one_indicator_is_the_indicator(public, internal):
    one = [reading()]  # Repairs completed on time, off target
    assert [s.text for s in headlines(one, internal)][0] == "The indicator was off target."
    assert [s.text for s in headlines(one, public)][0] == "The measure missed its target."
    two = [reading(), bottom_of_four()]
    assert [s.text for s in headlines(two, internal)][0] == (
        "Of the 2 indicators, 2 were judged against a target: 1 on target, 0 near target and 1 off target."
    )


def test_one_comment_is_one_comment():
    themes = pd.DataFrame(
        [
            {
                "theme": "repairs",
                "label": "Repairs",
                "count": 1,
                "share": 1.0,
                "previous": float("nan"),
                "change": float("nan"),
                "change_pct": float("nan"),
                "positive": 1,
                "neutral": 0,
                "negative": 0,
                "balance": 1.0,
                "sentiment": "positive",
                "quotes": [],
            }
        ]
    )
    summary = ThemeSummary(themes, pd.DataFrame(), {}, 1, "2025/26 Q2", None, "internal")
    html = soup(theme_summary_block(summary))
    assert text(html.select_one("p")).startswith("1 comment in 2025/26 Q2.")
    assert "Repairs was the most common (1 comment, 100% of all comments)" in html.select_one("img")["alt"]


def breakdowns(dimension, categories, numerators, denominators):
    return pd.DataFrame(
        {
            "indicator_id": "REP-01",
            "period": "Sep 2025",
            "dimension": dimension,
            "category": categories,
            "numerator": numerators,
            "denominator": denominators,
            "value": [100 * n / d for n, d in zip(numerators, denominators)],
        }
    )


def test_an_age_band_and_one_ward(internal):
    # 90 + 40 + 470 = 600 of 100 + 100 + 600 = 800: 75.0% overall.
    html = soup(
        breakdown_section(
            breakdowns("age_band", ["18-64", "65-84", "85+"], [90, 40, 470], [100, 100, 600]),
            "Repairs completed on time",
            internal,
        )
    )
    said = text(html.select_one(".breakdown p"))
    assert said.endswith("by chance alone for an age band of that size.")
    assert html.select_one("img.funnel-chart")["alt"].startswith(
        "Funnel plot of Repairs completed on time by age band, Sep 2025: 3 age bands around the overall rate of 75.0% (600 of 800)."
    )
    one = soup(breakdown_section(breakdowns("ward", ["Abbey"], [90], [100]), "Repairs completed on time", internal))
    assert text(one.select_one(".breakdown p")).endswith("by chance alone for a ward of that size.")
    assert one.select_one("img.funnel-chart")["alt"] == (
        "Funnel plot of Repairs completed on time by ward, Sep 2025: 1 ward around the overall rate of 90.0% (90 of 100). "
        "Every ward is within the 95% limits for its size."
    )


def test_one_figure_is_one_figure(public):
    assert too_few_points(spc.xmr([5.0]), public) == "Only 1 figure so far: too few to tell what is usual."


# --- means and limits at the measure's decimals ---------------------------------------------------------


def test_means_and_limits_are_shown_at_the_measures_decimals(internal, public):
    # [10, 11] x 7: mean 10.5, moving ranges all 1, limits 10.5 +/- 2.66 = 7.84 and 13.16, shown at one decimal.
    r = reading(
        status_row(value=11.0, target=9.0, rag="green", exceptions=[], dot="improving"),
        spc_view=view([10.0, 11.0] * 7, "Aug 2024", target=9.0),
    )
    section = soup(spc_section([r], internal))
    rows = [[text(c) for c in tr.select("th, td")] for tr in section.select(".spc-data tbody tr")]
    assert rows[-1][:5] == ["Sep 2025", "11.0%", "10.5%", "7.8%", "13.2%"]
    assert "mean 10.5%, process limits 7.8% to 13.2%." in section.select_one("img")["alt"]
    plain = soup(spc_section([r], public)).select_one("img")["alt"]
    assert "average 10.5%, usual range 7.8% to 13.2%." in plain


def test_a_value_just_beyond_a_limit_never_reads_as_equal_to_it(internal):
    # [10, 11] x 7 then 13.7: mean 160.7 / 15 = 10.7133; moving ranges 13 ones and 2.7, mean 15.7 / 14 = 1.12143;
    # upper limit 10.7133 + 2.66 x 1.12143 = 13.6963. At one or two decimals 13.7 and the limit read alike, so the
    # limits take three.
    r = reading(
        status_row(value=13.7, target=9.0, rag="green", exceptions=[], dot="improving"),
        spc_view=view([10.0, 11.0] * 7 + [13.7], "Jul 2024", target=9.0),
    )
    rows = [
        [text(c) for c in tr.select("th, td")] for tr in soup(spc_section([r], internal)).select(".spc-data tbody tr")
    ]
    assert rows[-1][:5] == ["Sep 2025", "13.7%", "10.713%", "7.730%", "13.696%"]


# --- analyst housekeeping ------------------------------------------------------------------------------------

STEADY = [10.0, 11.0] * 7
PLANTED = STEADY + [13.0, 12.5, 13.2, 12.8, 13.1, 12.9, 13.0]  # a step up from Mar 2025, seven months long


def outside_analyst_notes(html):
    for note in html.select(".analyst-note"):
        note.decompose()
    return text(html)


def test_a_suggested_rebase_keeps_its_register_line_in_a_note_for_the_analyst(internal, public):
    r = reading(
        status_row(value=13.0, target=12.0, rag="green", exceptions=[], period="Sep 2025"),
        register_row(decimals=1),
        view(PLANTED, "Jan 2024", target=12.0),
    )
    html = soup(history_notes(r, internal))
    assert [text(p) for p in html.select(".history-note")] == [
        "Suggested rebase: Mar 2025. Since then 7 values in a row lie above the mean, a sustained shift that the limits "
        "do not yet allow for. If the service or the way it is counted changed in Mar 2025, the limits should be "
        "recalculated from that point."
    ]
    note = html.select_one("details.analyst-note")
    assert text(note.select_one("summary")) == "For the analyst"
    assert text(note) == (
        'For the analyst To confirm the rebase, set rebase_at: {REP-01: "Mar 2025"} in '
        "params/defaults.yaml or in the register."
    )
    body = outside_analyst_notes(html)
    assert "rebase_at" not in body and ".yaml" not in body and "register" not in body
    plain = soup(history_notes(r, public))
    assert plain.select(".analyst-note") == [] and "rebase_at" not in text(plain)


def test_the_method_note_keeps_register_housekeeping_for_the_analyst(internal, public):
    register = pd.DataFrame({"tolerance": [0.05], "tolerance_type": ["relative"]})
    html = soup(page.method_note("2025/26 Q2", {}, register, "council performance returns", internal))
    assert "rebase_at" in text(html.select_one("details.analyst-note"))
    body = outside_analyst_notes(html)
    assert "rebase_at" not in body and ".yaml" not in body
    plain = soup(page.method_note("2025/26 Q2", {}, register, "council performance returns", public))
    assert plain.select(".analyst-note") == [] and "rebase_at" not in text(plain)
