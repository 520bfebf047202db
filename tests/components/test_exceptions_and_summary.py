"""The exception list (reds first, reasons with figures, commentary) and the summary strip's counts."""

import pandas as pd
from component_helpers import reading, register_row, soup, status_row, text, view

from pmkit.components.exceptions import exception_list
from pmkit.components.summary import summary_strip

COMMENTARY = pd.DataFrame(
    {
        "indicator_id": ["RED", "RED", "AMB"],
        "period": ["Sep 2025", "Sep 2025", "Aug 2025"],
        "audience": ["internal", "public", "internal"],
        "text": ["Two **surveyors** left in July.", "We are short of surveyors.", "Last month's note"],
        "actions": ["- Recruit two surveyors", "", ""],
    }
)


def flagged():
    red = reading(
        status_row(indicator_id="RED", title="Calls answered", value=87.0, target=92.0, rag="red", exceptions=["red"]),
        register_row(indicator_id="RED"),
    )
    amber = reading(
        status_row(
            indicator_id="AMB",
            title="Relets",
            value=90.0,
            target=91.0,
            rag="amber",
            previous_value=91.0,
            exceptions=["declining_twice", "provisional_data"],
            quality="provisional",
        ),
        register_row(indicator_id="AMB"),
        view([92.0, 93.0] * 6 + [92.5, 92.0, 91.0, 90.0], "Jun 2024", target=91.0),
    )
    fine = reading(status_row(indicator_id="OK", rag="green", exceptions=[]), register_row(indicator_id="OK"))
    return [amber, fine, red]


def items(words):
    return soup(exception_list(flagged(), COMMENTARY, words)).select("li.exception")


def test_reds_first_then_the_rest_and_only_flagged_indicators(internal):
    assert [li["data-indicator"] for li in items(internal)] == ["RED", "AMB"]


def test_reasons_state_the_figures(internal):
    red, amber = items(internal)
    assert [text(li) for li in red.select(".reasons li")] == [
        "Off target: 5.0 percentage points below the target, beyond the near-target band"
    ]
    assert [text(li) for li in amber.select(".reasons li")] == [
        "Declined two periods running: 92.0% (Jul 2025), 91.0% (Aug 2025), 90.0% (Sep 2025)",
        "Value is provisional",
    ]
    assert "87.0% in Sep 2025; target 92.0%" in text(red)


def test_commentary_and_actions_for_members_and_a_note_when_there_is_none(internal):
    red, amber = items(internal)
    assert text(red.select_one(".commentary")) == "Two surveyors left in July."
    assert red.select_one(".commentary strong") is not None
    assert text(red.select_one(".actions")) == "Actions Recruit two surveyors"
    assert (
        text(amber.select_one(".commentary.missing")) == "No commentary was supplied for this period."
    )  # Aug's note is not Sep's


def test_public_list_uses_public_commentary_and_leaves_out_what_has_nothing_to_say(public):
    red, amber = items(public)
    assert text(red.select_one(".commentary")) == "We are short of surveyors."
    assert red.select_one(".actions") is None
    assert "No commentary" not in text(amber) and amber.select_one(".commentary") is None
    assert [text(li) for li in red.select(".reasons li")] == [
        "Missed its target by 5.0 percentage points (below the target)"
    ]


def test_no_exceptions_is_said_plainly(internal):
    assert "No exceptions this period" in exception_list([flagged()[1]], COMMENTARY, internal)


