"""Settings a run uses: the project it runs in, ``params/defaults.yaml`` with overrides, the period.

The project is the nearest folder at or above the working folder that holds
``params/defaults.yaml``; paths in it are relative to that folder.

>>> load_settings({"audience": "public"})["audience"]   # doctest: +SKIP
'public'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from pmkit.errors import PmkitError
from pmkit.io import periods
from pmkit.io.sources import Source

DEFAULTS_FILE = Path("params/defaults.yaml")


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working folder) holding ``params/defaults.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DEFAULTS_FILE).exists():
            return folder
    return here


def find_project(root: Path | None = None) -> Path:
    """The project a command works in: ``root`` (``--project``) or the one at or above the working
    folder. Either must hold ``params/defaults.yaml``; a clear error says how to make one otherwise."""
    found = Path(root).resolve() if root else project_root()
    if not (found / DEFAULTS_FILE).exists():
        where = f"{found} has no {DEFAULTS_FILE}" if root else f"no {DEFAULTS_FILE} in {found} or any folder above it"
        raise PmkitError(
            f"not a pmkit project: {where}. Make one with pmkit init DIR --council NAME --source SOURCE, "
            f"then run pmkit in DIR (or give --project DIR)"
        )
    return found


def load_settings(overrides: dict | None = None, root: Path | None = None) -> dict:
    """``params/defaults.yaml`` merged with ``overrides`` (entries that are None are ignored)."""
    root = root or project_root()
    path = root / DEFAULTS_FILE
    settings = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None})
    for key in ("source", "codebook"):
        value = settings.get(key)
        if value and "://" not in str(value) and not Path(value).is_absolute():
            settings[key] = str(root / value)
    return settings


RUN_OPTIONS = {  # what a run's own options set; a params layer or -p cannot
    "source": "--source or source: in params/defaults.yaml",
    "audience": "--audience",
    "engine": "--engine",
    "overrides": "the layers themselves",
    "period": "--period",
    "year": "--year",
    "indicator": "--indicator",
    "topic": "--topic",
}


def kind_params(root: Path, kind: str) -> dict:
    """``params/<kind>.yaml``: settings for every report of one kind (none when the file is absent)."""
    path = Path("params") / f"{kind}.yaml"
    if not (root / path).exists():
        return {}
    try:
        params = yaml.safe_load((root / path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PmkitError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(params, dict):
        raise PmkitError(f"{path}: expected settings as key: value lines, found {type(params).__name__}")
    check_layer(params, str(path))
    return params


def check_layer(params: dict, where: str, allowed: tuple[str, ...] = ()) -> None:
    """Refuse a layer that sets what a run's own options set (its source, audience, period...)."""
    for key in params:
        if key in RUN_OPTIONS and key not in allowed:
            raise PmkitError(f"{where}: {key} cannot be set here; it is set with {RUN_OPTIONS[key]}")


def command_line_params(pairs: list[list[str]] | None) -> dict:
    """``-p key value`` pairs as settings, each value read as YAML reads it (``0.05`` a number,
    ``true`` a yes, ``[a, b]`` a list), as papermill's own ``-p`` does; `pmkit.runner.run` refuses keys
    that a run's own options set."""
    params = {}
    for key, value in pairs or []:
        try:
            params[key] = yaml.safe_load(value) if value.strip() else value
        except yaml.YAMLError:
            params[key] = value
    return params


def reporting_frequency(settings: dict) -> str:
    """The frequency of the period a run picks by default: ``reporting`` in the settings (quarterly)."""
    reporting = str(settings.get("reporting") or "quarterly")
    if reporting not in ("quarterly", "annual"):
        raise PmkitError(f"{DEFAULTS_FILE}: reporting: {reporting!r} is not allowed; expected quarterly or annual")
    return reporting


RETIRED_AFTER_MONTHS = 24  # an indicator with no figure in the two years to a report's period is no longer reported


