"""Benchmarking: this council among its comparator group, as a sentence, a chart and a table.

The chart is a bar per council, best first, with this council's bar dark and labelled, the peer
median and the national figure as labelled lines, and the quartiles as shaded bands; its alt text
states the rank and the figures around it. The sentence a tile carries comes from the same
`pmkit.judge.reading.Peers`, so tile, chart and table agree.

>>> position_sentence(readings["ASC-01"], words_for("public"))   # doctest: +SKIP
'Better than most similar councils: ranked 7th of 16 (1st is best)'
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from pmkit.components.charts import WIDE, Layout, chart_pair, drawn_once, figure_to_data_uri, scale_texts, styled
from pmkit.components.templating import ordinal, render
from pmkit.components.words import CHART_WORDS, Words
from pmkit.io.units import format_value
from pmkit.judge.reading import Peers, Reading

OWN, PEER, MEDIAN, NATIONAL = "#1d4f91", "#8a9199", "#1A1A1A", "#B10E1E"
BANDS = ("#F3F2F1", "#FFFFFF")
GROUP_WORDS = {"nearest_neighbours": "nearest neighbours", "family_group": "family group", "region": "region"}


def group_words(group: str) -> str:
    """How a comparator group is named on a page: ``nearest_neighbours`` -> "nearest neighbours"."""
    return GROUP_WORDS.get(group, group.replace("_", " "))


def position_sentence(reading: Reading, words: Words) -> str:
    """This council's position among its peers in one sentence, with its numbers.

    Internal: "2nd quartile of 16 nearest neighbours, ranked 7; peer median 578.2". Public: the
    same in words that are true of the counts ("better than most similar councils" only when it is
    better than more than half of them).
    """
    peers, row = reading.peers, reading.row
    n = peers.n_peers + 1
    median = format_value(peers.median, reading.unit, reading.decimals)
    if not words.public:
        return (
            f"{ordinal(int(row['quartile']))} quartile of {n} ({group_words(peers.group)} and this council), "
            f"ranked {int(row['rank'])}; peer median {median}"
        )
    quartile = int(row["quartile"])
    if quartile in (1, 4):
        where = f"Among the {words.quarter(quartile)} of similar councils"
    elif peers.n_worse > peers.n_peers / 2:
        where = "Better than most similar councils"
    elif peers.n_better > peers.n_peers / 2:
        where = "Worse than most similar councils"
    else:
        where = "In the middle of similar councils"
    return f"{where}: ranked {ordinal(int(row['rank']))} of {n} (1st is best); the middle figure was {median}"


def benchmark_chart(reading: Reading, council: str, words: Words, layout: Layout = WIDE) -> tuple[str, str]:
    """The comparator chart as a PNG data URI (drawn at ``layout``'s size, in `CHART_WORDS` for every
    audience), and alt text in ``words`` that states its message."""
    picture = _benchmark_picture(
        reading.title, reading.peers, reading.unit, reading.decimals, str(reading.info["polarity"]), layout
    )
    return picture, benchmark_alt(reading, council, words)


@drawn_once
def _benchmark_picture(title: str, peers: Peers, unit: str, decimals: int | None, polarity: str, layout: Layout) -> str:
    """The comparator chart: every council's bar, best first, in quartile bands, with the median and national
    lines. Keyed by what it draws only, so every page and audience showing these figures shares one picture."""
    table = peers.table
    n = len(table)
    fmt = lambda v: format_value(v, unit, decimals)  # noqa: E731
    with styled():
        fig = Figure(
            figsize=(layout.width, layout.text * ((0.32 if layout == WIDE else 0.4) * n + 1.6)),
            dpi=100,
            layout="constrained",
        )
        ax = fig.subplots()
    positions = np.arange(n)[::-1]  # best at the top
    for q in range(4):  # quartile bands by rank, as the status engine counts them
        ranks = [r for r in range(1, n + 1) if math.ceil(4 * r / n) == q + 1]
        if ranks:
            ax.axhspan(n - max(ranks) - 0.5, n - min(ranks) + 0.5, color=BANDS[q % 2], zorder=0)
            ax.annotate(
                CHART_WORDS.quarter(q + 1).capitalize(),
                (1.0, n - (min(ranks) + max(ranks)) / 2),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color="#484949",
            )
    colours = [OWN if own else PEER for own in table["own"]]
    labels = [f"{name} (this council)" if own else name for name, own in zip(table["authority_name"], table["own"])]
    if layout == WIDE:
        ax.barh(positions, table["value"], color=colours, height=0.7, zorder=2)
        ax.set_yticks(positions, labels, fontsize=8.5)
        names = ax.get_yticklabels()
    else:  # too narrow for names beside the bars: each name sits over its bar
        ax.barh(positions - 0.2, table["value"], color=colours, height=0.4, zorder=2)
        ax.set_yticks([])
        names = [
            ax.annotate(
                label,
                (0, y),
                xycoords=("axes fraction", "data"),
                xytext=(2, 0),
                textcoords="offset points",
                va="bottom",
                ha="left",
                fontsize=8.5,
                zorder=4,
            )
            for label, y in zip(labels, positions)
        ]
    for name, own in zip(names, table["own"]):
        if own:
            name.set_fontweight("bold")
    lines = [(peers.median, f"Middle {fmt(peers.median)}", MEDIAN, "--")]
    if peers.national is not None:
        lines.append((peers.national, f"{peers.national_name} {fmt(peers.national)}", NATIONAL, ":"))
    low = min(0.0, float(table["value"].min()))
    high = float(max(table["value"].max(), peers.national or 0)) * 1.08 or 1
    ax.set_xlim(low, high)
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: format_value(v, unit, 0 if float(v).is_integer() else decimals))
    )
    for i, (x, text, colour, style) in enumerate(lines):
        ax.axvline(x, color=colour, ls=style, lw=1.5, zorder=3)
        right = x > low + 0.55 * (high - low)  # a label on the right half runs leftwards, so it stays inside the figure
        ax.annotate(
            text,
            (x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-3 if right else 3, 2 + 11 * layout.text * i),
            textcoords="offset points",
            fontsize=8.5,
            color=colour,
            ha="right" if right else "left",
            va="bottom",
            annotation_clip=False,
        )
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(axis="y", visible=False)
    better = "lower is better" if polarity == "lower_is_better" else "higher is better"
    fig.suptitle(textwrap.fill(title, 85), x=0.01, ha="left", fontsize=12, fontweight="bold")
    ax.set_title(
        f"{peers.period}, similar councils, best first ({better})",
        loc="left",
        fontsize=9,
        color="#484949",
        pad=28 * layout.text,
    )
    scale_texts(fig, layout)
    return figure_to_data_uri(fig)


def benchmark_alt(reading: Reading, council: str, words: Words) -> str:
    """The benchmark chart's message: rank, quartile, median, best and worst, national figure."""
    peers, row = reading.peers, reading.row
    fmt = lambda v: format_value(v, reading.unit, reading.decimals)  # noqa: E731
    table = peers.table
    others = table[~table["own"]]
    best, worst = others.iloc[0], others.iloc[-1]
    who = "similar councils" if words.public else group_words(peers.group)
    quartile = "" if words.public else f" ({ordinal(int(row['quartile']))} quartile)"
    text = (
        f"{reading.title}, {peers.period}: bar chart of {council} and {peers.n_peers} {who}, best first. "
        f"{council}: {fmt(row['value'])}, ranked {int(row['rank'])} of {peers.n_peers + 1}{quartile}. "
        f"{'Middle figure' if words.public else 'Peer median'} {fmt(peers.median)}; "
        f"best {best['authority_name']} {fmt(best['value'])}; "
        f"{'worst' if words.public else 'lowest ranked'} {worst['authority_name']} {fmt(worst['value'])}."
    )
    if peers.national is not None:
        text += f" {peers.national_name}: {fmt(peers.national)}."
    return text


