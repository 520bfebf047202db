"""SPC for readers: an XmR chart in Making Data Count's style, its message in words, the variation
and assurance icons, every flagged point with the rule that flagged it, and the report section.

Every special-cause point carries MDC's colour and a shape of its own (a plus for improvement, a
cross for concern, a triangle for neutral), with a dark outline so that it stands out from the
white background; lines are labelled where they end rather than by colour. Where the limits are
stale (a sustained shift since the last rebase), the chart, its alt text and its message say so
and suggest the period to rebase at, and no assurance verdict is drawn from the old limits.

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

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from pmkit.components.charts import WIDE, Layout, chart_pair, drawn_once, figure_to_data_uri, scale_texts, styled
from pmkit.components.targets import MAX_STEPS_SAID
from pmkit.components.templating import Markup, plural, render
from pmkit.components.words import CHART_WORDS, PERIOD_NOUN, Words, words_for
from pmkit.io import measure, periods
from pmkit.io.units import format_value
from pmkit.judge import spc
from pmkit.judge.spc import MIN_POINTS, XmRResult

INTERNAL = words_for("internal")
BLUE, ORANGE, PURPLE, GREY = "#00B0F0", "#E46C0A", "#490092", "#A6A6A6"  # MDC's colours
OUTLINE = {BLUE: "#006A92", ORANGE: "#9A4A07", PURPLE: "#490092", GREY: "#595959"}  # ≥ 3:1 on white
INK, MUTED, TARGET, STALE = "#1A1A1A", "#595959", "#D5281B", "#FFF2CC"
POINT_STYLE = {  # point_type: fill, marker, size
    "common_cause": (GREY, "o", 28),
    "special_cause_improvement": (BLUE, "P", 90),
    "special_cause_concern": (ORANGE, "X", 90),
    "special_cause_neutral_high": (PURPLE, "^", 70),
    "special_cause_neutral_low": (PURPLE, "v", 70),
}
POINT_WORDS = {
    "internal": {
        "common_cause": "Common cause",
        "special_cause_improvement": "Special cause: improvement",
        "special_cause_concern": "Special cause: concern",
        "special_cause_neutral_high": "Special cause: neutral (high)",
        "special_cause_neutral_low": "Special cause: neutral (low)",
    },
    "public": {
        "common_cause": "Usual variation",
        "special_cause_improvement": "Unusual: better than usual",
        "special_cause_concern": "Unusual: worse than usual",
        "special_cause_neutral_high": "Unusually high",
        "special_cause_neutral_low": "Unusually low",
    },
}
LINE_WORDS = {
    "internal": {
        "mean": "Mean",
        "upl": "Upper limit",
        "lpl": "Lower limit",
        "target": "Target",
        "value": "Value",
        "signal": "Signal",
    },
    "public": {
        "mean": "Average",
        "upl": "Top of usual range",
        "lpl": "Bottom of usual range",
        "target": "Target",
        "value": "Figure",
        "signal": "Unusual?",
    },
}
LIMIT_WORDS = {
    "internal": {"lpl": "lower process limit", "upl": "upper process limit"},
    "public": {"lpl": "bottom of the usual range", "upl": "top of the usual range"},
}
DIRECTION_WORDS = {"increase": "higher is better", "decrease": "lower is better", "neutral": "no preferred direction"}
RULE_SET_WORDS = {"mdc": "Making Data Count rules", "nhsr": "NHSRplotthedots rules"}
PERIOD_WORDS = {"monthly": "months", "quarterly": "quarters", "annual": "years"}


def describe(result: XmRResult, period_labels: Sequence[str] | None = None, words: Words = INTERNAL) -> str:
    """The chart's message in one or two plain sentences, in the audience's words.

    ``period_labels`` name every input position (missing values included), e.g. ``2024/25 Q1``.

    >>> from pmkit import spc
    >>> describe(spc.xmr([3, 4, 5, 4, 3, 4, 5, 6]))
    'Not enough data for SPC: 8 points; at least 13 are needed before process limits and icons are shown.'
    """
    if result.n == 0:
        return "No figures yet." if words.public else "No data for SPC."
    caveat = too_few_points(result, words)
    if caveat and result.options.rules.blank_when_short:
        return caveat
    pts = result.points
    last = pts.iloc[-1]
    prefix = f"{caveat} " if caveat else ""
    if not last["special_cause"]:
        if words.public:
            return f"{prefix}Within its usual range: the latest figure shows no sign of change."
        earlier = int(pts["special_cause"].sum())
        tail = f" Earlier, {plural(earlier, 'value')} showed special cause variation." if earlier else ""
        return f"{prefix}Common cause variation: the latest value shows no signal of change.{tail}"
    kind = str(last["point_type"]).removeprefix("special_cause_")
    high = _is_high(kind, result.improvement)
    if words.public:
        head = {"improvement": "Better than usual", "concern": "Worse than usual"}.get(kind, "Unusual")
    else:
        head = "Special cause variation (neutral)" if kind.startswith("neutral") else f"Special cause of {kind}"
    axis = _axis(period_labels, result.n + result.dropped)
    return f"{prefix}{head}: {_reason(result, str(last['rule']), high, axis, words)}."


def too_few_points(result: XmRResult, words: Words = INTERNAL) -> str | None:
    """The sentence for a series shorter than SPC needs, as its rule set treats it; None when long enough.

    >>> from pmkit import spc
    >>> too_few_points(spc.xmr([5, 6, 7], rules="mdc"))
    'Not enough data for SPC: 3 points; at least 13 are needed before process limits and icons are shown.'
    """
    n = result.n
    if result.enough_points or n == 0:
        return None
    points = plural(n, "point")
    if words.public:
        return f"Only {plural(n, 'figure')} so far: too few to tell what is usual."
    if result.options.rules.blank_when_short:
        return f"Not enough data for SPC: {points}; at least {MIN_POINTS} are needed before process limits and icons are shown."
    return f"Only {points}, so the process limits are unreliable ({MIN_POINTS} or more are needed)."


def rule_phrase(rule: str, side: str, result: XmRResult, words: Words = INTERNAL) -> str:
    """What one rule says about a point, e.g. "above the upper process limit"."""
    high = side == "high"
    shift, trend = result.options.shift_points, result.options.trend_points
    if words.public:
        return {
            "outside": f"{'above' if high else 'below'} its usual range",
            "trend": f"part of a run of {trend} or more {'rising' if high else 'falling'} figures",
            "shift": f"part of a run of {shift} or more figures {'above' if high else 'below'} the average",
            "two_in_three": f"one of two in three figures close to the {'top' if high else 'bottom'} of the usual range",
        }[rule]
    return {
        "outside": f"{'above the upper' if high else 'below the lower'} process limit",
        "trend": f"part of a {'rising' if high else 'falling'} trend ({trend} or more values in a row)",
        "shift": f"part of a run of {shift} or more values {'above' if high else 'below'} the mean",
        "two_in_three": f"two of three values beyond two sigma, near the {'upper' if high else 'lower'} limit",
    }[rule]


def signal(point: pd.Series, result: XmRResult, words: Words = INTERNAL) -> str:
    """Why a point is flagged, naming every rule that flagged it; empty for common cause.

    A point flagged both ways (Making Data Count's conflict rule) says so: for example the worst
    value of a series, above the upper limit, that starts a falling trend is an improvement under
    MDC's rules, and the cell says that it is also above the limit and which rule decided.
    """
    if not point["special_cause"]:
        return ""
    kind = str(point["point_type"])
    found = spc.signals(point["flags_high"], point["flags_low"])
    deciding = (str(point["rule"]), _side_of(kind, result))
    head = POINT_WORDS[words.audience][kind].removeprefix("Special cause: ")
    head = head[0].upper() + head[1:]
    text = f"{head}: {rule_phrase(*deciding, result, words)}"
    same = [f for f in found if f != deciding and f[1] == deciding[1]]
    other = [f for f in found if f[1] != deciding[1]]
    if same:
        text += "; also " + " and ".join(rule_phrase(*f, result, words) for f in same)
    if other:
        opposite = _kind_word(other[0][1], result, words)
        text += "; also " + " and ".join(rule_phrase(*f, result, words) for f in other)
        if words.public:
            text += f", which on its own would be {opposite}"
        elif result.options.rules.improvement_wins:
            text += f" ({opposite}): Making Data Count counts a value flagged both ways as {'improvement' if result.improvement != 'neutral' else 'high'}"
        else:
            text += f" ({opposite}): the first rule in the order outside, trend, two in three, shift decides"
    return text


def _side_of(kind: str, result: XmRResult) -> str:
    """The side of the mean (``high`` or ``low``) that a flagged point's type stands for."""
    if kind.endswith("_high"):
        return "high"
    if kind.endswith("_low"):
        return "low"
    good_high = result.improvement == "increase"
    return "high" if (kind == "special_cause_improvement") == good_high else "low"


def _kind_word(side: str, result: XmRResult, words: Words) -> str:
    if result.improvement == "neutral":
        return "unusually high" if side == "high" else "unusually low"
    good = (side == "high") == (result.improvement == "increase")
    if words.public:
        return "better than usual" if good else "worse than usual"
    return "an improvement" if good else "a concern"


def spc_chart(
    result: XmRResult,
    title: str,
    unit: str | None = None,
    target: float | Sequence[float] | None = None,
    period_labels: Sequence[str] | None = None,
    improvement: str | None = None,
    decimals: int | None = None,
    two_sigma: bool = False,
    words: Words = INTERNAL,
    stale: str | None = None,
    info: pd.Series | dict | None = None,
    notes: Sequence[str] = (),
    layout: Layout = WIDE,
    in_period: bool = False,
) -> tuple[str, str]:
    """Draw ``result`` as an XmR chart; return a PNG data URI and an alt text that states its message.

    ``unit`` is the register's (``percent``, ``count``, ``days``, ``gbp``, ``rate``) or any word;
    ``target`` defaults to the result's (a sequence gives one target per input position, drawn as
    a step line); ``period_labels`` name every input position, missing values included;
    ``improvement``, if given, must match the result's; ``two_sigma`` adds the two-sigma lines;
    ``stale``, the notice that the limits are out of date, shades the shifted run and is said in the
    alt text. ``info`` is the register row whose bounds (`pmkit.io.measure.bounds`; by default the
    unit's) hold the limits and the axis; ``notes`` are further sentences for the alt text. ``layout``
    is the drawing's size (`pmkit.components.charts.PHONE` for the narrow one with larger text);
    ``in_period`` says under the title that a running total's chart is of each period's own figure.

    The picture is the same for every audience, in `CHART_WORDS`; ``words`` are the alt text's. What
    is said beside a chart (the stale notice, ``notes``, `bounds_notes`, `chart_notes`) is the page's
    text, not the picture's.

    >>> from pmkit import spc
    >>> uri, alt = spc_chart(spc.xmr(range(20)), "Repairs done on time", unit="percent")
    >>> alt.split(". ")[1]
    'Special cause of improvement: the latest value is above the upper process limit'
    """
    if improvement is not None and improvement != result.improvement:
        raise ValueError(f"the result was computed with improvement={result.improvement!r}, not {improvement!r}")
    info = {"unit": unit} if info is None else info
    total = result.n + result.dropped
    axis = _axis(period_labels, total)
    targets = _targets(result.target if target is None else target, total)
    limits = dict(zip(("minimum", "maximum"), measure.bounds(info)))  # all of the register row the picture uses
    uri = _picture(
        result, title, unit, targets, axis, decimals, two_sigma, stale is not None, limits, layout, in_period
    )
    pts = within_bounds(result.points, info)
    said = [*bounds_notes(pts, info, unit, words), *notes]
    return uri, _alt_text(result, pts, title, unit, decimals, axis, period_labels, words, stale, targets, said)


def chart_notes(result: XmRResult, period_labels: Sequence[str] | None = None) -> list[str]:
    """What a chart leaves out or holds fixed, said beside it: missing values, limits fixed from the
    first values of each section."""
    return _notes(result, _axis(period_labels, result.n + result.dropped))


@drawn_once
def _picture(
    result: XmRResult,
    title: str,
    unit: str | None,
    targets: np.ndarray,
    axis: _Axis,
    decimals: int | None,
    two_sigma: bool,
    shaded: bool,
    limits: dict,
    layout: Layout,
    in_period: bool = False,
) -> str:
    """The XmR chart as a PNG data URI, in `CHART_WORDS`; ``shaded`` shades the run since a sustained shift,
    ``limits`` are the measure's bounds (``minimum``, ``maximum``). Keyed by what it draws only, so every page
    and audience showing this chart shares one picture."""
    pts = within_bounds(result.points, limits)
    total = result.n + result.dropped
    lines = LINE_WORDS[CHART_WORDS.audience]

    with styled():
        legend_rows = pts["point_type"].nunique()  # the phone's legend has one column
        footer = 0.45 if layout == WIDE else layout.text * (0.15 + 0.2 * legend_rows)
        # the phone's title and tick labels take a larger share of its height, so its footer gets a larger share
        share = 1.0 if layout == WIDE else 1.6
        fig = Figure(figsize=(layout.width, 4.2 + footer * share), dpi=100, layout="constrained")
        ax, foot = fig.subplots(2, 1, height_ratios=[4.2, footer * share])
    foot.axis("off")
    shift = spc.sustained_shift(result) if shaded else None
    if shift:
        ax.axvspan(shift.start - 0.5, total - 0.5, color=STALE, zorder=0)
        ax.annotate(
            "New level",
            (shift.start - 0.4, 0.92),
            xycoords=("data", "axes fraction"),
            va="top",
            ha="left",
            fontsize=8,
            color=INK,
        )
    line = np.full(total, np.nan)
    line[pts["position"].to_numpy()] = pts["value"].to_numpy()
    ax.plot(np.arange(total), line, color="#767676", lw=1.4, zorder=2)
    _draw_sections(ax, pts, two_sigma)

    right: list[tuple[float, str, str]] = []
    if len(pts):
        row = pts.iloc[-1]
        right.append((row["mean"], f"{lines['mean']} {_line(row['mean'], unit, decimals, result)}", INK))
        if np.isfinite(row["upl"]):
            right.append((row["upl"], f"{lines['upl']} {_limit(row, 'upl', unit, decimals, result)}", MUTED))
            right.append((row["lpl"], f"{lines['lpl']} {_limit(row, 'lpl', unit, decimals, result)}", MUTED))
    if np.isfinite(targets).any():
        ax.step(np.arange(total), targets, where="mid", color=TARGET, ls="-.", lw=1.4, zorder=3)
        last_target = targets[np.isfinite(targets)][-1]
        right.append((last_target, f"{lines['target']} {_fmt(last_target, unit, decimals)}", TARGET))

    handles = []
    for kind, (fill, marker, size) in POINT_STYLE.items():
        sel = pts[pts["point_type"] == kind]
        if len(sel):
            ax.scatter(
                sel["position"],
                sel["value"],
                s=size,
                marker=marker,
                c=fill,
                edgecolors=OUTLINE[fill],
                linewidths=1.1,
                zorder=4,
                clip_on=False,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker=marker,
                    markersize=math.sqrt(size),
                    color=fill,
                    markeredgecolor=OUTLINE[fill],
                    label=POINT_WORDS[CHART_WORDS.audience][kind],
                )
            )

    floor, ceiling = measure.bounds(limits)
    low, high = ax.get_ylim()
    ax.set_ylim(max(low, floor), min(high, ceiling))
    _label_lines(ax, right, total, ceiling, stacked=layout != WIDE)
    _x_axis(ax, axis.ticks, total, layout.ticks)
    ax.set_ylabel(_unit_label(unit))
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=13, fontweight="bold", color=INK)
    noun = PERIOD_WORDS.get(axis.frequency, "figures").capitalize()
    if in_period:  # a running total's chart: the title names the total, the points are each period's own figure
        noun = f"Each {PERIOD_NOUN.get(axis.frequency, 'period')}'s own figure, not the running total"
    subtitle = f"{noun}, {DIRECTION_WORDS[result.improvement]}; dashed lines show the usual range"
    ax.set_title(subtitle, loc="left", fontsize=9.5, color=MUTED)
    if handles:
        foot.legend(
            handles=handles,
            loc="upper center",
            ncol=min(len(handles), 3) if layout == WIDE else 1,
            frameon=False,
            fontsize=9,
        )
    scale_texts(fig, layout)
    return figure_to_data_uri(fig)


