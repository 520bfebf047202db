"""Statistical process control: XmR charts with Making Data Count's rules and summary icons.

One engine serves a single series (:func:`xmr`) and many series at once (:func:`xmr_frame`).
Every step works on whole arrays of points, with series and sections carried as integer labels,
so a hundred thousand series cost a few passes of numpy rather than a Python loop. The rules,
and the two rule sets (``mdc``: the Making Data Count tool; ``nhsr``: NHSRplotthedots), are
``spc.md``'s.

>>> res = xmr([20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18])
>>> res.points[["mean", "upl"]].iloc[-1].round(2).tolist()
[23.2, 37.64]
>>> res.variation, res.assurance
('common_cause', None)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmkit.judge.tolerance import slack

LIMIT = 2.66  # process limits: mean ± 2.66 × mean moving range
TWO_SIGMA = 2 * LIMIT / 3  # two-sigma lines, two thirds of the way to the limits
SCREEN = 3.267  # screening drops moving ranges at or above 3.267 × their mean
MIN_POINTS = 13  # fewer values than this: no SPC under mdc, a warning under nhsr

IMPROVEMENTS = ("increase", "decrease", "neutral")
_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}  # the side of the mean that is better
POLARITY_ALIASES = {"higher_is_better": "increase", "lower_is_better": "decrease"}
POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
RULES = ("outside", "trend", "two_in_three", "shift")  # also nhsr's order of precedence
VARIATIONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCES = ("consistent_pass", "consistent_fail", "inconsistent")
POINT_COLUMNS = [
    "value",
    "position",
    "section",
    "mean",
    "lpl",
    "upl",
    "lower_two_sigma",
    "upper_two_sigma",
    "moving_range",
    "special_cause",
    "point_type",
    "rule",
    "flags_high",
    "flags_low",
]
SUMMARY_COLUMNS = [
    "n",
    "dropped",
    "sections",
    "mean",
    "lpl",
    "upl",
    "latest_value",
    "latest_point_type",
    "latest_rule",
    "variation",
    "assurance",
    "improvement",
    "target",
]


class SPCWarning(UserWarning):
    """Limits computed from fewer values than SPC needs to be reliable (the ``nhsr`` rule set)."""


@dataclass(frozen=True)
class RuleSet:
    """A named set of SPC defaults and behaviours (see the table in ``spc.md``)."""

    name: str
    screen_outliers: bool
    shift_points: int
    trend_points: int
    improvement_wins: bool  # a value flagged both ways: improvement wins (else the first rule decides)
    runs_cross_sections: bool  # shift, trend and two-in-three continue across a rebase
    blank_when_short: bool  # under MIN_POINTS values: no limits, flags or icons (else a warning)


RULE_SETS = {
    "mdc": RuleSet("mdc", False, 6, 6, improvement_wins=True, runs_cross_sections=True, blank_when_short=True),
    "nhsr": RuleSet("nhsr", True, 7, 7, improvement_wins=False, runs_cross_sections=False, blank_when_short=False),
}


@dataclass(frozen=True)
class Options:
    """The settings an XmR chart was computed with: a rule set plus any explicit overrides."""

    rules: RuleSet
    screen_outliers: bool
    shift_points: int
    trend_points: int
    fix_after_n_points: int | None


@dataclass(frozen=True)
class XmRResult:
    """One series' XmR chart: a row per kept value in ``points`` plus the two summary icons.

    ``dropped_positions`` are the input positions of missing values, left out of the chart.
    """

    points: pd.DataFrame
    variation: str | None
    assurance: str | None
    improvement: str
    target: float | None
    options: Options
    dropped_positions: tuple[int, ...]

    @property
    def rules(self) -> str:
        """The rule set's name, ``mdc`` or ``nhsr``."""
        return self.options.rules.name

    @property
    def n(self) -> int:
        """Values used (missing ones excluded)."""
        return len(self.points)

    @property
    def dropped(self) -> int:
        """Missing values left out."""
        return len(self.dropped_positions)

    @property
    def enough_points(self) -> bool:
        """True when the series has the MIN_POINTS values SPC needs."""
        return self.n >= MIN_POINTS


