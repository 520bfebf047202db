"""Words that judge a figure against its target, or a change of target, by the measure's polarity.

Every sentence is tried with a lower-is-better measure (households in temporary accommodation,
days to relet) and a higher-is-better one (repairs completed on time); the expected words are
written out by hand.
"""

import pandas as pd
import pytest
from component_helpers import month_labels, reading, register_row, soup, status_row, text, view

from pmkit.components.actions import next_steps
from pmkit.components.exceptions import exception_list
from pmkit.components.polarity import against_target, target_change
from pmkit.components.questions import questions_block
from pmkit.components.tile import kpi_tile
from pmkit.components.year_end import shortfall, year_end_table
from pmkit.io.periods import parse
from pmkit.judge import findings

LOWER = dict(polarity="lower_is_better", unit="count", decimals=0)
HIGHER = dict(polarity="higher_is_better", unit="percent", decimals=1)


def households(**row):
    """Households in temporary accommodation (lower is better): 158 against a target of 120, off target."""
    values = dict(
        indicator_id="HOU-01",
        title="Households in temporary accommodation",
        value=158.0,
        target=120.0,
        rag="red",
        dot="declining",
        exceptions=["red"],
        previous_value=150.0,
    )
    values.update(row)
    return status_row(**values)


# --- the one place ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "polarity", "said"),
    [
        (158, 120, "lower_is_better", "above its target (worse)"),
        (100, 120, "lower_is_better", "below its target (better)"),
        (84.5, 88.0, "higher_is_better", "below its target (worse)"),
        (96.0, 95.0, "higher_is_better", "above its target (better)"),
        (120, 120, "lower_is_better", "on its target"),
        (5000, 4000, "neutral", "above its target"),
    ],
)
def test_against_target_says_where_and_whether_that_is_better_or_worse(value, target, polarity, said):
    assert against_target(value, target, polarity) == said


def test_against_target_can_name_the_target():
    assert against_target(3.93, 3.6, "lower_is_better", "3.60") == "above its target of 3.60 (worse)"


@pytest.mark.parametrize(
    ("old", "new", "polarity", "unit", "decimals", "said"),
    [
        (193, 283, "lower_is_better", "days", 0, "target eased from 193 to 283 days"),  # a longer wait allowed: easier
        (90, 100, "lower_is_better", "count", 0, "target eased from 90 to 100"),
        (283, 193, "lower_is_better", "days", 0, "target tightened from 283 to 193 days"),
        (90, 95, "higher_is_better", "percent", 1, "target tightened from 90.0% to 95.0%"),
        (99.5, 97.7, "higher_is_better", "percent", 1, "target eased from 99.5% to 97.7%"),
        (4000, 4500, "neutral", "count", 0, "target raised from 4,000 to 4,500"),
        (4500, 4000, "neutral", "count", 0, "target lowered from 4,500 to 4,000"),
        (95, 95, "higher_is_better", "percent", 1, "target kept at 95.0%"),
    ],
)
def test_a_change_of_target_is_eased_or_tightened_by_polarity(old, new, polarity, unit, decimals, said):
    assert target_change(old, new, polarity, unit, decimals) == said


def test_a_change_of_target_can_name_its_years():
    assert target_change(193, 283, "lower_is_better", "days", 0, ("2023/24", "2024/25")) == (
        "target eased from 193 days in 2023/24 to 283 days in 2024/25"
    )


# --- the deep dive's findings and questions ---------------------------------------------------------------


def run_history(values, target, rags):
    n = len(values)
    return pd.DataFrame(
        {
            "period": month_labels("Jul 2025", n),
            "value": values,
            "target": [target] * n,
            "rag": rags,
            "quality": ["final"] * n,
        }
    )


def finding_texts(found, r, words):
    html = soup(questions_block(found, {r.indicator_id: r}, words))
    return [text(p) for p in html.select(".finding")]


def test_a_lower_is_better_measure_missing_its_target_is_above_it(internal, public):
    # 150, 155, 158 against 120 in Jul, Aug, Sep 2025: above target, which is worse, three months running.
    r = reading(
        households(), register_row(indicator_id="HOU-01", title="Households in temporary accommodation", **LOWER)
    )
    found = findings.below_target(run_history([150.0, 155.0, 158.0], 120.0, ["red", "red", "red"]), "HOU-01")
    expected = (
        "Households in temporary accommodation has been above its target (worse) for 3 months in a row, "
        "since Jul 2025: 158 in Sep 2025 against a target of 120."
    )
    assert finding_texts([found], r, internal) == [expected]
    assert finding_texts([found], r, public) == [expected]


def test_a_higher_is_better_measure_missing_its_target_is_below_it(internal):
    r = reading(status_row(value=84.5, target=88.0), register_row(**HIGHER))
    found = findings.below_target(run_history([87.0, 84.5], 88.0, ["amber", "red"]), "REP-01")
    assert finding_texts([found], r, internal) == [
        "Repairs completed on time has been below its target (worse) for 2 months in a row, since Jul 2025: "
        "84.5% in Aug 2025 against a target of 88.0%."
    ]