def variation_icon(name: str | None, words: Words = INTERNAL, frequency: str = "monthly") -> str:
    """The variation icon as inline HTML: an SVG (shape, letter, colour, ``<title>``) and a visible label.

    >>> variation_icon("concern_low")[:60]
    '<span class="pmkit-spc-icon" data-icon="concern_low" style="'
    """
    if name is not None and name not in spc.VARIATIONS:
        raise ValueError(f"unknown variation icon {name!r}")
    label = words.variation(name, frequency)
    kind = "Latest figure" if words.public else "Variation"
    if name is None:
        return _icon(None, "square", GREY, "–", label, kind)
    kind, _, level = name.partition("_")
    letter = {"high": "H", "low": "L"}.get(level, "~")
    shape, colour = {
        "improvement": ("circle", BLUE),
        "concern": ("diamond", ORANGE),
        "neutral": ("hexagon", PURPLE),
    }.get(kind, ("square", GREY))
    return _icon(name, shape, colour, letter, label, kind)


def assurance_icon(name: str, words: Words = INTERNAL) -> str:
    """The assurance icon as inline HTML: an SVG (shape, letter, colour, ``<title>``) and a visible label.

    >>> "<title>Assurance: Will consistently miss the target</title>" in assurance_icon("consistent_fail")
    True
    """
    if name not in spc.ASSURANCES:
        raise ValueError(f"unknown assurance icon {name!r}")
    shape, colour, letter = {
        "consistent_pass": ("circle", BLUE, "P"),
        "consistent_fail": ("diamond", ORANGE, "F"),
        "inconsistent": ("square", GREY, "?"),
    }[name]
    return _icon(
        name, shape, colour, letter, words.assurance(name), "Meeting the target" if words.public else "Assurance"
    )


