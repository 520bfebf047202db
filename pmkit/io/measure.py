"""What each measure means: how its figures add up to a quarter or a year, and what values it can take.

The register says it once (DESIGN.md, "What a measure is"), and every page reads it from here:

- ``aggregation``: ``sum`` (a flow: the months added), ``ratio`` (numerators and denominators added,
  then divided), ``mean`` (the average of the figures) or ``last`` (a stock: the last figure). Empty
  means ``ratio`` where the measures carry numerator and denominator, ``sum`` for a count or money,
  ``mean`` otherwise. A ``cumulative`` (year-to-date) series is read by its last figure whatever its
  aggregation, and its in-period figures are the differences within each year.
- ``bounds``: counts and money at least 0, percentages 0 to 100, unless ``minimum``/``maximum`` say
  otherwise.

>>> roll_up(pd.DataFrame({"indicator_id": "V", "period": ["Jan 2025", "Feb 2025", "Mar 2025"],
...                       "value": [10.0, 12.0, 14.0]}),
...         pd.DataFrame({"indicator_id": ["V"], "unit": ["count"], "frequency": ["monthly"]}),
...         "quarterly")[["period", "value", "had", "expected", "basis"]].to_dict("records")
[{'period': '2024/25 Q4', 'value': 36.0, 'had': 3, 'expected': 3, 'basis': 'total for the quarter'}]
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from pmkit.io import periods

AGGREGATIONS = ("sum", "ratio", "mean", "last")
UNIT_BOUNDS = {
    "percent": (0.0, 100.0),
    "count": (0.0, math.inf),
    "gbp": (0.0, math.inf),
    "days": (0.0, math.inf),
    "weeks": (0.0, math.inf),
    "rate": (0.0, math.inf),
}
PERIOD_NOUN = {"monthly": "month", "quarterly": "quarter", "annual": "year"}
QUALITY_ORDER = ("final", "provisional", "estimated")  # the worst of a period's figures is the rolled-up figure's


def flag(info: pd.Series | dict, name: str) -> bool:
    """A boolean column of a register row (``cumulative``, ``zero_tolerance``): false when empty."""
    value = info.get(name, False)
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def is_cumulative(info: pd.Series | dict) -> bool:
    """True for a year-to-date series (its year is its last figure)."""
    return flag(info, "cumulative")


def aggregation(info: pd.Series | dict, has_ratio: bool = False) -> str:
    """The register's aggregation, or the default for the unit (``has_ratio``: the measures carry
    numerator and denominator).

    >>> aggregation({"unit": "count"}), aggregation({"unit": "percent"}, has_ratio=True), aggregation({"unit": "days"})
    ('sum', 'ratio', 'mean')
    """
    given = str(info.get("aggregation", "") or "").strip()
    if given in AGGREGATIONS:
        return given
    if has_ratio:
        return "ratio"
    return "sum" if info.get("unit") in ("count", "gbp") else "mean"


def aggregations(indicators: pd.DataFrame, measures: pd.DataFrame) -> pd.Series:
    """Each indicator's aggregation, by ``indicator_id``: defaults read from whether every figure of
    the indicator carries a numerator and a denominator."""
    has_ratio = pd.Series(dtype=bool)
    if len(measures) and {"numerator", "denominator"} <= set(measures.columns):
        with_value = measures[pd.to_numeric(measures["value"], errors="coerce").notna()]
        both = pd.to_numeric(with_value["numerator"], errors="coerce").notna() & pd.to_numeric(
            with_value["denominator"], errors="coerce"
        ).gt(0)
        has_ratio = both.groupby(with_value["indicator_id"].astype(str)).all()
    ind = indicators.drop_duplicates("indicator_id")
    return pd.Series(
        [aggregation(row, bool(has_ratio.get(str(row["indicator_id"]), False))) for _, row in ind.iterrows()],
        index=ind["indicator_id"].astype(str).to_numpy(),
        dtype=object,
    )


def bounds(info: pd.Series | dict) -> tuple[float, float]:
    """The lowest and highest value a figure can take: the register's ``minimum``/``maximum`` where
    given, else the unit's own (counts, money and durations at least 0, percentages 0 to 100).

    >>> bounds({"unit": "percent"}), bounds({"unit": "gbp", "minimum": -5e6})
    ((0.0, 100.0), (-5000000.0, inf))
    """
    low, high = UNIT_BOUNDS.get(str(info.get("unit", "")), (-math.inf, math.inf))
    given_low, given_high = info.get("minimum"), info.get("maximum")
    if given_low is not None and not pd.isna(given_low):
        low = float(given_low)
    if given_high is not None and not pd.isna(given_high):
        high = float(given_high)
    return low, high


def clip(values, info: pd.Series | dict) -> np.ndarray:
    """``values`` held within the measure's bounds (process limits and usual ranges)."""
    low, high = bounds(info)
    return np.clip(np.asarray(values, dtype="float64"), low, high)


