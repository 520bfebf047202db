"""The citizen's voice in a report: the theme summary (chart, table, breakdowns, quotes).

Every piece of text that comes from data (theme labels, service names, quotes) is escaped by the
template. The chart is a PNG data URI with alt text that states its message; tables are real
tables with header cells; sentiment and change are written in words, never carried by colour
alone.

>>> summary = pmkit.judge.themes.summarise(src.feedback(), "params/codebook.yaml", period="2025/26 Q2")  # doctest: +SKIP
>>> html = theme_summary_block(summary)                                                          # doctest: +SKIP
"""

from __future__ import annotations

import textwrap

import pandas as pd

from pmkit.components import charts
from pmkit.components.templating import plural, render
from pmkit.errors import PmkitError
from pmkit.judge.themes import OTHER, SUPPRESSED, UNCODED, ThemeSummary


def theme_summary_block(
    summary: ThemeSummary, audience: str | None = None, top: int = 10, heading_level: int = 3, fold_quotes: bool = False
) -> str:
    """HTML for a theme summary: heading, bar chart of volumes, table, breakdowns and quotes.

    ``audience`` defaults to the summary's own; asking for ``public`` from an internal summary is
    refused, because disclosure control happens in `pmkit.judge.themes.summarise`. ``top`` limits the
    chart and table to the largest themes (Other and Uncoded are always listed). ``fold_quotes`` puts the
    quotes one click away (a ``<details>``), for a page with a summary per section such as the annual report.

    >>> theme_summary_block(pmkit.judge.themes.summarise(feedback, book, audience="public"))  # doctest: +SKIP
    '<section class="pmkit-themes" data-audience="public">...'
    """
    audience = audience or summary.audience
    if audience == "public" and summary.audience != "public":
        raise PmkitError(
            "this summary was made for the internal audience; summarise with audience='public' for a public report"
        )
    table = _shown_rows(summary.themes, top)
    chart = None
    chart_rows = table[~table["theme"].isin([UNCODED]) & (table["count"].astype(str) != "0")]
    if len(chart_rows):
        uri, phone, alt = charts.chart_pair(_volume_chart, chart_rows, summary)
        chart = {"uri": uri, "phone": phone, "alt": alt}
    labels = set(table["label"])
    breakdowns = []
    for column, frame in summary.breakdowns.items():
        rows = frame[frame.index.isin(labels)]
        if len(frame.columns) and len(rows):
            breakdowns.append(
                {
                    "title": f"Comments by theme and {column}",
                    "columns": ["Theme", *[str(c) for c in rows.columns]],
                    "rows": [
                        [str(label), *[_count_text(v) for v in values]]
                        for label, values in zip(rows.index, rows.to_numpy())
                    ],
                }
            )
    scope = f" in {summary.period}" if summary.period else ""
    return render(
        "theme_summary.html.j2",
        audience=audience,
        h=min(heading_level, 6),
        title=("Comments received" if audience == "public" else "Themes in feedback") + scope,
        total=_total_sentence(summary),
        chart=chart,
        caption=f"Comments by theme{scope}",
        changed=f"Change on {summary.previous_period}" if summary.previous_period else "Change",
        rows=[_row_cells(row, summary) for row in table.itertuples(index=False)],
        breakdowns=breakdowns,
        quoted=[(row.label, list(row.quotes)) for row in table.itertuples(index=False) if len(row.quotes)],
        fold=fold_quotes,
    )


def _row_cells(row: object, summary: ThemeSummary) -> dict:
    share = "–" if pd.isna(row.share) else "<1%" if 0 < row.share < 0.005 else f"{row.share:.0%}"
    change = _change_text(row, summary.previous_period)
    arrow = {"up": "\u2191", "down": "\u2193"}.get(change.split(" ", 1)[0], "")
    return {
        "theme": row.theme,
        "label": row.label,
        "count": _count_text(row.count),
        "share": share,
        "change": change,
        "arrow": arrow,
        "sentiment": _sentiment_text(row, summary.audience == "public"),
    }