def _icon(name: str | None, shape: str, colour: str, letter: str, words: str, kind: str) -> str:
    return render(
        "spc_icon.html.j2",
        name=name,
        shape=shape,
        fill=colour if name else "#FFFFFF",
        outline=OUTLINE[colour],
        ink=("#FFFFFF" if colour == PURPLE else "#000000") if name else OUTLINE[colour],  # ≥ 4.5:1 against the fill
        letter=letter,
        words=words,
        kind=kind,
    )


def spc_icons(reading, words: Words = INTERNAL) -> str:
    """The SPC line of a KPI tile: variation icon, then the assurance icon, or the stale-limits notice
    in its place, and the reason when status and assurance seem to disagree."""
    return render("spc_icons.html.j2", **_icon_context(reading, words))


def _icon_context(reading, words: Words) -> dict:
    view = reading.spc
    context = {
        "variation": "",
        "assurance": "",
        "stale": "",
        "disagreement": "",
        "sentence": "",
        "as_of": "",
        "basis": "",
    }
    if view is None or view.result.n == 0:
        context["sentence"] = "" if words.public else "No data for SPC."
        return context
    if not reading.charted:
        context["sentence"] = "" if words.public else (too_few_points(view.result, words) or "")
        return context
    context["variation"] = Markup(variation_icon(reading.variation, words, reading.frequency))
    if reading.spc_label != reading.row["period"]:
        context["as_of"] = (
            f"The latest figure available is for {reading.spc_label}."
            if words.public
            else f"SPC as of {reading.spc_label}, the latest value."
        )
    if view.in_period:
        noun = PERIOD_NOUN.get(reading.frequency, "period")
        context["basis"] = f"{'Judged' if words.public else 'SPC'} on each {noun}'s own figure, not the running total."
    if reading.stale:
        context["stale"] = stale_notice(reading, words)
    elif reading.assurance:
        context["assurance"] = Markup(assurance_icon(reading.assurance, words))
    if reading.disagreement:
        last = within_bounds(view.result.points.tail(1), reading.info).iloc[-1]
        context["disagreement"] = words.disagreement(
            reading.disagreement,
            reading.row["rag"],
            reading.frequency,
            _limit(last, "lpl", reading.unit, reading.decimals, view.result),
            _limit(last, "upl", reading.unit, reading.decimals, view.result),
        )
    return context


