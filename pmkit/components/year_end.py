"""The year-end table of a priority: each indicator's last five years, this year's target and status.

Each row carries the five year-end values as numbers (the table is the chart's data) and a small
line of them whose alt text states the trend; members also see owners and the year-end commentary. Each row's
id (``ind-hou-07``) lets other pages link to it; each indicator's name links to its tile in the latest quarterly
report, once that is published (`pmkit.runner.links`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pmkit.components import charts
from pmkit.components.anchors import xref
from pmkit.components.polarity import against_target
from pmkit.components.targets import target_changes, target_line_words
from pmkit.components.templating import markdown, render
from pmkit.components.words import Words
from pmkit.components.year_story import anchor, year_end_note
from pmkit.io.measure import targets_at
from pmkit.io.units import format_value
from pmkit.judge.reading import Reading


def five_year_sentence(reading: Reading, years: list[str], values: list[float], words: Words) -> str:
    """Alt text for the five-year line: where it started and ended, and the target as it was each year."""
    known = [(y, v) for y, v in zip(years, values) if not pd.isna(v)]
    if len(known) < 2:
        return f"{reading.title}: not enough years for a trend."
    (first_year, first), (last_year, last) = known[0], known[-1]
    fmt = lambda v: format_value(v, reading.unit, reading.decimals)  # noqa: E731
    change = "rose" if last > first else "fell" if last < first else "was unchanged"
    text = f"{reading.title}, {first_year} to {last_year}: {change} from {fmt(first)} to {fmt(last)}"
    steps = year_targets(reading, years)
    if len(set(steps[~np.isnan(steps)])) > 1:
        text += target_line_words(years, steps, reading.unit, reading.decimals)
    elif reading.has_target:
        text += f"; the {last_year} target was {fmt(reading.row['target'])}"
    if reading.has_target:
        text += f", and {last_year} ended {against_target(last, reading.row['target'], str(reading.info['polarity']))}"
    return text + "."


def figure_kind(reading: Reading) -> str:
    """What each year's figure is, for the table's row: "Total for the year", "At 31 March", "Year to date
    at 31 March", "Average a month", "For the whole year"; empty for a measure reported once a year."""
    said = re.sub(r"\s+\d{4}$", "", str(reading.row.get("basis", "") or ""))
    said = "for the whole year" if said == "the year as a whole" else said
    return said[:1].upper() + said[1:]


def shortfall(reading: Reading) -> str:
    """An indicator that ended the year off target, in one line: ``Days to relet: 158 days, above its
    target of 120 days (worse).``"""
    fmt = lambda v: format_value(v, reading.unit, reading.decimals)  # noqa: E731
    row = reading.row
    where = against_target(row["value"], row["target"], str(reading.info["polarity"]), fmt(row["target"]))
    return f"{reading.title}: {fmt(row['value'])}, {where}."


def target_steps(reading: Reading) -> list[str]:
    """The change of target into the judged year, in a few words under its target (the column names the year):
    ``eased from 99.5%``; a change during the year says when (``tightened from 90% in Oct 2024``)."""
    if reading.targets is None:
        return []
    fmt = lambda v: format_value(v, reading.unit, reading.decimals)  # noqa: E731
    changes = target_changes(reading.targets, reading.row["period"], str(reading.info["polarity"]), years=1)
    return [
        f"{word} from {fmt(before)}" + ("" if when == reading.row["period"] else f" in {when}")
        for word, before, _, when in changes
    ]


def _on_last_year(dot: str, words: Words) -> str:
    """The direction of travel on last year in a word or two (the column's heading says what it compares with)."""
    return words.dot_word(dot)


def year_targets(reading: Reading, years: list[str]) -> np.ndarray:
    """The whole-year target in force in each of ``years`` (NaN where none); the judged year's is the
    status row's where the register has no whole-year target for it."""
    steps = np.array(
        targets_at(reading.targets, years) if reading.targets is not None else [np.nan] * len(years), dtype=float
    )
    if len(steps) and np.isnan(steps[-1]) and reading.has_target:
        steps[-1] = float(reading.row["target"])
    return steps


def year_end_table(
    readings: Iterable[Reading],
    years: list[str],
    history: pd.DataFrame,
    commentary: pd.DataFrame | None,
    words: Words,
    told: Iterable[str] = (),
) -> str:
    """``history`` holds each indicator's year-end ``value`` by ``indicator_id`` and ``year`` (label). Each row's id
    is its anchor (`year_story.anchor`: ``ind-hou-07``), for links to an indicator's line in the annual report.
    The year-end commentary of indicators in ``told`` (whose full-year story the page tells already) is not repeated."""
    told = set(told)
    values = history.pivot_table(index="indicator_id", columns="year", values="value", aggfunc="first")
    rows, remarks = [], []
    for r in readings:
        series = [
            values.at[r.indicator_id, y] if r.indicator_id in values.index and y in values.columns else np.nan
            for y in years
        ]
        known = [v for v in series if not pd.isna(v)]
        spark = None
        if len(known) >= 2:
            spark = {
                "uri": charts.sparkline(np.array(series, dtype=float), year_targets(r, years)),
                "alt": five_year_sentence(r, years, series, words),
            }
        rows.append(
            {
                "r": r,
                "yearly": [format_value(v, r.unit, r.decimals, missing="–") for v in series],
                "target": format_value(r.row["target"], r.unit, r.decimals, missing="No target"),
                "changes": target_steps(r),
                "direction": _on_last_year(r.row["dot"], words),
                "spark": spark,
                "owner": "" if words.public else str(r.info.get("owner") or ""),
                "basis": figure_kind(r),
                "id": anchor(r.indicator_id),
                "link": xref("latest-quarterly", f"kpi-{r.indicator_id}", r.title, keep_text=True),  # its latest tile
            }
        )
        note = None if r.indicator_id in told else year_end_note(commentary, r, words.audience)
        if note is not None:
            remarks.append((r.title, markdown(note["text"])))
    owners = any(row["owner"] for row in rows)
    return render(
        "year_end.html.j2", rows=rows, years=years, remarks=remarks, words=words, owners=owners, told=bool(told)
    )
