"""Report components for the citizen's voice: the theme summary and the case-study block.

Each returns an HTML fragment for a notebook output. Every piece of text that comes from data
(theme labels, service names, quotes, case-study fields) is HTML-escaped, and case-study Markdown
is sanitised by `pmkit.safehtml.markdown_to_html`. Charts are PNG data URIs with alt text that states
their message; tables are real tables with header cells; sentiment and change are written in
words, never carried by colour alone.

>>> summary = pmkit.themes.summarise(src.feedback(), "params/codebook.yaml", period="2025/26 Q2")  # doctest: +SKIP
>>> html = theme_summary_block(summary)                                                          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pmkit import charts, safehtml
from pmkit.components import esc, scroll_table
from pmkit.errors import PmkitError
from pmkit.themes import OTHER, SUPPRESSED, UNCODED, ThemeSummary


def theme_summary_block(summary: ThemeSummary, audience: str | None = None, top: int = 10, heading_level: int = 3) -> str:
    """HTML for a theme summary: heading, bar chart of volumes, table, breakdowns and quotes.

    ``audience`` defaults to the summary's own; asking for ``public`` from an internal summary is
    refused, because disclosure control happens in `pmkit.themes.summarise`. ``top`` limits the
    chart and table to the largest themes (Other and Uncoded are always listed).

    >>> theme_summary_block(pmkit.themes.summarise(feedback, book, audience="public"))  # doctest: +SKIP
    '<section class="pmkit-themes" data-audience="public">...'
    """
    audience = audience or summary.audience
    if audience == "public" and summary.audience != "public":
        raise PmkitError("this summary was made for the internal audience; summarise with audience='public' for a public report")
    table = _shown_rows(summary.themes, top)
    h, sub = f"h{heading_level}", f"h{min(heading_level + 1, 6)}"
    when = f" in {esc(summary.period)}" if summary.period else ""
    title = "What residents told us" if audience == "public" else "Themes in feedback"
    parts = [
        f'<section class="pmkit-themes" data-audience="{esc(audience)}">',
        f"<{h}>{title}{when}</{h}>",
        f"<p>{esc(_total_sentence(summary))}</p>",
    ]
    chart_rows = table[~table["theme"].isin([UNCODED])]
    if len(chart_rows):
        source, alt = _volume_chart(chart_rows, summary)
        parts.append(f'<img class="pmkit-chart" src="{source}" alt="{esc(alt)}">')
    parts.append(_theme_table(table, summary))
    for column, frame in summary.breakdowns.items():
        if len(frame.columns):
            parts.append(_breakdown_table(frame, column, set(table["label"])))
    quoted = table[table["quotes"].map(len) > 0]
    if len(quoted):
        parts.append(f"<{sub}>In their own words</{sub}>")
        for row in quoted.itertuples(index=False):
            quotes = "".join(f"<blockquote><p>{esc(q)}</p></blockquote>" for q in row.quotes)
            parts.append(f'<figure class="pmkit-quotes"><figcaption>{esc(row.label)}</figcaption>{quotes}</figure>')
    parts.append("</section>")
    return "\n".join(parts)


def case_study_block(row: Mapping | pd.Series, heading_level: int = 3) -> str:
    """HTML ``<article>`` for one case study: heading, details, image, quote and sanitised body.

    >>> case_study_block({"name": "warm-homes", "title": "Warm homes", "directorate": "Place", "body": "Fewer *cold* homes."})
    '<article class="pmkit-case-study" data-case-study="warm-homes">\\n<h3>Warm homes</h3>\\n<p class="pmkit-meta">Place</p>\\n<p>Fewer <em>cold</em> homes.</p>\\n</article>'
    """
    field = {key: ("" if pd.isna(row.get(key)) else str(row.get(key))) for key in
             ("name", "title", "directorate", "priority", "period", "image", "quote", "body")}
    h = f"h{heading_level}"
    parts = [
        f'<article class="pmkit-case-study" data-case-study="{esc(field["name"])}">',
        f"<{h}>{esc(field['title'] or field['name'])}</{h}>",
    ]
    details = [field[k] for k in ("directorate", "priority", "period") if field[k]]
    if details:
        parts.append(f'<p class="pmkit-meta">{" · ".join(esc(d) for d in details)}</p>')
    if field["image"] and safehtml.safe_image_source(field["image"]):
        alt = f"Picture for the case study: {field['title'] or field['name']}"
        parts.append(f'<img src="{esc(field["image"])}" alt="{esc(alt)}">')
    if field["quote"]:
        parts.append(f"<blockquote><p>{esc(field['quote'])}</p></blockquote>")
    if field["body"].strip():
        parts.append(safehtml.markdown_to_html(field["body"], top_heading=min(heading_level + 1, 6)))
    parts.append("</article>")
    return "\n".join(parts)


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
    counted = f"No comments {scope}" if summary.total == 0 else f"{summary.total} comments {scope}"
    note = "A comment can mention several themes, so shares add up to more than 100%."
    if summary.audience == "public":
        note += (" Numbers below 5 are shown as <5 (and another number as * where the small one could otherwise"
                 " be worked out); themes with fewer than 5 comments are grouped together.")
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


def _change_cell(text: str) -> str:
    """The change in words, with an arrow for the eye that screen readers skip."""
    arrow = {"up": "\u2191 ", "down": "\u2193 "}.get(text.split(" ", 1)[0], "")
    return (f'<span aria-hidden="true">{arrow}</span>' if arrow else "") + esc(text)


def _sentiment_text(row: object, public: bool) -> str:
    if not row.sentiment:
        return "–"
    if public:
        return str(row.sentiment).capitalize()
    return f"{str(row.sentiment).capitalize()} ({row.positive} positive, {row.negative} negative)"


def _theme_table(table: pd.DataFrame, summary: ThemeSummary) -> str:
    public = summary.audience == "public"
    compared = f"Change on {summary.previous_period}" if summary.previous_period else "Change"
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in ("Theme", "Comments", "Share", compared, "Sentiment"))
    body = []
    for row in table.itertuples(index=False):
        share = "–" if pd.isna(row.share) else "<1%" if 0 < row.share < 0.005 else f"{row.share:.0%}"
        cells = [
            f'<th scope="row">{esc(row.label)}</th>',
            f"<td>{esc(_count_text(row.count))}</td>",
            f"<td>{esc(share)}</td>",
            f"<td>{_change_cell(_change_text(row, summary.previous_period))}</td>",
            f"<td>{esc(_sentiment_text(row, public))}</td>",
        ]
        body.append(f'<tr data-theme="{esc(row.theme)}">{"".join(cells)}</tr>')
    caption = f"Comments by theme{' in ' + summary.period if summary.period else ''}"
    return scroll_table(f'<table class="pmkit-theme-table"><caption>{esc(caption)}</caption>'
                        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _breakdown_table(frame: pd.DataFrame, column: str, labels: set[str]) -> str:
    rows = frame[frame.index.isin(labels)]
    head = '<th scope="col">Theme</th>' + "".join(f'<th scope="col">{esc(str(c))}</th>' for c in rows.columns)
    body = "".join(
        f'<tr><th scope="row">{esc(str(label))}</th>'
        + "".join(f"<td>{esc(_count_text(v))}</td>" for v in values)
        + "</tr>"
        for label, values in zip(rows.index, rows.to_numpy())
    )
    title = f"Comments by theme and {column}"
    return (f'<details class="pmkit-breakdown"><summary>{esc(title)}</summary>'
            + scroll_table(f'<table><caption>{esc(title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
            + "</details>")


def _volume_chart(table: pd.DataFrame, summary: ThemeSummary) -> tuple[str, str]:
    """A horizontal bar chart of comments per theme as a PNG data URI, and alt text stating its message."""
    from matplotlib.figure import Figure

    labels = table["label"].tolist()[::-1]
    counts = [_number(v) for v in table["count"]][::-1]
    figure = Figure(figsize=(7, 0.45 * len(labels) + 0.8))
    axes = figure.add_subplot()
    axes.barh(labels, [c or 0 for c in counts], color=charts.LINE)
    largest = max([c for c in counts if c is not None] or [1])
    for y, count in enumerate(counts):
        axes.text((count or 0) + largest * 0.01, y, str(count) if count is not None else SUPPRESSED, va="center", fontsize=9)
    axes.set_xlabel("Comments")
    axes.set_xlim(0, largest * 1.15)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    return charts.figure_to_data_uri(figure, dpi=110), _chart_alt(table, summary)


def _chart_alt(table: pd.DataFrame, summary: ThemeSummary) -> str:
    named = table[table["theme"] != OTHER]
    scope = f" in {summary.period}" if summary.period else ""
    if named.empty:
        return f"Bar chart of comments by theme{scope}: every theme had fewer than 5 comments."
    first = named.iloc[0]
    share = "" if pd.isna(first["share"]) else f", {first['share']:.0%} of all comments"
    message = f"Bar chart of comments by theme{scope}: {first['label']} was the most common ({first['count']} comments{share})"
    others = [f"{r['label']} ({r['count']})" for _, r in named.iloc[1:3].iterrows()]
    if others:
        message += ", followed by " + " and ".join(others)
    change = pd.to_numeric(named["change"], errors="coerce").astype(float)
    if (change > 0).any():
        biggest = named.loc[change.idxmax()]
        message += f". The largest rise on {summary.previous_period} was {biggest['label']} (up {int(biggest['change'])})"
    return message + "."
