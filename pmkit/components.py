"""Report components: HTML fragments for notebook outputs (KPI tile, summary strip, exception list).

Every text field is escaped (or, for Markdown commentary, rendered and sanitised); every status
has a word and an icon, never colour alone. `show` emits a fragment in the form each renderer
keeps intact: ``text/html`` for nbconvert, a raw-HTML Markdown block for Quarto.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from pmkit import charts, spc_charts
from pmkit.safehtml import markdown_to_html
from pmkit.status import DOT_WORDS, EXCEPTION_WORDS, RAG_WORDS
from pmkit.units import format_value

RAG_ICONS = {
    "green": "\u2714",  # check mark
    "amber": "\u25b2",  # triangle: caution
    "red": "\u2716",  # heavy cross
    "no_target": "\u25cb",
    "no_data": "?",
    "not_judged": "\u2013",
    "suspended": "\u23f8",
}
DOT_ICONS = {
    "improving": "\u2197",
    "declining": "\u2198",
    "no_change": "\u2192",
    "not_comparable": "\u2013",
    "increasing": "\u2191",
    "decreasing": "\u2193",
}
FREQ_WORDS = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


def esc(value: object) -> str:
    """HTML-escape any value; missing values become an empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value), quote=True)


def show(fragment: str, engine: str = "nbconvert") -> None:
    """Display an HTML fragment so that the chosen renderer passes it through verbatim."""
    from IPython.display import display

    if engine == "quarto":
        display({"text/markdown": f"```{{=html}}\n{fragment}\n```"}, raw=True)
    else:
        display({"text/html": fragment}, raw=True)


def scroll_table(table: str) -> str:
    """A wide table in its own keyboard-scrollable region, so the page itself reflows at 320 px."""
    return f'<div class="table-wrap" role="region" tabindex="0" aria-label="Table, scrolls sideways on small screens">{table}</div>'


def status_badge(rag: str) -> str:
    return (
        f'<span class="status status-{esc(rag)}"><span class="icon" aria-hidden="true">{RAG_ICONS.get(rag, "")}</span> '
        f"{esc(RAG_WORDS.get(rag, rag))}</span>"
    )


def dot_badge(dot: str, frequency: str = "", seasonal: bool = False) -> str:
    since = "same period last year" if seasonal else f"previous {FREQ_WORDS.get(frequency, 'period')}"
    words = DOT_WORDS.get(dot, dot)
    suffix = "" if dot == "not_comparable" else f" since {since}"
    return (
        f'<span class="dot dot-{esc(dot)}"><span class="icon" aria-hidden="true">{DOT_ICONS.get(dot, "")}</span> '
        f"{esc(words)}{esc(suffix)}</span>"
    )


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def summary_strip(status: pd.DataFrame) -> str:
    """Counts by status and by direction of travel, as two small tables."""
    rag_counts = status["rag"].value_counts()
    dot_counts = status["dot"].value_counts()
    rag_rows = "".join(
        f'<tr><th scope="row">{status_badge(code)}</th><td>{int(rag_counts.get(code, 0))}</td></tr>'
        for code in RAG_WORDS
        if rag_counts.get(code, 0)
    )
    dot_rows = "".join(
        f'<tr><th scope="row">{dot_badge(code) if code == "not_comparable" else _dot_word(code)}</th><td>{int(n)}</td></tr>'
        for code, n in dot_counts.items()
    )
    return (
        '<section class="summary-strip" aria-label="Summary of status">'
        f'<table class="counts"><caption>Status against target ({len(status)} indicators)</caption>'
        f'<thead><tr><th scope="col">Status</th><th scope="col">Indicators</th></tr></thead><tbody>{rag_rows}</tbody></table>'
        '<table class="counts"><caption>Direction of travel</caption>'
        f'<thead><tr><th scope="col">Direction</th><th scope="col">Indicators</th></tr></thead><tbody>{dot_rows}</tbody></table>'
        "</section>"
    )


def _dot_word(code: str) -> str:
    return (
        f'<span class="dot dot-{esc(code)}"><span class="icon" aria-hidden="true">{DOT_ICONS.get(code, "")}</span> '
        f"{esc(DOT_WORDS.get(code, code))}</span>"
    )


def _commentary_for(commentary: pd.DataFrame, indicator_id: str, period: str, audience: str) -> pd.Series | None:
    if commentary is None or commentary.empty:
        return None
    rows = commentary[(commentary["indicator_id"] == indicator_id) & (commentary["audience"] == audience)]
    exact = rows[rows["period"] == period]
    chosen = exact if len(exact) else rows.iloc[0:0]
    return None if chosen.empty else chosen.iloc[-1]


