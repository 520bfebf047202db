"""Council plan actions as they stood at a date, read from their history of updates.

An action's ``action_updates`` rows say where it stood at the end of each period reported. A report
for a period reads each action as at that period's end: its latest update by then. An action with
updates but none by then had not started; an action without any update rows is read from its own
row of ``actions`` (its current state, the only one known).

>>> state = as_at(src.actions(), src.action_updates(), periods.parse("2024/25"))   # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from pmkit.io import periods

STATE = ("status", "percent_complete", "update")


def _ends(labels: pd.Series) -> pd.DataFrame:
    """Each label's start month and the month just after its end (for sorting and comparing)."""
    parsed = periods.parse_column(labels.astype(str))
    months = parsed["frequency"].map(periods.MONTHS_IN).astype("Int64")
    return pd.DataFrame({"start": parsed["start"], "end": parsed["start"] + months}, index=labels.index)


def as_at(actions: pd.DataFrame, updates: pd.DataFrame, period: periods.Period | str) -> pd.DataFrame:
    """``actions`` with ``status``, ``percent_complete`` and ``update`` as at the end of ``period``.

    Each action takes its latest update whose period ends on or before ``period``'s end (of two
    ending together, the shorter); one with updates but none by then is ``not_started`` with no
    update and 0% done; one without update rows keeps its own columns. Two columns are added:
    ``reported``, the period of the update read ("" when none), and ``completed_later``, for an
    action not complete then, the period of its first later update saying it was complete ("" if none).
    """
    period = periods.parse(period)
    out = actions.copy()
    out["reported"], out["completed_later"] = "", ""
    if out.empty or updates.empty:
        return out
    ups = updates[updates["action_id"].isin(out["action_id"])]
    ups = pd.concat([ups, _ends(ups["period"])], axis=1).sort_values(["action_id", "end", "start"])
    by_then = ups[ups["end"] <= period.end].drop_duplicates("action_id", keep="last").set_index("action_id")
    has_history = out["action_id"].isin(ups["action_id"])
    ids = out["action_id"]
    for column, none in (("status", "not_started"), ("percent_complete", 0.0), ("update", "")):
        read = ids.map(by_then[column])
        out[column] = out[column].where(~has_history, read.where(ids.isin(by_then.index), none))
    later = ups[(ups["end"] > period.end) & (ups["status"] == "complete")].drop_duplicates("action_id", keep="first")
    out["reported"] = [by_then["period"].get(i, "") for i in ids]
    completed = dict(zip(later["action_id"], later["period"]))
    out["completed_later"] = ["" if done else completed.get(i, "") for i, done in zip(ids, out["status"] == "complete")]
    return out


def due_within(actions: pd.DataFrame, period: periods.Period | str) -> pd.Series:
    """Whether each action is due within ``period`` (its due period starts and ends inside it)."""
    period = periods.parse(period)
    due = _ends(actions["due"])
    return ((due["start"] >= period.start) & (due["end"] <= period.end)).fillna(False).astype(bool)


def due_after(actions: pd.DataFrame, period: periods.Period | str) -> pd.Series:
    """Whether each action is due after ``period`` ends."""
    period = periods.parse(period)
    return (_ends(actions["due"])["end"] > period.end).fillna(False).astype(bool)