def retired_reasons(
    indicators: pd.DataFrame, measures: pd.DataFrame, period: periods.Period | None = None
) -> dict[str, str]:
    """The indicators the council no longer reports, as at ``period`` (default: the latest period with
    figure in ``measures``), each with why: ``marked retired in the register`` (the ``retired`` column),
    or ``no figure since LABEL`` when its last figure ended two years or more before ``period`` ends
    (or the source's last figure, for a period beyond it). An
    indicator with no figure at all is not retired (a new one, waiting for its first)."""
    flagged = indicators.get("retired", pd.Series(False, index=indicators.index)).fillna(False).astype(bool)
    reasons = {str(i): "marked retired in the register" for i in indicators.loc[flagged, "indicator_id"]}
    figures = measures[measures["value"].notna()]
    if figures.empty:
        return reasons
    parsed = periods.parse_column(figures["period"].astype(str))
    ends = (parsed["start"] + parsed["frequency"].map(periods.MONTHS_IN).astype("Int64")).astype("int64")
    cutoff = min(period.end if period is not None else int(ends.max()), int(ends.max())) - RETIRED_AFTER_MONTHS
    mine = figures["indicator_id"].isin(indicators["indicator_id"]).to_numpy()
    figures, ends = figures[mine], ends[mine]
    last = ends.groupby(figures["indicator_id"].to_numpy()).max()
    for indicator_id, end in last[last <= cutoff].items():
        since = periods.latest_of(
            figures.loc[(figures["indicator_id"] == indicator_id).to_numpy() & (ends == end).to_numpy(), "period"]
        )
        reasons.setdefault(str(indicator_id), f"no figure since {since.label}")
    return reasons


def current_indicators(
    indicators: pd.DataFrame, measures: pd.DataFrame, period: periods.Period | None = None
) -> pd.DataFrame:
    """The register less the indicators retired as at ``period`` (`retired_reasons`)."""
    gone = retired_reasons(indicators, measures, period)
    return indicators[~indicators["indicator_id"].isin(list(gone))]


def retired_note(reasons: dict[str, str], period: periods.Period, noun: str = "indicator") -> str:
    """One sentence for a report's method note on the indicators it leaves out as no longer reported
    ("" when none is).

    >>> retired_note({"A": "marked retired in the register", "B": "no figure since 2019/20"}, periods.parse("2024/25"))
    '2 indicators the council no longer reports are left out: 1 marked retired in the register and 1 with no figure in the two years to 2024/25.'
    """
    if not reasons:
        return ""
    marked = sum(why == "marked retired in the register" for why in reasons.values())
    stale = len(reasons) - marked

    def some(n: int) -> str:
        return f"{n} {noun}" + ("" if n == 1 else "s")

    if marked and stale:
        return (
            f"{some(len(reasons))} the council no longer reports are left out: {marked} marked retired in the "
            f"register and {stale} with no figure in the two years to {period.label}."
        )
    verb = "is" if len(reasons) == 1 else "are"
    if marked:
        return f"{some(marked)} marked retired in the register {verb} left out."
    return f"{some(stale)} with no figure in the two years to {period.label} {verb} left out as no longer reported."


def report_period(src: Source, period: str | None, frequency: str = "quarterly") -> periods.Period:
    """The report period asked for, or the latest ``frequency`` period that has data for most
    indicators the council still reports (retired ones do not count: `retired_reasons`)."""
    if period:
        return periods.parse(period)
    if frequency == "monthly":
        return src.latest_period()
    counts = period_coverage(src.measures(), current_indicators(src.indicators(), src.measures()), frequency)
    if counts.empty:
        return src.latest_period().latest(frequency)
    most = counts[counts["with_data"] * 2 > counts["of"]]
    start = int((most if len(most) else counts)["start"].max())
    return periods.Period(start, frequency)


