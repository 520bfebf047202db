"""Breakdowns as a funnel plot: each ward's (or group's) rate against its size, with the limits
chance alone would give, so that small units are not named as best or worst for noise."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pmkit.components.charts import WIDE, Layout, chart_pair, drawn_once, figure_to_data_uri, scale_texts, styled
from pmkit.components.templating import plural, render
from pmkit.components.words import Words
from pmkit.io import periods
from pmkit.judge.funnel import funnel, limits

SIGNAL_WORDS = {
    "internal": {
        "high": "Above the 99.8% limit",
        "low": "Below the 99.8% limit",
        "possible_high": "Above the 95% limit",
        "possible_low": "Below the 95% limit",
        "within": "Within the limits",
    },
    "public": {
        "high": "Clearly higher than the rest",
        "low": "Clearly lower than the rest",
        "possible_high": "Possibly higher than the rest",
        "possible_low": "Possibly lower than the rest",
        "within": "No different from the rest, allowing for its size",
    },
}
DIMENSION_WORDS = {"ward": "ward", "age_band": "age band"}


def funnel_chart(
    frame: pd.DataFrame, title: str, dimension: str, period: str, words: Words, layout: Layout = WIDE
) -> tuple[str, str]:
    """The funnel plot as a PNG data URI (drawn at ``layout``'s size, in `CHART_WORDS` for every audience),
    and alt text in ``words`` naming the units outside the limits."""
    return _funnel_picture(frame, title, dimension, period, layout), funnel_alt(frame, title, dimension, period, words)


@drawn_once
def _funnel_picture(frame: pd.DataFrame, title: str, dimension: str, period: str, layout: Layout) -> str:
    """Each unit's rate against its size, the overall rate and the 95% and 99.8% limits."""
    sizes = np.linspace(max(1.0, frame["denominator"].min() * 0.8), frame["denominator"].max() * 1.1, 200)
    p = frame["overall"].iloc[0]
    lines = limits(p, sizes)
    with styled():
        fig = Figure(figsize=(layout.width, 4.6 * layout.text), dpi=100, layout="constrained")
        ax = fig.subplots()
    for name, style, label in (("95", "--", "95% limits"), ("998", ":", "99.8% limits")):
        lower, upper = lines[name]
        ax.plot(sizes, 100 * upper, color="#505a5f", ls=style, lw=1.3, label=label)
        ax.plot(sizes, 100 * lower, color="#505a5f", ls=style, lw=1.3)
    ax.axhline(100 * p, color="#1A1A1A", lw=1.5, label=f"Overall {100 * p:.1f}%")
    outside = frame["signal"] != "within"
    ax.scatter(
        frame.loc[~outside, "denominator"],
        100 * frame.loc[~outside, "rate"],
        color="#8a9199",
        edgecolors="#484949",
        s=36,
        zorder=3,
    )
    ax.scatter(
        frame.loc[outside, "denominator"],
        100 * frame.loc[outside, "rate"],
        color="#E46C0A",
        edgecolors="#9A4A07",
        marker="D",
        s=60,
        zorder=4,
        label="Different from the rest",
    )
    for row in frame[outside].itertuples():
        ax.annotate(
            row.category, (row.denominator, 100 * row.rate), xytext=(5, 3), textcoords="offset points", fontsize=8.5
        )
    ax.set_xlabel(f"Cases in the {DIMENSION_WORDS.get(dimension, dimension)}")
    ax.set_ylabel("Per cent")
    ax.legend(loc="lower right", fontsize=8.5, frameon=False)
    fig.suptitle(
        textwrap.fill(f"{title} by {DIMENSION_WORDS.get(dimension, dimension)}, {period}", 85),
        x=0.01,
        ha="left",
        fontsize=12,
        fontweight="bold",
    )
    scale_texts(fig, layout)
    return figure_to_data_uri(fig)


def funnel_alt(frame: pd.DataFrame, title: str, dimension: str, period: str, words: Words) -> str:
    noun = DIMENSION_WORDS.get(dimension, dimension)
    p = frame["overall"].iloc[0]
    text = (
        f"Funnel plot of {title} by {noun}, {period}: {plural(len(frame), noun)} around the overall rate of {100 * p:.1f}%"
        f" ({int(frame['numerator'].sum())} of {int(frame['denominator'].sum())})."
    )
    outside = frame[frame["signal"] != "within"]
    if outside.empty:
        return text + f" Every {noun} is within the 95% limits for its size."
    named = "; ".join(
        f"{r.category} {100 * r.rate:.1f}% of {int(r.denominator)} ({SIGNAL_WORDS[words.audience][r.signal].lower()})"
        for r in outside.itertuples()
    )
    return text + f" Outside the limits: {named}."


def breakdown_section(breakdowns: pd.DataFrame, title: str, words: Words) -> str:
    """A funnel plot and table per dimension, for the latest period that has the breakdown."""
    if breakdowns.empty:
        return ""
    latest = breakdowns.assign(_start=periods.parse_column(breakdowns["period"].astype(str))["start"].to_numpy())
    latest = latest[latest["_start"] == latest["_start"].max()]
    parts = []
    for dimension, rows in latest.groupby("dimension", sort=True):
        period = rows["period"].iloc[0]
        has_counts = rows["denominator"].notna().all() and rows["numerator"].notna().all()
        frame = funnel(rows) if has_counts else rows.assign(rate=rows["value"] / 100, signal="within")
        chart = None
        if has_counts:
            uri, phone, alt = chart_pair(funnel_chart, frame, title, dimension, period, words)
            chart = {"uri": uri, "phone": phone, "alt": alt}
        table = [
            [
                r.category,
                f"{100 * r.rate:.1f}%",
                "" if pd.isna(r.numerator) else f"{int(r.numerator):,}",
                "" if pd.isna(r.denominator) else f"{int(r.denominator):,}",
                SIGNAL_WORDS[words.audience][r.signal] if has_counts else "",
            ]
            for r in frame.sort_values("category").itertuples()
        ]
        parts.append(
            {
                "dimension": DIMENSION_WORDS.get(dimension, dimension),
                "period": period,
                "chart": chart,
                "rows": table,
                "overall": f"{100 * frame['overall'].iloc[0]:.1f}%" if has_counts else "",
            }
        )
    return render("breakdowns.html.j2", parts=parts, title=title, words=words)
