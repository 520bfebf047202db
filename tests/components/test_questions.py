"""The deep dive's questions and limitations: each finding's sentence and question written out by hand.

The reading is "Repairs completed on time" (a monthly percentage to one decimal place, higher is better).
"""

import pandas as pd
from component_helpers import peers, reading, register_row, soup, status_row, text, view

from pmkit.components.questions import limitations, questions_block
from pmkit.judge.findings import Finding


def asked(finding, words):
    r = reading()
    html = soup(questions_block([finding], {r.indicator_id: r} if finding.indicator_id else {}, words))
    return [(text(li.select_one(".finding")), text(li.select_one(".question"))) for li in html.select("li")]


def test_a_target_met_in_the_bottom_quartile_gives_the_period_rank_and_middle_figure(internal):
    found = Finding(
        "green_bottom_quartile",
        "REP-01",
        {"value": 93.0, "target": 92.0, "period": "Sep 2025", "rank": 14, "councils": 16, "median": 95.5},
    )
    assert asked(found, internal) == [
        (
            "Repairs completed on time met its target (93.0% against 92.0% in Sep 2025) but ranks 14 of 16 similar "
            "councils, whose middle figure is 95.5%.",
            "Is the target ambitious enough? What do the best-performing similar councils do differently?",
        )
    ]


def test_the_public_hear_of_a_better_or_worse_than_usual_figure(public):
    facts = {"since": "Jul 2025", "values": 3, "latest": "Sep 2025", "rule": "outside"}
    better = Finding("special_cause", "REP-01", {**facts, "type": "improvement"})
    worse = Finding("special_cause", "REP-01", {**facts, "type": "concern"})
    assert asked(better, public)[0][0] == (
        "Repairs completed on time has been better than usual since Jul 2025 (3 months to Sep 2025; the latest "
        "outside its usual range)."
    )
    assert asked(worse, public)[0][0] == (
        "Repairs completed on time has been worse than usual since Jul 2025 (3 months to Sep 2025; the latest "
        "outside its usual range)."
    )


def test_the_public_hear_which_way_a_sustained_shift_went(public):
    above = Finding("stale_limits", "REP-01", {"side": "above", "values": 8, "since": "Feb 2025"})
    below = Finding("stale_limits", "REP-01", {"side": "below", "values": 1, "since": "Sep 2025"})
    assert asked(above, public)[0][0] == (
        "Repairs completed on time has stayed higher than its earlier average for 8 months, since Feb 2025."
    )
    assert asked(below, public)[0][0] == (
        "Repairs completed on time has stayed lower than its earlier average for 1 month, since Sep 2025."
    )


def test_a_rising_complaint_theme_asks_what_residents_say(internal):
    found = Finding(
        "theme_rising",
        None,
        {"theme": "Damp", "previous": 20, "previous_period": "Q1", "count": 30, "period": "Q2", "change_pct": 0.5},
    )
    assert asked(found, internal) == [
        (
            "Complaints about damp rose from 20 in Q1 to 30 in Q2 (+50%).",
            "What are residents telling the service, and what has changed as a result?",
        )
    ]


def test_the_limitations_say_what_to_know_before_relying_on_the_figures(internal, public):
    few = reading(spc_view=view([80.0, 82.0, 81.0, 83.0, 84.0]), peer_group=peers({"A": 90.0, "B": 85.0}, own=87.0))
    none_yet = reading(
        status_row(indicator_id="CS-01", title="Calls answered"),
        register_row(indicator_id="CS-01", title="Calls answered", data_source=None),
    )
    history = {"REP-01": pd.DataFrame({"period": ["Jul 2025", "Aug 2025"], "value": [None, 86.0]})}
    breakdowns = pd.DataFrame({"indicator_id": ["REP-01", "REP-01", "CS-01"], "denominator": [12, 40, 5]})
    assert limitations([few, none_yet], history, breakdowns, internal) == [
        "Repairs completed on time: only 5 values, too few to tell usual from unusual variation reliably.",
        "Repairs completed on time: no figure for Jul 2025.",
        "Repairs completed on time: only 2 similar councils have figures for Sep 2025.",
        "Repairs completed on time: 1 of its breakdown figures rests on fewer than 20 cases, so it varies a lot by "
        "chance.",
        "Repairs completed on time: source: Repairs system.",
        "Calls answered: no values yet.",
    ]
    assert "Repairs completed on time: source: Repairs system." not in limitations([few], history, breakdowns, public)
