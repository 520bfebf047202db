"""The status engine: RAG against target, direction of travel, benchmark position, exceptions.

Every rule is applied to whole columns at once (one row per indicator); the measures table is
only ever joined, never looped over. The rules are DESIGN.md's "Status rules".

>>> st = assess(src.measures(), src.indicators(), "2025/26 Q2", targets=src.targets())  # doctest: +SKIP
>>> st.loc[st.rag == "red", ["indicator_id", "value", "target"]]                       # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from pmkit.io import measure, periods
from pmkit.judge import spc
from pmkit.judge.tolerance import RELATIVE_SLACK, slack

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
    "indicator_id",
    "title",
    "directorate",
    "period",
    "value",
    "target",
    "rag",
    "dot_previous",
    "dot_last_year",
    "dot",
    "quartile",
    "rank",
    "n_peers",
    "peer_median",
    "exceptions",
]
EXTRA_COLUMNS = ["previous_value", "last_year_value", "quality", "projected_year_end", "annual_target", "on_track"]


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
    *,
    own_authority: Iterable[str] = (),
) -> pd.DataFrame:
    """Judge every indicator for report period ``period``.

    Returns one row per indicator with the columns of DESIGN.md's status rules (plus
    ``previous_value``, ``last_year_value``, ``quality``, ``projected_year_end``, ``annual_target``
    and ``on_track``). ``rag_suspended`` lists periods shown but not judged; ``dot_threshold``
    is the share of the earlier value's magnitude a change must exceed; ``spc_rules``
    names the SPC rule set behind ``spc_concern`` (None to skip SPC); ``own_authority`` holds the
    authority codes of the council's own rows in ``benchmarks``, never counted as peers.

    >>> assess(measures, indicators, "2025/26 Q2").rag.value_counts()  # doctest: +SKIP
    """
    report = periods.parse(period)
    ind = indicators.drop_duplicates("indicator_id").reset_index(drop=True)
    freq = ind["frequency"].astype("str")
    months = _text_map(freq, periods.MONTHS_IN).astype("int64").to_numpy()
    start = np.zeros(len(ind), dtype="int64")
    for f in periods.FREQUENCIES:
        start[(freq == f).to_numpy()] = periods.latest_start(np.array([report.end]), f)[0]

    labels = {f: periods.label_of(periods.latest_start(np.array([report.end]), f)[0], f) for f in periods.FREQUENCIES}
    series = _index_measures(measures)
    ids = ind["indicator_id"].astype("str").to_numpy()
    code = series.codes_of(ids)

    def lookup(column: str, at: np.ndarray, default=np.nan) -> np.ndarray:
        if not len(series):
            return np.full(len(ids), default)
        row = series.find(code, at)
        got = series.quality(row) if column == "quality" else getattr(series, column)[row]
        got[(row < 0) | pd.isna(got)] = default
        return got

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
            "period": _text_map(freq, labels).to_numpy(),
            "value": value,
        }
    )
    find_target = _target_finder(targets, ids)
    target = _targets(find_target, start, freq.to_numpy())
    out["target"] = target
    polarity = ind["polarity"].astype("str").to_numpy()
    out["rag"] = _rag(value, target, polarity, ind, _suspended(start, months, rag_suspended))

    out["dot_previous"] = direction(value, previous, polarity, dot_threshold)
    out["dot_last_year"] = direction(value, last_year, polarity, dot_threshold)
    # A seasonal or year-to-date indicator is compared with the same period last year: a running total
    # always grows within the year, so the previous period says nothing.
    cumulative = _flag(ind, "cumulative")
    out["dot"] = np.where(_flag(ind, "seasonal") | cumulative, out["dot_last_year"], out["dot_previous"])

    out = pd.concat([out, _benchmark_position(out, ind, benchmarks, comparator_group, own_authority)], axis=1)
    out["previous_value"] = previous
    out["last_year_value"] = last_year
    out["quality"] = quality
    out["projected_year_end"], out["annual_target"], out["on_track"] = _year_end(out, ind, start, find_target, polarity)

    flags = {
        "red": out["rag"].eq("red").to_numpy(),
        "declining_twice": (out["dot_previous"].eq("declining").to_numpy())
        & (direction(previous, before_previous, polarity, dot_threshold) == "declining")
        & ~cumulative,
        "spc_concern": _spc_concern(series, ind, report, ids, start, spc_rules),
        "green_bottom_quartile": (out["rag"].eq("green") & out["quartile"].eq(4).fillna(False)).to_numpy(),
        "missing_data": np.isnan(value),
        "provisional_data": ~np.isnan(value) & ~np.isin(quality, ["final", ""]),
    }
    mask = np.zeros(len(out), dtype=np.int64)
    for bit, code in enumerate(EXCEPTION_CODES):
        mask |= np.asarray(flags[code], dtype=bool).astype(np.int64) << bit
    lists = {m: [code for bit, code in enumerate(EXCEPTION_CODES) if m >> bit & 1] for m in np.unique(mask).tolist()}
    out["exceptions"] = [list(lists[m]) for m in mask.tolist()]  # a list of its own per row
    return out[COLUMNS + EXTRA_COLUMNS]


class _Indexed(NamedTuple):
    """Measures keyed by (indicator, start month): one row per key (the last given), sorted by id then start.

    ``ids`` are the distinct indicator ids in sorted order and ``code`` each row's position among
    them, so that ``key`` (code and start folded into one integer) is strictly increasing.
    ``source`` is each row's position in the measures frame (None: the row's own), whose ``quality``
    is read only for the rows asked for; ``period`` indexes the canonical ``labels``.
    """

    ids: np.ndarray
    code: np.ndarray
    start: np.ndarray
    value: np.ndarray
    period: np.ndarray
    labels: np.ndarray
    source: np.ndarray | None
    quality_column: pd.Series | None
    key: np.ndarray
    first_start: int
    span: int

    def __len__(self) -> int:
        return len(self.key)

    def find(self, code: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Row of each (id, start) pair, the id given by its position in ``ids`` (``codes_of``); -1 where there is none."""
        where = np.full(len(code), -1, dtype=np.int64)
        if not len(self.key):
            return where
        at = np.asarray(at, dtype=np.int64)
        ok = (code >= 0) & (at >= self.first_start) & (at < self.first_start + self.span)
        key = code[ok] * self.span + (at[ok] - self.first_start)
        pos = np.minimum(np.searchsorted(self.key, key), len(self.key) - 1)
        where[np.flatnonzero(ok)] = np.where(self.key[pos] == key, pos, -1)
        return where

    def codes_of(self, ids: np.ndarray) -> np.ndarray:
        """The position of each of ``ids`` in ``ids`` of the index; -1 for an id without measures."""
        return pd.Index(self.ids).get_indexer(ids)

    def quality(self, rows: np.ndarray) -> np.ndarray:
        """The quality of ``rows``, as text (``final`` when the measures have no quality column)."""
        source = rows if self.source is None else self.source[rows]
        column = self.quality_column
        if column is None:
            return np.full(len(source), "final", dtype=object)
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):  # text is converted value by value
            return column.iloc[source].astype("str").to_numpy()
        return column.astype("str").to_numpy()[source]

    def periods(self, rows: np.ndarray) -> np.ndarray:
        """The canonical period label of ``rows``."""
        return self.labels[self.period[rows]]


