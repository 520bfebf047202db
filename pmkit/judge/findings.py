"""Findings for a scrutiny deep dive: facts in an indicator's data that a committee should ask about.

Each finding is a kind and the figures that establish it; `pmkit.components.questions` turns it
into a sentence and a question in the audience's words. The kinds:

- ``below_target``: missing its target (off or near it) for two or more periods in a row, up to the latest;
- ``green_bottom_quartile``: on target but in the worst quarter of similar councils;
- ``special_cause``: the latest value is a special cause (concern or improvement), since a date;
- ``stale_limits``: a sustained shift since the last rebase that the register does not yet rebase;
- ``target_eased``: a year's target easier than the year before's;
- ``target_beyond_peers``: a target better than every similar council's figure (internal pages only);
- ``target_below_own``: a target easier than the council's own latest figure (internal pages only);
- ``provisional``: provisional or estimated values among the recent ones;
- ``theme_rising``: a theme of residents' complaints rising on the period before.

>>> below_target(pd.DataFrame({"period": ["Jul 2025", "Aug 2025", "Sep 2025"], "value": [90.0, 85.0, 84.0],
...                            "target": [88.0, 88.0, 88.0], "rag": ["green", "red", "amber"], "quality": "final"}), "X")
Finding(kind='below_target', indicator_id='X', facts={'periods': 2, 'since': 'Aug 2025', 'latest': 'Sep 2025', 'value': 84.0, 'target': 88.0})
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmkit.io import measure, periods
from pmkit.io.measure import target_history, targets_at  # noqa: F401  (what findings on targets read)
from pmkit.judge import spc
from pmkit.judge.reading import Reading
from pmkit.judge.themes import OTHER, UNCODED, ThemeSummary
from pmkit.judge.tolerance import slack

RISING_SHARE = 0.25  # a theme rising by a quarter or more on the previous period
RISING_MINIMUM = 5  # and now holding at least this many complaints


@dataclass(frozen=True)
class Finding:
    """A kind of finding, the indicator it is about (None for a theme) and its figures."""

    kind: str
    indicator_id: str | None
    facts: dict = field(default_factory=dict)


def below_target(history: pd.DataFrame, indicator_id: str) -> Finding | None:
    """Off or near target in each of the latest two or more periods (``history`` oldest first)."""
    missed = history["rag"].isin(["red", "amber"]).to_numpy()
    if not len(missed) or not missed[-1]:
        return None
    run = len(missed) - (np.flatnonzero(~missed)[-1] + 1 if (~missed).any() else 0)
    if run < 2:
        return None
    last = history.iloc[-1]
    return Finding(
        "below_target",
        indicator_id,
        {
            "periods": int(run),
            "since": history["period"].iloc[-run],
            "latest": last["period"],
            "value": float(last["value"]),
            "target": float(last["target"]),
        },
    )


def green_bottom_quartile(reading: Reading) -> Finding | None:
    if "green_bottom_quartile" not in reading.row["exceptions"] or reading.peers is None:
        return None
    return Finding(
        "green_bottom_quartile",
        reading.indicator_id,
        {
            "value": float(reading.row["value"]),
            "target": float(reading.row["target"]),
            "rank": int(reading.row["rank"]),
            "councils": reading.peers.n_peers + 1,
            "median": reading.peers.median,
            "period": reading.row["period"],
        },
    )


def special_cause(reading: Reading) -> Finding | None:
    """The latest value is a special cause: its type, the rule, and where the run of such values began."""
    if not reading.charted or not reading.latest_point["special_cause"]:
        return None
    pts = reading.spc.result.points
    kind = pts["point_type"].astype(str).to_numpy()
    same = kind == kind[-1]
    run = len(same) - (np.flatnonzero(~same)[-1] + 1 if (~same).any() else 0)
    return Finding(
        "special_cause",
        reading.indicator_id,
        {
            "type": kind[-1].removeprefix("special_cause_"),
            "rule": str(pts["rule"].iloc[-1]),
            "since": reading.spc.labels[int(pts["position"].iloc[-run])],
            "values": int(run),
            "latest": reading.spc_label,
        },
    )


def stale_limits(reading: Reading) -> Finding | None:
    """A sustained shift since the last rebase: when it began, how long, which side, the rebase to suggest."""
    if not reading.stale:
        return None
    shift = reading.shift
    sections = int(reading.spc.result.points["section"].max()) + 1
    return Finding(
        "stale_limits",
        reading.indicator_id,
        {
            "since": reading.rebase_label,
            "values": shift.values,
            "side": shift.side,
            "rebased_before": sections > 1,
        },
    )


def target_beyond_peers(reading: Reading) -> Finding | None:
    """A target better than every similar council's figure for the judged period: the best of them,
    who, and how many."""
    polarity = str(reading.info["polarity"])
    if not reading.has_target or reading.peers is None or polarity == "neutral":
        return None
    others = reading.peers.table[~reading.peers.table["own"]]
    if others.empty:
        return None
    lower = polarity == "lower_is_better"
    best = others.loc[others["value"].idxmin() if lower else others["value"].idxmax()]
    target = float(reading.row["target"])
    if not (target < best["value"] if lower else target > best["value"]):
        return None
    return Finding(
        "target_beyond_peers",
        reading.indicator_id,
        {
            "target": target,
            "best": float(best["value"]),
            "best_name": str(best["authority_name"]),
            "councils": len(others),
            "period": reading.peers.period,
        },
    )


def target_below_own(reading: Reading) -> Finding | None:
    """A target easier than the council's own figure for the judged period (lower than it when higher
    is better, higher when lower is better): met without trying. Not for a running total, whose
    figure before the year end is not comparable with a target for the year."""
    polarity = str(reading.info["polarity"])
    if not reading.has_target or not reading.has_value or polarity == "neutral" or measure.is_cumulative(reading.info):
        return None
    value, target = float(reading.row["value"]), float(reading.row["target"])
    beaten = value - target if polarity == "higher_is_better" else target - value
    if beaten <= slack(target):
        return None
    return Finding(
        "target_below_own", reading.indicator_id, {"target": target, "value": value, "period": reading.row["period"]}
    )


INTERNAL_ONLY = ("target_beyond_peers", "target_below_own")  # questions of the target for members and officers


def target_eased(
    history: pd.DataFrame, indicator_id: str, polarity: str, since: periods.Period | None = None
) -> list[Finding]:
    """Each year (from ``since`` on) whose whole-year target is easier than the year before's
    (lower when higher is better, higher when lower is better)."""
    years = history[history["frequency"] == "annual"].reset_index(drop=True)
    found = []
    for before, after in zip(years.itertuples(), years.iloc[1:].itertuples()):
        if since is not None and periods.parse(after.period).start < since.start:
            continue
        easier = after.target < before.target if polarity == "higher_is_better" else after.target > before.target
        if polarity != "neutral" and easier:
            found.append(
                Finding(
                    "target_eased",
                    indicator_id,
                    {
                        "from_period": before.period,
                        "from": float(before.target),
                        "to_period": after.period,
                        "to": float(after.target),
                    },
                )
            )
    return found


def provisional(history: pd.DataFrame, indicator_id: str) -> Finding | None:
    """Provisional or estimated values among the periods in ``history``."""
    flagged = history[~history["quality"].isin(["final", ""])]
    if flagged.empty:
        return None
    return Finding(
        "provisional", indicator_id, {"periods": flagged["period"].tolist(), "quality": flagged["quality"].tolist()}
    )


def rising_themes(summary: ThemeSummary) -> list[Finding]:
    """Themes of complaints up by a quarter or more on the previous period, with at least five now."""
    found = []
    for row in summary.themes.itertuples(index=False):
        if row.theme in (OTHER, UNCODED) or pd.isna(row.change_pct) or pd.isna(row.previous):
            continue
        count = int(row.count) if str(row.count).isdigit() else 0
        if count >= RISING_MINIMUM and row.change_pct >= RISING_SHARE:
            found.append(
                Finding(
                    "theme_rising",
                    None,
                    {
                        "theme": row.label,
                        "count": count,
                        "previous": int(row.previous),
                        "change_pct": float(row.change_pct),
                        "period": summary.period,
                        "previous_period": summary.previous_period,
                    },
                )
            )
    return found


RECENT_YEARS = 3  # target changes older than this many financial years are not raised


def for_indicator(reading: Reading, history: pd.DataFrame, targets: pd.DataFrame) -> list[Finding]:
    """Every finding about one indicator, in the order a committee would take them (target changes
    only from the last three financial years)."""
    polarity = str(reading.info["polarity"])
    since = periods.parse(reading.row["period"]).year.shift(1 - RECENT_YEARS)
    found = [
        below_target(history, reading.indicator_id) if len(history) else None,
        green_bottom_quartile(reading),
        special_cause(reading),
        stale_limits(reading),
        *target_eased(target_history(targets, reading.indicator_id), reading.indicator_id, polarity, since),
        target_beyond_peers(reading),
        target_below_own(reading),
        provisional(history, reading.indicator_id) if len(history) else None,
    ]
    return [f for f in found if f is not None]


def rebase_positions(result: spc.XmRResult) -> list[int]:
    """Input positions where the chart's later sections begin: the rebases the register already makes."""
    pts = result.points
    starts = pts["section"].ne(pts["section"].shift()).to_numpy()
    return [int(p) for p in pts["position"].to_numpy()[starts][1:]]
