"""The data's limitations are built from the flags on the figures the page shows, and "no particular
limitations" is said only when none applies. Expected sentences are written out by hand."""

import pandas as pd
from component_helpers import peers, reading, register_row, soup, status_row, text, view

from pmkit.components.limitations import limitations, limitations_block
from pmkit.components.words import words_for

INTERNAL = words_for("internal")
NO_BREAKDOWNS = pd.DataFrame(columns=["indicator_id", "denominator"])
NO_TARGETS = pd.DataFrame(columns=["indicator_id", "period", "target"])
LONG = [87.0, 88.0] * 8  # sixteen months: enough for limits


def history(values, quality, first="2025-06"):
    labels = pd.period_range(first, periods=len(values), freq="M").strftime("%b %Y").tolist()
    return pd.DataFrame({"period": labels, "value": values, "quality": quality})


def test_a_provisional_figure_is_said_and_there_is_no_all_clear():
    r = reading(
        status_row(quality="provisional"),
        register_row(data_source=""),
        view(LONG, "Jun 2024"),
        peers({"A": 80.0, "B": 90.0, "C": 85.0, "D": 86.0, "E": 84.0, "F": 83.0, "G": 82.0, "H": 81.0}, 87.0),
    )
    items = limitations(
        [r],
        {"REP-01": history([86.0, 87.5, 87.0, 87.0], ["final", "final", "final", "provisional"])},
        NO_BREAKDOWNS,
        NO_TARGETS,
        INTERNAL,
    )
    assert items == ["Repairs completed on time: the figure for Sep 2025 is provisional and may change."]
    page = text(soup(limitations_block(items)))
    assert "No particular limitations" not in page and "every figure is final" not in page


def test_indicators_without_comparisons_are_named_when_others_have_them():
    benchmarked = reading(
        status_row(),
        register_row(data_source=""),
        view(LONG, "Jun 2024"),
        peers({k: 80.0 + i for i, k in enumerate("ABCDEFGH")}, 87.0),
    )
    waits = reading(
        status_row(indicator_id="W", title="People waiting"),
        register_row(indicator_id="W", data_source=""),
        view(LONG, "Jun 2024"),
    )
    calls = reading(
        status_row(indicator_id="C", title="Calls answered"),
        register_row(indicator_id="C", data_source=""),
        view(LONG, "Jun 2024"),
    )
    items = limitations([benchmarked, waits, calls], {}, NO_BREAKDOWNS, NO_TARGETS, INTERNAL)
    assert items == ["No comparison with other councils for People waiting and Calls answered."]


def test_partial_comparisons_short_histories_gaps_suspensions_and_target_changes():
    # Lower is better: the 2024/25 target rose from 120 to 158 days, an easier target (eased).
    r = reading(
        status_row(indicator_id="RL", title="Days to re-let", period="Sep 2025", value=30.0, target=158.0, rag="green"),
        register_row(
            indicator_id="RL",
            title="Days to re-let",
            unit="days",
            decimals=0,
            polarity="lower_is_better",
            data_source="Housing system",
        ),
        view([31.0, 30.0, 32.0, 29.0], "Jun 2025", improvement="decrease", target=158.0),
        peers({"A": 25.0, "B": 35.0}, 30.0, higher_better=False),
    )
    targets = pd.DataFrame(
        {"indicator_id": "RL", "period": ["2023/24", "2024/25", "2025/26"], "target": [120.0, 158.0, 158.0]}
    )
    shown = history([31.0, None, 32.0, 29.0], "final")
    items = limitations([r], {"RL": shown}, NO_BREAKDOWNS, targets, INTERNAL, suspended=["Jul 2025"])
    assert items == [
        "Days to re-let: no figure for Jul 2025.",
        "Days to re-let: only 4 values, too few to tell usual from unusual variation reliably.",
        "Days to re-let: only 2 similar councils have figures for Sep 2025.",
        "Days to re-let: the target was eased from 120 days to 158 days in 2024/25, so its status is not comparable with "
        "earlier years'.",
        "Days to re-let: source: Housing system.",
    ]


def test_suspended_periods_among_the_figures_shown():
    r = reading(
        status_row(),
        register_row(data_source=""),
        view(LONG, "Jun 2024"),
        peers({k: 80.0 + i for i, k in enumerate("ABCDEFGH")}, 87.0),
    )
    items = limitations(
        [r], {"REP-01": history([86.0, 87.5], "final")}, NO_BREAKDOWNS, NO_TARGETS, INTERNAL, suspended=["2025/26 Q1"]
    )
    assert items == [
        "Repairs completed on time: figures in 2025/26 Q1 are shown but not judged against target "
        "(judging was suspended)."
    ]