def benchmark_section(readings: Iterable[Reading], council: str, words: Words) -> str:
    """A chart, position sentence and data table for every indicator that has peers this period."""
    items = []
    for reading in readings:
        if reading.peers is None:
            continue
        uri, phone, alt = chart_pair(benchmark_chart, reading, council, words)
        table = reading.peers.table
        n = len(table)
        rows = [
            [
                str(_rank_of(table, i)),
                f"{name} (this council)" if own else name,
                format_value(value, reading.unit, reading.decimals),
                _quarter_cell(math.ceil(4 * _rank_of(table, i) / n), words),
            ]
            for i, (name, value, own) in enumerate(zip(table["authority_name"], table["value"], table["own"]))
        ]
        if reading.peers.national is not None:
            rows.append(
                [
                    "",
                    reading.peers.national_name,
                    format_value(reading.peers.national, reading.unit, reading.decimals),
                    "",
                ]
            )
        items.append(
            {
                "id": reading.indicator_id,
                "title": reading.title,
                "sentence": position_sentence(reading, words),
                "chart": {"uri": uri, "phone": phone, "alt": alt},
                "table": {
                    "caption": f"{reading.title}: {reading.peers.period}, {council} and {'similar councils' if words.public else group_words(reading.peers.group)}",
                    "columns": [
                        "Rank",
                        "Council",
                        "Figure" if words.public else "Value",
                        "Among similar councils" if words.public else "Quartile",
                    ],
                    "rows": rows,
                },
            }
        )
    return render("benchmark_section.html.j2", items=items, words=words)


def _quarter_cell(quartile: int, words: Words) -> str:
    """A table cell for a quartile: ``2nd`` under the internal "Quartile" heading, ``Best 25%`` for residents."""
    return words.quarter(quartile).capitalize() if words.public else ordinal(quartile)