def exception_list(status: pd.DataFrame, indicators: pd.DataFrame, commentary: pd.DataFrame, audience: str) -> str:
    """Every indicator with an exception, reds first, each with its commentary and actions."""
    flagged = status[status["exceptions"].map(len) > 0].copy()
    if flagged.empty:
        return '<p class="no-exceptions">No exceptions this period: every indicator is on or near target and none is flagged.</p>'
    flagged["order"] = flagged["rag"].map({"red": 0, "amber": 1}).fillna(2)
    flagged = flagged.sort_values(["order", "indicator_id"])
    meta = indicators.set_index("indicator_id")
    items = []
    for row in flagged.itertuples(index=False):
        info = meta.loc[row.indicator_id]
        reasons = "".join(f"<li>{esc(EXCEPTION_WORDS.get(code, code))}</li>" for code in row.exceptions)
        note = _commentary_for(commentary, row.indicator_id, row.period, audience)
        text = (
            f'<div class="commentary">{markdown_to_html(note["text"])}</div>'
            + (f'<div class="actions"><h4>Actions</h4>{markdown_to_html(note["actions"])}</div>' if note["actions"] else "")
            if note is not None
            else '<p class="commentary missing">No commentary was supplied for this period.</p>'
        )
        target = "" if pd.isna(row.target) else f"; target {format_value(row.target, info['unit'], info['decimals'])}"
        items.append(
            f'<li class="exception" data-indicator="{esc(row.indicator_id)}" data-status="{esc(row.rag)}">'
            f"<h3>{esc(row.title)} <span class=\"id\">({esc(row.indicator_id)})</span></h3>"
            f"<p>{status_badge(row.rag)} {esc(_value_phrase(row, info))}{esc(target)}</p>"
            f'<ul class="reasons">{reasons}</ul>{text}</li>'
        )
    return f'<ol class="exception-list">{"".join(items)}</ol>'


def _value_phrase(row, info) -> str:
    if pd.isna(row.value):
        return f"no value supplied for {row.period}"
    return f"{format_value(row.value, info['unit'], info['decimals'])} in {row.period}"


def spc_icons(view) -> str:
    """The variation and assurance icons of an indicator, or a sentence when SPC cannot be shown."""
    if view is None or view.result.n == 0:
        return '<p class="spc-icons">No data for SPC.</p>'
    short = spc_charts.too_few_points(view.result)
    if short and view.result.variation is None:
        return f'<p class="spc-icons">{esc(short)}</p>'
    assurance = spc_charts.assurance_icon(view.result.assurance) if view.target is not None else ""
    return f'<p class="spc-icons">{spc_charts.variation_icon(view.result.variation)} {assurance}</p>'


def kpi_tile(row: pd.Series, info: pd.Series, history: pd.Series, commentary: pd.Series | None, audience: str, view=None) -> str:
    """One indicator: value, status word and icon, direction, SPC icons, sparkline with target, quartile, drill-down."""
    unit, decimals = info["unit"], info["decimals"]
    value = format_value(row["value"], unit, decimals)
    target = "No target" if pd.isna(row["target"]) else format_value(row["target"], unit, decimals)
    trend = _trend_sentence(history, row, unit, decimals)
    spark = ""
    if history.notna().sum() >= 2:
        uri = charts.sparkline(history.to_numpy(), None if pd.isna(row["target"]) else row["target"])
        spark = f'<img class="sparkline" src="{uri}" alt="{esc(trend)}" width="240" height="70">'
    bench = ""
    if not pd.isna(row["n_peers"]):
        position = "" if pd.isna(row["quartile"]) else f"{ordinal(int(row['quartile']))} quartile, ranked {int(row['rank'])} of {int(row['n_peers']) + 1}; "
        bench = f'<p class="bench">{esc(position)}peer median {esc(format_value(row["peer_median"], unit, decimals))}</p>'
    details = [
        ("Definition", esc(info.get("definition", ""))),
        ("Why it matters", esc(info.get("rationale", ""))),
        ("Target", esc(target)),
        ("Data source", esc(info.get("data_source", ""))),
        ("Data quality", esc(row["quality"] or "final") if not pd.isna(row["value"]) else "No value supplied"),
    ]
    if audience == "internal":
        details.insert(3, ("Owner", esc(info.get("owner", ""))))
    if commentary is not None:
        details.append(("Commentary", markdown_to_html(commentary["text"])))
        if commentary["actions"]:
            details.append(("Actions", markdown_to_html(commentary["actions"])))
    rows = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in details if v)
    iid = esc(row["indicator_id"])
    return (
        f'<article class="kpi rag-{esc(row["rag"])}" data-indicator="{iid}" data-status="{esc(row["rag"])}" aria-labelledby="kpi-{iid}">'
        f'<h3 id="kpi-{iid}">{esc(row["title"])}</h3>'
        f'<p class="kpi-value"><span class="value">{esc(value)}</span> <span class="period">{esc(row["period"])}</span></p>'
        f'<p>{status_badge(row["rag"])} <span class="target">Target: {esc(target)}</span></p>'
        f'<p>{dot_badge(row["dot"], info["frequency"], bool(info.get("seasonal", False)))}</p>'
        f"{bench}{spc_icons(view)}{spark}"
        f'<details><summary>About this indicator <span class="visually-hidden">{esc(row["title"])}</span></summary><dl>{rows}</dl></details>'
        "</article>"
    )


