"""The headline narrative: every sentence checked against the figures it states, worked out by hand.

A change is listed as improved or declined only when it is larger than the indicator usually moves
from one period to the next (3.267 × its mean moving range), so each changed indicator here carries
its last six months (Apr to Sep 2025), too few for SPC limits but enough to say what is usual.
"""

from component_helpers import peers, reading, register_row, status_row, view

from pmkit.components.narrative import headlines


def indicator(iid, title, history=None, first="Apr 2025", **row):
    info = {k: row.pop(k) for k in ("unit", "decimals", "polarity", "frequency", "seasonal") if k in row}
    improvement = "decrease" if info.get("polarity") == "lower_is_better" else "increase"
    trail = view(history, first, improvement=improvement, target=row.get("target")) if history else None
    return reading(
        status_row(indicator_id=iid, title=title, **row), register_row(indicator_id=iid, title=title, **info), trail
    )


def council():
    return [
        # Improved 89.5% -> 93.0% (3.9% better); on target. Moving ranges 0.5, 0.5, 0.5, 0, 3.5: mean 1.0,
        # so it usually moves at most 3.267; 3.5 is more.
        indicator(
            "A",
            "Repairs on time",
            value=93.0,
            target=92.0,
            rag="green",
            dot="improving",
            dot_previous="improving",
            previous_value=89.5,
            exceptions=[],
            history=[89.0, 89.5, 89.0, 89.5, 89.5, 93.0],
        ),
        # Improved 40 -> 30 days (the largest change: 10 against a mean moving range of 15/5 = 3); near
        # target. Usually at most 9.8 days; 10 is more.
        indicator(
            "B",
            "Days to relet",
            value=30.0,
            target=29.0,
            rag="amber",
            dot="improving",
            dot_previous="improving",
            previous_value=40.0,
            exceptions=[],
            unit="days",
            decimals=0,
            polarity="lower_is_better",
            history=[41.0, 40.0, 42.0, 41.0, 40.0, 30.0],
        ),
        # Declined 89.5% -> 87.0%; 5.4% short of its 92.0% target: off target. Mean moving range 0.5, so
        # usually at most 1.63; 2.5 is more.
        indicator(
            "C",
            "Calls answered",
            value=87.0,
            target=92.0,
            rag="red",
            dot="declining",
            dot_previous="declining",
            previous_value=89.5,
            exceptions=["red"],
            history=[89.5, 89.5, 89.5, 89.5, 89.5, 87.0],
        ),
        # Off target by 20% (the largest shortfall): £1,200 against £1,000, lower is better; no change.
        indicator(
            "D",
            "Cost per repair",
            value=1200.0,
            target=1000.0,
            rag="red",
            dot="no_change",
            dot_previous="no_change",
            previous_value=1195.0,
            exceptions=["red"],
            unit="gbp",
            decimals=0,
            polarity="lower_is_better",
        ),
        # No value for the quarter.
        indicator(
            "E",
            "Tenant satisfaction",
            value=float("nan"),
            target=80.0,
            rag="no_data",
            dot="not_comparable",
            dot_previous="not_comparable",
            period="2025/26 Q2",
            exceptions=["missing_data"],
            frequency="quarterly",
        ),
        # Neutral: not judged.
        indicator(
            "F",
            "Calls received",
            value=5000.0,
            target=float("nan"),
            rag="not_judged",
            dot="increasing",
            dot_previous="increasing",
            previous_value=4000.0,
            exceptions=[],
            unit="count",
            decimals=0,
            polarity="neutral",
        ),
    ]


def test_every_sentence_states_its_figures(internal):
    said = {s.kind: s.text for s in headlines(council(), internal)}
    assert said == {
        "overview": "Of the 6 indicators, 4 were judged against a target: 1 on target, 1 near target and 2 off target. "
        "Not judged: 1 with no data and 1 with no preferred direction.",
        "improved": "Improved: Days to relet (40 days in Aug 2025 to 30 days in Sep 2025) and "
        "Repairs on time (89.5% in Aug 2025 to 93.0% in Sep 2025).",
        "declined": "Declined: Calls answered (89.5% in Aug 2025 to 87.0% in Sep 2025).",
        "off_target": "Off target: Cost per repair at £1,200 against a target of £1,000 and "
        "Calls answered at 87.0% against a target of 92.0%.",
        "missing": "No data supplied: Tenant satisfaction (2025/26 Q2).",
    }