def _floats(column: pd.Series) -> np.ndarray:
    """A column's numbers as float64, NaN where there is none (a float column's own array, read-only)."""
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.dtype == np.float64:
        return numbers.to_numpy()  # filling missing values in would copy millions of rows
    return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _text_map(column: pd.Series, mapping: dict) -> pd.Series:
    """``column.map(mapping)``, each distinct value looked up once (a text column's own ``map`` converts
    its answers value by value)."""
    codes, distinct = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=False)
    answers = pd.Series(distinct, dtype=object).map(mapping).to_numpy()
    return pd.Series(answers[codes] if len(codes) else answers[:0], index=column.index)


def _parse_periods(labels: pd.Series) -> pd.DataFrame:
    """``periods.parse_column``, parsing each distinct label once and spreading the answers by position."""
    codes, distinct = pd.factorize(labels.to_numpy())
    parsed = periods.parse_column(pd.Series([*distinct, None], dtype=object))
    return parsed.take(np.where(codes < 0, len(distinct), codes)).set_axis(labels.index)


def _index_measures(measures: pd.DataFrame) -> _Indexed:
    """Measures keyed by (indicator_id, start month) with their period label, value and quality.

    Measures given in order of id and start, each once, are used as they are (no sort, no copies);
    arithmetic on whole columns is done in place, a fresh array of millions of rows costing more
    than the sums on it.
    """
    codes, distinct = pd.factorize(measures["period"].astype("str").to_numpy())
    parsed = periods.parse_column(pd.Series([*distinct, None], dtype=object))
    period = codes.astype(np.int16) if len(distinct) < 2**15 else codes  # -1 (no label) reads the last, empty, row
    del codes
    ok = parsed["start"].notna().to_numpy()[period]
    start = parsed["start"].to_numpy(dtype="int64", na_value=0)[period]
    ids = measures["indicator_id"].astype("str").to_numpy()
    value = _floats(measures["value"])
    source = None  # each row's position in the measures frame: None while it is its own
    if not ok.all():
        source = np.flatnonzero(ok)
        ids, start, value, period = ids[source], start[source], value[source], period[source]
    code, distinct_ids = spc.factorize_runs(ids)
    first_start = int(start.min()) if len(start) else 0
    span = int(start.max()) - first_start + 1 if len(start) else 1
    key = code.astype(np.int64)
    key *= span
    key += start
    key -= first_start
    if len(key) > 1 and not (key[1:] > key[:-1]).all():
        order = np.argsort(key, kind="stable")
        key = key[order]
        last = np.ones(len(key), dtype=bool)  # the last given of a repeated key
        last[:-1] = key[1:] != key[:-1]
        rows = order[last]
        key, code, start, value, period = key[last], code[rows], start[rows], value[rows], period[rows]
        source = rows if source is None else source[rows]
    return _Indexed(
        ids=np.asarray(distinct_ids, dtype=object),
        code=code,
        start=start,
        value=value,
        period=period,
        labels=parsed["label"].to_numpy(),
        source=source,
        quality_column=measures["quality"] if "quality" in measures else None,
        key=key,
        first_start=first_start,
        span=span,
    )