def test_a_rise_in_a_lower_is_better_target_is_an_eased_target(internal):
    targets = pd.DataFrame(
        {"indicator_id": "HOU-03", "period": ["2022/23", "2023/24", "2024/25"], "target": [90.0, 100.0, 95.0]}
    )
    r = reading(
        households(indicator_id="HOU-03", title="Days to relet"),
        register_row(indicator_id="HOU-03", title="Days to relet", polarity="lower_is_better", unit="days", decimals=0),
    )
    found = findings.target_eased(findings.target_history(targets, "HOU-03"), "HOU-03", "lower_is_better")
    assert [f.kind for f in found] == ["target_eased"]  # 90 -> 100 eased; 100 -> 95 tightened, not a finding
    html = soup(questions_block(found, {"HOU-03": r}, internal))
    assert [text(p) for p in html.select(".finding")] == [
        "Days to relet: target eased from 90 days in 2022/23 to 100 days in 2023/24."
    ]
    assert [text(p) for p in html.select(".question")] == ["Why was the target eased, and who agreed it?"]


def test_a_fall_in_a_higher_is_better_target_is_an_eased_target(internal):
    targets = pd.DataFrame({"indicator_id": "REP-01", "period": ["2023/24", "2024/25"], "target": [99.5, 97.7]})
    found = findings.target_eased(findings.target_history(targets, "REP-01"), "REP-01", "higher_is_better")
    assert finding_texts(found, reading(info=register_row(**HIGHER)), internal) == [
        "Repairs completed on time: target eased from 99.5% in 2023/24 to 97.7% in 2024/25."
    ]


def test_no_questions_say_no_run_of_missed_targets(internal):
    assert text(soup(questions_block([], {}, internal))) == (
        "The data raises no particular questions this period: no run of missed targets, no unusual values and no eased targets."
    )


# --- tiles, exceptions and the annual report ----------------------------------------------------------------


def test_a_tile_alt_text_judges_the_latest_figure_by_polarity(internal):
    # Twelve months of 130 then 158 in Sep 2025 (lower is better), target 120.
    values = [130.0] * 11 + [158.0]
    low = reading(
        households(),
        register_row(indicator_id="HOU-01", title="Households in temporary accommodation", **LOWER),
        view(values, "Oct 2024", improvement="decrease", target=120.0),
    )
    alt = soup(kpi_tile(low, None, internal)).select_one("img.sparkline")["alt"]
    assert alt == (
        "Trend over 12 months from Oct 2024 to Sep 2025: rose from 130 to 158 (declining since previous month); "
        "dashed line shows the target of 120, the latest figure above its target (worse)."
    )
    high = reading(
        status_row(value=95.0, target=92.0, rag="green", dot="improving", exceptions=[]),
        register_row(**HIGHER),
        view([90.0] * 11 + [95.0], "Oct 2024", target=92.0),
    )
    alt = soup(kpi_tile(high, None, internal)).select_one("img.sparkline")["alt"]
    assert alt.endswith("dashed line shows the target of 92.0%, the latest figure above its target (better).")


def test_an_exception_says_which_side_of_the_target_a_lower_is_better_miss_is(internal, public):
    low = reading(
        households(), register_row(indicator_id="HOU-01", title="Households in temporary accommodation", **LOWER)
    )
    reasons = [text(li) for li in soup(exception_list([low], None, public)).select(".reasons li")]
    assert reasons == ["Missed its target by 38 (above the target)"]
    reasons = [text(li) for li in soup(exception_list([low], None, internal)).select(".reasons li")]
    assert reasons == ["Off target: 38 above the target, beyond the near-target band"]


def test_the_annual_report_says_where_each_shortfall_stands(internal):
    low = reading(
        households(period="2024/25"),
        register_row(indicator_id="HOU-01", title="Households in temporary accommodation", frequency="annual", **LOWER),
    )
    high = reading(status_row(period="2024/25", value=87.0, target=92.0), register_row(frequency="annual", **HIGHER))
    items = [shortfall(low), shortfall(high)]
    html = soup(next_steps(items, pd.DataFrame(), parse("2024/25"), internal))
    assert [text(li) for li in html.select(".next-off-target li")] == [
        "Households in temporary accommodation: 158, above its target of 120 (worse).",
        "Repairs completed on time: 87.0%, below its target of 92.0% (worse).",
    ]


def test_the_year_end_line_says_how_the_year_ended_by_polarity(internal):
    years = ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    low = reading(
        households(period="2024/25", dot="improving"),
        register_row(indicator_id="HOU-01", title="Households in temporary accommodation", frequency="annual", **LOWER),
    )
    history = pd.DataFrame({"indicator_id": "HOU-01", "year": years, "value": [190.0, 180.0, 170.0, 165.0, 158.0]})
    alt = soup(year_end_table([low], years, history, None, internal)).select_one("img.sparkline")["alt"]
    assert alt == (
        "Households in temporary accommodation, 2020/21 to 2024/25: fell from 190 to 158; the 2024/25 target was 120, "
        "and 2024/25 ended above its target (worse)."
    )
