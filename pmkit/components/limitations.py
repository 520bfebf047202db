"""The data's limitations, built from the flags on the figures a page shows.

Each item names an indicator and what makes its figures less certain: provisional or estimated
figures (with their periods), missing periods, a year made from fewer periods than it has, a short
history, comparisons with similar councils that are missing or partial, periods shown but not
judged (suspended), target changes, small numbers. "No particular limitations" is said only when
none of these applies (the template's own sentence), so it can never sit under a provisional figure.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pmkit.components.targets import target_changes
from pmkit.components.templating import plural, render
from pmkit.components.words import Words
from pmkit.io import periods
from pmkit.io.units import format_value
from pmkit.judge import findings
from pmkit.judge.reading import Reading

FEW_PEERS = 8  # a comparison with fewer similar councils than this is partial
SMALL_COUNT = 20  # a figure resting on fewer cases than this varies a lot by chance
LISTED = 5  # name up to this many indicators without comparisons; count them beyond


def limitations(
    readings: Iterable[Reading],
    history: dict[str, pd.DataFrame],
    breakdowns: pd.DataFrame,
    targets: pd.DataFrame,
    words: Words,
    suspended: Iterable[str] = (),
    recent_years: int = 3,
    sources: bool = True,
    charts: bool = True,
) -> list[str]:
    """What a reader should know before relying on the figures, indicator by indicator.

    ``history`` holds each indicator's shown figures (``period``, ``value``, ``quality``, and ``coverage``
    where a figure is made from fewer periods than it has); ``suspended`` the periods shown but not judged;
    ``recent_years``: target changes of the financial years up to the judged one that are said; ``sources``:
    name each indicator's data source; ``charts``: the page reads histories on XmR charts (a short history
    is then too short for their limits; without charts, it lacks the year before to compare with).
    Where many indicators share a limitation that is not about one figure (no comparison, a tightened
    target), they are counted rather than named.
    """
    readings = list(readings)
    out: list[str] = []
    shared: dict[str, list[str]] = {"none": [], "later": [], "tightened": [], "no_year_before": []}
    suspended = [periods.parse(p) for p in suspended]
    for r in readings:
        mine = history.get(r.indicator_id, pd.DataFrame(columns=["period", "value", "quality"]))
        shown = mine[mine["value"].notna()] if len(mine) else mine
        if (r.spc is None or r.spc.result.n == 0) and not len(shown):
            out.append(f"{r.title}: no figures yet.")
            continue
        for quality in ("provisional", "estimated"):
            flagged = shown[shown["quality"] == quality]["period"].tolist() if len(shown) else []
            if flagged:
                verb = "is" if len(flagged) == 1 else "are"
                out.append(
                    f"{r.title}: the {'figure' if len(flagged) == 1 else 'figures'} for {_listed(flagged)} {verb} "
                    f"{quality}{' and may change' if quality == 'provisional' else ''}."
                )
        gaps = mine[mine["value"].isna()]["period"].tolist() if len(mine) else []
        if gaps:
            out.append(f"{r.title}: no figure for {_listed(gaps)}.")
        if "coverage" in mine and len(shown):
            for period, coverage in zip(shown["period"], shown["coverage"]):
                if coverage:
                    out.append(f"{r.title}: the {period} figure is made from {coverage} only.")
        if charts and r.spc is not None and r.spc.result.n and not r.spc.result.enough_points:
            out.append(
                f"{r.title}: only {plural(r.spc.result.n, 'value')}, too few to tell usual from unusual variation reliably."
            )
        elif not charts and pd.isna(r.row.get("last_year_value")):
            shared["no_year_before"].append(r.title)
        hit = sorted({s.label for s in suspended for p in shown["period"] if _within(p, s)}) if len(shown) else []
        if hit:
            out.append(
                f"{r.title}: figures in {_listed(hit)} are shown but not judged against target (judging was suspended)."
            )
        if r.peers is not None and r.peers.n_peers < FEW_PEERS:
            out.append(
                f"{r.title}: only {plural(r.peers.n_peers, 'similar council')} {'has' if r.peers.n_peers == 1 else 'have'} "
                f"figures for {r.peers.period}."
            )
        elif r.peers is None:
            shared["later" if str(r.info.get("benchmark_metric") or "") else "none"].append(r.title)
        for eased, said in _target_changes(r, targets, recent_years):
            if eased:
                out.append(said)
            else:
                shared["tightened"].append(r.title)
        out += _small_numbers(r, breakdowns)
        source = str(r.info.get("data_source") or "")
        if source and sources and not words.public:
            out.append(f"{r.title}: source: {source}.")
    period = readings[0].row["period"] if readings else ""
    for kind, few, many in [
        ("none", "No comparison with other councils for {names}.", "{n} have no comparison with other councils."),
        (
            "later",
            "No comparison with similar councils for {period} yet for {names} (their figures come later).",
            "{n} have no comparison with similar councils for {period} yet (their figures come later, or are not published "
            "for the same period).",
        ),
        (
            "no_year_before",
            "No figure for the year before to compare with for {names}.",
            "{n} have no figure for the year before to compare with.",
        ),
        (
            "tightened",
            "Targets were tightened for {names}: their status is not comparable with earlier years'.",
            "{n} had their targets tightened: their status is not comparable with earlier years'.",
        ),
    ]:
        names = list(dict.fromkeys(shared[kind]))
        if len(names) > LISTED:
            n = (
                f"All {plural(len(readings), words.indicator)}"
                if len(names) == len(readings)
                else f"{len(names)} of the {plural(len(readings), words.indicator)}"
            )
            out.append(many.format(n=n, period=period))
        elif names:
            out.append(few.format(names=_listed(names), period=period))
    return out


def _within(label: str, span: periods.Period) -> bool:
    p = periods.try_parse(label)
    return p is not None and p.start >= span.start and p.end <= span.end


def _listed(items: list[str], joiner: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def _target_changes(r: Reading, targets: pd.DataFrame, recent_years: int) -> list[tuple[bool, str]]:
    """Each change of target in the ``recent_years`` financial years up to the judged one
    (`components.targets.target_changes`): (eased, what to say)."""
    if targets is None or targets.empty or str(r.info.get("polarity")) == "neutral":
        return []
    history = findings.target_history(targets, r.indicator_id)
    fmt = lambda v: format_value(v, r.unit, r.decimals)  # noqa: E731
    return [
        (
            word == "eased",
            f"{r.title}: the target was {word} from {fmt(before)} to {fmt(after)} in {when}, so its "
            "status is not comparable with earlier years'.",
        )
        for word, before, after, when in target_changes(history, r.row["period"], str(r.info["polarity"]), recent_years)
    ]


def _small_numbers(r: Reading, breakdowns: pd.DataFrame) -> list[str]:
    said = []
    mine = breakdowns[(breakdowns["indicator_id"] == r.indicator_id) & (breakdowns["denominator"] < SMALL_COUNT)]
    if len(mine):
        said.append(
            f"{r.title}: {len(mine)} of its breakdown figures {'rests' if len(mine) == 1 else 'rest'} on fewer than "
            f"{SMALL_COUNT} cases, so {'it varies' if len(mine) == 1 else 'they vary'} a lot by chance."
        )
    return said


def limitations_block(items: list[str]) -> str:
    return render("limitations.html.j2", items=items)