def stale_notice(reading, words: Words = INTERNAL) -> str:
    """The sentence that replaces an assurance verdict when the limits are out of date."""
    shift = reading.shift
    return words.stale(shift.side, reading.rebase_label, shift.values, reading.frequency)


def spc_section(readings: Sequence, words: Words = INTERNAL) -> str:
    """One XmR chart per indicator, with its message, flagged points named by rule, and its data.

    The target is drawn as it was in each period (a step line) where the reading knows the
    history of targets, else today's target across the chart. A cumulative indicator's chart is
    on its in-period figures and says so; its target, for the running total, is not drawn.
    """
    items = []
    for reading in readings:
        view = reading.spc
        item = {"id": reading.indicator_id, "title": reading.title, "message": "", "chart": None}
        if view is None or view.result.n == 0:
            if words.public:
                continue
            item["message"] = "No values yet, so no chart."
        elif not reading.charted:
            if words.public:
                continue
            item["message"] = describe(view.result, view.labels, words)
        else:
            context = _icon_context(reading, words)
            stale = context["stale"]
            target = None if view.in_period else view.targets if view.targets is not None else view.target
            running = [in_period_note(reading, words)] if view.in_period else []
            uri, phone, alt = chart_pair(
                spc_chart,
                view.result,
                reading.title,
                unit=reading.unit,
                target=target,
                period_labels=view.labels,
                decimals=reading.decimals,
                words=words,
                stale=stale or None,
                info=reading.info,
                notes=running,
                in_period=view.in_period,
            )
            clipped = bounds_notes(within_bounds(view.result.points, reading.info), reading.info, reading.unit, words)
            item.update(
                message=describe(view.result, view.labels, words),
                stale=stale,
                disagreement=context["disagreement"],
                chart={"uri": uri, "phone": phone, "alt": alt},
                table=_data_table(reading, words),
                notes=running + clipped + chart_notes(view.result, view.labels),
            )
        items.append(item)
    return render("spc_section.html.j2", items=items, words=words) if items else ""