def _targets(find, start: np.ndarray, freq: np.ndarray) -> np.ndarray:
    """The exact-period target where there is one, else the whole financial year's (``find``: `_target_finder`)."""
    exact = find(freq, start)
    year = find("annual", start - (start - periods.APRIL) % 12)
    return np.where(np.isnan(exact), year, exact)


def _target_finder(targets: pd.DataFrame | None, ids: np.ndarray):
    """A function giving, for each indicator of ``ids`` (distinct), its target for a period of frequency
    ``freq`` starting at month ``start`` (arrays or one value for all): NaN where none is set, the last
    given where several are. Targets are keyed by integers, so each text is hashed once."""
    none = lambda freq, start: np.full(len(ids), np.nan)  # noqa: E731
    if targets is None or targets.empty:
        return none
    parsed = _parse_periods(targets["period"].astype("str"))
    owner = pd.Index(ids).get_indexer(targets["indicator_id"].astype("str").to_numpy())
    kinds = pd.Index(periods.FREQUENCIES)
    kind = kinds.get_indexer(parsed["frequency"].to_numpy())
    begins = parsed["start"].to_numpy(dtype="float64", na_value=np.nan)
    ok = (owner >= 0) & (kind >= 0) & ~np.isnan(begins)
    value = _floats(targets["target"])[ok]
    begins = begins[ok].astype("int64")
    low = int(begins.min()) if len(begins) else 0
    span = int(begins.max()) - low + 1 if len(begins) else 1
    key = (owner[ok].astype("int64") * len(kinds) + kind[ok]) * span + (begins - low)
    if not len(key):  # no target belongs to these indicators
        return none
    order = np.argsort(key, kind="stable")
    key = key[order]
    last = np.r_[key[1:] != key[:-1], True]  # the last given of a repeated key
    key, value = key[last], value[order[last]]

    def find(freq, start) -> np.ndarray:
        at = np.broadcast_to(np.asarray(start, dtype="int64"), (len(ids),)) - low
        kind_at = np.broadcast_to(kinds.get_indexer(np.atleast_1d(np.asarray(freq, dtype=object))), (len(ids),))
        wanted = (np.arange(len(ids), dtype="int64") * len(kinds) + kind_at) * span + at
        pos = np.minimum(np.searchsorted(key, wanted), len(key) - 1)
        hit = (kind_at >= 0) & (at >= 0) & (at < span) & (key[pos] == wanted)
        return np.where(hit, value[pos], np.nan)

    return find


