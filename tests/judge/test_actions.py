"""Council plan actions as they stood at a date: each report reads an action's history of updates as at its period's
end, counts every action of its scope and names what slipped then. Every expected figure is worked out by hand here."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from component_helpers import soup

import pmkit
from pmkit.components.actions import action_summary, next_steps, year_actions
from pmkit.components.words import words_for
from pmkit.errors import ValidationError
from pmkit.io import periods
from pmkit.judge.actions import as_at
from pmkit.reports.annual import year_in_numbers

MINI = Path(__file__).parents[1] / "data" / "mini_council"
INTERNAL, PUBLIC = words_for("internal"), words_for("public")
Q2, YEAR = periods.parse("2025/26 Q2"), periods.parse("2024/25")
COLUMNS = [
    "action_id",
    "title",
    "priority",
    "directorate",
    "lead",
    "due",
    "status",
    "percent_complete",
    "update",
    "public",
]


def actions(rows: list[tuple]) -> pd.DataFrame:
    """Actions as the source serves them: (id, title, due, status now, percent now), all Housing's and public."""
    return pd.DataFrame(
        [
            (i, title, "Homes", "Housing", "Head of Housing", due, status, percent, f"{title}: now.", True)
            for i, title, due, status, percent in rows
        ],
        columns=COLUMNS,
    )


def updates(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["action_id", "period", "status", "percent_complete", "update"])


# Six actions of one directorate, their statuses today (the actions table) and their histories.
SIX = actions(
    [
        ("A1", "Open a family hostel", "2024/25 Q4", "complete", 100.0),
        ("A2", "Recommission repairs", "2025/26 Q1", "complete", 100.0),
        ("A3", "Publish a tenancy strategy", "2025/26 Q2", "complete", 100.0),  # no update rows: read from its own row
        ("A4", "Buy 60 homes", "2025/26 Q4", "at_risk", 45.0),
        ("A5", "Insulate 500 homes", "2026/27 Q1", "on_track", 20.0),
        ("A6", "Set up a tenant panel", "2025/26 Q4", "complete", 100.0),  # completed in October 2025, after Q2
    ]
)
SIX_HISTORY = updates(
    [
        ("A1", "2024/25 Q2", "on_track", 30.0, "Site bought."),
        ("A1", "2024/25 Q4", "complete", 100.0, "Opened in March 2025."),
        ("A2", "2025/26 Q1", "complete", 100.0, "New contract started in June 2025."),
        ("A4", "2025/26 Q1", "on_track", 40.0, "20 homes bought."),
        ("A4", "2025/26 Q2", "at_risk", 45.0, "Prices in the south are **above budget**."),
        ("A5", "2025/26 Q2", "on_track", 20.0, "Surveys done."),
        ("A6", "2025/26 Q1", "on_track", 50.0, "Terms of reference agreed."),
        ("A6", "Oct 2025", "complete", 100.0, "The panel met in October 2025."),
    ]
)


def text(node) -> str:
    """The text a reader sees, white space collapsed (no space added where a tag ends)."""
    return " ".join(node.get_text().split())


def state(frame: pd.DataFrame) -> list[tuple]:
    return list(
        frame[["action_id", "status", "percent_complete", "update", "reported", "completed_later"]].itertuples(
            index=False, name=None
        )
    )


def test_as_at_reads_the_latest_update_by_the_periods_end_and_nothing_later():
    assert state(as_at(SIX, SIX_HISTORY, "2025/26 Q2")) == [
        ("A1", "complete", 100.0, "Opened in March 2025.", "2024/25 Q4", ""),
        ("A2", "complete", 100.0, "New contract started in June 2025.", "2025/26 Q1", ""),
        ("A3", "complete", 100.0, "Publish a tenancy strategy: now.", "", ""),  # no history: its own row
        ("A4", "at_risk", 45.0, "Prices in the south are **above budget**.", "2025/26 Q2", ""),
        ("A5", "on_track", 20.0, "Surveys done.", "2025/26 Q2", ""),
        ("A6", "on_track", 50.0, "Terms of reference agreed.", "2025/26 Q1", "Oct 2025"),  # complete only in October
    ]