def in_period_note(reading, words: Words = INTERNAL) -> str:
    """What a cumulative indicator's chart is drawn on: each period's own figure, not the running total."""
    noun = PERIOD_NOUN.get(reading.frequency, "period")
    if words.public:
        return f"Drawn on each {noun}'s own figure, not the running total for the year."
    target = (
        " Its target is for the running total, so it is not drawn and gives no assurance verdict."
        if reading.has_target
        else ""
    )
    return (
        f"Drawn on each {noun}'s own figure (the difference between consecutive year-to-date figures), not the "
        f"running total, whose rise through each year is not variation.{target}"
    )


LIMIT_COLUMNS = ("lpl", "upl", "lower_two_sigma", "upper_two_sigma")


def within_bounds(points: pd.DataFrame, info: pd.Series | dict) -> pd.DataFrame:
    """The chart's points with the process limits and two-sigma lines held within the measure's bounds
    (`pmkit.io.measure.bounds`), and ``lpl_clipped``/``upl_clipped`` where a limit was moved to a bound.
    The SPC itself (`pmkit.judge.spc`) is unchanged: this is how the limits are drawn and stated."""
    out = points.copy()
    for column in LIMIT_COLUMNS:
        if column in out:
            raw = out[column].to_numpy(dtype="float64")
            out[column] = np.where(np.isfinite(raw), measure.clip(raw, info), raw)
    for column in ("lpl", "upl"):
        raw = points[column].to_numpy(dtype="float64")
        out[f"{column}_clipped"] = np.isfinite(raw) & (out[column].to_numpy(dtype="float64") != raw)
    return out