class Shift(NamedTuple):
    """A sustained shift: ``values`` values in a row ``side`` (``above`` or ``below``) the mean,
    from input position ``start`` to the latest value."""

    start: int
    values: int
    side: str


def sustained_shift(result: XmRResult) -> Shift | None:
    """The shift the latest value belongs to, counted within the last section only; None if none.

    Such a run (at least the rule set's ``shift_points`` values on one side of the mean) means the
    last section's limits describe a process that has since moved: an assurance verdict from them
    is stale, and limits recalculated from ``start`` would describe the process as it is now.

    >>> sustained_shift(xmr([10, 11] * 6 + [14, 15, 14, 15, 14, 15]))
    Shift(start=12, values=6, side='above')
    """
    pts = result.points
    if not len(pts) or not np.isfinite(pts["upl"].iloc[-1]):
        return None
    last = pts[pts["section"] == pts["section"].iloc[-1]]
    dev = last["value"].to_numpy() - last["mean"].to_numpy()
    side = np.where(np.abs(dev) <= slack(last["mean"].to_numpy()), 0, np.sign(dev))
    if side[-1] == 0:
        return None
    differs = np.flatnonzero(side != side[-1])
    run = len(side) - (differs[-1] + 1 if len(differs) else 0)
    if run < result.options.shift_points:
        return None
    return Shift(int(last["position"].iloc[-run]), int(run), "above" if side[-1] > 0 else "below")


def signals(flags_high: int, flags_low: int) -> list[tuple[str, str]]:
    """Every rule that flagged a point, as (rule, side) pairs, from its ``flags_high``/``flags_low``.

    >>> signals(1, 2)
    [('outside', 'high'), ('trend', 'low')]
    """
    return [
        (rule, side)
        for side, flags in (("high", flags_high), ("low", flags_low))
        for bit, rule in enumerate(RULES)
        if int(flags) >> bit & 1
    ]


class XmRFrame(NamedTuple):
    """Many series' XmR charts: every point, and one summary row per series."""

    points: pd.DataFrame
    summary: pd.DataFrame


def xmr(
    values: ArrayLike,
    improvement: str = "increase",
    target: float | None = None,
    rules: str = "mdc",
    screen_outliers: bool | None = None,
    shift_points: int | None = None,
    trend_points: int | None = None,
    rebase_at: Sequence[int] | None = None,
    fix_after_n_points: int | None = None,
) -> XmRResult:
    """Compute an XmR chart of ``values`` (in time order) under rule set ``rules``.

    ``improvement`` is ``increase``, ``decrease`` or ``neutral`` (``higher_is_better`` and
    ``lower_is_better`` are accepted too); ``rebase_at`` lists 0-based positions where a new
    section (new mean and limits) starts; explicit keywords override the rule set's defaults.
    Missing values are dropped and their positions kept in ``dropped_positions``. ``points`` has
    the columns of ``POINT_COLUMNS`` (``position`` is the value's 0-based position in ``values``,
    ``section`` counts sections from 0); a Series' index is kept.

    >>> res = xmr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], improvement="decrease")
    >>> res.points["point_type"].iloc[-1], res.points["rule"].iloc[-1], res.variation
    ('special_cause_concern', 'outside', 'concern_high')
    """
    opts = _options(rules, screen_outliers, shift_points, trend_points, fix_after_n_points)
    direction = _direction(improvement)
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    x_all = _as_float(series, "values")
    starts = np.zeros(len(x_all), dtype=bool)
    starts[:1] = True
    for pos in () if rebase_at is None else rebase_at:
        if not 0 <= pos < len(x_all):
            raise ValueError(f"rebase_at position {pos} is outside the {len(x_all)} values")
        starts[pos] = True
    keep = ~np.isnan(x_all)
    kept = np.flatnonzero(keep)
    x = x_all[kept]
    target_value = None if target is None or pd.isna(target) else float(target)
    point, per = _engine(
        x,
        np.zeros(len(x), dtype=np.int64),
        _section_starts(np.cumsum(starts)[kept]),
        np.array([direction], dtype=np.int8),
        np.array([np.nan if target_value is None else target_value]),
        opts,
        1,
    )
    if not opts.rules.blank_when_short and 0 < len(x) < MIN_POINTS:
        warnings.warn(
            f"only {len(x)} values: SPC limits are unreliable with fewer than {MIN_POINTS}", SPCWarning, stacklevel=2
        )
    points = _points_frame(x, kept, point, series.index[kept])
    return XmRResult(
        points=points,
        variation=_name(VARIATIONS, per["variation"][0]),
        assurance=_name(ASSURANCES, per["assurance"][0]),
        improvement=next(name for name, sign in _SIGN.items() if sign == direction),
        target=target_value,
        options=opts,
        dropped_positions=tuple(int(p) for p in np.flatnonzero(~keep)),
    )