def _suspended(start: np.ndarray, months: np.ndarray, rag_suspended: Iterable[str]) -> np.ndarray:
    """True where the judged period lies within a period listed as suspended."""
    hit = np.zeros(len(start), dtype=bool)
    for label in rag_suspended:
        p = periods.parse(label)
        hit |= (start >= p.start) & (start + months <= p.end)
    return hit


def tolerance_band(ind: pd.DataFrame, target) -> np.ndarray:
    """How far on the wrong side of its target each indicator of ``ind`` may be and still be near target:
    its ``tolerance`` in units (``absolute``) or as a share of the target (default 5%); none at all
    for a ``zero_tolerance`` indicator (a statutory limit: any figure worse than target is off target)."""
    target = np.asarray(target, dtype="float64")
    tolerance = pd.to_numeric(ind.get("tolerance", 0.05), errors="coerce")
    tolerance = np.broadcast_to(np.nan_to_num(np.asarray(tolerance, dtype="float64"), nan=0.05), target.shape)
    absolute = (
        np.asarray(ind["tolerance_type"] == "absolute") if "tolerance_type" in ind else np.zeros(len(target), bool)
    )
    band = np.where(absolute, tolerance, tolerance * np.abs(target))
    if "zero_tolerance" in ind:
        strict = ind["zero_tolerance"].map(lambda v: bool(v) and not pd.isna(v)).to_numpy(dtype=bool)
        band = np.where(strict, 0.0, band)
    return band


def _rag(value, target, polarity, ind: pd.DataFrame, suspended: np.ndarray) -> np.ndarray:
    band = tolerance_band(ind, target)
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


