"""What a report can truthfully say about each indicator, decided once for every component.

A KPI tile, an XmR chart, the exception list, the benchmark chart and the headline narrative all
speak about the same indicator; each takes its facts from one `Reading`, so none contradicts
another. A reading joins the status row, the register entry, the XmR chart of the indicator's
history and its comparator group, and decides what joins them:

- whether the chart's limits are stale (a sustained shift since the last rebase), in which case
  no assurance verdict is given and the period to rebase at is suggested;
- whether the status against target and the assurance icon seem to disagree, and why;
- which direction of travel is the headline, and whether the other comparison must be shown too.

>>> views = spc_views(measures, indicators, st, "2025/26 Q2")                      # doctest: +SKIP
>>> readings = read(st, indicators, views, peer_groups(st, indicators, bench, "Us"))   # doctest: +SKIP
>>> readings["HOU-01"].stale, readings["HOU-01"].rebase_label                        # doctest: +SKIP
(True, '2022/23 Q4')
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pmkit.io import measure, periods
from pmkit.io.measure import target_history, targets_at
from pmkit.io.units import format_value
from pmkit.judge import spc, status
from pmkit.judge.benchmarking import national_figures

SPOKEN_DIRECTIONS = ("improving", "declining", "increasing", "decreasing")


@dataclass(frozen=True)
class SpcView:
    """An XmR result with the period label of each value and the target it was judged against.

    ``in_period``: the chart is drawn on a cumulative indicator's in-period figures (each period's
    own, not the running total; `pmkit.io.measure.in_period`), and ``values`` are then the figures as
    reported. ``targets`` is the target in force at each label (NaN where none), when known.
    """

    result: spc.XmRResult
    labels: list[str]
    target: float | None
    values: tuple[float, ...] | None = None
    in_period: bool = False
    targets: tuple[float, ...] | None = None

    @property
    def figures(self) -> pd.Series:
        """The figures as reported (a running total as it is), labelled by period, without gaps."""
        if self.values is not None:
            return pd.Series(self.values, index=self.labels, dtype="float64").dropna()
        pts = self.result.points
        return pd.Series(pts["value"].to_numpy(), index=[self.labels[int(p)] for p in pts["position"]], dtype="float64")


@dataclass(frozen=True)
class Peers:
    """This council among its comparator group for the judged period, best first.

    ``table`` has ``authority_name``, ``value`` and ``own`` (true on this council's row).
    ``n_better`` / ``n_worse`` count peers strictly better / worse than this council.
    """

    group: str
    period: str
    table: pd.DataFrame
    median: float
    national: float | None
    national_name: str | None
    n_better: int
    n_worse: int

    @property
    def n_peers(self) -> int:
        return int((~self.table["own"]).sum())


@dataclass(frozen=True)
class Reading:
    """One indicator as every component of a report sees it."""

    row: pd.Series  # the status row (pmkit.judge.status.assess)
    info: pd.Series  # the register row
    spc: SpcView | None
    peers: Peers | None
    headline: str | None = None  # force the headline comparison (``last_year`` in an annual report)
    targets: pd.DataFrame | None = None  # the indicator's targets over the years (`pmkit.io.measure.target_history`)

    @property
    def indicator_id(self) -> str:
        return str(self.row["indicator_id"])

    @property
    def title(self) -> str:
        return str(self.row["title"])

    @property
    def unit(self) -> str:
        return str(self.info["unit"])

    @property
    def decimals(self) -> int | None:
        value = self.info.get("decimals")
        return None if value is None or pd.isna(value) else int(value)

    @property
    def frequency(self) -> str:
        return str(self.info["frequency"])

    @property
    def seasonal(self) -> bool:
        return bool(self.info.get("seasonal", False))

    @property
    def cumulative(self) -> bool:
        """True for a running total (year to date), which is compared only with the same point last year."""
        return measure.is_cumulative(self.info)

    @property
    def has_value(self) -> bool:
        return not pd.isna(self.row["value"])

    @property
    def has_target(self) -> bool:
        return not pd.isna(self.row["target"])

    @property
    def charted(self) -> bool:
        """True when the XmR chart has limits and icons (enough values under its rule set)."""
        return self.spc is not None and self.spc.result.variation is not None

    @cached_property
    def shift(self) -> spc.Shift | None:
        """The sustained shift since the last rebase that the latest value belongs to, if any."""
        return spc.sustained_shift(self.spc.result) if self.charted else None

    @property
    def stale(self) -> bool:
        """True when the limits describe a process that has since shifted."""
        return self.shift is not None

    @property
    def rebase_label(self) -> str | None:
        """The period to recalculate limits from, where they are stale."""
        return self.spc.labels[self.shift.start] if self.shift else None

    @property
    def variation(self) -> str | None:
        return self.spc.result.variation if self.charted else None

    @property
    def assurance(self) -> str | None:
        """The assurance verdict to show: none without a target, or when the limits are stale."""
        if not self.charted or self.stale or self.spc.target is None:
            return None
        return self.spc.result.assurance

    @property
    def spc_label(self) -> str | None:
        """The period of the chart's latest value (earlier than the judged period when that has none)."""
        if self.spc is None or not self.spc.result.n:
            return None
        return self.spc.labels[int(self.spc.result.points["position"].iloc[-1])]

    @property
    def latest_point(self) -> pd.Series | None:
        return self.spc.result.points.iloc[-1] if self.charted else None

    @property
    def disagreement(self) -> str | None:
        """Why the status against target and the assurance icon seem to disagree, as a code.

        ``unusual_miss``: missed (or near) the target although the process reliably meets it;
        ``unusual_hit``: met the target although the process reliably misses it. Either way the
        latest value lies outside the process limits: an unusual value, not the usual process.
        """
        rag, assurance = self.row["rag"], self.assurance
        if rag in ("red", "amber") and assurance == "consistent_pass":
            return "unusual_miss"
        if rag == "green" and assurance == "consistent_fail":
            return "unusual_hit"
        return None

    @property
    def headline_dot(self) -> str:
        """The comparison ``dot`` uses: as forced, else ``last_year`` for seasonal and year-to-date
        indicators, else ``previous``."""
        return self.headline or ("last_year" if self.seasonal or self.cumulative else "previous")

    @property
    def other_dot(self) -> str | None:
        """The comparison that is not the headline, when the tile must show it too: it moved
        while the headline did not (or the other way), or an exception refers to it. Never for a
        running total, whose previous period is only an earlier part of the same total."""
        if self.headline or self.cumulative:
            return None
        other = "previous" if self.seasonal else "last_year"
        mine, theirs = self.spoken_dot(), self.spoken_dot(other)
        if theirs == "not_comparable":
            return None
        if other == "previous" and "declining_twice" in self.row["exceptions"]:
            return other
        if mine != theirs and (mine in SPOKEN_DIRECTIONS or theirs in SPOKEN_DIRECTIONS):
            return other
        return None

    def compared_value(self, which: str) -> float:
        """The earlier value a direction of travel compares with: ``previous`` or ``last_year``."""
        return float(self.row["previous_value" if which == "previous" else "last_year_value"])

    def compared_label(self, which: str) -> str:
        """The period of that earlier value, e.g. ``Aug 2025`` or ``2024/25 Q2``."""
        return self.period_before(12 if which == "last_year" else periods.MONTHS_IN[self.frequency])

    def period_before(self, months: int) -> str:
        """The label of the period of this frequency that starts ``months`` before the judged one."""
        return periods.label_of(periods.parse(self.row["period"]).start - months, self.frequency)

    def value_at(self, label: str) -> float:
        """The value of the period ``label`` in this indicator's history (NaN when there is none)."""
        if self.spc is None:
            return float("nan")
        return float(self.spc.figures.get(label, float("nan")))

    def change_size(self, which: str | None = None) -> float:
        """How large the change on the earlier value is: in units of the indicator's usual variation
        (the XmR chart's mean moving range) where it has a chart, else relative to the earlier value."""
        which = which or self.headline_dot
        earlier = self.compared_value(which)
        change = abs(float(self.row["value"]) - earlier)
        if self.charted:
            usual = self.spc.result.points["moving_range"].mean()
            if usual > 0:
                return change / usual
        return change / abs(earlier) if earlier else np.inf

    def spoken_dot(self, which: str | None = None) -> str:
        """The direction of travel a page states for comparison ``which`` (default: the headline): the
        status row's, except ``no_change`` when both figures read the same at the indicator's decimals
        (``1.0%`` to ``1.0%`` is no change a reader can see)."""
        dot = str(self.row["dot"] if which is None else self.row[f"dot_{which}"])
        which = which or self.headline_dot
        if dot in SPOKEN_DIRECTIONS and self.has_value:
            shown = (format_value(v, self.unit, self.decimals) for v in (self.compared_value(which), self.row["value"]))
            if len(set(shown)) == 1:
                return "no_change"
        return dot

    @property
    def usual_move(self) -> float | None:
        """The most the figure usually moves from one period to the next: the upper range limit of its
        XmR chart (3.267 × the mean moving range since the last rebase). None without a moving range."""
        if self.spc is None or self.spc.result.n < 2:
            return None
        pts = self.spc.result.points
        ranges = pts.loc[pts["section"] == pts["section"].iloc[-1], "moving_range"].dropna()
        return spc.SCREEN * float(ranges.mean()) if len(ranges) else None

    @property
    def latest_signal(self) -> str | None:
        """``improvement`` or ``concern`` when the chart's latest point, for the judged period, is a
        special cause of that kind; else None."""
        if not self.charted or self.spc_label != self.row["period"]:
            return None
        kind = str(self.latest_point["point_type"])
        return {"special_cause_improvement": "improvement", "special_cause_concern": "concern"}.get(kind)

    def news(self) -> str | None:
        """``improved`` or ``declined`` when the headline change is worth a headline, else None.

        A change counts when its direction of travel says so, it shows at the indicator's decimals
        (``1.0% to 1.0%`` is no change), it is not against an SPC signal (no "improved" for a figure
        worse than usual), and it is larger than the figure usually moves from one period to the
        next (``usual_move``) or the chart flags the latest value as a special cause that way.
        """
        dot = self.spoken_dot()
        if dot not in ("improving", "declining"):
            return None
        earlier = self.compared_value(self.headline_dot)
        signal, agrees = self.latest_signal, "improvement" if dot == "improving" else "concern"
        if signal is not None and signal != agrees:
            return None
        usual = self.usual_move
        if signal == agrees or (usual is not None and abs(float(self.row["value"]) - earlier) > usual):
            return "improved" if dot == "improving" else "declined"
        return None

    def history(self, points: int = 12) -> pd.Series:
        """The last ``points`` values up to the judged period, labelled by period."""
        if self.spc is None:
            return pd.Series(dtype="float64")
        return self.spc.figures.tail(points)

    def targets_for(self, labels) -> np.ndarray:
        """The target in force at each of ``labels`` (periods of this indicator's history), NaN where
        none: as it was then, else today's target throughout when the history of targets is unknown."""
        if self.spc is not None and self.spc.targets is not None:
            known = dict(zip(self.spc.labels, self.spc.targets))
            return np.array([known.get(label, np.nan) for label in labels], dtype="float64")
        return np.full(len(labels), float(self.row["target"]) if self.has_target else np.nan)


def spc_views(
    measures: pd.DataFrame,
    indicators: pd.DataFrame,
    st: pd.DataFrame,
    period,
    rules: str = "mdc",
    targets: pd.DataFrame | None = None,
) -> dict[str, SpcView]:
    """Each indicator's XmR chart over its history to the judged period, with labels and target.

    A cumulative indicator's chart is drawn on its in-period figures (as the status engine's
    ``spc_concern`` judges them), with no target: its target is for the running total. ``targets``
    (the targets table) gives each view the target in force at each of its periods.
    """
    values = status.history(measures, indicators, period)
    current = st.set_index("indicator_id")["target"]
    info = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    out = {}
    for indicator_id, rows in values.groupby("indicator_id", sort=False):
        running = measure.is_cumulative(info.loc[indicator_id])
        target = current.get(indicator_id)
        target = None if target is None or pd.isna(target) or running else float(target)
        labels = rows["period"].tolist()
        with warnings.catch_warnings():  # short series are described in words in the report
            warnings.simplefilter("ignore", spc.SPCWarning)
            result = spc.xmr(
                rows["spc_value"].to_numpy(),
                improvement=rows["improvement"].iloc[0],
                target=target,
                rules=rules,
                rebase_at=[int(i) for i in np.flatnonzero(rows["rebase"].to_numpy())] or None,
            )
        steps = None
        if targets is not None:
            steps = tuple(targets_at(target_history(targets, indicator_id), labels))
        out[indicator_id] = SpcView(result, labels, target, tuple(rows["value"].astype(float)), running, steps)
    return out


def peer_groups(
    st: pd.DataFrame,
    indicators: pd.DataFrame,
    benchmarks: pd.DataFrame | None,
    council: str,
    comparator_group: str = "nearest_neighbours",
    national_group: str | None = "england",
    own_authority: Iterable[str] = (),
) -> dict[str, Peers]:
    """This council among its comparator group, per indicator that has peers in the judged period;
    the council's own rows in the benchmarks (authority codes ``own_authority``) are not peers."""
    if benchmarks is None or benchmarks.empty or "benchmark_metric" not in indicators:
        return {}
    benchmarks = benchmarks[~benchmarks["authority_code"].astype(str).isin(list(own_authority))]
    table = benchmarks.assign(
        value=pd.to_numeric(benchmarks["value"], errors="coerce"),
        period=periods.parse_column(benchmarks["period"].astype("str"))["label"],
    )
    table = table[table["value"].notna()]
    by_key = dict(tuple(table[table["group"] == comparator_group].groupby(["metric", "period"])))
    national = national_figures(table, national_group)
    metric = indicators.drop_duplicates("indicator_id").set_index("indicator_id")["benchmark_metric"]
    polarity = indicators.drop_duplicates("indicator_id").set_index("indicator_id")["polarity"]
    out = {}
    for row in st.itertuples(index=False):
        key = (str(metric.get(row.indicator_id) or ""), row.period)
        peers = by_key.get(key)
        if peers is None or pd.isna(row.value) or polarity[row.indicator_id] == "neutral":
            continue
        lower_better = polarity[row.indicator_id] == "lower_is_better"
        rows = pd.concat(
            [
                pd.DataFrame(
                    {
                        "authority_name": peers["authority_name"].astype(str).to_numpy(),
                        "value": peers["value"].to_numpy(),
                        "own": False,
                    }
                ),
                pd.DataFrame({"authority_name": [council], "value": [float(row.value)], "own": [True]}),
            ],
            ignore_index=True,
        )
        rows = rows.sort_values(["value", "own"], ascending=[lower_better, False], kind="stable").reset_index(drop=True)
        values = peers["value"].to_numpy(dtype="float64")
        better = values < row.value if lower_better else values > row.value
        worse = values > row.value if lower_better else values < row.value
        found = national.index.isin([key]).any()
        out[row.indicator_id] = Peers(
            group=comparator_group,
            period=row.period,
            table=rows,
            median=float(np.median(values)),
            national=float(national.loc[key, "value"]) if found else None,
            national_name=str(national.loc[key, "name"]) if found else None,
            n_better=int(better.sum()),
            n_worse=int(worse.sum()),
        )
    return out


def read(
    st: pd.DataFrame,
    indicators: pd.DataFrame,
    views: dict[str, SpcView],
    peers: dict[str, Peers] | None = None,
    headline: str | None = None,
    targets: pd.DataFrame | None = None,
) -> dict[str, Reading]:
    """A `Reading` per row of the status table, keyed by indicator id, in the table's order.

    ``headline="last_year"`` makes every reading compare with the same period a year earlier (the
    status rows' ``dot`` is set to match), as an annual report does. ``targets`` (the targets
    table) gives each reading its history of targets.
    """
    meta = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    if headline is not None:
        st = st.assign(dot=st[f"dot_{headline}"])
    return {
        row["indicator_id"]: Reading(
            row,
            meta.loc[row["indicator_id"]],
            views.get(row["indicator_id"]),
            (peers or {}).get(row["indicator_id"]),
            headline,
            None if targets is None else target_history(targets, row["indicator_id"]),
        )
        for _, row in st.iterrows()
    }
