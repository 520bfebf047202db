"""KPI tiles: one per indicator, grouped by council priority (the golden thread).

A tile leads with one sentence that joins its readings without contradiction (status against
target, the headline direction of travel, an SPC signal where there is one, a running total's
projected year end), then shows at most four short lines: the latest value with its unit, that
sentence, the status word and icon with the target, and the headline direction of travel; then a
sparkline whose alt text states its trend. The rest sits behind the drill-down: the other
comparison (when it tells a different story), the benchmark position, the SPC icons or the
stale-limits notice, and the definition, target, owner and commentary. Its outer element carries
``data-indicator`` and ``data-status``.

>>> html = kpi_tiles(readings.values(), src.commentary(), words_for("public"))   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pmkit.components import charts
from pmkit.components.benchmark_chart import position_sentence
from pmkit.components.polarity import against_target
from pmkit.components.spc_chart import spc_icons
from pmkit.components.targets import target_line_words, target_notes
from pmkit.components.templating import Markup, markdown, render
from pmkit.components.words import PERIOD_NOUN, Words
from pmkit.io import measure, periods
from pmkit.io.units import format_value
from pmkit.judge import commentary as notes
from pmkit.judge.reading import Reading
from pmkit.judge.status import RAG_CODES

NO_PRIORITY = "Not linked to a council priority"
JUDGED = ("green", "amber", "red")  # statuses judged against a target


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
        verdict=lead_sentence(reading, words),
        directions=direction_lines(reading, words),
        bench=position_sentence(reading, words) if reading.peers is not None else "",
        spc=Markup(spc_icons(reading, words)),
        spark=spark,
        details=[
            (term, text) for term, text in details if text is not None and not pd.isna(text) and str(text).strip()
        ],
    )


def direction_lines(reading: Reading, words: Words) -> list[dict]:
    """The headline direction of travel and, when it tells a different story, the other comparison.

    When both are shown, the headline says it is the headline and why; the other names the
    exception it supports (a seasonal indicator declining against the previous period twice).
    """
    row = reading.row
    headline = reading.headline_dot
    dot = reading.spoken_dot()
    lines = [{"dot": dot, "text": words.direction(dot, reading.frequency, headline), "note": ""}]
    other = reading.other_dot
    if other:
        noun = PERIOD_NOUN.get(reading.frequency, "period")
        if words.public:
            lines[0]["note"] = "the main comparison" + (
                ", as this measure varies with the time of year" if reading.seasonal else ""
            )
        else:
            lines[0]["note"] = "headline" + (
                ": seasonal, so compared with the same period last year" if reading.seasonal else ""
            )
        dot = reading.spoken_dot(other)
        text = words.direction(dot, reading.frequency, other)
        note = ""
        if other == "previous" and "declining_twice" in row["exceptions"]:
            note = f"and the {noun} before" if not words.public else f"two {noun}s running"
        lines.append({"dot": dot, "text": text, "note": note})
    return lines


def lead_sentence(reading: Reading, words: Words) -> str:
    """The one sentence a tile leads with, e.g. "Off target but better than last quarter; still
    unusually high this quarter (worse than usual)."

    It joins the status against target and the headline direction of travel ("but" where one is
    good news and the other bad), the SPC signal of the judged period where there is one ("still"
    where it goes against the direction), and a running total's projected year end against its
    annual target.
    """
    row = reading.row
    if not reading.has_value:
        return f"{'No figure yet' if words.public else 'No data'} for {row['period']}."
    rag, dot = row["rag"], reading.spoken_dot()
    first = words.rag[rag]
    if dot != "not_comparable":
        direction = _lower_first(words.direction(dot, reading.frequency, reading.headline_dot))
        good = {"improving": True, "declining": False}.get(dot)
        if rag not in JUDGED or good is None:
            joiner = ", "
        else:
            joiner = " but " if good != (rag == "green") else " and "
        first += joiner + direction
    parts = [first]
    signal = _signal_clause(reading, words, dot)
    if signal:
        parts.append(signal)
    projection = _projection_clause(reading)
    if projection:
        parts.append(projection)
    return "; ".join(parts) + "."


def _signal_clause(reading: Reading, words: Words, dot: str) -> str:
    """The judged period's SPC signal in words ("unusually high this quarter (worse than usual)"), or ""."""
    variation = reading.variation
    if variation in (None, "common_cause") or reading.spc_label != reading.row["period"]:
        return ""
    kind, side = variation.rsplit("_", 1)
    if words.public:
        noun = PERIOD_NOUN.get(reading.frequency, "period")
        clause = f"unusually {side} this {noun}" + {
            "improvement": " (better than usual)",
            "concern": " (worse than usual)",
        }.get(kind, "")
    else:
        clause = _lower_first(words.variation(variation, reading.frequency))
    against = (kind == "concern" and dot == "improving") or (kind == "improvement" and dot == "declining")
    return f"still {clause}" if against else clause


def _projection_clause(reading: Reading) -> str:
    """A running total's straight-line year end against its annual target ("on course for 212 by
    31 March 2026, meeting its target of 200"), or "" for other indicators."""
    row = reading.row
    projected = row.get("projected_year_end")
    if not reading.cumulative or projected is None or pd.isna(projected):
        return ""
    year = periods.parse(row["period"]).year
    last_day = f"{year.shift(1).start_date - pd.Timedelta(days=1):%-d %B %Y}"
    projected = float(measure.clip([projected], reading.info)[0])  # a straight line can pass 100%
    clause = f"on course for {format_value(projected, reading.unit, reading.decimals)} by {last_day}"
    target, on_track = row.get("annual_target"), row.get("on_track")
    if target is None or pd.isna(target) or on_track is None or pd.isna(on_track):
        return clause
    return f"{clause}, {'meeting' if on_track else 'missing'} its target of {format_value(target, reading.unit, reading.decimals)}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


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
    dot = reading.spoken_dot()
    if dot in ("improving", "declining"):
        sentence += f" ({words.direction(dot, reading.frequency, reading.headline_dot).lower()})"
    sentence += target_line_words(list(known.index), reading.targets_for(known.index), unit, decimals)
    if reading.has_target:
        sentence += f", the latest figure {against_target(last, reading.row['target'], str(reading.info['polarity']))}"
    return sentence + "."


def kpi_tiles(readings: Iterable[Reading], commentary: pd.DataFrame | None, words: Words) -> str:
    """Every indicator's tile, grouped under its council priority (in the order priorities first appear)."""
    groups: dict[str, list[str]] = {}
    counts: dict[str, dict[str, int]] = {}
    for reading in readings:
        priority = reading.info.get("priority")
        priority = (
            str(priority).strip()
            if priority is not None and not pd.isna(priority) and str(priority).strip()
            else NO_PRIORITY
        )
        note = notes.for_indicator(commentary, reading.indicator_id, reading.row["period"], words.audience)
        groups.setdefault(priority, []).append(Markup(kpi_tile(reading, note, words)))
        tally = counts.setdefault(priority, {})
        tally[reading.row["rag"]] = tally.get(reading.row["rag"], 0) + 1
    ordered = {p: [(words.rag[c].lower(), tally[c]) for c in RAG_CODES if tally.get(c)] for p, tally in counts.items()}
    return render("tiles.html.j2", groups=groups, counts=ordered, words=words)
