"""The status engine: RAG against target, direction of travel, benchmark position, exceptions.

Every rule is applied to whole columns at once (one row per indicator); the measures table is
only ever joined, never looped over. The rules are DESIGN.md's "Status rules".

>>> st = assess(src.measures(), src.indicators(), "2025/26 Q2", targets=src.targets())  # doctest: +SKIP
>>> st.loc[st.rag == "red", ["indicator_id", "value", "target"]]                       # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from pmkit import periods
from pmkit.tolerance import RELATIVE_SLACK, slack

RAG_CODES = ("green", "amber", "red", "no_target", "no_data", "not_judged", "suspended")
RAG_WORDS = {
    "green": "On target",
    "amber": "Near target",
    "red": "Off target",
    "no_target": "No target",
    "no_data": "No data",
    "not_judged": "Not judged",
    "suspended": "Suspended",
}
DOT_WORDS = {
    "improving": "Improving",
    "declining": "Declining",
    "no_change": "No change",
    "not_comparable": "Not comparable",
    "increasing": "Increasing",
    "decreasing": "Decreasing",
}
EXCEPTION_CODES = ("red", "declining_twice", "spc_concern", "green_bottom_quartile", "missing_data", "provisional_data")
EXCEPTION_WORDS = {
    "red": "Off target",
    "declining_twice": "Declined two periods running",
    "spc_concern": "Special cause of concern (SPC)",
    "green_bottom_quartile": "On target but in the bottom quartile of peers",
    "missing_data": "Data missing for the period",
    "provisional_data": "Value is provisional",
}
COLUMNS = [
    "indicator_id", "title", "directorate", "period", "value", "target", "rag",
    "dot_previous", "dot_last_year", "dot", "quartile", "rank", "n_peers", "peer_median", "exceptions",
]
EXTRA_COLUMNS = ["previous_value", "last_year_value", "quality", "projected_year_end", "on_track"]


def assess(
    measures: pd.DataFrame,
    indicators: pd.DataFrame,
    period: str | periods.Period,
    targets: pd.DataFrame | None = None,
    benchmarks: pd.DataFrame | None = None,
    comparator_group: str = "nearest_neighbours",
    rag_suspended: Iterable[str] = (),
    dot_threshold: float = 0.01,
    spc_rules: str | None = "mdc",
) -> pd.DataFrame:
    """Judge every indicator for report period ``period``.

    Returns one row per indicator with the columns of DESIGN.md's status rules (plus
    ``previous_value``, ``last_year_value``, ``quality``, ``projected_year_end`` and
    ``on_track``). ``rag_suspended`` lists periods shown but not judged; ``dot_threshold``
    is the share of the earlier value's magnitude a change must exceed; ``spc_rules``
    names the SPC rule set behind ``spc_concern`` (None to skip SPC).

    >>> assess(measures, indicators, "2025/26 Q2").rag.value_counts()  # doctest: +SKIP
    """
    report = periods.parse(period)
    ind = indicators.drop_duplicates("indicator_id").reset_index(drop=True)
    freq = ind["frequency"].astype("str")
    months = freq.map(periods.MONTHS_IN).astype("int64").to_numpy()
    start = np.zeros(len(ind), dtype="int64")
    for f in periods.FREQUENCIES:
        start[(freq == f).to_numpy()] = periods.latest_start(np.array([report.end]), f)[0]

    series = _index_measures(measures)
    ids = ind["indicator_id"].astype("str").to_numpy()

    def lookup(column: str, at: np.ndarray, default=np.nan) -> np.ndarray:
        key = pd.MultiIndex.from_arrays([ids, at])
        return series[column].reindex(key).fillna(default).to_numpy() if len(series) else np.full(len(ids), default)

    value = lookup("value", start)
    previous = lookup("value", start - months)
    before_previous = lookup("value", start - 2 * months)
    last_year = lookup("value", start - 12)
    quality = lookup("quality", start, default="")

    out = pd.DataFrame(
        {
            "indicator_id": ids,
            "title": ind["title"].to_numpy(),
            "directorate": ind["directorate"].to_numpy(),
            "period": [periods.label_of(s, f) for s, f in zip(start, freq)],
            "value": value,
        }
    )
    target = _targets(targets, ids, start, freq.to_numpy())
    out["target"] = target
    polarity = ind["polarity"].astype("str").to_numpy()
    out["rag"] = _rag(value, target, polarity, ind, _suspended(start, months, rag_suspended))

    out["dot_previous"] = direction(value, previous, polarity, dot_threshold)
    out["dot_last_year"] = direction(value, last_year, polarity, dot_threshold)
    seasonal = ind["seasonal"].astype(bool).to_numpy() if "seasonal" in ind else np.zeros(len(ind), bool)
    out["dot"] = np.where(seasonal, out["dot_last_year"], out["dot_previous"])

    out = pd.concat([out, _benchmark_position(out, ind, benchmarks, comparator_group)], axis=1)
    out["previous_value"] = previous
    out["last_year_value"] = last_year
    out["quality"] = quality
    out["projected_year_end"], out["on_track"] = _year_end(out, ind, start, targets, polarity)

    flags = {
        "red": out["rag"].eq("red").to_numpy(),
        "declining_twice": (out["dot_previous"].eq("declining").to_numpy())
        & (direction(previous, before_previous, polarity, dot_threshold) == "declining"),
        "spc_concern": _spc_concern(series, ind, report, ids, start, spc_rules),
        "green_bottom_quartile": (out["rag"].eq("green") & out["quartile"].eq(4).fillna(False)).to_numpy(),
        "missing_data": np.isnan(value),
        "provisional_data": ~np.isnan(value) & ~np.isin(quality, ["final", ""]),
    }
    out["exceptions"] = [
        [code for code, hit in zip(EXCEPTION_CODES, row) if hit] for row in zip(*(flags[c] for c in EXCEPTION_CODES))
    ]
    return out[COLUMNS + EXTRA_COLUMNS]


def _index_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """Measures keyed by (indicator_id, start month) with their value and quality."""
    parsed = periods.parse_column(measures["period"].astype("str"))
    frame = pd.DataFrame(
        {
            "indicator_id": measures["indicator_id"].astype("str").to_numpy(),
            "start": parsed["start"].to_numpy(),
            "period": parsed["label"].to_numpy(),
            "value": pd.to_numeric(measures["value"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
            "quality": (measures["quality"].astype("str") if "quality" in measures else pd.Series("final", index=measures.index)).to_numpy(),
        }
    )
    frame = frame[parsed["start"].notna().to_numpy()]
    frame["start"] = frame["start"].astype("int64")
    return frame.drop_duplicates(["indicator_id", "start"], keep="last").set_index(["indicator_id", "start"]).sort_index()


def _targets(targets: pd.DataFrame | None, ids: np.ndarray, start: np.ndarray, freq: np.ndarray) -> np.ndarray:
    """The exact-period target where there is one, else the whole financial year's."""
    if targets is None or targets.empty:
        return np.full(len(ids), np.nan)
    parsed = periods.parse_column(targets["period"].astype("str"))
    table = pd.Series(
        pd.to_numeric(targets["target"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
        index=pd.MultiIndex.from_arrays(
            [targets["indicator_id"].astype("str").to_numpy(), parsed["frequency"].to_numpy(), parsed["start"].to_numpy()]
        ),
    )
    table = table[~table.index.duplicated(keep="last")]
    exact = table.reindex(pd.MultiIndex.from_arrays([ids, freq, start])).to_numpy()
    fy = start - (start - periods.APRIL) % 12
    year = table.reindex(pd.MultiIndex.from_arrays([ids, np.full(len(ids), "annual"), fy])).to_numpy()
    return np.where(np.isnan(exact), year, exact)


def _suspended(start: np.ndarray, months: np.ndarray, rag_suspended: Iterable[str]) -> np.ndarray:
    """True where the judged period lies within a period listed as suspended."""
    hit = np.zeros(len(start), dtype=bool)
    for label in rag_suspended:
        p = periods.parse(label)
        hit |= (start >= p.start) & (start + months <= p.end)
    return hit


def _rag(value, target, polarity, ind: pd.DataFrame, suspended: np.ndarray) -> np.ndarray:
    tolerance = pd.to_numeric(ind.get("tolerance", 0.05), errors="coerce")
    tolerance = np.broadcast_to(np.nan_to_num(np.asarray(tolerance, dtype="float64"), nan=0.05), value.shape)
    absolute = np.asarray(ind["tolerance_type"] == "absolute") if "tolerance_type" in ind else np.zeros(len(value), bool)
    band = np.where(absolute, tolerance, tolerance * np.abs(target))
    with np.errstate(invalid="ignore"):
        higher = polarity == "higher_is_better"
        gap = np.where(higher, target - value, value - target)  # how far on the wrong side
        on_line = slack(target)
        judged = np.select([gap <= on_line, gap <= band + on_line], ["green", "amber"], "red")
    return np.select(
        [np.isnan(value), suspended, polarity == "neutral", np.isnan(target)],
        ["no_data", "suspended", "not_judged", "no_target"],
        judged,
    )


def direction(current, earlier, polarity, threshold: float = 0.01) -> np.ndarray:
    """Direction of travel from ``earlier`` to ``current`` (arrays), by polarity.

    A change counts when larger than ``threshold`` × |earlier|; from an earlier 0 only an
    exact tie is ``no_change``.

    >>> direction(np.array([52.0]), np.array([50.0]), np.array(["higher_is_better"])).tolist()
    ['improving']
    """
    current, earlier = np.asarray(current, dtype="float64"), np.asarray(earlier, dtype="float64")
    polarity = np.asarray(polarity)
    with np.errstate(invalid="ignore"):
        diff = current - earlier
        band = threshold * np.abs(earlier) * (1 + RELATIVE_SLACK)
        up, down = diff > band, diff < -band
    neutral = polarity == "neutral"
    good = np.where(polarity == "lower_is_better", down, up)
    bad = np.where(polarity == "lower_is_better", up, down)
    return np.select(
        [np.isnan(diff), neutral & up, neutral & down, ~neutral & good, ~neutral & bad],
        ["not_comparable", "increasing", "decreasing", "improving", "declining"],
        "no_change",
    )


def _benchmark_position(out: pd.DataFrame, ind: pd.DataFrame, benchmarks, group: str) -> pd.DataFrame:
    """rank, quartile, n_peers and peer_median against the comparator group, same period."""
    result = pd.DataFrame(
        {
            "quartile": pd.array([pd.NA] * len(out), dtype="Int64"),
            "rank": pd.array([pd.NA] * len(out), dtype="Int64"),
            "n_peers": pd.array([pd.NA] * len(out), dtype="Int64"),
            "peer_median": np.full(len(out), np.nan),
        }
    )
    if benchmarks is None or benchmarks.empty or "benchmark_metric" not in ind:
        return result
    peers = benchmarks[(benchmarks["group"] == group)].copy()
    peers["value"] = pd.to_numeric(peers["value"], errors="coerce")
    peers = peers[peers["value"].notna()]
    peers["period"] = periods.parse_column(peers["period"].astype("str"))["label"]
    own = pd.DataFrame(
        {
            "row": np.arange(len(out)),
            "metric": ind["benchmark_metric"].astype("str").to_numpy(),
            "period": out["period"].to_numpy(),
            "own": out["value"].to_numpy(),
            "polarity": ind["polarity"].astype("str").to_numpy(),
        }
    )
    joined = own[own["metric"] != ""].merge(peers[["metric", "period", "value"]], on=["metric", "period"])
    if joined.empty:
        return result
    joined["better"] = np.where(
        joined["polarity"] == "lower_is_better", joined["value"] < joined["own"], joined["value"] > joined["own"]
    )
    per = joined.groupby("row").agg(n_peers=("value", "size"), peer_median=("value", "median"), better=("better", "sum"))
    rows = per.index.to_numpy()
    own_rows = own.set_index("row").loc[rows]
    rankable = ~np.isnan(own_rows["own"].to_numpy()) & (own_rows["polarity"].to_numpy() != "neutral")
    rank = pd.array(np.where(rankable, per["better"].to_numpy() + 1, 0), dtype="Int64")
    rank[~rankable] = pd.NA
    result.loc[rows, "n_peers"] = per["n_peers"].to_numpy()
    result.loc[rows, "peer_median"] = per["peer_median"].to_numpy()
    result.loc[rows, "rank"] = rank
    quartile = np.ceil(4 * rank.astype("Float64") / (per["n_peers"].to_numpy() + 1))
    result.loc[rows, "quartile"] = quartile.astype("Int64")
    return result


def _year_end(out: pd.DataFrame, ind: pd.DataFrame, start: np.ndarray, targets, polarity) -> tuple[np.ndarray, np.ndarray]:
    """For cumulative (year-to-date) indicators: a straight-line year-end projection and whether it meets the annual target."""
    cumulative = ind["cumulative"].astype(bool).to_numpy() if "cumulative" in ind else np.zeros(len(out), bool)
    months = ind["frequency"].map(periods.MONTHS_IN).to_numpy(dtype="int64")
    elapsed = start + months - (start - (start - periods.APRIL) % 12)
    projected = np.where(cumulative, out["value"].to_numpy() * 12 / elapsed, np.nan)
    fy = start - (start - periods.APRIL) % 12
    annual = _targets(targets, out["indicator_id"].to_numpy(), fy, np.full(len(out), "annual"))
    with np.errstate(invalid="ignore"):
        meets = np.where(polarity == "lower_is_better", projected <= annual, projected >= annual)
    on_track = pd.array(meets, dtype="boolean")
    on_track[np.isnan(projected) | np.isnan(annual) | (polarity == "neutral")] = pd.NA
    return projected, on_track


IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}


def history(measures: pd.DataFrame, indicators: pd.DataFrame, period: str | periods.Period) -> pd.DataFrame:
    """Each indicator's values up to its judged period for ``period``, oldest first, ready for SPC.

    Columns: ``indicator_id, start, period, value, improvement`` (from polarity) and ``rebase``
    (true on the first value on or after each period listed in the register's ``rebase_at``,
    several separated by commas or semicolons).
    """
    return _history(_index_measures(measures), indicators, periods.parse(period))


def _history(indexed: pd.DataFrame, indicators: pd.DataFrame, report: periods.Period) -> pd.DataFrame:
    ind = indicators.drop_duplicates("indicator_id")
    cutoff = {f: periods.latest_start(np.array([report.end]), f)[0] for f in periods.FREQUENCIES}
    series = indexed.reset_index()
    judged = series["indicator_id"].map(ind.set_index("indicator_id")["frequency"].map(cutoff))
    series = series[(series["start"] <= judged) & series["value"].notna()].sort_values(["indicator_id", "start"])
    series["improvement"] = series["indicator_id"].map(ind.set_index("indicator_id")["polarity"].map(IMPROVEMENT))
    series["rebase"] = False
    if "rebase_at" in ind:
        listed = ind[["indicator_id", "rebase_at"]].assign(rebase_at=ind["rebase_at"].astype("str").str.split(r"[,;]"))
        listed = listed.explode("rebase_at")
        listed["rebase_at"] = listed["rebase_at"].str.strip()
        listed = listed[listed["rebase_at"].fillna("") != ""]
        if len(listed):
            listed["from"] = [periods.parse(p).start for p in listed["rebase_at"]]
            after = series.reset_index().merge(listed[["indicator_id", "from"]], on="indicator_id")
            after = after[after["start"] >= after["from"]]
            first = after.loc[after.groupby(["indicator_id", "from"])["start"].idxmin(), "index"]
            series.loc[first.to_numpy(), "rebase"] = True
    return series[["indicator_id", "start", "period", "value", "improvement", "rebase"]].reset_index(drop=True)


def _spc_concern(series: pd.DataFrame, ind: pd.DataFrame, report: periods.Period, ids, start, rules: str | None) -> np.ndarray:
    """True where the judged value is a special cause of concern in its indicator's XmR chart."""
    if rules is None:
        return np.zeros(len(ids), dtype=bool)
    from pmkit import spc

    values = _history(series, ind, report)
    if values.empty:
        return np.zeros(len(ids), dtype=bool)
    charts = spc.xmr_frame(values, by="indicator_id", improvement="improvement", rules=rules, rebase_at="rebase", order="start")
    last = values.groupby("indicator_id")["start"].max()
    summary = charts.summary.set_index("indicator_id")
    concern = summary["latest_point_type"].astype("str").eq("special_cause_concern")
    at_judged = last.reindex(ids).to_numpy() == start
    return concern.reindex(ids).fillna(False).to_numpy(dtype=bool) & at_judged
