"""Benchmarking over time: this council against its comparator group, period by period.

For each period with peer values: this council's value, the peer median, the boundaries of the
best and worst quarters of peers (in the good direction), the national figure, and this council's
rank among the peers and itself, ranked as `pmkit.status` ranks (ties share the better rank).

>>> trajectory("UP", "higher_is_better", own, bench, "nearest_neighbours")   # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkit import periods

COLUMNS = ["period", "own", "median", "best_quarter", "worst_quarter", "national", "rank", "councils", "quartile"]


def national_figures(table: pd.DataFrame, national_group: str | None) -> pd.DataFrame:
    """The national figure per (metric, period), with the name shown beside it: the group's one row
    (``England``), or, for a group of many councils (the LGBF's ``scotland``), their median, named so.

    >>> rows = pd.DataFrame({"metric": ["m"] * 3, "period": ["2022/23"] * 3, "group": ["scotland"] * 3,
    ...                      "authority_name": ["Angus", "Fife", "Moray"], "value": [1.0, 5.0, 2.0]})
    >>> national_figures(rows, "scotland").loc[("m", "2022/23"), "name"]
    'Scotland: median of 3 councils'
    >>> float(national_figures(rows, "scotland").loc[("m", "2022/23"), "value"])
    2.0
    """
    found = table[table["group"] == national_group] if national_group else table.iloc[0:0]
    if "authority_name" not in found:
        found = found.assign(authority_name=found.get("authority_code", ""))
    grouped = found.groupby(["metric", "period"])
    out = pd.DataFrame({"value": grouped["value"].median(), "count": grouped["value"].size(),
                        "first": grouped["authority_name"].first()})
    label = str(national_group or "").replace("_", " ")
    label = label[:1].upper() + label[1:]
    out["name"] = [str(first) if n == 1 else f"{label}: median of {n} councils" for first, n in zip(out["first"], out["count"])]
    return out[["value", "name"]]


def trajectory(
    metric: str,
    polarity: str,
    own: pd.Series,
    benchmarks: pd.DataFrame,
    group: str,
    national_group: str | None = "england",
) -> pd.DataFrame:
    """One row per period that has peers for ``metric`` (oldest first); ``own`` is this council's
    values indexed by period label (a period without one has no rank)."""
    if not metric or benchmarks is None or benchmarks.empty:
        return pd.DataFrame(columns=COLUMNS)
    table = benchmarks[benchmarks["metric"] == metric].assign(value=lambda t: pd.to_numeric(t["value"], errors="coerce"))
    table = table[table["value"].notna()]
    peers = table[table["group"] == group]
    national = national_figures(table, national_group)["value"].droplevel("metric")
    lower_better = polarity == "lower_is_better"
    rows = []
    for period, values in peers.groupby("period")["value"]:
        v = values.to_numpy(dtype=float)
        mine = own.get(period, np.nan)
        better = int((v < mine).sum() if lower_better else (v > mine).sum()) if not pd.isna(mine) else None
        councils = len(v) + 1
        rank = None if better is None else better + 1
        rows.append({
            "period": period, "own": mine, "median": float(np.median(v)),
            "best_quarter": float(np.percentile(v, 25 if lower_better else 75)),
            "worst_quarter": float(np.percentile(v, 75 if lower_better else 25)),
            "national": float(national.get(period, np.nan)), "rank": rank, "councils": councils,
            "quartile": None if rank is None else int(np.ceil(4 * rank / councils)),
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    order = periods.parse_column(frame["period"])["start"].to_numpy()
    return frame.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