def in_period(values, starts, cumulative: bool, months=None, series=None) -> np.ndarray:
    """The figure for each period alone: a year-to-date series' differences between consecutive figures
    within each financial year (its first period's figure as it is), other series unchanged.

    With ``months`` (the length of a period, one for all or one per figure) a figure whose period
    before, in the same year, has no figure gets none (NaN): its own period's figure cannot be told
    from the running total. ``series`` labels figures of several series at once (each series' figures
    one run, in order), so that no difference is taken across two series.

    >>> in_period([30.1, 59.1, 80.0, 12.0], [periods.parse(p).start for p in ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2025/26 Q1"]], True).round(1).tolist()
    [30.1, 29.0, 20.9, 12.0]
    >>> in_period([30.0, 80.0], [periods.parse(p).start for p in ["2024/25 Q1", "2024/25 Q3"]], True, months=3).tolist()
    [30.0, nan]
    """
    values = np.asarray(values, dtype="float64")
    if not cumulative or not len(values):
        return values
    starts = np.asarray(starts, dtype="int64")
    fy = starts - (starts - periods.APRIL) % 12
    out = values.copy()
    same_year = np.r_[False, fy[1:] == fy[:-1]]
    if series is not None:
        series = np.asarray(series)
        same_year[1:] &= series[1:] == series[:-1]
    out[same_year] = values[same_year] - values[np.flatnonzero(same_year) - 1]
    if months is not None:
        months = np.broadcast_to(np.asarray(months, dtype="int64"), starts.shape)
        follows = np.r_[False, starts[1:] - starts[:-1] == months[1:]] & same_year
        out[(starts != fy) & ~follows] = np.nan
    return out