def _shown_rows(themes: pd.DataFrame, top: int) -> pd.DataFrame:
    named = themes[~themes["theme"].isin([OTHER, UNCODED])].head(top)
    return pd.concat([named, themes[themes["theme"].isin([OTHER, UNCODED])]], ignore_index=True)


def _number(value: object) -> int | None:
    """A count as a number, or None when suppressed (``<5``) or missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == SUPPRESSED:
        return None
    return int(value)


def _count_text(value: object) -> str:
    return "–" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _total_sentence(summary: ThemeSummary) -> str:
    scope = f"in {summary.period}" if summary.period else "in the data"
    counted = f"No comments {scope}" if summary.total == 0 else f"{plural(summary.total, 'comment')} {scope}"
    note = "A comment can mention several themes, so shares add up to more than 100%."
    if summary.audience == "public":
        note += (
            " Numbers below 5 are shown as <5 (and another number as * where the small one could otherwise"
            " be worked out); themes with fewer than 5 comments are grouped together."
        )
    return f"{counted}. {note}"


def _change_text(row: object, previous_label: str | None) -> str:
    if previous_label is None:
        return "no earlier period"
    change = row.change
    if pd.isna(change):
        return "not shown (fewer than 5)"
    if _number(row.previous) == 0 and change > 0:
        return "new this period"
    pct = f" ({row.change_pct:+.0%})" if not pd.isna(row.change_pct) else ""
    if change > 0:
        return f"up {int(change)}{pct}"
    if change < 0:
        return f"down {abs(int(change))}{pct}"
    return "no change"


def _sentiment_text(row: object, public: bool) -> str:
    if not row.sentiment:
        return "–"
    if public:
        return str(row.sentiment).capitalize()
    return f"{str(row.sentiment).capitalize()} ({row.positive} positive, {row.negative} negative)"


@charts.drawn_once
def _volume_chart(table: pd.DataFrame, summary: ThemeSummary, layout: charts.Layout = charts.WIDE) -> tuple[str, str]:
    """A horizontal bar chart of comments per theme as a PNG data URI (drawn at ``layout``'s size), and alt text
    stating its message."""
    from matplotlib.figure import Figure

    wrap = 40 if layout.text == 1 else 22  # a theme's name over two lines rather than squeezing the bars out on a phone
    labels = [textwrap.fill(str(label), wrap) for label in table["label"]][::-1]
    counts = [_number(v) for v in table["count"]][::-1]
    figure = Figure(
        figsize=(7 * layout.width / charts.WIDE.width, layout.text * (0.45 * len(labels) + 0.8)), layout="constrained"
    )
    axes = figure.add_subplot()
    axes.barh(labels, [c or 0 for c in counts], color=charts.LINE)
    largest = max([c for c in counts if c is not None] or [1])
    for y, count in enumerate(counts):
        axes.text(
            (count or 0) + largest * 0.01, y, str(count) if count is not None else SUPPRESSED, va="center", fontsize=9
        )
    axes.set_xlabel("Comments")
    axes.set_xlim(0, largest * 1.15)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    charts.scale_texts(figure, layout)
    return charts.figure_to_data_uri(figure, dpi=110), _chart_alt(table, summary)


def _chart_alt(table: pd.DataFrame, summary: ThemeSummary) -> str:
    named = table[table["theme"] != OTHER]
    scope = f" in {summary.period}" if summary.period else ""
    if named.empty:
        return f"Bar chart of comments by theme{scope}: every theme had fewer than 5 comments."
    first = named.iloc[0]
    share = "" if pd.isna(first["share"]) else f", {first['share']:.0%} of all comments"
    count = str(first["count"])
    counted = plural(int(count), "comment") if count.isdigit() else f"{count} comments"
    message = f"Bar chart of comments by theme{scope}: {first['label']} was the most common ({counted}{share})"
    others = [f"{r['label']} ({r['count']})" for _, r in named.iloc[1:3].iterrows()]
    if others:
        message += ", followed by " + " and ".join(others)
    change = pd.to_numeric(named["change"], errors="coerce").astype(float)
    if (change > 0).any():
        biggest = named.loc[change.idxmax()]
        message += (
            f". The largest rise on {summary.previous_period} was {biggest['label']} (up {int(biggest['change'])})"
        )
    return message + "."