def bounds_notes(points: pd.DataFrame, info: pd.Series | dict, unit: str | None, words: Words = INTERNAL) -> list[str]:
    """The sentences that say a limit is drawn at the lowest or highest possible value (``points``
    from `within_bounds`), e.g. "The lower process limit would fall below 0, the lowest possible
    value, so it is drawn at 0."."""
    low, high = measure.bounds(info)
    lines = LIMIT_WORDS[words.audience]
    thing = "figure" if words.public else "value"
    how = "shown as" if words.public else "drawn at"
    said = []
    if len(points) and points["lpl_clipped"].any():
        said.append(
            f"The {lines['lpl']} would fall below {_bound(low, unit)}, the lowest possible {thing}, so it is "
            f"{how} {_bound(low, unit)}."
        )
    if len(points) and points["upl_clipped"].any():
        said.append(
            f"The {lines['upl']} would rise above {_bound(high, unit)}, the highest possible {thing}, so it is "
            f"{how} {_bound(high, unit)}."
        )
    return said


def _data_table(reading, words: Words) -> dict:
    view, lines = reading.spc, LINE_WORDS[words.audience]
    fmt = lambda v: "" if pd.isna(v) else format_value(v, reading.unit, reading.decimals)  # noqa: E731
    places = _line_decimals(view.result, reading.decimals)  # once for the table, not once per cell
    line = lambda v: "" if pd.isna(v) else _line(v, reading.unit, places, None)  # noqa: E731
    limit = lambda p, c: "" if pd.isna(p[c]) else _limit(p, c, reading.unit, places, None)  # noqa: E731
    running = view.figures if view.in_period else None
    rows = [
        [
            view.labels[int(p["position"])],
            fmt(p["value"]),
            *([fmt(running.get(view.labels[int(p["position"])]))] if running is not None else []),
            line(p["mean"]),
            limit(p, "lpl"),
            limit(p, "upl"),
            signal(p, view.result, words),
        ]
        for _, p in within_bounds(view.result.points, reading.info).iterrows()
    ]
    caption = f"{reading.title}: {'figures and usual range' if words.public else 'values and process limits'}"
    value = lines["value"]
    if running is not None:
        noun = PERIOD_NOUN.get(reading.frequency, "period")
        caption += f", each {noun}'s own figure and the year to date"
        value = f"{value} for the {noun}"
    columns = [
        "Period",
        value,
        *(["Year to date"] if running is not None else []),
        lines["mean"],
        lines["lpl"],
        lines["upl"],
        lines["signal"],
    ]
    return {"caption": caption, "columns": columns, "rows": rows}


def _is_high(kind: str, improvement: str) -> bool:
    if kind.startswith("neutral"):
        return kind.endswith("high")
    return (kind == "improvement") == (improvement == "increase")