def target_history(targets: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The indicator's targets, oldest first: ``period`` (a year or an exact period) and ``target``."""
    mine = targets[targets["indicator_id"] == indicator_id]
    if mine.empty:
        return pd.DataFrame(columns=["period", "target", "frequency"])
    parsed = periods.parse_column(mine["period"].astype(str))
    frame = pd.DataFrame(
        {
            "period": parsed["label"].to_numpy(),
            "target": pd.to_numeric(mine["target"]).to_numpy(),
            "frequency": parsed["frequency"].to_numpy(),
            "_start": parsed["start"].to_numpy(),
        }
    )
    return frame.sort_values(["_start", "frequency"]).drop(columns="_start").reset_index(drop=True)


def targets_at(history: pd.DataFrame, labels: list[str]) -> list[float]:
    """The target in force at each period label: its exact-period target, else its financial year's."""
    exact = dict(zip(history["period"], history["target"]))
    return [float(exact.get(label, exact.get(periods.parse(label).year.label, np.nan))) for label in labels]


def basis(agg: str, cumulative: bool, frequency: str, to: str, end: periods.Period) -> str:
    """What a rolled-up figure is, in words: ``total for the year``, ``average a month``,
    ``at 31 March 2025``, ``year to date at 31 March 2025``, ``the year as a whole``."""
    span = PERIOD_NOUN[to]
    last_day = f"{end.shift(1).start_date - pd.Timedelta(days=1):%-d %B %Y}"
    if frequency == to:
        return ""
    if cumulative:
        return f"year to date at {last_day}"
    if agg == "last":
        return f"at {last_day}"
    if agg == "sum":
        return f"total for the {span}"
    if agg == "ratio":
        return f"the {span} as a whole"
    return f"average a {PERIOD_NOUN[frequency]}"


def _containing(start: int, to: str) -> int:
    size = periods.MONTHS_IN[to]
    return start - (start - periods.APRIL) % size


def roll_up(measures: pd.DataFrame, indicators: pd.DataFrame, to: str = "annual") -> pd.DataFrame:
    """Every indicator's figures rolled up to quarters or years (``to``) by its aggregation.

    One row per indicator and period of ``to`` that holds any figure, with ``value``, ``numerator``
    and ``denominator`` (for a ratio), ``quality`` (the worst of the figures used), ``had`` and
    ``expected`` (how many of its periods it had: 11 of 12 months), ``last`` (the label of the last
    figure used), ``basis`` (what the figure is, in words) and ``aggregation``. An indicator already
    of frequency ``to`` (or longer) keeps its own figures (``basis`` empty).
    """
    columns = [
        "indicator_id",
        "period",
        "value",
        "numerator",
        "denominator",
        "quality",
        "had",
        "expected",
        "last",
        "basis",
        "aggregation",
        "note",
    ]
    if measures.empty:
        return pd.DataFrame(columns=columns)
    ind = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    how = aggregations(indicators, measures)
    m = measures[measures["indicator_id"].isin(ind.index)].copy()
    parsed = periods.parse_column(m["period"].astype(str))
    m["start"] = parsed["start"].to_numpy()
    m["value"] = pd.to_numeric(m["value"], errors="coerce")
    for col in ("numerator", "denominator"):
        m[col] = pd.to_numeric(m[col], errors="coerce") if col in m else np.nan
    if "quality" not in m:
        m["quality"] = "final"
    m = m[m["value"].notna() & m["start"].notna()]
    rows = []
    for indicator_id, mine in m.groupby("indicator_id", sort=False):
        info = ind.loc[indicator_id]
        frequency = str(info["frequency"])
        agg, cumulative = how[str(indicator_id)], is_cumulative(info)
        mine = mine.sort_values("start")
        if periods.MONTHS_IN[frequency] >= periods.MONTHS_IN[to]:
            for r in mine.itertuples(index=False):
                rows.append(
                    [
                        indicator_id,
                        periods.label_of(int(r.start), frequency),
                        r.value,
                        r.numerator,
                        r.denominator,
                        str(r.quality or "final"),
                        1,
                        1,
                        periods.label_of(int(r.start), frequency),
                        "",
                        agg,
                        "",
                    ]
                )
            continue
        expected = periods.MONTHS_IN[to] // periods.MONTHS_IN[frequency]
        scale = _ratio_scale(mine) if agg == "ratio" else np.nan
        for start, part in mine.groupby(mine["start"].map(lambda s: _containing(int(s), to)), sort=True):
            span = periods.Period(int(start), to)
            last_start = int(part["start"].iloc[-1])
            num = den = np.nan
            if cumulative or agg == "last":
                value = float(part["value"].iloc[-1])
            elif agg == "sum":
                value = float(part["value"].sum())
            elif agg == "ratio" and part["numerator"].notna().all() and part["denominator"].gt(0).all():
                num, den = float(part["numerator"].sum()), float(part["denominator"].sum())
                value = scale * num / den
            else:
                value = float(part["value"].mean())
            quality = max(
                (str(q or "final") for q in part["quality"]),
                key=lambda q: QUALITY_ORDER.index(q) if q in QUALITY_ORDER else 0,
            )
            noun = PERIOD_NOUN[frequency]
            note = "" if len(part) == expected else f"{len(part)} of {expected} {noun}s"
            end = periods.Period(last_start, frequency) if (cumulative or agg == "last") else span
            rows.append(
                [
                    indicator_id,
                    span.label,
                    value,
                    num,
                    den,
                    quality,
                    len(part),
                    expected,
                    periods.label_of(last_start, frequency),
                    basis(agg, cumulative, frequency, to, end),
                    agg,
                    note,
                ]
            )
    return pd.DataFrame(rows, columns=columns)


def _ratio_scale(rows: pd.DataFrame) -> float:
    """What numerator / denominator is multiplied by to give the value (100 for a percentage, 1,000
    for a rate per 1,000), read from the indicator's own figures."""
    ok = rows["numerator"].gt(0) & rows["denominator"].gt(0)
    if not ok.any():
        return 100.0
    implied = rows.loc[ok, "value"] * rows.loc[ok, "denominator"] / rows.loc[ok, "numerator"]
    median = float(implied.median())
    power = round(math.log10(median)) if median > 0 else 2
    return 10.0**power if abs(median - 10.0**power) <= 0.05 * 10.0**power else median


def roll_up_targets(
    targets: pd.DataFrame, indicators: pd.DataFrame, measures: pd.DataFrame, to: str = "annual"
) -> pd.DataFrame:
    """Targets for quarters or years (``to``) as the register says the figures add up.

    A flow's target is the sum of the targets in force in each of its periods (a whole-year target
    row covers each period in it); a cumulative or ``last`` measure's is the target in force at the
    span's last period; a ratio's or mean's, the span's own target row where there is one, else the
    mean of its periods' targets. Columns ``indicator_id, period, target``.
    """
    if targets is None or targets.empty:
        return pd.DataFrame(columns=["indicator_id", "period", "target"])
    ind = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    how = aggregations(indicators, measures)
    parsed = periods.parse_column(targets["period"].astype(str))
    table = pd.DataFrame(
        {
            "indicator_id": targets["indicator_id"].astype(str).to_numpy(),
            "frequency": parsed["frequency"].to_numpy(),
            "start": parsed["start"].to_numpy(),
            "target": pd.to_numeric(targets["target"], errors="coerce").to_numpy(),
        }
    )
    table = table.dropna(subset=["start", "target"])
    rows = []
    for indicator_id, mine in table.groupby("indicator_id", sort=False):
        if indicator_id not in ind.index:
            continue
        info = ind.loc[indicator_id]
        frequency = str(info["frequency"])
        exact = {(f, int(s)): t for f, s, t in zip(mine["frequency"], mine["start"], mine["target"])}
        if periods.MONTHS_IN[frequency] >= periods.MONTHS_IN[to]:
            rows += [[indicator_id, periods.label_of(s, f), t] for (f, s), t in exact.items()]
            continue
        spans = sorted({_containing(int(s), to) for s in mine["start"]})
        step = periods.MONTHS_IN[frequency]
        agg, cumulative = how[str(indicator_id)], is_cumulative(info)
        for start in spans:
            own = exact.get((to, start))
            inner = [
                exact.get((frequency, s), exact.get(("annual", s - (s - periods.APRIL) % 12)))
                for s in range(start, start + periods.MONTHS_IN[to], step)
            ]
            if cumulative or agg == "last":
                target = inner[-1] if inner[-1] is not None else own
            elif agg == "sum":
                target = float(sum(inner)) if all(t is not None for t in inner) else None
            else:
                known = [t for t in inner if t is not None]
                target = own if own is not None else (float(np.mean(known)) if known else None)
            if target is not None:
                rows.append([indicator_id, periods.label_of(start, to), float(target)])
    return pd.DataFrame(rows, columns=["indicator_id", "period", "target"])


def as_frequency(indicators: pd.DataFrame, to: str = "annual") -> pd.DataFrame:
    """The register with every shorter frequency read as ``to`` (to judge rolled-up figures); their
    cumulative and seasonal marks no longer apply (a year's figure is compared with the year before)."""
    out = indicators.copy()
    shorter = out["frequency"].map(periods.MONTHS_IN) < periods.MONTHS_IN[to]
    out.loc[shorter, "frequency"] = to
    for mark in ("cumulative", "seasonal"):
        if mark in out:
            out.loc[shorter, mark] = False
    return out


def roll_up_benchmarks(
    benchmarks: pd.DataFrame | None, indicators: pd.DataFrame, measures: pd.DataFrame, to: str = "annual"
) -> pd.DataFrame | None:
    """Other councils' figures for quarters or years (``to``): those published for the span itself, and
    for a stock or running total (whose span is its last figure) their figure at the span's last period,
    read as the span's. A flow's or rate's months cannot be added up without the peers' counts, so
    they are compared only where the span's own figures are published."""
    if benchmarks is None or benchmarks.empty:
        return benchmarks
    ind = indicators.drop_duplicates("indicator_id")
    how = aggregations(indicators, measures)
    last = {
        str(row["benchmark_metric"]): str(row["frequency"])
        for _, row in ind.iterrows()
        if str(row.get("benchmark_metric") or "")
        and periods.MONTHS_IN[str(row["frequency"])] < periods.MONTHS_IN[to]
        and (is_cumulative(row) or how[str(row["indicator_id"])] == "last")
    }
    parsed = periods.parse_column(benchmarks["period"].astype(str))
    ends = parsed["start"] + parsed["frequency"].map(periods.MONTHS_IN)
    span_ends = ends - (ends - periods.APRIL) % periods.MONTHS_IN[to]
    closing = (benchmarks["metric"].map(last) == parsed["frequency"]) & (ends == span_ends)
    moved = benchmarks[closing.fillna(False).to_numpy()].copy()
    moved["period"] = [periods.label_of(int(e) - periods.MONTHS_IN[to], to) for e in span_ends[closing.fillna(False)]]
    return pd.concat([benchmarks, moved], ignore_index=True).drop_duplicates(
        ["metric", "authority_code", "period", "group"]
    )


class Rolled(NamedTuple):
    """Figures, register, targets and other councils' figures read at a longer frequency, to judge with
    the status engine as they are."""

    measures: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    benchmarks: pd.DataFrame | None


def rolled(
    measures: pd.DataFrame,
    indicators: pd.DataFrame,
    targets: pd.DataFrame | None,
    benchmarks: pd.DataFrame | None = None,
    to: str = "annual",
) -> Rolled:
    """``roll_up``, ``as_frequency``, ``roll_up_targets`` and ``roll_up_benchmarks`` together: every rule
    of the status engine then judges a year's (or quarter's) figure as the register says it adds up."""
    return Rolled(
        roll_up(measures, indicators, to),
        as_frequency(indicators, to),
        roll_up_targets(targets, indicators, measures, to),
        roll_up_benchmarks(benchmarks, indicators, measures, to),
    )


def observed_bounds(register: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The register with a ``minimum`` or ``maximum`` for each measure whose published ``figures``
    (``indicator_id``, ``value``: an importer's own data) pass its unit's bounds, widened to a round
    number (a gap in percentage points goes below 0; spend against budget passes 100%). The others keep
    their unit's bounds (empty columns)."""
    span = figures.groupby("indicator_id")["value"].agg(["min", "max"])
    unit_bounds = register["unit"].map(lambda u: UNIT_BOUNDS.get(u, (-math.inf, math.inf)))
    low, high = unit_bounds.str[0], unit_bounds.str[1]
    seen_low = register["indicator_id"].map(span["min"])
    seen_high = register["indicator_id"].map(span["max"])
    return register.assign(
        minimum=np.where(seen_low < low, np.floor(seen_low / 10) * 10, np.nan),
        maximum=np.where(seen_high > high, np.ceil(seen_high / 100) * 100, np.nan),
    )