def _trend_sentence(history: pd.Series, row: pd.Series, unit: str, decimals) -> str:
    """Alt text for a sparkline: what the line shows, in words."""
    known = history.dropna()
    if len(known) < 2:
        return "Not enough history for a trend line."
    first, last = known.iloc[0], known.iloc[-1]
    change = "rose" if last > first else "fell" if last < first else "was unchanged"
    sentence = (
        f"Trend over {len(known)} periods from {known.index[0]} to {known.index[-1]}: "
        f"{change} from {format_value(first, unit, decimals)} to {format_value(last, unit, decimals)}"
    )
    if row["dot"] in ("improving", "declining"):
        sentence += f" (latest change: {DOT_WORDS[row['dot']].lower()})"
    if not pd.isna(row["target"]):
        sentence += f"; dashed line shows the target of {format_value(row['target'], unit, decimals)}"
    return sentence + "."


def kpi_tiles(status: pd.DataFrame, indicators: pd.DataFrame, measures: pd.DataFrame, commentary: pd.DataFrame, audience: str, spc_views: dict | None = None, points: int = 12) -> str:
    """A grid of KPI tiles, one per row of ``status``, each with its last ``points`` values and SPC icons."""
    from pmkit import periods

    meta = indicators.set_index("indicator_id")
    starts = periods.parse_column(measures["period"].astype("str"))["start"]
    ordered = measures.assign(_start=starts.to_numpy()).sort_values("_start")
    by_indicator = dict(tuple(ordered.groupby("indicator_id")))
    empty = ordered.iloc[0:0]
    tiles = []
    for _, row in status.iterrows():
        mine = by_indicator.get(row["indicator_id"], empty)
        mine = mine[mine["_start"] <= periods.parse(row["period"]).start].tail(points)
        history = pd.Series(mine["value"].to_numpy(dtype="float64"), index=mine["period"].to_numpy())
        note = _commentary_for(commentary, row["indicator_id"], row["period"], audience)
        view = (spc_views or {}).get(row["indicator_id"])
        tiles.append(kpi_tile(row, meta.loc[row["indicator_id"]], history, note, audience, view))
    return f'<div class="kpi-grid">{"".join(tiles)}</div>'


def spc_section(status: pd.DataFrame, indicators: pd.DataFrame, spc_views: dict) -> str:
    """One XmR chart per indicator with its message in words, or why there is none."""
    meta = indicators.set_index("indicator_id")
    parts = []
    for row in status.itertuples(index=False):
        info, view = meta.loc[row.indicator_id], spc_views.get(row.indicator_id)
        heading = f'<h3>{esc(row.title)} <span class="id">({esc(row.indicator_id)})</span></h3>'
        if view is None or view.result.n == 0:
            parts.append(f'<section class="spc">{heading}<p>No values yet, so no chart.</p></section>')
            continue
        message = spc_charts.describe(view.result, view.labels)
        if spc_charts.too_few_points(view.result) and view.result.variation is None:
            parts.append(f'<section class="spc">{heading}<p>{esc(message)}</p></section>')
            continue
        uri, alt = spc_charts.spc_chart(
            view.result, row.title, unit=info["unit"], target=view.target, period_labels=view.labels,
            decimals=None if pd.isna(info["decimals"]) else int(info["decimals"]),
        )
        parts.append(
            f'<section class="spc">{heading}<p>{esc(message)}</p>'
            f'<img class="spc-chart" src="{uri}" alt="{esc(alt)}">{spc_data_table(row.title, view, info)}</section>'
        )
    return f'<div class="spc-charts">{"".join(parts)}</div>'


def spc_data_table(title: str, view, info: pd.Series) -> str:
    """The chart's numbers as a table in a drill-down: period, value, mean, limits and signal."""
    decimals = None if pd.isna(info["decimals"]) else int(info["decimals"])
    words = {"common_cause": "", "special_cause_improvement": "Improvement", "special_cause_concern": "Concern",
             "special_cause_neutral_high": "Special cause (high)", "special_cause_neutral_low": "Special cause (low)"}
    rows = "".join(
        f'<tr><th scope="row">{esc(view.labels[int(p.position)])}</th><td>{esc(format_value(p.value, info["unit"], decimals))}</td>'
        f"<td>{esc(format_value(p.mean, info['unit'], decimals))}</td>"
        f"<td>{esc('' if pd.isna(p.lpl) else format_value(p.lpl, info['unit'], decimals))}</td>"
        f"<td>{esc('' if pd.isna(p.upl) else format_value(p.upl, info['unit'], decimals))}</td>"
        f"<td>{esc(words.get(str(p.point_type), ''))}</td></tr>"
        for p in view.result.points.itertuples(index=False)
    )
    head = "".join(f'<th scope="col">{c}</th>' for c in ("Period", "Value", "Mean", "Lower limit", "Upper limit", "Signal"))
    table = f"<table><caption>{esc(title)}: values and process limits</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return f'<details class="spc-data"><summary>Data for this chart <span class="visually-hidden">{esc(title)}</span></summary>{scroll_table(table)}</details>'