def _trailing(mask: np.ndarray) -> int:
    """How many of the last elements are true in a row."""
    false = np.flatnonzero(~mask)
    return len(mask) - (false[-1] + 1 if len(false) else 0)


def _reason(result: XmRResult, rule: str, high: bool, axis: _Axis, words: Words) -> str:
    pts = result.points
    if rule == "outside":
        if words.public:
            return f"the latest figure is {'above' if high else 'below'} its usual range"
        return f"the latest value is {'above the upper' if high else 'below the lower'} process limit"
    if rule == "two_in_three":
        if words.public:
            return f"two of the last three figures are close to the {'top' if high else 'bottom'} of the usual range"
        return f"two of the last three values are close to the {'upper' if high else 'lower'} process limit"
    same = (pts["point_type"] == pts["point_type"].iloc[-1]).to_numpy()
    if not result.options.rules.runs_cross_sections:
        same &= (pts["section"] == pts["section"].iloc[-1]).to_numpy()
    values = pts["value"].to_numpy()
    if rule == "shift":
        side = np.sign(values - pts["mean"].to_numpy()) == (1 if high else -1)
        k = _trailing(same & side)
        what = f"{'above' if high else 'below'} the {'average' if words.public else 'mean'}"
        if words.public:
            what = f"in a row {what}"
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
    frequency: str | None = None

    def name(self, position: int) -> str:
        return self.ticks[position] if self.named else f"point {position + 1}"


def _axis(period_labels: Sequence[str] | None, total: int) -> _Axis:
    if period_labels is None:
        return _Axis([str(i + 1) for i in range(total)], False, "points")
    if len(period_labels) != total:
        raise ValueError(f"period_labels has {len(period_labels)} labels for {total} values (missing ones included)")
    parsed = periods.try_parse(period_labels[-1]) if total else None
    if parsed is None:
        return _Axis([str(label) for label in period_labels], True, "points")
    return _Axis([str(label) for label in period_labels], True, PERIOD_WORDS[parsed.frequency], parsed.frequency)


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
        notes.append(f"{plural(result.dropped, 'missing value')} left out ({missing}).")
    if result.options.fix_after_n_points:
        notes.append(f"Limits fixed from the first {result.options.fix_after_n_points} values of each section.")
    return notes


def _fmt(value: float, unit: str | None, decimals: int | None = None) -> str:
    return format_value(value, unit, decimals, missing="n/a")


def _line(value: float, unit: str | None, decimals: int | None, result: XmRResult | None) -> str:
    """A mean or limit at the values' own decimals, or at as many more (up to three) as it takes for
    no value beyond a limit of ``result`` to read as equal to it (``result`` None: ``decimals`` are
    already those, from `_line_decimals`)."""
    return _fmt(value, unit, decimals if result is None else _line_decimals(result, decimals))


def _line_decimals(result: XmRResult, decimals: int | None) -> int | None:
    if decimals is None:
        return None
    pts = result.points
    pairs = [
        (v, lim)
        for limit, beyond in (("upl", pts["value"] > pts["upl"]), ("lpl", pts["value"] < pts["lpl"]))
        for v, lim in zip(pts.loc[beyond, "value"], pts.loc[beyond, limit])
    ]
    places = decimals
    while places < decimals + 3 and any(_fmt(v, None, places) == _fmt(lim, None, places) for v, lim in pairs):
        places += 1
    return places


def _bound(value: float, unit: str | None) -> str:
    """The lowest or highest possible value, as plainly as it is: ``0``, ``100%``."""
    return format_value(value, unit, 0 if float(value).is_integer() else None)


def _limit(row: pd.Series, column: str, unit: str | None, decimals: int | None, result: XmRResult | None) -> str:
    """A process limit of a `within_bounds` row: at the bound, the bound as it is (``0``), else as `_line`."""
    if row.get(f"{column}_clipped", False):
        return _bound(row[column], unit)
    return _line(row[column], unit, decimals, result)


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
            ax.annotate(
                "Range recalculated",
                (x0 - 0.4, 1.0),
                xycoords=("data", "axes fraction"),
                va="top",
                ha="left",
                fontsize=8,
                color=MUTED,
            )