def xmr_frame(
    df: pd.DataFrame,
    by: str | Sequence[str],
    value: str = "value",
    improvement: str = "increase",
    target: str | float | None = None,
    rules: str = "mdc",
    screen_outliers: bool | None = None,
    shift_points: int | None = None,
    trend_points: int | None = None,
    rebase_at: str | Sequence[int] | None = None,
    fix_after_n_points: int | None = None,
    order: str | None = None,
) -> XmRFrame:
    """Compute XmR charts for every series of a long frame at once; same answers as :func:`xmr`.

    A series is a distinct combination of the ``by`` columns; its rows are taken in frame order,
    or sorted by column ``order``. ``improvement`` and ``target`` are each a column name or one
    value for all series (a series' improvement is its first row's; its target the one on its
    last kept value). ``rebase_at`` is a column that is true where a new section starts, or
    0-based positions applied to every series. Returns ``points`` (the ``by`` columns, then
    ``POINT_COLUMNS``, indexed like ``df``; missing values dropped) and ``summary`` (one row per
    series, sorted by the keys: the ``by`` columns, then ``SUMMARY_COLUMNS``, the limits being
    the last section's).

    >>> df = pd.DataFrame({"kpi": ["A"] * 13 + ["B"] * 13, "value": list(range(13)) * 2})
    >>> xmr_frame(df, by="kpi", improvement="decrease").summary[["kpi", "variation"]].to_dict("list")
    {'kpi': ['A', 'B'], 'variation': ['concern_high', 'concern_high']}
    """
    opts = _options(rules, screen_outliers, shift_points, trend_points, fix_after_n_points)
    by = [by] if isinstance(by, str) else list(by)
    gid = _group_numbers(df, by)
    n_series = int(gid.max()) + 1 if len(gid) else 0
    if order is not None:
        perm = None if _in_order(gid, df[order].to_numpy()) else np.lexsort((df[order].to_numpy(), gid))
    elif len(gid) and (np.diff(gid) < 0).any():
        perm = np.argsort(gid, kind="stable")
    else:
        perm = None
    # Rows already in order are used as they are: at millions of rows each gathered copy costs more than the rules.
    arrange = (lambda a: a) if perm is None else (lambda a: a[perm])  # noqa: E731
    series_all = arrange(gid)
    x_all = arrange(_as_float(df[value], value))
    new_series = _section_starts(series_all)
    first_row = np.flatnonzero(new_series)
    position = np.cumsum(new_series)
    position -= 1
    position = first_row.take(position)
    position -= np.arange(len(series_all))
    np.negative(position, out=position)  # each row's place in its series

    starts = new_series.copy()
    if isinstance(rebase_at, str):
        starts |= arrange(df[rebase_at].fillna(False).to_numpy(dtype=bool))
    elif rebase_at is not None:
        starts |= np.isin(position, list(rebase_at))
    keep = ~np.isnan(x_all)
    every = bool(keep.all())
    kept = np.flatnonzero(keep) if not every else None
    pick = (lambda a: a) if every else (lambda a: a[kept])  # noqa: E731
    x = pick(x_all)
    first_source = first_row if perm is None else perm[first_row]

    if isinstance(improvement, str) and improvement in df.columns:
        direction = _direction_column(df[improvement].to_numpy()[first_source])
    else:
        direction = np.full(n_series, _direction(improvement), dtype=np.int8)
    targets = np.full(n_series, np.nan)
    if isinstance(target, str):
        series = pick(series_all)
        last = np.flatnonzero(np.r_[series[1:] != series[:-1], True]) if len(series) else series
        targets[series[last]] = pick(arrange(_as_float(df[target], target)))[last]
    elif target is not None:
        targets[:] = target

    point, per = _engine(x_all, series_all, starts, direction, targets, opts, n_series, keep=None if every else keep)
    if perm is None and every:  # the frame's own rows, in its order (a view of a column is read-only: copied on write)
        points = _points_frame(x, position, point, df.index)
        for i, column in enumerate(by):
            points.insert(i, column, df[column])
    else:
        rows = pick(arrange(np.arange(len(df))))
        points = _points_frame(x, pick(position), point, df.index[rows])
        keys = df[by].take(rows)
        for i, column in enumerate(by):
            points.insert(i, column, keys[column].array)

    short = (per["n"] > 0) & (per["n"] < MIN_POINTS)
    if not opts.rules.blank_when_short and short.any():
        warnings.warn(
            f"{int(short.sum())} series have fewer than {MIN_POINTS} values: their SPC limits are unreliable",
            SPCWarning,
            stacklevel=2,
        )
    summary = df[by].take(first_source).reset_index(drop=True)
    summary["n"] = per["n"]
    summary["dropped"] = np.bincount(series_all[~keep], minlength=n_series)
    summary["sections"] = per["sections"]
    for column in ("mean", "lpl", "upl", "latest_value"):
        summary[column] = per[column]
    summary["latest_point_type"] = pd.Categorical.from_codes(per["point_type"], POINT_TYPES)
    summary["latest_rule"] = pd.Categorical.from_codes(per["rule"], RULES)
    summary["variation"] = pd.Categorical.from_codes(per["variation"], VARIATIONS)
    summary["assurance"] = pd.Categorical.from_codes(per["assurance"], ASSURANCES)
    summary["improvement"] = pd.Categorical.from_codes(
        np.select([direction > 0, direction < 0], [0, 1], 2), IMPROVEMENTS
    )
    summary["target"] = targets
    return XmRFrame(points, summary)


