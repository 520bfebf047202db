"""Council plan actions: what the council said it would do, reported beside what it measured.

Every function here takes actions as they stood at a date (`pmkit.judge.actions.as_at`). The quarterly
summary counts every action ("3 of 6 actions completed by 30 September 2025, 1 at risk, 2 on
track") and lists those that slipped (at risk, off track, or past due and not complete) with their
updates; the annual summary counts only the actions due in the year, names those completed after
it ended, and counts those due later apart.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from pmkit.components.anchors import slugify
from pmkit.components.templating import markdown, render
from pmkit.components.words import Words
from pmkit.io import periods
from pmkit.judge.actions import due_after, due_within

STATUS_WORDS = {
    "complete": "Complete",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "not_started": "Not started",
}
STATUS_ICONS = {
    "complete": "\u2714",
    "on_track": "\u2192",
    "at_risk": "\u25b2",
    "off_track": "\u2716",
    "not_started": "\u25cb",
}
NOT_COMPLETE = ("off_track", "at_risk", "on_track", "not_started")  # as counted, the worst first


def end_date(period: periods.Period) -> str:
    """The last day of ``period`` in words.

    >>> end_date(periods.parse("2024/25")), end_date(periods.parse("Feb 2024"))
    ('31 March 2025', '29 February 2024')
    """
    last = date(period.end // 12, period.end % 12 + 1, 1) - timedelta(days=1)
    return f"{last.day} {last:%B %Y}"


def slipped(actions: pd.DataFrame, as_at: periods.Period) -> pd.DataFrame:
    """Actions at risk or off track, and any not complete whose due period ended by ``as_at``."""
    if actions.empty:
        return actions
    due_end = actions["due"].map(lambda p: periods.parse(p).end)
    late = (due_end <= as_at.end) & (actions["status"] != "complete")
    return actions[actions["status"].isin(["at_risk", "off_track"]) | late]


def _others(actions: pd.DataFrame) -> list[tuple[str, str, str, int]]:
    """(status, word, icon, count) for each status but complete that the actions hold, the worst first."""
    counts = actions["status"].value_counts()
    return [(s, STATUS_WORDS[s].lower(), STATUS_ICONS[s], int(counts[s])) for s in NOT_COMPLETE if counts.get(s, 0)]


def _count(actions: pd.DataFrame) -> dict:
    return {"total": len(actions), "complete": int((actions["status"] == "complete").sum()), "others": _others(actions)}


def _items(actions: pd.DataFrame, as_at: periods.Period) -> list[dict]:
    late = slipped(actions, as_at)
    return [_item(row, as_at) for _, row in late.sort_values(["status", "action_id"]).iterrows()]


def action_summary(actions: pd.DataFrame, as_at: periods.Period, words: Words, heading_level: int = 3) -> str:
    """Every action counted by its status at the end of ``as_at``, then those that slipped with their update then
    (their lead for members). ``actions`` are read as at that date (`pmkit.judge.actions.as_at`)."""
    if actions.empty:
        return ""
    return render(
        "actions.html.j2",
        words=words,
        h=heading_level,
        when=end_date(as_at),
        year=None,
        count=_count(actions),
        later=[],
        due_later=None,
        items=_items(actions, as_at),
    )


def year_actions(actions: pd.DataFrame, year: periods.Period, words: Words, heading_level: int = 4) -> str:
    """The year's actions: those due in ``year`` counted by their status at its end; those of them completed after it
    ended, named with when; those due later counted apart; then every action that had slipped by the year's end.
    ``actions`` are read as at the year's end (`pmkit.judge.actions.as_at`, whose ``completed_later`` says when)."""
    if actions.empty:
        return ""
    due = actions[due_within(actions, year).to_numpy()]
    later = actions[due_after(actions, year).to_numpy()]
    return render(
        "actions.html.j2",
        words=words,
        h=heading_level,
        when=end_date(year),
        year=year.label,
        count=_count(due),
        later=completed_later(due),
        due_later=_count(later) if len(later) else None,
        items=_items(actions, year),
    )


def completed_later(actions: pd.DataFrame) -> list[dict]:
    """The actions not complete at the date they were read as at but completed since, with the period they were."""
    done = actions[actions.get("completed_later", pd.Series("", index=actions.index)).fillna("") != ""]
    return [
        {"id": row["action_id"], "title": row["title"], "when": periods.parse(row["completed_later"]).label}
        for _, row in done.sort_values(["action_id"]).iterrows()
    ]


def completed_later_sentence(later: list[dict]) -> str:
    """``1 more was completed after the year ended: Open hubs (May 2025).`` ("" for none)."""
    if not later:
        return ""
    names = "; ".join(f"{a['title']} ({a['when']})" for a in later)
    return f"{len(later)} more {'was' if len(later) == 1 else 'were'} completed after the year ended: {names}."


def _item(row: pd.Series, as_at: periods.Period) -> dict:
    overdue = periods.parse(row["due"]).end <= as_at.end and row["status"] != "complete"
    return {
        "id": row["action_id"],
        "anchor": slugify(row["action_id"]),
        "title": row["title"],
        "status": row["status"],
        "status_word": STATUS_WORDS[row["status"]],
        "icon": STATUS_ICONS[row["status"]],
        "due": row["due"],
        "overdue": overdue,
        "lead": row["lead"],
        "percent": None if pd.isna(row["percent_complete"]) else int(row["percent_complete"]),
        "text": markdown(row["update"]) if row["update"] else "",
    }


def next_steps(off_target: list[str], open_actions: pd.DataFrame, year: periods.Period, words: Words) -> str:
    """What comes next: the indicators that ended the year off target, and the actions still open at its end (as they
    stood then) by due date."""
    actions = (
        [
            {
                "title": row["title"],
                "due": row["due"],
                "status_word": STATUS_WORDS[row["status"]],
                "icon": STATUS_ICONS[row["status"]],
                "status": row["status"],
            }
            for _, row in open_actions.assign(_due=open_actions["due"].map(lambda p: periods.parse(p).start))
            .sort_values(["_due", "action_id"])
            .iterrows()
        ]
        if len(open_actions)
        else []
    )
    return render(
        "next_steps.html.j2", off_target=off_target, actions=actions, year=year.label, when=end_date(year), words=words
    )