def test_an_action_with_history_but_no_update_yet_had_not_started():
    assert state(as_at(SIX, SIX_HISTORY, "Dec 2024")) == [
        ("A1", "on_track", 30.0, "Site bought.", "2024/25 Q2", "2024/25 Q4"),
        ("A2", "not_started", 0.0, "", "", "2025/26 Q1"),
        ("A3", "complete", 100.0, "Publish a tenancy strategy: now.", "", ""),
        ("A4", "not_started", 0.0, "", "", ""),
        ("A5", "not_started", 0.0, "", "", ""),
        ("A6", "not_started", 0.0, "", "", "Oct 2025"),
    ]


def test_of_two_updates_ending_together_the_shorter_period_is_read():
    both = updates(
        [("A4", "2025/26 Q2", "on_track", 40.0, "The quarter's."), ("A4", "Sep 2025", "at_risk", 45.0, "September's.")]
    )
    read = as_at(SIX[SIX["action_id"] == "A4"], both, "2025/26 Q2")
    assert state(read) == [("A4", "at_risk", 45.0, "September's.", "Sep 2025", "")]


def test_the_quarterly_summary_counts_every_action_as_at_the_quarters_end():
    html = soup(action_summary(as_at(SIX, SIX_HISTORY, Q2), Q2, INTERNAL))
    assert (
        text(html.select_one(".actions-count"))
        == "3 of 6 actions completed by 30 September 2025, \u25b2 1 at risk, \u2192 2 on track."
    )
    assert [li["data-action"] for li in html.select("li[data-action]")] == ["A4"]
    assert text(html.select_one('li[data-action="A4"]')) == (
        "Buy 60 homes (A4) \u25b2 At risk, 45% done; due 2025/26 Q4; lead: Head of Housing. Prices in the south are above budget."
    )
    earlier = soup(action_summary(as_at(SIX, SIX_HISTORY, "2024/25 Q3"), periods.parse("2024/25 Q3"), PUBLIC))
    assert (
        text(earlier.select_one(".actions-count"))
        == "1 of 6 actions completed by 31 December 2024, \u2192 1 on track, \u25cb 4 not started."
    )


def test_the_quarterly_report_counts_all_the_directorates_actions_not_only_those_that_slipped(tmp_path, monkeypatch):
    # The finding: "0 of 2 actions completed" on a directorate with 6 actions, 3 of them complete.
    folder = tmp_path / "council"
    shutil.copytree(MINI, folder)
    place = actions([("P1", "Weekly food waste", "2025/26 Q1", "off_track", 10.0)]).assign(directorate="Place")
    pd.concat([SIX, place]).to_csv(folder / "actions.csv", index=False)
    SIX_HISTORY.to_csv(folder / "action_updates.csv", index=False)
    from pmkit.reports.quarterly import DirectorateReport

    report = DirectorateReport("Housing", "2025/26 Q2", source=str(folder))
    shown = {}
    monkeypatch.setattr(report, "section", lambda name, body: shown.update({name: body}))
    report.actions()
    page = soup(shown["actions"])
    assert (
        text(page.select_one(".actions-count"))
        == "3 of 6 actions completed by 30 September 2025, \u25b2 1 at risk, \u2192 2 on track."
    )
    assert [li["data-action"] for li in page.select("li[data-action]")] == ["A4"]


