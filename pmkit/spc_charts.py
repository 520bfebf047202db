"""SPC for readers: an XmR chart in Making Data Count's style, its message in words, and the
variation and assurance icons as accessible inline SVG.

Every special-cause point carries MDC's colour and a shape of its own (a plus for improvement, a
cross for concern, a triangle for neutral), with a dark outline so that it stands out from the
white background; lines are labelled where they end rather than by colour.

>>> from pmkit import spc
>>> res = spc.xmr([16, 24, 22, 19, 19, 18, 24, 25, 18, 17, 16, 25, 15, 23, 19, 35, 32, 35, 31, 27, 33], target=30)
>>> uri, alt = spc_chart(res, "Residents satisfied with the area", unit="percent")
>>> uri.startswith("data:image/png;base64,")
True
>>> describe(res)
'Special cause of improvement: 6 points above the mean since point 16.'
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from pmkit import periods
from pmkit.charts import figure_to_data_uri
from pmkit.spc import MIN_POINTS, XmRResult
from pmkit.units import format_value

BLUE, ORANGE, PURPLE, GREY = "#00B0F0", "#E46C0A", "#490092", "#A6A6A6"  # MDC's colours
OUTLINE = {BLUE: "#006A92", ORANGE: "#9A4A07", PURPLE: "#490092", GREY: "#595959"}  # ≥ 3:1 on white
INK, MUTED, TARGET = "#1A1A1A", "#595959", "#D5281B"
POINT_STYLE = {  # point_type: legend label, fill, marker, size
    "common_cause": ("Common cause", GREY, "o", 28),
    "special_cause_improvement": ("Special cause: improvement", BLUE, "P", 90),
    "special_cause_concern": ("Special cause: concern", ORANGE, "X", 90),
    "special_cause_neutral_high": ("Special cause: neutral (high)", PURPLE, "^", 70),
    "special_cause_neutral_low": ("Special cause: neutral (low)", PURPLE, "v", 70),
}
VARIATION_WORDS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement (high values)",
    "improvement_low": "Special cause improvement (low values)",
    "concern_high": "Special cause concern (high values)",
    "concern_low": "Special cause concern (low values)",
    "neutral_high": "Special cause, neutral (high values)",
    "neutral_low": "Special cause, neutral (low values)",
    None: "Variation not assessed",
}
ASSURANCE_WORDS = {
    "consistent_pass": "Will consistently meet the target",
    "consistent_fail": "Will consistently miss the target",
    "inconsistent": "Hit and miss: may or may not meet the target",
    None: "Assurance not assessed",
}
DIRECTION_WORDS = {"increase": "higher is better", "decrease": "lower is better", "neutral": "no preferred direction"}
RULE_SET_WORDS = {"mdc": "Making Data Count rules", "nhsr": "NHSRplotthedots rules"}
NOTE_WIDTH = 125  # characters per line of the notes under a chart
PERIOD_WORDS = {"monthly": "months", "quarterly": "quarters", "annual": "years"}


def describe(result: XmRResult, period_labels: Sequence[str] | None = None) -> str:
    """The chart's message in one or two plain sentences.

    ``period_labels`` name every input position (missing values included), e.g. ``2024/25 Q1``.

    >>> from pmkit import spc
    >>> describe(spc.xmr([3, 4, 5, 4, 3, 4, 5, 6]))
    'Not enough data for SPC: 8 points; at least 13 are needed before process limits and icons are shown.'
    """
    if result.n == 0:
        return "No data for SPC."
    caveat = too_few_points(result)
    if caveat and result.options.rules.blank_when_short:
        return caveat
    pts = result.points
    last = pts.iloc[-1]
    prefix = f"{caveat} " if caveat else ""
    if not last["special_cause"]:
        earlier = int(pts["special_cause"].sum())
        tail = f" Earlier, {earlier} value{'s' * (earlier != 1)} showed special cause variation." if earlier else ""
        return f"{prefix}Common cause variation: the latest value shows no signal of change.{tail}"
    kind = str(last["point_type"]).removeprefix("special_cause_")
    high = _is_high(kind, result.improvement)
    head = "Special cause variation (neutral)" if kind.startswith("neutral") else f"Special cause of {kind}"
    axis = _axis(period_labels, result.n + result.dropped)
    return f"{prefix}{head}: {_reason(result, str(last['rule']), high, axis)}."


def too_few_points(result: XmRResult) -> str | None:
    """The sentence for a series shorter than SPC needs, as its rule set treats it; None when long enough.

    >>> from pmkit import spc
    >>> too_few_points(spc.xmr([5, 6, 7], rules="mdc"))
    'Not enough data for SPC: 3 points; at least 13 are needed before process limits and icons are shown.'
    """
    n = result.n
    if result.enough_points or n == 0:
        return None
    points = f"{n} point{'s' * (n != 1)}"
    if result.options.rules.blank_when_short:
        return f"Not enough data for SPC: {points}; at least {MIN_POINTS} are needed before process limits and icons are shown."
    return f"Only {points}, so the process limits are unreliable ({MIN_POINTS} or more are needed)."


def spc_chart(
    result: XmRResult,
    title: str,
    unit: str | None = None,
    target: float | Sequence[float] | None = None,
    period_labels: Sequence[str] | None = None,
    improvement: str | None = None,
    decimals: int | None = None,
    two_sigma: bool = False,
) -> tuple[str, str]:
    """Draw ``result`` as an XmR chart; return a PNG data URI and an alt text that states its message.

    ``unit`` is the register's (``percent``, ``count``, ``days``, ``gbp``, ``rate``) or any word;
    ``target`` defaults to the result's (a sequence gives one target per input position);
    ``period_labels`` name every input position, missing values included; ``improvement``, if
    given, must match the result's; ``two_sigma`` adds the two-sigma lines.

    >>> from pmkit import spc
    >>> uri, alt = spc_chart(spc.xmr(range(20)), "Repairs done on time", unit="percent")
    >>> alt.split(". ")[1]
    'Special cause of improvement: the latest value is above the upper process limit'
    """
    if improvement is not None and improvement != result.improvement:
        raise ValueError(f"the result was computed with improvement={result.improvement!r}, not {improvement!r}")
    pts = result.points
    total = result.n + result.dropped
    axis = _axis(period_labels, total)
    targets = _targets(result.target if target is None else target, total)
    notes = [note for note in (too_few_points(result), *_notes(result, axis)) if note]

    with sns.axes_style("whitegrid", {"grid.color": "#E6E6E6", "axes.edgecolor": "#B3B3B3"}):
        footer = 0.45 + 0.2 * len(textwrap.wrap(" ".join(notes), NOTE_WIDTH))
        fig = Figure(figsize=(8.2, 4.2 + footer), dpi=100, layout="constrained")
        ax, foot = fig.subplots(2, 1, height_ratios=[4.2, footer])
    foot.axis("off")
    line = np.full(total, np.nan)
    line[pts["position"].to_numpy()] = pts["value"].to_numpy()
    ax.plot(np.arange(total), line, color="#767676", lw=1.4, zorder=2)
    _draw_sections(ax, pts, two_sigma)

    right: list[tuple[float, str, str]] = []
    if len(pts):
        row = pts.iloc[-1]
        right.append((row["mean"], f"Mean {_fmt(row['mean'], unit, decimals)}", INK))
        if np.isfinite(row["upl"]):
            right.append((row["upl"], f"Upper limit {_fmt(row['upl'], unit, decimals)}", MUTED))
            right.append((row["lpl"], f"Lower limit {_fmt(row['lpl'], unit, decimals)}", MUTED))
    if np.isfinite(targets).any():
        ax.step(np.arange(total), targets, where="mid", color=TARGET, ls="-.", lw=1.4, zorder=3)
        last_target = targets[np.isfinite(targets)][-1]
        right.append((last_target, f"Target {_fmt(last_target, unit, decimals)}", TARGET))

    handles = []
    for kind, (label, fill, marker, size) in POINT_STYLE.items():
        sel = pts[pts["point_type"] == kind]
        if len(sel):
            ax.scatter(sel["position"], sel["value"], s=size, marker=marker, c=fill,
                       edgecolors=OUTLINE[fill], linewidths=1.1, zorder=4)
            handles.append(Line2D([], [], ls="", marker=marker, markersize=math.sqrt(size), color=fill,
                                  markeredgecolor=OUTLINE[fill], label=label))

    _label_lines(ax, right, total)
    _x_axis(ax, axis.ticks, total)
    ax.set_ylabel(_unit_label(unit))
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold", color=INK)
    subtitle = f"XmR chart, {DIRECTION_WORDS[result.improvement]}, {RULE_SET_WORDS[result.rules]}"
    ax.set_title(subtitle, loc="left", fontsize=9.5, color=MUTED)
    if handles:
        foot.legend(handles=handles, loc="upper center", ncol=min(len(handles), 3), frameon=False, fontsize=9)
    if notes:
        foot.text(0, 0, textwrap.fill("Note: " + " ".join(notes), NOTE_WIDTH), transform=foot.transAxes,
                  fontsize=8.5, color=MUTED, ha="left", va="bottom")
    return figure_to_data_uri(fig), _alt_text(result, title, unit, decimals, axis, period_labels)


def variation_icon(name: str | None) -> str:
    """The variation icon as inline HTML: an SVG (shape, letter, colour, ``<title>``) and a visible label.

    >>> variation_icon("concern_low")[:60]
    '<span class="pmkit-spc-icon" data-icon="concern_low" style="'
    """
    if name not in VARIATION_WORDS:
        raise ValueError(f"unknown variation icon {name!r}")
    if name is None:
        return _icon(None, "square", GREY, "–", VARIATION_WORDS[None])
    kind, _, level = name.partition("_")
    letter = {"high": "H", "low": "L"}.get(level, "~")
    shape, colour = {"improvement": ("circle", BLUE), "concern": ("diamond", ORANGE), "neutral": ("hexagon", PURPLE)}.get(
        kind, ("square", GREY)
    )
    return _icon(name, shape, colour, letter, VARIATION_WORDS[name])


def assurance_icon(name: str | None) -> str:
    """The assurance icon as inline HTML: an SVG (shape, letter, colour, ``<title>``) and a visible label.

    >>> "<title>Assurance: Will consistently miss the target</title>" in assurance_icon("consistent_fail")
    True
    """
    if name not in ASSURANCE_WORDS:
        raise ValueError(f"unknown assurance icon {name!r}")
    shape, colour, letter = {
        "consistent_pass": ("circle", BLUE, "P"),
        "consistent_fail": ("diamond", ORANGE, "F"),
        "inconsistent": ("square", GREY, "?"),
    }.get(name, ("square", GREY, "–"))
    return _icon(name, shape, colour, letter, ASSURANCE_WORDS[name], kind="Assurance")


def _icon(name: str | None, shape: str, colour: str, letter: str, words: str, kind: str = "Variation") -> str:
    outline = OUTLINE[colour]
    ink = "#FFFFFF" if colour == PURPLE else "#000000"  # ≥ 4.5:1 against the fill
    dashed = ' stroke-dasharray="3 2"' if name is None else ""
    paint = f'fill="{colour if name else "#FFFFFF"}" stroke="{outline}" stroke-width="2"{dashed}'
    body = {
        "circle": f'<circle cx="14" cy="14" r="12" {paint}/>',
        "diamond": f'<polygon points="14,1 27,14 14,27 1,14" {paint}/>',
        "hexagon": f'<polygon points="14,1.5 25,7.8 25,20.2 14,26.5 3,20.2 3,7.8" {paint}/>',
        "square": f'<rect x="2" y="2" width="24" height="24" rx="5" {paint}/>',
    }[shape]
    text = (
        f'<text x="14" y="14" dy="0.36em" text-anchor="middle" font-family="Arial, sans-serif" font-size="14" '
        f'font-weight="bold" fill="{ink if name else outline}">{escape(letter)}</text>'
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="28" height="28" viewBox="0 0 28 28" '
        f'focusable="false"><title>{kind}: {escape(words)}</title>{body}{text}</svg>'
    )
    return (
        f'<span class="pmkit-spc-icon" data-icon="{name or "none"}" '
        f'style="display:inline-flex;align-items:center;gap:0.4em">{svg}'
        f'<span class="pmkit-spc-icon-label" aria-hidden="true">{escape(words)}</span></span>'
    )


def _is_high(kind: str, improvement: str) -> bool:
    if kind.startswith("neutral"):
        return kind.endswith("high")
    return (kind == "improvement") == (improvement == "increase")


def _trailing(mask: np.ndarray) -> int:
    """How many of the last elements are true in a row."""
    false = np.flatnonzero(~mask)
    return len(mask) - (false[-1] + 1 if len(false) else 0)


def _reason(result: XmRResult, rule: str, high: bool, axis: _Axis) -> str:
    pts = result.points
    if rule == "outside":
        return f"the latest value is {'above the upper' if high else 'below the lower'} process limit"
    if rule == "two_in_three":
        return f"two of the last three values are close to the {'upper' if high else 'lower'} process limit"
    same = (pts["point_type"] == pts["point_type"].iloc[-1]).to_numpy()
    if not result.options.rules.runs_cross_sections:
        same &= (pts["section"] == pts["section"].iloc[-1]).to_numpy()
    values = pts["value"].to_numpy()
    if rule == "shift":
        side = np.sign(values - pts["mean"].to_numpy()) == (1 if high else -1)
        k = _trailing(same & side)
        what = f"{'above' if high else 'below'} the mean"
    else:
        steps = np.sign(np.diff(values)) == (1 if high else -1)
        k = _trailing(same[1:] & steps) + 1  # steps into flagged values, plus the value the trend starts from
        what = f"{'rising' if high else 'falling'} in a row"
    return f"{k} {axis.word} {what} since {axis.name(int(pts['position'].iloc[-k]))}"


@dataclass(frozen=True)
class _Axis:
    """The chart's time axis: a tick label per input position and a word for its periods."""

    ticks: list[str]
    named: bool
    word: str

    def name(self, position: int) -> str:
        return self.ticks[position] if self.named else f"point {position + 1}"


