"""The appendix: every indicator of a report in one table, for reference and for print."""

from __future__ import annotations

from collections.abc import Iterable

from pmkit.components.benchmark_chart import position_sentence
from pmkit.components.templating import ordinal, render
from pmkit.components.words import Words
from pmkit.io.units import format_value
from pmkit.judge.reading import Reading


def appendix_table(readings: Iterable[Reading], words: Words) -> str:
    """One row per indicator: value, target, status, direction, comparison and exceptions (owner internally)."""
    rows = []
    for r in readings:
        row = r.row
        if r.peers is None:
            compared = ""
        elif words.public:
            compared = position_sentence(r, words).split(":", 1)[0]
        else:
            compared = f"{ordinal(int(row['quartile']))} quartile, rank {int(row['rank'])} of {r.peers.n_peers + 1}"
        rows.append(
            {
                "r": r,
                "value": format_value(row["value"], r.unit, r.decimals),
                "target": format_value(row["target"], r.unit, r.decimals, missing="No target"),
                "direction": words.direction(r.spoken_dot(), r.frequency, r.headline_dot),
                "compared": compared,
                "exceptions": "; ".join(words.exception(code, r.frequency) for code in row["exceptions"]),
                "owner": "" if words.public else str(r.info.get("owner") or ""),
            }
        )
    return render("appendix.html.j2", rows=rows, words=words)