# The year 2024/25 and its actions: B2, B3 and B4 say complete today, but finished after 31 March 2025.
YEAR_ACTIONS = actions(
    [
        ("B1", "Open four family hubs", "2024/25 Q2", "complete", 100.0),
        ("B2", "Launch online accounts", "2024/25 Q4", "complete", 100.0),
        ("B3", "Survey every damp report", "2024/25 Q4", "complete", 100.0),
        ("B4", "Adopt the Local Plan", "2025/26 Q1", "complete", 100.0),  # due in 2025/26: not the year's
        ("B5", "Inspect food businesses", "2024/25 Q3", "off_track", 10.0),  # no history: its own row
        ("B6", "Resurface 40 miles of road", "2025/26 Q4", "on_track", 40.0),
    ]
)
YEAR_HISTORY = updates(
    [
        ("B1", "2024/25 Q2", "complete", 100.0, "All four open."),
        ("B2", "2024/25 Q4", "at_risk", 80.0, "Delayed by the supplier."),
        ("B2", "Jun 2025", "complete", 100.0, "Launched in June 2025."),
        ("B3", "2024/25 Q3", "on_track", 50.0, "Half surveyed."),
        ("B3", "2025/26 Q1", "complete", 100.0, "Finished in May 2025."),
        ("B4", "2024/25 Q4", "on_track", 70.0, "Examination done."),
        ("B4", "May 2025", "complete", 100.0, "Adopted in May 2025."),
        ("B6", "2025/26 Q2", "on_track", 40.0, "16 miles done."),
    ]
)


def test_the_year_counts_only_actions_due_in_it_and_complete_by_its_end_and_names_later_completions():
    # The finding: 2024/25 counted actions finished in May to July 2025 and actions due in 2025/26 ("5 of 6").
    at_end = as_at(YEAR_ACTIONS, YEAR_HISTORY, YEAR)
    figures = year_in_numbers([], at_end, YEAR, public=False)
    assert [(f.value, f.label, f.detail) for f in figures] == [
        (
            "1 of 4",
            "council plan actions due in 2024/25 completed by 31 March 2025",
            "2 more were completed after the year ended: Launch online accounts (Jun 2025); Survey every damp report (2025/26 Q1).",
        )
    ]


def test_the_years_summary_shows_statuses_as_at_31_march():
    html = soup(year_actions(as_at(YEAR_ACTIONS, YEAR_HISTORY, YEAR), YEAR, INTERNAL))
    assert text(html.select_one(".actions-count")) == (
        "1 of 4 actions due in 2024/25 completed by 31 March 2025, "
        "\u2716 1 off track, \u25b2 1 at risk, \u2192 1 on track."
    )
    assert text(html.select_one(".actions-later")) == (
        "2 more were completed after the year ended: Launch online accounts (Jun 2025); "
        "Survey every damp report (2025/26 Q1)."
    )
    assert (
        text(html.select_one(".actions-due-later"))
        == "Due after 2024/25: 2 actions, \u2192 1 on track, \u25cb 1 not started."
    )
    assert text(html.find("h4")) == "Actions that slipped by 31 March 2025"
    said = {li["data-action"]: text(li) for li in html.select("li[data-action]")}
    assert list(said) == ["B2", "B5", "B3"]  # by status as at 31 March, then id
    assert said["B2"] == (
        "Launch online accounts (B2) \u25b2 At risk, 80% done; due 2024/25 Q4 (overdue); lead: Head of Housing. "
        "Delayed by the supplier."
    )
    assert said["B3"].startswith("Survey every damp report (B3) \u2192 On track, 50% done; due 2024/25 Q4 (overdue)")


def test_a_year_with_no_actions_due_says_so_and_counts_those_due_later():
    later = YEAR_ACTIONS[YEAR_ACTIONS["action_id"].isin(["B4", "B6"])]
    html = soup(year_actions(as_at(later, YEAR_HISTORY, YEAR), YEAR, PUBLIC))
    assert text(html.select_one(".actions-count")) == "No actions were due in 2024/25."
    assert (
        text(html.select_one(".actions-due-later"))
        == "Due after 2024/25: 2 actions, \u2192 1 on track, \u25cb 1 not started."
    )
    assert year_in_numbers([], as_at(later, YEAR_HISTORY, YEAR), YEAR, public=True) == []