def period_coverage(measures: pd.DataFrame, indicators: pd.DataFrame, frequency: str) -> pd.DataFrame:
    """Per ``frequency`` period with data: how many indicators have a figure for its last month,
    quarter or year (``with_data``), as the status engine judges them, of how many could (``of``:
    those with any figure, at this frequency or a finer one).

    A year in which only six of 97 indicators have been published yet is not "the latest year".
    """
    size = periods.MONTHS_IN[frequency]
    finer = indicators.loc[indicators["frequency"].map(periods.MONTHS_IN) <= size, "indicator_id"]
    figures = measures[measures["value"].notna() & measures["indicator_id"].isin(finer)]
    if figures.empty:
        return pd.DataFrame(columns=["start", "with_data", "of"])
    parsed = periods.parse_column(figures["period"])
    last_month = (parsed["start"] + parsed["frequency"].map(periods.MONTHS_IN).astype("Int64") - 1).astype("int64")
    at_end = ((last_month + 1 - periods.APRIL) % size == 0).to_numpy()
    start = (last_month + 1 - size).to_numpy()[at_end]
    counts = pd.DataFrame({"start": start, "indicator_id": figures["indicator_id"].to_numpy()[at_end]})
    counts = counts.drop_duplicates().groupby("start").size().rename("with_data").reset_index()
    return counts.assign(of=figures["indicator_id"].nunique())


def indicators_with_figures(src: Source, period: periods.Period) -> set[str]:
    """The indicators that have a figure for the period they are judged on at ``period`` (their own
    frequency's latest period ending by then, as the status engine judges them)."""
    register = src.indicators()
    judged = register["indicator_id"] + "\0" + register["frequency"].map(lambda f: period.latest(f).label)
    measures = src.measures()
    measures = measures[measures["value"].notna()]
    return set(measures.loc[(measures["indicator_id"] + "\0" + measures["period"]).isin(judged), "indicator_id"])


def latest_with_data(src: Source, indicator_ids: list[str]) -> periods.Period | None:
    """The latest period (by its end) in which any of the indicators has a figure (None: never)."""
    measures = src.measures()
    labels = measures.loc[measures["indicator_id"].isin(indicator_ids) & measures["value"].notna(), "period"].unique()
    return periods.latest_of(labels)


def reports_without_data(
    src: Source, reports: dict[str, list[str]], period: periods.Period, frequency: str, asked: bool
) -> list[str]:
    """The reports (name -> its indicator ids) with no figures for ``period``.

    When the user asked for them (a ``--period`` or a named report) the run is refused, naming each
    report's latest period with data and the run's; otherwise they are returned, to be left out.
    """
    have = indicators_with_figures(src, period)
    empty = [name for name, ids in reports.items() if ids and have.isdisjoint(ids)]
    if empty and (asked or len(empty) == len(reports)):
        latest = {name: latest_with_data(src, reports[name]) for name in empty}
        each = ", ".join(
            f"{name} (its latest figures: {latest[name].label if latest[name] else 'none'})" for name in empty
        )
        best = report_period(src, None, frequency)
        unit = "year" if frequency == "annual" else "quarter"
        raise PmkitError(
            f"{period.label} has no data for {each}; the latest {unit} with data for most indicators is {best.label}"
        )
    return empty


def apply_rebase_settings(indicators: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Rebase periods given in params (``rebase_at: {ASC-06: "Oct 2023"}``) override the register's."""
    extra = settings.get("rebase_at") or {}
    if not extra:
        return indicators
    out = indicators.copy()
    listed = out["indicator_id"].map({k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in extra.items()})
    out["rebase_at"] = listed.fillna(out["rebase_at"] if "rebase_at" in out else "")
    return out


def latest_complete_year(src: Source) -> periods.Period:
    """The latest financial year whose last month, quarter or year has a measure in the source and
    that has figures for most indicators (a benchmarking set whose newest year holds a few early
    figures reports on the year before, not on a page of "no figure yet")."""
    latest = src.latest_period()
    year = latest.year
    complete = year if latest.end == year.end else year.shift(-1)
    covered = report_period(src, None, "annual")
    return covered if covered.end < complete.end else complete


def complete_year(src: Source, year: str | None) -> periods.Period:
    """The financial year asked for (it must be complete in the source), or the latest complete one."""
    if not year:
        return latest_complete_year(src)
    chosen = periods.parse(year)
    if chosen.frequency != "annual":
        raise PmkitError(f"'{year}' is not a financial year; expected e.g. 2024/25")
    latest = src.latest_period()
    if latest.end < chosen.end:
        raise PmkitError(
            f"{chosen.label} is not complete in the source (its latest data is for {latest.label}); "
            f"the latest complete year is {latest_complete_year(src).label}"
        )
    return chosen