def _options(rules: str, screen_outliers, shift_points, trend_points, fix_after_n_points) -> Options:
    if rules not in RULE_SETS:
        raise ValueError(f"unknown SPC rule set {rules!r}: expected one of {', '.join(RULE_SETS)}")
    rs = RULE_SETS[rules]
    for name, n in (
        ("shift_points", shift_points),
        ("trend_points", trend_points),
        ("fix_after_n_points", fix_after_n_points),
    ):
        if n is not None and (not isinstance(n, int | np.integer) or n < 1):
            raise ValueError(f"{name} must be a positive whole number, not {n!r}")
    return Options(
        rules=rs,
        screen_outliers=rs.screen_outliers if screen_outliers is None else bool(screen_outliers),
        shift_points=rs.shift_points if shift_points is None else int(shift_points),
        trend_points=rs.trend_points if trend_points is None else int(trend_points),
        fix_after_n_points=None if fix_after_n_points is None else int(fix_after_n_points),
    )


def _direction(improvement: str) -> int:
    name = POLARITY_ALIASES.get(improvement, improvement)
    if name not in IMPROVEMENTS:
        raise ValueError(f"unknown improvement direction {improvement!r}: expected increase, decrease or neutral")
    return _SIGN[name]


def _direction_column(names: np.ndarray) -> np.ndarray:
    codes = {name: _direction(name) for name in (*IMPROVEMENTS, *POLARITY_ALIASES)}
    names = pd.Series(names, dtype=object)  # as objects: a text column's map converts its answers one by one
    mapped = names.map(codes)
    if mapped.isna().any():
        bad = sorted({str(v) for v in names[mapped.isna()]})
        raise ValueError(f"unknown improvement direction(s) {', '.join(bad)}: expected increase, decrease or neutral")
    return mapped.to_numpy(dtype=np.int8)