def test_summary_counts_by_status_and_direction(internal, public):
    status = pd.DataFrame(
        {
            "rag": ["green", "green", "red", "amber", "no_data"],
            "dot": ["improving", "declining", "declining", "no_change", "not_comparable"],
        }
    )
    strip = soup(summary_strip(status, internal))
    by_status = {tr["data-status"]: int(text(tr.td)) for tr in strip.select("tr[data-status]")}
    by_direction = {tr["data-direction"]: int(text(tr.td)) for tr in strip.select("tr[data-direction]")}
    assert by_status == {"green": 2, "amber": 1, "red": 1, "no_data": 1}
    assert by_direction == {"improving": 1, "no_change": 1, "declining": 2, "not_comparable": 1}
    assert text(strip.select("caption")[0]) == "Status against target (5 indicators)"
    plain = soup(summary_strip(status, public))
    assert [text(th) for th in plain.select("tr[data-direction] th")] == [
        "\u2197 Getting better",
        "\u2192 About the same",
        "\u2198 Getting worse",
        "\u2013 No earlier figure",
    ]


def test_figures_keep_the_registers_decimals(internal):
    # Two decimals in the register: 87.0 must read 87.00%, not the 87.0% a value of that size would get by default.
    r = reading(
        status_row(indicator_id="RED", value=87.0, target=92.0, rag="red", exceptions=["red"]),
        register_row(indicator_id="RED", decimals=2),
    )
    item = soup(exception_list([r], None, internal)).select_one("li.exception")
    assert "87.00% in Sep 2025; target 92.00%" in text(item)
    assert (
        text(item.select_one(".reasons li"))
        == "Off target: 5.00 percentage points below the target, beyond the near-target band"
    )


def test_a_special_cause_reason_says_the_run_and_when_it_began(internal, public):
    # 92.0% and 93.0% in turn from Mar 2024 to Feb 2025, then 92.0% for seven months, Mar to Sep 2025:
    # the mean is (12 x 92.5 + 7 x 92.0) / 19 = 92.32%, so the last seven are a run below it.
    r = reading(
        status_row(value=92.0, target=None, rag="no_target", exceptions=["spc_concern"]),
        spc_view=view([92.0, 93.0] * 6 + [92.0] * 7, "Mar 2024", target=None),
    )
    assert [text(li) for li in soup(exception_list([r], None, internal)).select(".reasons li")] == [
        "Special cause of concern (SPC): 7 months below the mean since Mar 2025"
    ]
    assert [text(li) for li in soup(exception_list([r], None, public)).select(".reasons li")] == [
        "Unusually poor result: 7 months in a row below the average since Mar 2025"
    ]


def test_a_percentage_without_register_decimals_misses_by_points_to_one_place(internal):
    r = reading(status_row(value=87.25, target=92.0, exceptions=["red"]), register_row(decimals=None))
    item = soup(exception_list([r], None, internal)).select_one("li.exception")
    # 92.0 - 87.25 = 4.75 points, said to one place
    assert (
        text(item.select_one(".reasons li"))
        == "Off target: 4.8 percentage points below the target, beyond the near-target band"
    )


def test_each_exception_links_to_its_deep_dive_and_annual_report_line(internal):
    r = reading(status_row(indicator_id="REP-01", exceptions=["red"]))
    links = soup(exception_list([r], None, internal)).select("li.exception a[data-xref]")
    assert [(a["data-xref"], text(a)) for a in links] == [
        ("deep-dive indicator-rep-01", "Deep dive"),
        ("annual ind-rep-01", "In the annual report"),
    ]


def test_the_value_line_says_when_there_is_no_figure_or_no_target(internal, public):
    missing = reading(status_row(value=float("nan"), rag="no_data", exceptions=["missing_data"]))
    untargeted = reading(status_row(target=float("nan"), rag="no_target", exceptions=["provisional_data"]))

    def value_line(r, words):
        return text(soup(exception_list([r], None, words)).select_one("li.exception p"))

    # the line is the status, the value phrase, then the links to the other reports
    assert "No data no value supplied for Sep 2025; target 92.0% Deep dive" in value_line(missing, internal)
    assert "no figure yet for Sep 2025; target 92.0% Deep dive" in value_line(missing, public)
    assert "No target 87.0% in Sep 2025 Deep dive" in value_line(untargeted, internal)