def _axis(period_labels: Sequence[str] | None, total: int) -> _Axis:
    if period_labels is None:
        return _Axis([str(i + 1) for i in range(total)], False, "points")
    if len(period_labels) != total:
        raise ValueError(f"period_labels has {len(period_labels)} labels for {total} values (missing ones included)")
    parsed = periods.try_parse(period_labels[-1]) if total else None
    return _Axis([str(label) for label in period_labels], True, PERIOD_WORDS[parsed.frequency] if parsed else "points")


def _targets(target: float | Sequence[float] | None, total: int) -> np.ndarray:
    if target is None:
        return np.full(total, np.nan)
    if np.ndim(target) == 0:
        return np.full(total, float(target))
    out = pd.to_numeric(pd.Series(list(target))).to_numpy(dtype=float, na_value=np.nan)
    if len(out) != total:
        raise ValueError(f"target has {len(out)} values for {total} periods")
    return out


def _notes(result: XmRResult, axis: _Axis) -> list[str]:
    notes = []
    if result.dropped:
        missing = ", ".join(axis.name(p) for p in result.dropped_positions[:6]) + (", …" if result.dropped > 6 else "")
        notes.append(f"{result.dropped} missing value{'s' * (result.dropped != 1)} left out ({missing}).")
    if result.options.fix_after_n_points:
        notes.append(f"Limits fixed from the first {result.options.fix_after_n_points} values of each section.")
    return notes