def test_next_steps_list_the_actions_open_at_the_years_end_and_not_completed_since():
    # B2 and B3 (due in the year) and B4 (due in 2025/26) were open on 31 March 2025 but are complete now.
    at_end = as_at(YEAR_ACTIONS, YEAR_HISTORY, YEAR)
    still_open = at_end[(at_end["status"] != "complete") & (at_end["completed_later"] == "")]
    html = soup(next_steps([], still_open, YEAR, INTERNAL))
    assert text(html.find("h3")) == "Council plan actions still open at 31 March 2025"
    assert [text(li) for li in html.select(".next-actions li")] == [
        "Inspect food businesses: due 2024/25 Q3 (\u2716 off track).",
        "Resurface 40 miles of road: due 2025/26 Q4 (\u25cb not started).",
    ]


def test_an_update_for_an_unknown_action_or_out_of_range_is_refused(tmp_path):
    folder = tmp_path / "council"
    shutil.copytree(MINI, folder)
    SIX.to_csv(folder / "actions.csv", index=False)
    updates(
        [
            ("A1", "2024/25 Q4", "complete", 100.0, "Opened."),
            ("A9", "2024/25 Q4", "on_track", 10.0, ""),
            ("A4", "2025/26 Q1", "at_risk", 130.0, ""),
            ("A4", "2025/26 Q2", "late", 40.0, ""),
            ("A1", "2024/25 Q4", "complete", 100.0, "Again."),
        ]
    ).to_csv(folder / "action_updates.csv", index=False)
    with pytest.raises(ValidationError) as caught:
        pmkit.open_source(folder).tables()
    assert [str(p) for p in caught.value.problems] == [
        "action_updates.csv:5:status: 'late' is not allowed; expected one of complete, on_track, at_risk, off_track, not_started",
        "action_updates.csv:4:percent_complete: '130.0' is above the maximum 100",
        "action_updates.csv:6:period: duplicate of an earlier row (A1, 2024/25 Q4); each action_id + period must be unique",
        "action_updates.csv:3:action_id: 'A9' is not in actions.action_id; expected a known action_id",
    ]


def test_the_annual_report_reads_its_actions_as_at_31_march(tmp_path):
    folder = tmp_path / "council"
    shutil.copytree(MINI, folder)
    YEAR_ACTIONS.to_csv(folder / "actions.csv", index=False)
    YEAR_HISTORY.to_csv(folder / "action_updates.csv", index=False)
    from pmkit.reports.annual import AnnualReport

    report = AnnualReport("2024/25", source=str(folder))
    shown = {}
    report.section = lambda name, body: shown.update({name: soup(body)})
    report.titled_sections = lambda sections: shown.update({title: soup(body) for title, _, body in sections})
    report.year_in_numbers()
    report.priorities_sections()
    report.next_steps()
    figure = shown["year_in_numbers"].select_one(".key-figures li")
    assert text(figure) == (
        "1 of 4 council plan actions due in 2024/25 completed by 31 March 2025 2 more were completed after the "
        "year ended: Launch online accounts (Jun 2025); Survey every damp report (2025/26 Q1)."
    )
    homes = shown["Homes"]
    assert text(homes.select_one(".actions-count")) == (
        "1 of 4 actions due in 2024/25 completed by 31 March 2025, "
        "\u2716 1 off track, \u25b2 1 at risk, \u2192 1 on track."
    )
    assert [li["data-status"] for li in homes.select("li[data-action]")] == [
        "at_risk",
        "off_track",
        "on_track",
    ]  # B2, B5, B3 then
    assert [text(li).split(":")[0] for li in shown["next_steps"].select(".next-actions li")] == [
        "Inspect food businesses",
        "Resurface 40 miles of road",
    ]
