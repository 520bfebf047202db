"""Benchmarking over time: this council against its comparator group, period by period.

For each period with peer values: this council's value, the peer median, the boundaries of the
best and worst quarters of peers (in the good direction), the national figure, and this council's
rank among the peers and itself, ranked as `pmkit.judge.status` ranks (ties share the better rank).

>>> trajectory("UP", "higher_is_better", own, bench, "nearest_neighbours")   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmkit.errors import Problem
from pmkit.io import periods

COLUMNS = ["period", "own", "median", "best_quarter", "worst_quarter", "national", "rank", "councils", "quartile"]


_NAME_WORDS = {"council", "city", "borough", "county", "district", "metropolitan", "royal", "of", "the", "and", "&"}


def authority_key(name: object) -> str:
    """A council's name as matched: lower case, without words such as council, city, borough, county.

    >>> authority_key("Coventry City Council"), authority_key("Borough of Ashworth")
    ('coventry', 'ashworth')
    """
    words = str(name or "").lower().replace(",", " ").replace(".", " ").split()
    return " ".join(w for w in words if w not in _NAME_WORDS)


def own_authority(benchmarks: pd.DataFrame, settings: dict) -> frozenset[str]:
    """The authority codes of the council's own rows in its benchmarks (as an LG Inform download
    has them): the ``authority_code`` setting, else the codes of rows named as the ``council``
    setting names the council (`authority_key`). Empty when neither matches."""
    code = str(settings.get("authority_code") or "").strip()
    if code:
        return frozenset([code])
    key = authority_key(settings.get("council"))
    if not key or benchmarks is None or benchmarks.empty or "authority_name" not in benchmarks:
        return frozenset()
    names = benchmarks.drop_duplicates("authority_code")
    return frozenset(names.loc[names["authority_name"].map(authority_key) == key, "authority_code"].astype(str))


def own_figures(
    measures: pd.DataFrame, indicators: pd.DataFrame, benchmarks: pd.DataFrame, own: frozenset[str]
) -> pd.DataFrame:
    """Measure rows from the council's own benchmark rows, for the indicator (by ``benchmark_metric``)
    and period where ``measures`` has no figure and the period is of the indicator's frequency."""
    columns = list(measures.columns)
    if not own or benchmarks is None or benchmarks.empty or "benchmark_metric" not in indicators:
        return measures.iloc[0:0]
    rows = benchmarks[benchmarks["authority_code"].astype(str).isin(own)]
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()].drop_duplicates(["metric", "period"])
    linked = indicators.loc[
        indicators["benchmark_metric"].astype(str) != "", ["indicator_id", "benchmark_metric", "frequency"]
    ]
    found = linked.merge(rows[["metric", "period", "value"]], left_on="benchmark_metric", right_on="metric")
    if found.empty:
        return measures.iloc[0:0]
    found = found[
        periods.parse_column(found["period"].astype(str))["frequency"].to_numpy() == found["frequency"].to_numpy()
    ]
    have = measures.loc[measures["value"].notna(), ["indicator_id", "period"]]
    found = found.merge(have, on=["indicator_id", "period"], how="left", indicator=True)
    found = found[found["_merge"] == "left_only"]
    extra = pd.DataFrame(
        {
            "indicator_id": found["indicator_id"].to_numpy(),
            "period": found["period"].to_numpy(),
            "value": pd.to_numeric(found["value"]).to_numpy(dtype="float64"),
        }
    )
    defaults = {"quality": "final", "note": "from the benchmarks (the council's own row)"}
    for col in columns:
        if col not in extra:
            extra[col] = defaults.get(col, np.nan)
    return extra[columns]