def _benchmark_position(
    out: pd.DataFrame, ind: pd.DataFrame, benchmarks, group: str, own_authority: Iterable[str] = ()
) -> pd.DataFrame:
    """rank, quartile, n_peers and peer_median against the comparator group, same period (the
    council's own rows, ``own_authority``, are not peers).

    Each indicator's peers are found by integer keys (metric and period) in the peers sorted once
    by key and value: a run of that order per indicator, whose middle is its median."""
    missing = lambda: pd.arrays.IntegerArray(np.zeros(len(out), "int64"), np.ones(len(out), bool))  # noqa: E731
    result = pd.DataFrame(
        {"quartile": missing(), "rank": missing(), "n_peers": missing(), "peer_median": np.full(len(out), np.nan)}
    )
    if benchmarks is None or benchmarks.empty or "benchmark_metric" not in ind:
        return result
    peers = benchmarks[
        (benchmarks["group"] == group) & ~benchmarks["authority_code"].astype(str).isin(list(own_authority))
    ]
    value = _floats(peers["value"])
    kept = ~np.isnan(value)
    metric, metrics = pd.factorize(peers["metric"].to_numpy(dtype=object)[kept])
    period, labels = pd.factorize(_parse_periods(peers["period"].astype("str"))["label"].to_numpy()[kept])
    key = metric.astype("int64") * len(labels) + period
    known = (metric >= 0) & (period >= 0)  # a peer without a metric or a readable period is nobody's
    order = np.flatnonzero(known)[np.lexsort((value[kept][known], key[known]))]
    key, value = key[order], value[kept][order]

    own_metric = ind["benchmark_metric"].astype("str").to_numpy()
    own_m = pd.Index(metrics).get_indexer(own_metric)
    own_p = pd.Index(labels).get_indexer(out["period"].to_numpy())
    ok = (own_m >= 0) & (own_p >= 0) & (own_metric != "")
    own_key = np.where(ok, own_m.astype("int64") * len(labels) + own_p, -1)
    first, after = np.searchsorted(key, own_key, "left"), np.searchsorted(key, own_key, "right")
    rows = np.flatnonzero(ok & (after > first))
    if not len(rows):
        return result
    first, n = first[rows], after[rows] - first[rows]
    middle_low, middle_high = value[first + (n - 1) // 2], value[first + n // 2]
    median = np.where(n % 2 == 1, middle_high, (middle_high + middle_low) / 2)

    # Every peer against its indicator's own value: one row per pair.
    own = out["value"].to_numpy()[rows]
    polarity = ind["polarity"].astype("str").to_numpy()[rows]
    starts = np.cumsum(n) - n
    pair = np.arange(int(n.sum())) - np.repeat(starts - first, n)
    theirs, mine = value[pair], np.repeat(own, n)
    better = np.where(np.repeat(polarity == "lower_is_better", n), theirs < mine, theirs > mine)
    better = np.add.reduceat(better.astype("int64"), starts)

    rankable = ~np.isnan(own) & (polarity != "neutral")
    rank = pd.array(np.where(rankable, better + 1, 0), dtype="Int64")
    rank[~rankable] = pd.NA
    result.loc[rows, "n_peers"] = n
    result.loc[rows, "peer_median"] = median
    result.loc[rows, "rank"] = rank
    quartile = np.ceil(4 * rank.astype("Float64") / (n + 1))
    result.loc[rows, "quartile"] = quartile.astype("Int64")
    return result


def _flag(ind: pd.DataFrame, column: str) -> np.ndarray:
    """A true/false register column as booleans (false where the column or the value is missing)."""
    if column not in ind:
        return np.zeros(len(ind), bool)
    return ind[column].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _year_end(
    out: pd.DataFrame, ind: pd.DataFrame, start: np.ndarray, find_target, polarity
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For cumulative (year-to-date) indicators: a straight-line year-end projection, the annual
    target it is held against and whether it meets it."""
    cumulative = _flag(ind, "cumulative")
    months = _text_map(ind["frequency"], periods.MONTHS_IN).to_numpy(dtype="int64")
    elapsed = start + months - (start - (start - periods.APRIL) % 12)
    projected = np.where(cumulative, out["value"].to_numpy() * 12 / elapsed, np.nan)
    fy = start - (start - periods.APRIL) % 12
    annual = find_target("annual", fy)
    with np.errstate(invalid="ignore"):
        meets = np.where(polarity == "lower_is_better", projected <= annual, projected >= annual)
    on_track = pd.array(meets, dtype="boolean")
    on_track[np.isnan(projected) | np.isnan(annual) | (polarity == "neutral")] = pd.NA
    return projected, np.where(cumulative, annual, np.nan), on_track


IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}


def history(measures: pd.DataFrame, indicators: pd.DataFrame, period: str | periods.Period) -> pd.DataFrame:
    """Each indicator's values up to its judged period for ``period``, oldest first, ready for SPC.

    Columns: ``indicator_id, start, period, value``, ``spc_value`` (the figure SPC works on: the
    value, or a cumulative indicator's in-period figure, see `spc_values`), ``improvement`` (from
    polarity) and ``rebase`` (true on the first value on or after each period listed in the
    register's ``rebase_at``, several separated by commas or semicolons).
    """
    return _history(_index_measures(measures), indicators, periods.parse(period))


def _history(indexed: _Indexed, indicators: pd.DataFrame, report: periods.Period) -> pd.DataFrame:
    rows, code, ids, improvement, rebase = _history_rows(indexed, indicators, report)
    return pd.DataFrame(
        {
            "indicator_id": ids.take(code).reset_index(drop=True),
            "start": indexed.start[rows],
            "period": indexed.periods(rows),
            "value": indexed.value[rows],
            "spc_value": spc_values(indexed, rows, ids, indicators, code=code),
            "improvement": improvement.take(code).reset_index(drop=True),
            "rebase": rebase,
        }
    )


def _history_rows(indexed: _Indexed, indicators: pd.DataFrame, report: periods.Period):
    """The rows of ``indexed`` in the SPC history (judged period or earlier, with a value), in order.

    Also returns each row's indicator code, the distinct ids as a Series, each id's improvement
    direction (aligned with it) and, per history row, whether a rebase starts there.
    """
    in_history, ids, improvement = _history_scope(indexed, indicators, report)
    rows = np.flatnonzero(in_history & ~np.isnan(indexed.value))
    code = indexed.code[rows]
    rebase = _rebase_starts(indicators, indexed.key[rows], indexed)
    return rows, code, ids, improvement, rebase


def _history_scope(indexed: _Indexed, indicators: pd.DataFrame, report: periods.Period):
    """Per row of ``indexed``, whether its period is the judged one or earlier for its indicator's frequency;
    also the distinct ids as a Series and each id's improvement direction (aligned with it)."""
    by_id = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    cutoff = {f: periods.latest_start(np.array([report.end]), f)[0] for f in periods.FREQUENCIES}
    where = by_id.index.get_indexer(indexed.ids)  # -1: not in the register
    cut = _text_map(by_id["frequency"], cutoff).to_numpy(dtype="float64", na_value=np.nan)
    judged = np.append(cut, np.nan)[where]
    with np.errstate(invalid="ignore"):
        in_history = indexed.start <= judged[indexed.code]
    named = _text_map(by_id["polarity"], IMPROVEMENT).to_numpy(dtype=object)
    return in_history, pd.Series(indexed.ids), pd.Series(np.append(named, np.nan)[where])


def _rebase_starts(indicators: pd.DataFrame, key: np.ndarray, indexed: _Indexed) -> np.ndarray:
    """Per row (its ``key`` as in ``indexed``: the rows in order of key), true on each indicator's first row
    on or after each period in the register's ``rebase_at`` (several separated by commas or semicolons).

    Each such row is found by a binary search on the keys, not by joining the rows to the register.
    """
    rebase = np.zeros(len(key), dtype=bool)
    ind = indicators.drop_duplicates("indicator_id")
    if "rebase_at" not in ind or not len(key):
        return rebase
    text = ind["rebase_at"].astype("str")
    listed = ind[["indicator_id", "rebase_at"]].assign(rebase_at=text)
    listed = listed[text.notna().to_numpy() & (text != "").to_numpy()]  # these list nothing
    listed = listed.assign(rebase_at=listed["rebase_at"].str.split(r"[,;]"))
    listed = listed.explode("rebase_at")
    listed["rebase_at"] = listed["rebase_at"].str.strip()
    listed = listed[listed["rebase_at"].fillna("") != ""]
    if not len(listed):
        return rebase
    starts = {label: periods.parse(label).start for label in listed["rebase_at"].unique()}
    code = indexed.codes_of(listed["indicator_id"])
    offset = listed["rebase_at"].map(starts).to_numpy(dtype="int64") - indexed.first_start
    known = code >= 0
    want = code[known] * indexed.span + np.clip(offset[known], 0, indexed.span)
    at = np.searchsorted(key, want)
    found = at < len(key)
    at = at[found]
    mine = key[at] // indexed.span == code[known][found]  # not a later indicator's row
    rebase[at[mine]] = True
    return rebase


def spc_values(
    indexed: _Indexed, rows: np.ndarray | None, ids: pd.Series, indicators: pd.DataFrame, code: np.ndarray | None = None
) -> np.ndarray:
    """The figures SPC works on for history ``rows``: the values, except that a cumulative (year-to-date)
    indicator's are its in-period figures (`pmkit.io.measure.in_period`), NaN where the period before in
    the same year has no figure. A running total's saw-tooth is not variation of a process.
    ``rows`` None: every row of ``indexed`` (the answer may then be its own array: not to be written to).
    ``code``: the rows' indicator codes (``indexed.code[rows]``) when already at hand."""
    every = rows is None
    x = indexed.value if every else indexed.value[rows]  # rows are positions: a copy
    ind = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    if "cumulative" not in ind or not len(x):
        return x
    flags, distinct = pd.factorize(ind["cumulative"], use_na_sentinel=False)  # judged once per distinct value
    cumulative = np.array([measure.is_cumulative({"cumulative": v}) for v in distinct], dtype=bool)[flags]
    where = ind.index.get_indexer(ids)
    if code is None:  # sorted: each indicator's rows are one run
        code = indexed.code if every else indexed.code[rows]
    running = np.flatnonzero(np.append(cumulative, False)[where][code])  # -1 (not in the register): False
    if not len(running):
        return x
    if every:
        x = x.copy()
    months = _text_map(ind["frequency"], periods.MONTHS_IN).to_numpy(dtype="float64", na_value=np.nan)[where]
    mine, owner = running if every else rows[running], code[running]
    x[running] = measure.in_period(
        indexed.value[mine], indexed.start[mine], True, months[owner].astype("int64"), series=owner
    )
    return x


def _spc_concern(
    indexed: _Indexed, ind: pd.DataFrame, report: periods.Period, ids, start, rules: str | None
) -> np.ndarray:
    """True where the judged value is a special cause of concern in its indicator's XmR chart.

    The same chart as ``spc.xmr_frame`` over the history (by indicator, in order of start, with
    its rebases), computed straight from the measures' arrays: the engine takes each chunk's
    history rows itself, so no copy of the history is made.
    """
    if rules is None or not len(indexed):
        return np.zeros(len(ids), dtype=bool)
    in_history, distinct, improvement = _history_scope(indexed, ind, report)
    figures = spc_values(indexed, None, distinct, ind)
    # A missing figure, or a running total's period whose own figure cannot be told, is left out; a rebase
    # on it starts at the next figure kept.
    keep = in_history & ~np.isnan(figures)
    del in_history
    if (np.isinf(figures) & keep).any():
        raise ValueError("value holds infinite values")
    new_section = spc._section_starts(indexed.code)
    new_section |= _rebase_starts(ind, indexed.key, indexed)
    n_series = len(indexed.ids)
    named = improvement.notna().to_numpy()  # an indicator outside the register has no history
    direction = np.zeros(n_series, dtype=np.int8)
    direction[named] = spc._direction_column(improvement.to_numpy()[named])
    opts = spc._options(rules, None, None, None, None)
    every = bool(keep.all())
    _, per = spc._engine(
        figures,
        indexed.code,
        new_section,
        direction,
        np.full(n_series, np.nan),
        opts,
        n_series,
        points=False,
        keep=None if every else keep,
    )
    if ((per["n"] > 0) & ~named).any():  # charted without a direction: the engine's own error
        spc._direction_column(improvement.to_numpy()[(per["n"] > 0) & ~named])
    short = (per["n"] > 0) & (per["n"] < spc.MIN_POINTS)
    if not opts.rules.blank_when_short and short.any():
        warnings.warn(
            f"{int(short.sum())} series have fewer than {spc.MIN_POINTS} values: their SPC limits are unreliable",
            spc.SPCWarning,
            stacklevel=1,
        )
    concern = per["point_type"] == spc.POINT_TYPES.index("special_cause_concern")
    code = indexed.codes_of(ids)
    row = indexed.find(code, start)  # the judged period's row: the chart's latest point when it is kept
    judged = (row >= 0) & keep[row]
    return judged & concern[code]