def _label_lines(
    ax, items: list[tuple[float, str, str]], total: int, ceiling: float = math.inf, stacked: bool = False
) -> None:
    """Name each line at the right-hand end, nudging labels apart so none overlap (the axis never rising
    above ``ceiling``, the highest possible value, beyond where it already reaches); ``stacked`` puts each
    label's figure under its name, for a narrow chart."""
    if not items:
        return
    if stacked:
        items = [
            (
                y,
                text.replace(" ", "\n", 1)
                if text.count(" ") == 1
                else text.rsplit(" ", 1)[0] + "\n" + text.rsplit(" ", 1)[1],
                colour,
            )
            for y, text, colour in items
        ]
    low, high = ax.get_ylim()
    gap = (high - low) * (0.17 if stacked else 0.065)
    items = sorted(items)
    ys = [items[0][0]]
    for y, _, _ in items[1:]:
        ys.append(max(y, ys[-1] + gap))
    for y, (_, text, colour) in zip(ys, items):
        ax.annotate(
            text,
            (total - 0.5, y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=9,
            color=colour,
            annotation_clip=False,
        )
    ax.set_ylim(low, max(high, min(ys[-1] + gap / 2, ceiling)))


def _x_axis(ax, labels: list[str], total: int, most: int = 12) -> None:
    """At most about ``most`` tick labels, slanted when they are long."""
    ticks = list(range(0, total, max(1, math.ceil(total / most))))
    slant = max(map(len, labels), default=0) > 4
    ax.set_xticks(
        ticks, [labels[i] for i in ticks], rotation=45 if slant else 0, ha="right" if slant else "center", fontsize=9
    )
    ax.set_xlim(-0.6, total - 0.4)


def _alt_text(
    result: XmRResult,
    pts: pd.DataFrame,
    title: str,
    unit: str | None,
    decimals: int | None,
    axis: _Axis,
    period_labels: Sequence[str] | None,
    words: Words,
    stale: str | None,
    targets: np.ndarray,
    said: Sequence[str],
) -> str:
    if not len(pts):
        return f"{title}: no data to chart."
    first, last = pts.iloc[0], pts.iloc[-1]
    span = f", {axis.name(int(first['position']))} to {axis.name(int(last['position']))}" if axis.named else ""
    word = axis.word if result.n != 1 else axis.word.removesuffix("s")
    kind = "chart" if words.public else "XmR chart"
    parts = [f"{title}: {kind} of {result.n} {word}{span}.", describe(result, period_labels, words)]
    frequency = axis.frequency or "monthly"
    if result.variation:
        parts.append(
            f"Variation icon: {words.variation(result.variation, frequency).lower()}."
            if not words.public
            else f"{words.variation(result.variation, frequency)}."
        )
    if stale:
        parts.append(stale)
    elif result.assurance:
        parts.append(
            f"Assurance icon: {words.assurance(result.assurance).lower()}."
            if not words.public
            else f"{words.assurance(result.assurance)}."
        )
    lines = LINE_WORDS[words.audience]
    limits = (
        f", {'usual range' if words.public else 'process limits'} {_limit(last, 'lpl', unit, decimals, result)} to "
        f"{_limit(last, 'upl', unit, decimals, result)}"
        if np.isfinite(last["upl"])
        else ""
    )
    parts.append(
        f"Latest {lines['value'].lower()} {_fmt(last['value'], unit, decimals)} ({axis.name(int(last['position']))}); "
        f"{lines['mean'].lower()} {_line(last['mean'], unit, decimals, result)}{limits}."
    )
    known = np.flatnonzero(np.isfinite(targets))
    if len(known):
        parts.append(f"Target {_fmt(targets[known[-1]], unit, decimals)}.")
        steps = [
            f"from {_fmt(targets[a], unit, decimals)} to {_fmt(targets[b], unit, decimals)} in {axis.name(int(b))}"
            for a, b in zip(known[:-1], known[1:])
            if targets[a] != targets[b]
        ]
        if len(steps) > MAX_STEPS_SAID:
            parts.append(
                f"The target line steps where the target changed, {len(steps)} times, from "
                f"{_fmt(targets[known[0]], unit, decimals)} in {axis.name(int(known[0]))}."
            )
        elif steps:
            parts.append(f"The target line steps where the target changed: {'; '.join(steps)}.")
    parts.extend(said)
    parts.extend(_notes(result, axis))
    return " ".join(parts)


__all__ = [
    "describe",
    "too_few_points",
    "spc_chart",
    "chart_notes",
    "variation_icon",
    "assurance_icon",
    "signal",
    "spc_icons",
    "spc_section",
    "stale_notice",
    "in_period_note",
    "within_bounds",
    "bounds_notes",
    "BLUE",
    "ORANGE",
    "PURPLE",
    "GREY",
    "PERIOD_NOUN",
]