def _as_float(column: pd.Series, name: str) -> np.ndarray:
    numbers = pd.to_numeric(column)
    # A float column as it is: filling its missing values in would copy millions of rows.
    x = numbers.to_numpy() if numbers.dtype == np.float64 else numbers.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(x).any():
        raise ValueError(f"{name} holds infinite values")
    return x


def _group_numbers(df: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Each row's series number, the series in sorted key order (``groupby(by, sort=True, dropna=False).ngroup()``).

    One text key without gaps is numbered from the first value of each run of equal ones.
    """
    column = df[by[0]]
    text = len(by) == 1 and isinstance(column.dtype, pd.StringDtype) and len(df) > 1
    if text and (column.dtype.na_value is np.nan or not column.hasnans):  # NaN differs from all: it heads a run
        codes, distinct = factorize_runs(column.to_numpy())
        if not pd.isna(distinct).any():  # no gap
            return codes
    return df.groupby(by, sort=True, dropna=False).ngroup().to_numpy()


def factorize_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=True, use_na_sentinel=False)`` for values mostly in runs of equal ones.

    Only the first value of each run is hashed, and none when those are already in ascending order
    (an id column sorted by id): comparing neighbours costs a fraction of hashing millions of texts.
    """
    if len(values) < 2:
        return pd.factorize(values, sort=True, use_na_sentinel=False)
    head = np.ones(len(values), dtype=bool)
    head[1:] = values[1:] != values[:-1]
    run = np.cumsum(head)
    run -= 1
    heads = values[head]
    try:
        with np.errstate(invalid="ignore"):
            ascending = bool((heads[1:] > heads[:-1]).all())
    except TypeError:  # a missing value among texts
        ascending = False
    if ascending:
        return run, heads
    codes, distinct = pd.factorize(heads, sort=True, use_na_sentinel=False)
    return codes[run], distinct


def _in_order(gid: np.ndarray, key: np.ndarray) -> bool:
    """True when rows are already sorted by series, then by numeric ``key`` (so a stable sort would move none)."""
    if key.dtype.kind not in "iufmM" or len(gid) < 2:
        return False
    step = gid[1:] - gid[:-1]
    with np.errstate(invalid="ignore"):
        return bool(((step > 0) | ((step == 0) & (key[1:] >= key[:-1]))).all())


def _section_starts(labels: np.ndarray) -> np.ndarray:
    """True where a run of equal labels starts."""
    starts = np.ones(len(labels), dtype=bool)
    starts[1:] = labels[1:] != labels[:-1]
    return starts


def _name(names: tuple[str, ...], code: int) -> str | None:
    return None if code < 0 else names[code]


def _points_frame(x: np.ndarray, position: np.ndarray, point: dict[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
    columns = {"value": x, "position": position, **point}
    columns["point_type"] = pd.Categorical.from_codes(point["point_type"], POINT_TYPES)
    columns["rule"] = pd.Categorical.from_codes(point["rule"], RULES)
    return pd.DataFrame(columns, index=index, copy=False)[POINT_COLUMNS]  # the arrays are fresh: no need to copy them


def _section_mean(values: np.ndarray, use: np.ndarray, section: np.ndarray, n_sections: int) -> np.ndarray:
    count = np.bincount(section, weights=use.astype(float), minlength=n_sections)
    total = np.bincount(section, weights=np.where(use, values, 0.0), minlength=n_sections)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def _run_lengths(starts: np.ndarray) -> np.ndarray:
    """Length of the run each element belongs to, runs beginning where ``starts`` is true."""
    run = np.cumsum(starts) - 1
    return np.bincount(run)[run] if len(run) else run


CHUNK = 1 << 16  # points the engine takes in one pass: its temporaries are small enough to be reused


def _engine(
    x: np.ndarray,
    series: np.ndarray,
    new_section: np.ndarray,
    direction: np.ndarray,
    target: np.ndarray,
    opts: Options,
    n_series: int,
    points: bool = True,
    keep: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Limits, rules and icons for points ``x`` grouped by ``series`` (non-decreasing labels).

    Sections start where ``new_section`` is true (always at a series' first point). Values are
    measured from their section's first value, so a series' level costs no precision.
    Returns per-point and per-series arrays (codes index POINT_TYPES, RULES, VARIATIONS,
    ASSURANCES; -1 for none); with ``points`` false, only the per-series ones (the points' dict empty).
    ``keep``: the rows that are points (the others left out, a section starting on one starting at
    the next kept); the per-point arrays then hold the kept rows only.

    Every series is computed on its own, so the points are taken in chunks of whole series of
    about ``CHUNK`` points: a pass over millions of points at once spends most of its time having
    the system map fresh memory for each temporary array. For the same reason the rows to keep are
    picked chunk by chunk, not copied out whole first.
    """
    n = len(x)
    if n <= CHUNK:
        cuts, lows = np.array([0, n]), np.array([0, n_series])
    else:
        heads = np.flatnonzero(_section_starts(series))
        at = np.searchsorted(heads, np.arange(CHUNK, n, CHUNK))
        cuts = np.unique(np.r_[0, np.append(heads, n)[at], n])
        lows = np.r_[0, series[cuts[1:-1]], n_series]  # each chunk's series, those without points included
    point_parts, series_parts = [], []
    for a, b, lo, hi in zip(cuts[:-1], cuts[1:], lows[:-1], lows[1:]):
        chunk_x, chunk_series, chunk_sections = x[a:b], series[a:b], new_section[a:b]
        if keep is not None:
            kept = keep[a:b]
            chunk_x, chunk_series = chunk_x[kept], chunk_series[kept]
            chunk_sections = _section_starts(np.cumsum(chunk_sections)[kept])
        part = _engine_pass(
            chunk_x, chunk_series - lo, chunk_sections, direction[lo:hi], target[lo:hi], opts, int(hi - lo), points
        )
        point_parts.append(part[0])
        series_parts.append(part[1])
    if len(point_parts) == 1:
        return point_parts[0], series_parts[0]
    join = lambda parts: {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}  # noqa: E731
    return join(point_parts), join(series_parts)


def _engine_pass(
    x: np.ndarray,
    series: np.ndarray,
    new_section: np.ndarray,
    direction: np.ndarray,
    target: np.ndarray,
    opts: Options,
    n_series: int,
    points: bool = True,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """`_engine` over points all at once."""
    n = len(x)
    idx = np.arange(n)
    new_series = _section_starts(series)
    section = np.cumsum(new_section) - 1
    first = np.flatnonzero(new_section)
    n_sections = len(first)
    n_points = np.bincount(series, minlength=n_series)
    blank = (n_points < MIN_POINTS)[series] if opts.rules.blank_when_short else np.zeros(n, dtype=bool)

    # Limits per section, from its first fix_after_n_points values if given.
    baseline = idx - first[section] < opts.fix_after_n_points if opts.fix_after_n_points else np.ones(n, dtype=bool)
    rel = x - x[first].take(section)
    centre = _section_mean(rel, baseline, section, n_sections)
    moving_range = np.full(n, np.nan)
    moving_range[1:] = np.abs(np.diff(x))
    moving_range[new_section] = np.nan
    use = baseline & ~new_section
    mr_bar = _section_mean(moving_range, use, section, n_sections)
    if opts.screen_outliers:
        use &= moving_range < SCREEN * mr_bar[section]
        mr_bar = _section_mean(moving_range, use, section, n_sections)
    # Lines per section, spread to its points: every point's arithmetic is its section's.
    blank_section = blank[first]
    half_s = np.where(blank_section, np.nan, LIMIT * mr_bar)
    half2_s = np.where(blank_section, np.nan, TWO_SIGMA * mr_bar)
    mean_s = x[first] + centre

    # Each value against its own section's lines; within rounding of a line counts as on it.
    dev = rel - centre.take(section)
    with np.errstate(invalid="ignore"):
        side = np.sign(dev).astype(np.int8)
        side[np.abs(dev) <= slack(mean_s).take(section)] = 0
        out_up = dev > (half_s + slack(mean_s + half_s)).take(section)
        out_down = dev < (-half_s - slack(mean_s - half_s)).take(section)
        near_up = (dev > (half2_s + slack(mean_s + half2_s)).take(section)) & ~out_up
        near_down = (dev < (-half2_s - slack(mean_s - half2_s)).take(section)) & ~out_down
    del dev, rel

    # Runs continue across sections (mdc) or stop at them (nhsr); never across series.
    chunk_start = new_series if opts.rules.runs_cross_sections else new_section
    shift = (side != 0) & (_run_lengths(chunk_start | _section_starts(side)) >= opts.shift_points)
    step = np.zeros(n, dtype=np.int8)
    step[1:] = np.sign(np.diff(x))
    step[chunk_start] = 0
    step_start = chunk_start | _section_starts(step)
    in_trend = (step != 0) & (_run_lengths(step_start) + 1 >= opts.trend_points)
    trend_up, trend_down = in_trend & (step > 0), in_trend & (step < 0)
    trend_up[:-1] |= trend_up[1:] & step_start[1:]  # a trend counts the value it starts from
    trend_down[:-1] |= trend_down[1:] & step_start[1:]
    two_up = _two_in_three(near_up, side == 1, chunk_start)
    two_down = _two_in_three(near_down, side == -1, chunk_start)

    # Icons from the flags: for every point, or (``points`` false) for each series' last point only.
    last = np.flatnonzero(np.r_[series[1:] != series[:-1], True]) if len(series) else series
    pick = (lambda a: a) if points else (lambda a: a[last])  # noqa: E731
    judged, side_p = pick(~blank), pick(side)
    flags_high = _bits([pick(out_up), pick(trend_up), pick(two_up), pick(shift) & (side_p > 0)], judged)
    flags_low = _bits([pick(out_down), pick(trend_down), pick(two_down), pick(shift) & (side_p < 0)], judged)
    any_up, any_down = flags_high != 0, flags_low != 0
    special = any_up | any_down
    point_dir = direction[pick(series)]
    if opts.rules.improvement_wins:
        high = np.where(point_dir >= 0, any_up, ~any_down)
        rule = np.where(high, _FIRST_RULE[flags_high], _FIRST_RULE[flags_low])
    else:
        rule = _FIRST_RULE[flags_high | flags_low]
        up_r, down_r = (flags_high >> rule) & 1 == 1, (flags_low >> rule) & 1 == 1
        high = up_r & (~down_r | (pick(step) < 0))  # a peak or trough takes the later trend's direction
    point_type = np.select([~special, point_dir == 0, high == (point_dir > 0)], [0, np.where(high, 3, 4), 1], 2).astype(
        np.int8
    )
    rule = np.where(special, rule, -1).astype(np.int8)
    if not points:
        at = section[last]
        mean, half = mean_s[at], half_s[at]
        latest = (
            point_type,
            rule,
            high,
            judged,
            at - section[np.flatnonzero(new_series)],
            mean,
            mean - half,
            mean + half,
        )
        return {}, _per_series(*latest, x[last], series[last], direction, target, n_points, n_series)

    mean, half, half2 = mean_s.take(section), half_s.take(section), half2_s.take(section)
    point = {
        "section": section - np.maximum.accumulate(np.where(new_series, section, 0)),
        "mean": mean,
        "lpl": mean - half,
        "upl": mean + half,
        "lower_two_sigma": mean - half2,
        "upper_two_sigma": mean + half2,
        "moving_range": moving_range,
        "special_cause": special,
        "point_type": point_type,
        "rule": rule,
        "flags_high": flags_high,
        "flags_low": flags_low,
    }
    latest = [point[k][last] for k in ("point_type", "rule")] + [high[last], judged[last]]
    latest += [point[k][last] for k in ("section", "mean", "lpl", "upl")]
    return point, _per_series(*latest, x[last], series[last], direction, target, n_points, n_series)


def _bits(flags: list[np.ndarray], judged: np.ndarray) -> np.ndarray:
    """Per point, one bit per rule (in RULES order) that flagged it on one side, for judged points."""
    out = np.zeros(len(judged), dtype=np.int8)
    for bit, hit in enumerate(flags):
        out |= (hit & judged).view(np.int8) << np.int8(bit)
    return out


_FIRST_RULE = np.array(
    [0] + [(m & -m).bit_length() - 1 for m in range(1, 1 << len(RULES))]
)  # lowest bit set; 0 for none


def _two_in_three(near: np.ndarray, on_side: np.ndarray, chunk_start: np.ndarray) -> np.ndarray:
    """Values beyond two sigma in a window of three on one side of the mean with two or more such."""
    n = len(near)
    hit = np.zeros(n, dtype=bool)
    if n < 3:
        return hit
    within = ~chunk_start[1:-1] & ~chunk_start[2:]
    count = near[:-2].astype(np.int8) + near[1:-1] + near[2:]
    window = within & on_side[:-2] & on_side[1:-1] & on_side[2:] & (count >= 2)
    hit[:-2] |= window
    hit[1:-1] |= window
    hit[2:] |= window
    return hit & near


def _per_series(
    kind, rule, hi, judged, section, mean, lpl, upl, x, owner, direction, target, n_points, n_series
) -> dict[str, np.ndarray]:
    """Summary of each series from its last point (the arrays hold one value per series that has points, for
    series ``owner``): limits, latest point and the two icons."""

    def fill(values: np.ndarray, empty, dtype=None) -> np.ndarray:
        out = np.full(n_series, empty, dtype=dtype or np.asarray(values).dtype)
        out[owner] = values
        return out

    variation = np.select([kind == 0, kind == 1, kind == 2], [0, np.where(hi, 1, 2), np.where(hi, 3, 4)], kind + 2)
    variation = np.where(judged, variation, -1)

    d, t = direction[owner], target[owner]
    assessable = np.isfinite(t) & (d != 0) & np.isfinite(lpl) & np.isfinite(upl)
    with np.errstate(invalid="ignore"):
        below, above = t < lpl - slack(lpl), t > upl + slack(upl)
    good_side = np.where(d > 0, below, above)
    bad_side = np.where(d > 0, above, below)
    assurance = np.where(assessable, np.select([good_side, bad_side], [0, 1], 2), -1)
    return {
        "n": n_points,
        "sections": fill(section + 1, 0, np.int64),
        "mean": fill(mean, np.nan),
        "lpl": fill(lpl, np.nan),
        "upl": fill(upl, np.nan),
        "latest_value": fill(x, np.nan),
        "point_type": fill(kind, -1, np.int8),
        "rule": fill(rule, -1, np.int8),
        "variation": fill(variation, -1, np.int8),
        "assurance": fill(assurance, -1, np.int8),
    }