def _rank_of(table, i: int) -> int:
    """Rank of row ``i`` with ties sharing the better rank, as the status engine ranks."""
    value = table["value"].iloc[i]
    return int(np.flatnonzero(table["value"].to_numpy() == value)[0]) + 1


def benchmark_trend(reading: Reading, history: pd.DataFrame, council: str, words: Words) -> str:
    """This council against its comparator group over time: a chart (council, peer median, the band
    between the best and worst quarters, national line) and the rank trajectory as a table."""
    if history.empty or history["rank"].isna().all():
        return ""
    wide, phone, alt = chart_pair(_trend_chart, reading, history, council, words)
    fmt = lambda v: "" if pd.isna(v) else format_value(v, reading.unit, reading.decimals)  # noqa: E731
    rows = [
        [
            r.period,
            fmt(r.own),
            "" if pd.isna(r.rank) else f"{int(r.rank)} of {int(r.councils)}",
            "" if r.quartile is None or pd.isna(r.quartile) else _quarter_cell(int(r.quartile), words),
            fmt(r.median),
            fmt(r.national),
        ]
        for r in history.itertuples()
    ]
    columns = [
        "Period",
        council,
        "Rank (1st is best)",
        "Among similar councils" if words.public else "Quartile",
        "Middle figure" if words.public else "Peer median",
        national_name(reading) or "National",
    ]
    return render(
        "benchmark_trend.html.j2",
        chart={"uri": wide, "phone": phone, "alt": alt},
        title=reading.title,
        columns=columns,
        rows=rows,
    )


def _trend_chart(
    reading: Reading, history: pd.DataFrame, council: str, words: Words, layout: Layout = WIDE
) -> tuple[str, str]:
    """The trend chart of `benchmark_trend` at ``layout``'s size (in `CHART_WORDS`), and its alt text in ``words``."""
    picture = _trend_picture(
        reading.title, str(reading.info["polarity"]), national_name(reading), history, council, layout
    )
    return picture, _trend_alt(reading, history, council, words)


@drawn_once
def _trend_picture(
    title: str, polarity: str, national: str | None, history: pd.DataFrame, council: str, layout: Layout
) -> str:
    """The council, its peers' median and middle half, and the national line over time."""
    x = np.arange(len(history))
    with styled():
        fig = Figure(figsize=(layout.width, 4.4 * layout.text), dpi=100, layout="constrained")
        ax = fig.subplots()
    ax.fill_between(x, history["worst_quarter"], history["best_quarter"], color="#E6E6E6", label="Middle half of peers")
    ax.plot(
        x,
        history["median"],
        color=MEDIAN,
        ls="--",
        lw=1.5,
        label="Middle figure",
    )
    if history["national"].notna().any():
        ax.plot(x, history["national"], color=NATIONAL, ls=":", lw=1.6, label=national or "National")
    ax.plot(x, history["own"], color=OWN, lw=2.2, marker="o", markersize=4, label=f"{council} (this council)")
    step = max(1, int(np.ceil(len(x) / min(10, layout.ticks))))
    ax.set_xticks(x[::step], history["period"].iloc[::step], rotation=45, ha="right", fontsize=8.5)
    fig.legend(fontsize=8.5, frameon=False, loc="outside lower center", ncol=4 if layout == WIDE else 1)
    better = "lower is better" if polarity == "lower_is_better" else "higher is better"
    fig.suptitle(
        textwrap.fill(f"{title}: compared with similar councils over time ({better})", 72),
        x=0.01,
        ha="left",
        fontsize=12,
        fontweight="bold",
    )
    scale_texts(fig, layout)
    return figure_to_data_uri(fig)


def _trend_alt(reading: Reading, history: pd.DataFrame, council: str, words: Words) -> str:
    fmt = lambda v: "" if pd.isna(v) else format_value(v, reading.unit, reading.decimals)  # noqa: E731
    ranked = history[history["rank"].notna()]
    first, last = ranked.iloc[0], ranked.iloc[-1]
    who = "similar councils" if words.public else group_words(reading.peers.group if reading.peers else "peers")
    return (
        f"{reading.title}: line chart of {council} against {who}, {history['period'].iloc[0]} to {history['period'].iloc[-1]}. "
        f"Ranked {int(first['rank'])} of {int(first['councils'])} in {first['period']} ({fmt(first['own'])}, "
        f"{'middle figure' if words.public else 'peer median'} {fmt(first['median'])}) and {int(last['rank'])} of "
        f"{int(last['councils'])} in {last['period']} ({fmt(last['own'])}, {'middle figure' if words.public else 'peer median'} "
        f"{fmt(last['median'])})."
    )


def national_name(reading: Reading) -> str | None:
    return reading.peers.national_name if reading.peers is not None else None