def test_public_sentences_say_the_same_in_plain_words(public):
    said = {s.kind: s.text for s in headlines(council(), public)}
    assert said["overview"] == (
        "Of the 6 measures, 4 could be checked against a target: 1 met it, 1 came close and 2 missed it. "
        "Not checked: 1 with no data and 1 with no preferred direction."
    )
    assert said["improved"].startswith("Getting better: Days to relet (40 days in Aug 2025 to 30 days in Sep 2025)")
    assert said["off_target"].startswith("Missed target: Cost per repair at £1,200 against a target of £1,000")


def test_nothing_is_said_of_an_empty_category(internal):
    calm = [indicator("A", "Repairs on time", value=93.0, target=92.0, rag="green", dot="no_change", exceptions=[])]
    assert [s.kind for s in headlines(calm, internal)] == ["overview"]
    assert headlines([], internal) == []


def test_long_lists_name_three_and_count_the_rest(internal):
    # Each was 100 for five months, then 100 + i: a move of i against a mean moving range of i/5.
    many = [
        indicator(
            f"X{i}",
            f"Measure {i}",
            value=100.0 + i,
            target=90.0,
            rag="green",
            dot="improving",
            dot_previous="improving",
            previous_value=100.0,
            exceptions=[],
            unit="count",
            decimals=0,
            history=[100.0] * 5 + [100.0 + i],
        )
        for i in range(1, 6)
    ]
    improved = next(s.text for s in headlines(many, internal) if s.kind == "improved")
    assert improved == (
        "Improved: Measure 5 (100 in Aug 2025 to 105 in Sep 2025), Measure 4 (100 in Aug 2025 to 104 in Sep 2025), "
        "Measure 3 (100 in Aug 2025 to 103 in Sep 2025) and 2 more."
    )


def test_seasonal_indicators_compare_with_the_same_period_last_year(internal):
    # Oct 2024 to Sep 2025: moving ranges 2, 1, 2, 1, 2, 1, 2, 1, 2, 2, 2 (mean 18/11), so it usually moves at
    # most 5.3 a month; 20 more than a year ago is more.
    season = indicator(
        "S",
        "Visitors",
        value=120.0,
        target=100.0,
        rag="green",
        dot="improving",
        dot_last_year="improving",
        last_year_value=100.0,
        exceptions=[],
        unit="count",
        decimals=0,
        seasonal=True,
        first="Oct 2024",
        history=[110.0, 112.0, 111.0, 113.0, 112.0, 114.0, 113.0, 115.0, 114.0, 116.0, 118.0, 120.0],
    )
    improved = next(s.text for s in headlines([season], internal) if s.kind == "improved")
    assert improved == "Improved: Visitors (100 in Sep 2024 to 120 in Sep 2025)."


def test_concern_and_benchmark_sentences(internal):
    values = [95.0, 96.0] * 7 + [90.0]  # the last value below the lower process limit
    concern = reading(
        status_row(
            indicator_id="Q",
            title="Repairs on time",
            value=90.0,
            target=91.0,
            rag="amber",
            exceptions=["spc_concern"],
            quartile=4,
            rank=6,
            n_peers=5,
        ),
        register_row(indicator_id="Q"),
        view(values, "Jul 2024", target=91.0),
        peers({"A": 95.0, "B": 94.0, "C": 93.0, "D": 92.0, "E": 91.0}, own=90.0),
    )
    said = {s.kind: s.text for s in headlines([concern], internal)}
    assert (
        said["concern"]
        == "Special cause of concern: Repairs on time (the latest value is below the lower process limit)."
    )
    assert said["benchmark"] == "The indicator benchmarked against nearest neighbours is in the bottom quartile."


def test_lists_of_figures_with_commas_are_set_apart_by_semicolons(internal):
    red = [
        indicator(f"R{i}", f"Measure {i}", value=80.0 + i, target=90.0, rag="red", dot="no_change", exceptions=["red"])
        for i in range(3)
    ]
    said = next(s.text for s in headlines(red, internal) if s.kind == "off_target")
    assert said == (
        "Off target: Measure 0 at 80.0% against a target of 90.0%; Measure 1 at 81.0% against a target of 90.0%; "
        "and Measure 2 at 82.0% against a target of 90.0%."
    )
