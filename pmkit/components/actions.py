"""Council plan actions: what the council said it would do, reported beside what it measured.

A summary counts actions by status ("9 of 14 actions completed") and lists those that slipped
(at risk, off track, or past due and not complete) with their updates; the quarterly report lists
a directorate's slipped actions beside its exceptions.
"""

from __future__ import annotations

import pandas as pd

from pmkit import periods
from pmkit.components.templating import markdown, render
from pmkit.components.words import Words
from pmkit.schema import ACTION_STATUSES

STATUS_WORDS = {
    "complete": "Complete", "on_track": "On track", "at_risk": "At risk", "off_track": "Off track", "not_started": "Not started",
}
STATUS_ICONS = {"complete": "\u2714", "on_track": "\u2192", "at_risk": "\u25b2", "off_track": "\u2716", "not_started": "\u25cb"}


def slipped(actions: pd.DataFrame, as_at: periods.Period) -> pd.DataFrame:
    """Actions at risk or off track, and any not complete whose due period ended by ``as_at``."""
    if actions.empty:
        return actions
    due_end = actions["due"].map(lambda p: periods.parse(p).end)
    late = (due_end <= as_at.end) & (actions["status"] != "complete")
    return actions[actions["status"].isin(["at_risk", "off_track"]) | late]


def action_summary(actions: pd.DataFrame, as_at: periods.Period, words: Words, heading_level: int = 3) -> str:
    """Counts by status, then every action that slipped with its update (its lead for members)."""
    if actions.empty:
        return ""
    counts = actions["status"].value_counts()
    late = slipped(actions, as_at)
    return render(
        "actions.html.j2",
        words=words,
        h=heading_level,
        total=len(actions),
        complete=int(counts.get("complete", 0)),
        counts=[(s, STATUS_WORDS[s], STATUS_ICONS[s], int(counts[s])) for s in ACTION_STATUSES if counts.get(s, 0)],
        items=[_item(row, as_at) for _, row in late.sort_values(["status", "action_id"]).iterrows()],
    )


def _item(row: pd.Series, as_at: periods.Period) -> dict:
    overdue = periods.parse(row["due"]).end <= as_at.end and row["status"] != "complete"
    return {
        "id": row["action_id"], "title": row["title"], "status": row["status"], "status_word": STATUS_WORDS[row["status"]],
        "icon": STATUS_ICONS[row["status"]], "due": row["due"], "overdue": overdue, "lead": row["lead"],
        "percent": None if pd.isna(row["percent_complete"]) else int(row["percent_complete"]),
        "text": markdown(row["update"]) if row["update"] else "",
    }


def next_steps(off_target: list[str], open_actions: pd.DataFrame, year: periods.Period, words: Words) -> str:
    """What comes next: the indicators that ended the year off target, and the actions still open by due date."""
    actions = [
        {"title": row["title"], "due": row["due"], "status_word": STATUS_WORDS[row["status"]], "icon": STATUS_ICONS[row["status"]],
         "status": row["status"]}
        for _, row in open_actions.assign(_due=open_actions["due"].map(lambda p: periods.parse(p).start)).sort_values(["_due", "action_id"]).iterrows()
    ] if len(open_actions) else []
    return render("next_steps.html.j2", off_target=off_target, actions=actions, year=year.label, words=words)