def test_the_all_clear_only_when_nothing_applies():
    r = reading(
        status_row(),
        register_row(data_source=""),
        view(LONG, "Jun 2024"),
        peers({k: 80.0 + i for i, k in enumerate("ABCDEFGH")}, 87.0),
    )
    items = limitations([r], {"REP-01": history([86.0, 87.5, 87.0], "final")}, NO_BREAKDOWNS, NO_TARGETS, INTERNAL)
    assert items == []
    assert text(soup(limitations_block(items))).startswith("No particular limitations")


def test_many_indicators_sharing_a_limitation_are_counted_and_a_tightened_target_is_not_an_easing():
    # Six indicators with no comparison are counted, not named; REP-01's target rose from 90% to 92% (higher is
    # better: tightened) in 2025/26, the judged year, and its 2026/27 target is not yet in force.
    many = [
        reading(
            status_row(indicator_id=f"I{i}", title=f"Indicator {i}"),
            register_row(indicator_id=f"I{i}", data_source=""),
            view(LONG, "Jun 2024"),
        )
        for i in range(6)
    ]
    targets = pd.DataFrame(
        {"indicator_id": "I0", "period": ["2024/25", "2025/26", "2026/27"], "target": [90.0, 92.0, 80.0]}
    )
    items = limitations(many, {}, NO_BREAKDOWNS, targets, INTERNAL)
    assert items == [
        "All 6 indicators have no comparison with other councils.",
        "Targets were tightened for Indicator 0: their status is not comparable with earlier years'.",
    ]


def test_comparisons_still_to_come_name_the_period_and_a_chart_page_does_not_ask_for_the_year_before():
    # Its similar councils publish later; the page has charts, so a missing figure for last year is no limitation.
    r = reading(
        status_row(last_year_value=float("nan")),
        register_row(data_source="", benchmark_metric="repairs_on_time"),
        view(LONG, "Jun 2024"),
    )
    assert limitations([r], {}, NO_BREAKDOWNS, NO_TARGETS, INTERNAL) == [
        "No comparison with similar councils for Sep 2025 yet for Repairs completed on time (their figures come later)."
    ]


def test_many_tightened_targets_are_counted_and_only_recent_changes_are_said():
    # Higher is better: each of six targets rose from 90% in 2024/25 to 92% in 2025/26 (tightened); all six have
    # eight similar councils. With one recent year, a 2024/25 easing (95% to 90%) of a seventh is not said.
    def benchmarked(i, **info):
        return reading(
            status_row(indicator_id=f"I{i}", title=f"Indicator {i}"),
            register_row(indicator_id=f"I{i}", data_source="", **info),
            view(LONG, "Jun 2024"),
            peers({k: 80.0 + n for n, k in enumerate("ABCDEFGH")}, 87.0),
        )

    tightened = pd.DataFrame(
        {
            "indicator_id": [f"I{i}" for i in range(6) for _ in range(2)],
            "period": ["2024/25", "2025/26"] * 6,
            "target": [90.0, 92.0] * 6,
        }
    )
    assert limitations([benchmarked(i) for i in range(6)], {}, NO_BREAKDOWNS, tightened, INTERNAL) == [
        "All 6 indicators had their targets tightened: their status is not comparable with earlier years'."
    ]
    eased = pd.DataFrame(
        {"indicator_id": "I6", "period": ["2023/24", "2024/25", "2025/26"], "target": [95.0, 90.0, 90.0]}
    )
    assert limitations([benchmarked(6)], {}, NO_BREAKDOWNS, eased, INTERNAL, recent_years=1) == []
    assert limitations([benchmarked(6)], {}, NO_BREAKDOWNS, eased, INTERNAL, recent_years=2) == [
        "Indicator 6: the target was eased from 95.0% to 90.0% in 2024/25, so its status is not comparable with "
        "earlier years'."
    ]


def test_a_changed_target_without_a_better_direction_is_not_called_tightened():
    r = reading(
        status_row(),
        register_row(data_source="", polarity="neutral"),
        view(LONG, "Jun 2024"),
        peers({k: 80.0 + n for n, k in enumerate("ABCDEFGH")}, 87.0),
    )
    targets = pd.DataFrame({"indicator_id": "REP-01", "period": ["2024/25", "2025/26"], "target": [90.0, 92.0]})
    assert limitations([r], {}, NO_BREAKDOWNS, targets, INTERNAL) == []


def test_one_small_breakdown_figure_is_said_in_the_singular():
    r = reading(
        status_row(),
        register_row(data_source=""),
        view(LONG, "Jun 2024"),
        peers({k: 80.0 + n for n, k in enumerate("ABCDEFGH")}, 87.0),
    )
    breakdowns = pd.DataFrame({"indicator_id": ["REP-01", "REP-01"], "denominator": [12, 40]})
    assert limitations([r], {}, breakdowns, NO_TARGETS, INTERNAL) == [
        "Repairs completed on time: 1 of its breakdown figures rests on fewer than 20 cases, so it varies a lot by "
        "chance."
    ]
