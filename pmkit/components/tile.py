"""KPI tiles: one per indicator, grouped by council priority (the golden thread).

A tile shows the latest value with its unit, the status word and icon against the target, the
direction of travel (both comparisons when they tell different stories, saying which is the
headline), the SPC icons or the stale-limits notice, the benchmark position, a sparkline whose alt
text states its trend, and a drill-down with the definition, target, owner and commentary. Its
outer element carries ``data-indicator`` and ``data-status``.

>>> html = kpi_tiles(readings.values(), src.commentary(), words_for("public"))   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pmkit import commentary as notes
from pmkit.components import charts
from pmkit.components.benchmark_chart import position_sentence
from pmkit.components.spc_chart import spc_icons
from pmkit.components.targets import target_line_words, target_notes
from pmkit.components.templating import Markup, markdown, render
from pmkit.components.words import PERIOD_NOUN, Words
from pmkit.reading import Reading
from pmkit.status import RAG_CODES
from pmkit.units import format_value

NO_PRIORITY = "Not linked to a council priority"


def kpi_tile(reading: Reading, commentary: pd.Series | None, words: Words) -> str:
    """One indicator's tile (``commentary`` is its row for the judged period and audience, if any)."""
    row, info = reading.row, reading.info
    unit, decimals = reading.unit, reading.decimals
    target = "No target" if not reading.has_target else format_value(row["target"], unit, decimals)
    history = reading.history()
    spark = None
    if history.notna().sum() >= 2:
        spark = {
            "uri": charts.sparkline(history.to_numpy(), reading.targets_for(history.index)),
            "alt": trend_sentence(history, reading, words),
        }
    details = [
        ("Definition", info.get("definition", "")),
        ("Why it matters", info.get("rationale", "")),
        ("Target", target),
        ("About the target", target_notes(reading, words)),
        ("Owner", info.get("owner", "") if not words.public else ""),
        ("Data source", info.get("data_source", "")),
        ("Data quality", (row["quality"] or "final").capitalize() if reading.has_value else "No value supplied"),
    ]
    if commentary is not None:
        details.append(("Commentary", markdown(commentary["text"])))
        if commentary["actions"]:
            details.append(("What is being done" if words.public else "Actions", markdown(commentary["actions"])))
    return render(
        "tile.html.j2",
        r=reading,
        words=words,
        value=format_value(row["value"], unit, decimals),
        target=target,
        directions=direction_lines(reading, words),
        bench=position_sentence(reading, words) if reading.peers is not None else "",
        spc=Markup(spc_icons(reading, words)),
        spark=spark,
        details=[(term, text) for term, text in details if text is not None and not pd.isna(text) and str(text).strip()],
    )


def direction_lines(reading: Reading, words: Words) -> list[dict]:
    """The headline direction of travel and, when it tells a different story, the other comparison.

    When both are shown, the headline says it is the headline and why; the other names the
    exception it supports (a seasonal indicator declining against the previous period twice).
    """
    row = reading.row
    headline = reading.headline_dot
    lines = [{"dot": row["dot"], "text": words.direction(row["dot"], reading.frequency, headline), "note": ""}]
    other = reading.other_dot
    if other:
        noun = PERIOD_NOUN.get(reading.frequency, "period")
        if words.public:
            lines[0]["note"] = "the main comparison" + (", as this measure varies with the time of year" if reading.seasonal else "")
        else:
            lines[0]["note"] = "headline" + (": seasonal, so compared with the same period last year" if reading.seasonal else "")
        dot = row[f"dot_{other}"]
        text = words.direction(dot, reading.frequency, other)
        note = ""
        if other == "previous" and "declining_twice" in row["exceptions"]:
            note = f"and the {noun} before" if not words.public else f"two {noun}s running"
        lines.append({"dot": dot, "text": text, "note": note})
    return lines


def trend_sentence(history: pd.Series, reading: Reading, words: Words) -> str:
    """Alt text for a sparkline: what the line shows, in words, with its numbers."""
    known = history.dropna()
    unit, decimals = reading.unit, reading.decimals
    if len(known) < 2:
        return "Not enough history for a trend line."
    first, last = known.iloc[0], known.iloc[-1]
    change = "rose" if last > first else "fell" if last < first else "was unchanged"
    noun = {"monthly": "months", "quarterly": "quarters", "annual": "years"}.get(reading.frequency, "periods")
    sentence = (
        f"Trend over {len(known)} {noun} from {known.index[0]} to {known.index[-1]}: "
        f"{change} from {format_value(first, unit, decimals)} to {format_value(last, unit, decimals)}"
    )
    dot = reading.row["dot"]
    if dot in ("improving", "declining"):
        sentence += f" ({words.direction(dot, reading.frequency, reading.headline_dot).lower()})"
    sentence += target_line_words(list(known.index), reading.targets_for(known.index), unit, decimals)
    return sentence + "."


def kpi_tiles(readings: Iterable[Reading], commentary: pd.DataFrame | None, words: Words) -> str:
    """Every indicator's tile, grouped under its council priority (in the order priorities first appear)."""
    groups: dict[str, list[str]] = {}
    counts: dict[str, dict[str, int]] = {}
    for reading in readings:
        priority = reading.info.get("priority")
        priority = str(priority).strip() if priority is not None and not pd.isna(priority) and str(priority).strip() else NO_PRIORITY
        note = notes.for_indicator(commentary, reading.indicator_id, reading.row["period"], words.audience)
        groups.setdefault(priority, []).append(Markup(kpi_tile(reading, note, words)))
        tally = counts.setdefault(priority, {})
        tally[reading.row["rag"]] = tally.get(reading.row["rag"], 0) + 1
    ordered = {p: [(words.rag[c].lower(), tally[c]) for c in RAG_CODES if tally.get(c)] for p, tally in counts.items()}
    return render("tiles.html.j2", groups=groups, counts=ordered, words=words)