def with_own_figures(
    measures: pd.DataFrame, indicators: pd.DataFrame, benchmarks: pd.DataFrame, own: frozenset[str]
) -> pd.DataFrame:
    """``measures`` and, where it has no figure, the council's own row in its benchmarks (`own_figures`)."""
    extra = own_figures(measures, indicators, benchmarks, own)
    if extra.empty:
        return measures
    filled = measures[["indicator_id", "period"]].merge(extra[["indicator_id", "period"]], how="left", indicator=True)
    empty_row = measures["value"].isna().to_numpy() & (filled["_merge"] == "both").to_numpy()
    return pd.concat([measures[~empty_row], extra], ignore_index=True)


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
    out = pd.DataFrame(
        {
            "value": grouped["value"].median(),
            "count": grouped["value"].size(),
            "first": grouped["authority_name"].first(),
        }
    )
    label = str(national_group or "").replace("_", " ")
    label = label[:1].upper() + label[1:]
    out["name"] = [
        str(first) if n == 1 else f"{label}: median of {n} councils" for first, n in zip(out["first"], out["count"])
    ]
    return out[["value", "name"]]


def trajectory(
    metric: str,
    polarity: str,
    own: pd.Series,
    benchmarks: pd.DataFrame,
    group: str,
    national_group: str | None = "england",
    own_authority: frozenset[str] | set[str] = frozenset(),
) -> pd.DataFrame:
    """One row per period that has peers for ``metric`` (oldest first); ``own`` is this council's
    values indexed by period label (a period without one has no rank); the council's own rows in
    the benchmarks (authority codes ``own_authority``) are not peers."""
    if not metric or benchmarks is None or benchmarks.empty:
        return pd.DataFrame(columns=COLUMNS)
    table = benchmarks[
        (benchmarks["metric"] == metric) & ~benchmarks["authority_code"].astype(str).isin(list(own_authority))
    ].assign(value=lambda t: pd.to_numeric(t["value"], errors="coerce"))
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
        rows.append(
            {
                "period": period,
                "own": mine,
                "median": float(np.median(v)),
                "best_quarter": float(np.percentile(v, 25 if lower_better else 75)),
                "worst_quarter": float(np.percentile(v, 75 if lower_better else 25)),
                "national": float(national.get(period, np.nan)),
                "rank": rank,
                "councils": councils,
                "quartile": None if rank is None else int(np.ceil(4 * rank / councils)),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    order = periods.parse_column(frame["period"])["start"].to_numpy()
    return frame.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


@dataclass(frozen=True)
class Groups:
    """The benchmark groups a project ranks in and draws as the national line, all those found, and
    why these two were chosen (a sentence `pmkit init` prints)."""

    comparator: str
    national: str
    found: tuple[str, ...]
    why: str = ""


NATIONAL_NAMES = (
    "england",
    "national",
    "wales",
    "scotland",
    "northern ireland",
    "united kingdom",
    "uk",
    "great britain",
)


def benchmark_groups(benchmarks: pd.DataFrame) -> Groups:
    """The comparator group is a group with several councils a period (similar councils: the
    smallest such group), the national line a group with one figure a period (``England``: one
    named like a nation first), else the largest other group of several (its median is drawn);
    with no group of several councils, no ranking; with no groups, the defaults of an English council.

    Councils a period are counted per metric and period (an LG Inform download holds the council's
    own row in its group too).
    """
    if benchmarks.empty:
        return Groups("nearest_neighbours", "england", ())
    size, most = group_sizes(benchmarks)
    found = tuple(size.sort_values(kind="stable").index)
    several = [g for g in found if most[g] > 1]
    single = [g for g in found if most[g] <= 1]
    comparator = several[0] if several else ""
    named = [g for g in single if str(g).replace("_", " ").strip().lower() in NATIONAL_NAMES]
    others = [g for g in several if g != comparator]
    national = (named or single or others[::-1] or [""])[0]

    def councils(group: str) -> str:
        return councils_a_period(size[group])

    parts = []
    if comparator:
        parts.append(f"ranked in {comparator} ({councils(comparator)}, the smallest group of several councils)")
    else:
        parts.append("not ranked: no group has several councils a period (set comparator_group when one has)")
    if national in single:
        parts.append(f"national line {national} (one figure a period)")
    elif national:
        parts.append(
            f"national line {national} (no group has one figure a period, so the median of its {councils(national)})"
        )
    else:
        parts.append("no national line (no other group)")
    return Groups(comparator, national, found, "; ".join(parts))


def group_sizes(benchmarks: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per benchmark group, the councils it has a period: the median and the most over its metrics and periods."""
    keys = [c for c in ("metric", "period") if c in benchmarks]
    counts = benchmarks.groupby(["group", *keys])["authority_code"].nunique()
    per = counts.groupby(level="group")
    return per.median(), per.max()


def councils_a_period(size: float) -> str:
    """``15 councils a period``, or ``one figure a period`` for a group of one."""
    return "one figure a period" if size == 1 else f"{size:g} councils a period"


MIN_PEERS = 3  # fewer peers than this and a rank or quartile among them says little


def benchmark_warnings(src, settings: dict) -> list[Problem]:
    """What `pmkit validate` warns about a source's benchmarks under a project's settings (the
    source stays valid): a comparator group that is missing or has fewer than three peers a period,
    and the council's own row disagreeing with its figure in ``measures`` (both figures named)."""
    benchmarks = src.benchmarks()
    if benchmarks.empty:
        return []
    own = own_authority(benchmarks, settings)
    groups = benchmark_groups(benchmarks[~benchmarks["authority_code"].astype(str).isin(list(own))])
    group = str(settings.get("comparator_group") or groups.comparator)
    problems = []
    where = ("params/defaults.yaml", None, "comparator_group")
    peers = benchmarks[(benchmarks["group"] == group) & ~benchmarks["authority_code"].astype(str).isin(list(own))]
    if group and peers.empty:
        problems.append(
            Problem(
                *where,
                f"'{group}' is not a group in the benchmarks (groups found: {', '.join(groups.found)}), "
                f"so nothing is ranked; pmkit init would choose: {groups.why}",
            )
        )
    elif group:
        most = int(peers.groupby(["metric", "period"])["authority_code"].nunique().max())
        if most < MIN_PEERS:
            size = group_sizes(benchmarks[~benchmarks["authority_code"].astype(str).isin(list(own))])[0]
            found = ", ".join(f"{g} ({councils_a_period(n)})" for g, n in size.items())
            problems.append(
                Problem(
                    *where,
                    f"'{group}' has at most {most} {'council' if most == 1 else 'councils'} a period "
                    f"besides this council, fewer than {MIN_PEERS} peers, so a rank among them says "
                    f"little; the groups in the benchmarks: {found}",
                )
            )
    problems += _own_row_disagreements(src, benchmarks, own)
    return problems


def _own_row_disagreements(src, benchmarks: pd.DataFrame, own: frozenset[str]) -> list[Problem]:
    """The council's own benchmark rows whose figure differs from ``measures`` at the indicator's decimals."""
    if not own:
        return []
    indicators = src.indicators()
    linked = indicators.loc[
        indicators["benchmark_metric"].astype(str) != "", ["indicator_id", "benchmark_metric", "decimals"]
    ]
    rows = benchmarks.reset_index(drop=True).reset_index(names="bench_row")
    rows = rows[rows["authority_code"].astype(str).isin(list(own)) & rows["value"].notna()]
    measures = src.measures().reset_index(drop=True).reset_index(names="measure_row")
    joined = rows.merge(linked, left_on="metric", right_on="benchmark_metric").merge(
        measures[measures["value"].notna()], on=["indicator_id", "period"], suffixes=("_own", "")
    )
    problems = []
    for r in joined.itertuples(index=False):
        decimals = int(r.decimals) if pd.notna(r.decimals) else 1
        if round(float(r.value_own), decimals) == round(float(r.value), decimals):
            continue
        bench_file, bench_line = src.place("benchmarks", int(r.bench_row))
        measure_file, measure_line = src.place("measures", int(r.measure_row))
        name = str(getattr(r, "authority_name", "") or r.authority_code)
        problems.append(
            Problem(
                bench_file,
                bench_line,
                "value",
                f"the council's own row ({name}, {r.authority_code}) gives {float(r.value_own):,.{decimals}f} for "
                f"{r.metric} in {r.period}, but {measure_file}:{measure_line} gives {float(r.value):,.{decimals}f} "
                f"for {r.indicator_id}; the reports use {float(r.value):,.{decimals}f}, from measures",
            )
        )
    return problems