def _fmt(value: float, unit: str | None, decimals: int | None = None) -> str:
    return format_value(value, unit, decimals, missing="n/a")


def _unit_label(unit: str | None) -> str:
    known = {"percent": "Per cent", "gbp": "£", "count": "Count", "rate": "Rate", None: "Value"}
    return known[unit] if unit in known else unit.capitalize()


def _draw_sections(ax, pts: pd.DataFrame, two_sigma: bool) -> None:
    """Mean and limits of each section across its own points, with a mark where limits were recalculated."""
    lines = (("lpl", "--", 1.3), ("upl", "--", 1.3))
    if two_sigma:
        lines += (("lower_two_sigma", ":", 1.0), ("upper_two_sigma", ":", 1.0))
    for _, sec in pts.groupby("section", sort=True):
        x0, x1 = sec["position"].iloc[0], sec["position"].iloc[-1]
        xs = [x0 - 0.3, x1 + 0.3] if x0 == x1 else [x0, x1]
        row = sec.iloc[0]
        ax.plot(xs, [row["mean"]] * 2, color=INK, lw=1.6, zorder=3)
        for column, style, width in lines:
            if np.isfinite(row[column]):
                ax.plot(xs, [row[column]] * 2, color=MUTED, ls=style, lw=width, zorder=3)
        if x0 > 0:
            ax.axvline(x0 - 0.5, color=MUTED, ls=(0, (1, 3)), lw=1.2, zorder=1)
            ax.annotate("Limits recalculated", (x0 - 0.4, 1.0), xycoords=("data", "axes fraction"),
                        va="top", ha="left", fontsize=8, color=MUTED)


