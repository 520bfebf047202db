"""The exception list: every indicator that needs attention, off target first, each with the reason
in figures, its direction of travel, and what officers say and are doing about it; each links to the
indicator's deep dive and its line in the annual report where those are published."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pmkit.components.anchors import slugify, xref
from pmkit.components.polarity import side
from pmkit.components.spc_chart import describe
from pmkit.components.templating import Markup, markdown, render
from pmkit.components.tile import direction_lines
from pmkit.components.words import Words
from pmkit.io import periods
from pmkit.io.units import format_value
from pmkit.judge import commentary as notes
from pmkit.judge.reading import Reading

ORDER = {"red": 0, "amber": 1}


def exception_list(readings: Iterable[Reading], commentary: pd.DataFrame | None, words: Words) -> str:
    """Indicators with any exception, reds first, then ambers, then the rest, each by id."""
    flagged = sorted(
        (r for r in readings if len(r.row["exceptions"])), key=lambda r: (ORDER.get(r.row["rag"], 2), r.indicator_id)
    )
    items = []
    for reading in flagged:
        row = reading.row
        note = notes.for_indicator(commentary, reading.indicator_id, row["period"], words.audience)
        items.append(
            {
                "r": reading,
                "value": value_phrase(reading, words),
                "reasons": [reason(reading, code, words) for code in row["exceptions"]],
                "directions": direction_lines(reading, words),
                "text": markdown(note["text"]) if note is not None else "",
                "actions": markdown(note["actions"]) if note is not None and note["actions"] else "",
                "links": report_links(reading.indicator_id),
            }
        )
    return render("exceptions.html.j2", items=items, words=words)


def report_links(indicator_id: str) -> tuple[Markup, Markup]:
    """Links to the indicator's deep dive of the period and its line in the annual report, each shown
    once that page is published (`pmkit.runner.links`)."""
    return (
        xref("deep-dive", f"indicator-{slugify(indicator_id)}", "Deep dive"),
        xref("annual", f"ind-{slugify(indicator_id)}", "In the annual report"),
    )


def value_phrase(reading: Reading, words: Words) -> str:
    """``80.6% in 2025/26 Q2; target 91.7%`` (or that no value was supplied)."""
    row = reading.row
    fmt = lambda v: format_value(v, reading.unit, reading.decimals)  # noqa: E731
    if not reading.has_value:
        text = f"no figure yet for {row['period']}" if words.public else f"no value supplied for {row['period']}"
    else:
        text = f"{fmt(row['value'])} in {row['period']}"
    return text + (f"; target {fmt(row['target'])}" if reading.has_target else "")


def reason(reading: Reading, code: str, words: Words) -> str:
    """One exception in words, with the figures that raised it."""
    row = reading.row
    fmt = lambda v: format_value(v, reading.unit, reading.decimals)  # noqa: E731
    text = words.exception(code, reading.frequency)
    if code == "declining_twice":
        step = periods.MONTHS_IN[reading.frequency]
        before, earlier = reading.period_before(step), reading.period_before(2 * step)
        figures = [fmt(reading.value_at(earlier)), fmt(row["previous_value"]), fmt(row["value"])]
        return f"{text}: {figures[0]} ({earlier}), {figures[1]} ({before}), {figures[2]} ({row['period']})"
    if code == "red" and reading.has_target:
        gap = abs(float(row["value"]) - float(row["target"]))
        amount = (
            f"{gap:,.{reading.decimals if reading.decimals is not None else 1}f} percentage points"
            if reading.unit == "percent"
            else fmt(gap)
        )
        where = side(row["value"], row["target"])
        return (
            f"{text} by {amount} ({where} the target)"
            if words.public
            else f"{text}: {amount} {where} the target, beyond the near-target band"
        )
    if code == "spc_concern" and reading.spc is not None:
        return f"{text}: {describe(reading.spc.result, reading.spc.labels, words).split(': ', 1)[-1].rstrip('.')}"
    if code == "green_bottom_quartile" and reading.peers is not None:
        return f"{text}: ranked {int(row['rank'])} of {reading.peers.n_peers + 1}"
    return text