def _label_lines(ax, items: list[tuple[float, str, str]], total: int) -> None:
    """Name each line at the right-hand end, nudging labels apart so none overlap."""
    if not items:
        return
    low, high = ax.get_ylim()
    gap = (high - low) * 0.065
    items = sorted(items)
    ys = [items[0][0]]
    for y, _, _ in items[1:]:
        ys.append(max(y, ys[-1] + gap))
    for y, (_, text, colour) in zip(ys, items):
        ax.annotate(text, (total - 0.5, y), xytext=(6, 0), textcoords="offset points", va="center", ha="left",
                    fontsize=9, color=colour, annotation_clip=False)
    ax.set_ylim(low, max(high, ys[-1] + gap / 2))


def _x_axis(ax, labels: list[str], total: int) -> None:
    """At most about twelve tick labels, slanted when they are long."""
    ticks = list(range(0, total, max(1, math.ceil(total / 12))))
    slant = max(map(len, labels), default=0) > 4
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=45 if slant else 0, ha="right" if slant else "center", fontsize=9)
    ax.set_xlim(-0.6, total - 0.4)


def _alt_text(
    result: XmRResult, title: str, unit: str | None, decimals: int | None, axis: _Axis, period_labels: Sequence[str] | None
) -> str:
    pts = result.points
    if not len(pts):
        return f"{title}: no data to chart."
    first, last = pts.iloc[0], pts.iloc[-1]
    span = f", {axis.name(int(first['position']))} to {axis.name(int(last['position']))}" if axis.named else ""
    word = axis.word if result.n != 1 else axis.word.removesuffix("s")
    parts = [f"{title}: XmR chart of {result.n} {word}{span}.", describe(result, period_labels)]
    if result.variation:
        parts.append(f"Variation icon: {VARIATION_WORDS[result.variation].lower()}.")
    if result.assurance or result.target is not None:
        parts.append(f"Assurance icon: {ASSURANCE_WORDS[result.assurance].lower()}.")
    limits = (f", process limits {_fmt(last['lpl'], unit, decimals)} to {_fmt(last['upl'], unit, decimals)}"
              if np.isfinite(last["upl"]) else "")
    parts.append(f"Latest value {_fmt(last['value'], unit, decimals)} ({axis.name(int(last['position']))}); "
                 f"mean {_fmt(last['mean'], unit, decimals)}{limits}.")
    if result.target is not None:
        parts.append(f"Target {_fmt(result.target, unit, decimals)}.")
    parts.extend(_notes(result, axis))
    return " ".join(parts)
