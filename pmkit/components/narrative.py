"""The headline narrative: what improved, what declined and what needs attention, in sentences
built from the status table, each stating its figures.

No sentence is written that the figures do not support, and none without figures: a category
with nothing in it (no indicator declined, say) is left out rather than padded. "Improved" and
"Declined" hold only news (`Reading.news`): a change larger than the indicator usually moves from
one period to the next, or an SPC signal, never one hidden by rounding, and never an "improvement"
of a figure the chart calls worse than usual (that one is named under special cause). Lists name at
most three indicators and say how many more there are, those more listed in full one click away (a
drill-down under the sentence): the largest changes first (measured against each indicator's usual
variation, so that a small count moving from 1 to 0 does not outrank a real shift), the largest
shortfalls from target first.

>>> [s.text for s in headlines(readings.values(), words_for("internal"))][0]   # doctest: +SKIP
'Of the 11 indicators, 9 were judged against a target: 4 on target, 3 near target and 2 off target.'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from pmkit.components.benchmark_chart import group_words
from pmkit.components.spc_chart import describe
from pmkit.components.templating import definite, render
from pmkit.components.words import Words
from pmkit.io.units import format_value
from pmkit.judge.reading import Reading

LISTED = 3  # indicators named per sentence before "and N more"
UNJUDGED = {
    "no_data": "with no data",
    "no_target": "with no target",
    "not_judged": "with no preferred direction",
    "suspended": "in a period not judged against target",
}


@dataclass(frozen=True)
class Sentence:
    """One generated sentence and what it is about (``overview``, ``improved``, ``declined``,
    ``off_target``, ``concern``, ``missing``, ``benchmark``)."""

    kind: str
    text: str
    more: tuple[str, ...] = ()  # what "and N more" stands for, listed behind a drill-down


def headlines(readings: Iterable[Reading], words: Words) -> list[Sentence]:
    """The headline sentences for a set of indicators, in reading order."""
    readings = list(readings)
    if not readings:
        return []
    out = [Sentence("overview", _overview(readings, words))]
    for kind in ("improved", "declined"):
        moved = sorted((r for r in readings if r.news() == kind), key=lambda r: r.change_size(), reverse=True)
        if moved:
            label = {"improved": ("Improved", "Getting better"), "declined": ("Declined", "Getting worse")}[kind][
                words.public
            ]
            out.append(_sentence(kind, label, [_change_phrase(r) for r in moved]))
    red = sorted((r for r in readings if r.row["rag"] == "red"), key=_shortfall, reverse=True)
    if red:
        label = "Missed target" if words.public else "Off target"
        out.append(_sentence("off_target", label, [_target_phrase(r) for r in red], "; "))
    concern = [r for r in readings if "spc_concern" in r.row["exceptions"] and r.spc is not None]
    if concern:
        label = "Unusually poor results" if words.public else "Special cause of concern"
        phrases = [f"{r.title} ({_reason_only(describe(r.spc.result, r.spc.labels, words))})" for r in concern]
        out.append(_sentence("concern", label, phrases, "; "))
    missing = [r for r in readings if r.row["rag"] == "no_data"]
    if missing:
        label = "No figure yet" if words.public else "No data supplied"
        phrases = [f"{r.title} ({r.row['period']})" for r in missing]
        out.append(_sentence("missing", label, phrases, "; "))
    benchmarked = [r for r in readings if r.peers is not None]
    if benchmarked:
        out.append(Sentence("benchmark", _benchmark_sentence(benchmarked, words)))
    return out


def _sentence(kind: str, label: str, phrases: list[str], separator: str = ", ") -> Sentence:
    """``Label: A, B, C and 2 more.``, with the two listed in full for the drill-down."""
    return Sentence(kind, f"{label}: {_listed(phrases, separator)}.", tuple(phrases[LISTED:]))


def headline_block(readings: Iterable[Reading], words: Words, kinds: Iterable[str] | None = None) -> str:
    """The headline sentences as a list (only those of ``kinds`` when given)."""
    chosen = None if kinds is None else set(kinds)
    return render(
        "narrative.html.j2", sentences=[s for s in headlines(readings, words) if chosen is None or s.kind in chosen]
    )


def _benchmark_sentence(benchmarked: list[Reading], words: Words) -> str:
    """How many are in the best and the worst quarter of their comparator group."""
    top = sum(int(r.row["quartile"]) == 1 for r in benchmarked)
    bottom = sum(int(r.row["quartile"]) == 4 for r in benchmarked)
    if words.public:
        best, worst = f"among the {words.quarter(1)}", f"among the {words.quarter(4)}"
        neither = f"neither among the {words.quarter(1)} nor the {words.quarter(4)}"
        compared = "compared with similar councils"
    else:
        best, worst, neither = (
            "in the top quartile",
            "in the bottom quartile",
            "in neither the top nor the bottom quartile",
        )
        compared = f"benchmarked against {group_words(benchmarked[0].peers.group)}"
    if len(benchmarked) == 1:
        return f"The {words.indicator} {compared} is {best if top else worst if bottom else neither}."
    verb = "is" if top == 1 else "are"
    return f"Of {definite(len(benchmarked), words.indicator)} {compared}, {top} {verb} {best} and {bottom} {worst}."


def _overview(readings: list[Reading], words: Words) -> str:
    rags = [r.row["rag"] for r in readings]
    judged = [rag for rag in rags if rag in ("green", "amber", "red")]
    n, j = len(readings), len(judged)
    green, amber, red = (judged.count(c) for c in ("green", "amber", "red"))
    checked = "could be checked" if words.public else "was judged" if j == 1 else "were judged"
    if n == 1:  # "the indicator", not "of the 1 indicator, 1 was"
        said = {
            "green": ("was on target", "met its target"),
            "amber": ("was near target", "came close to its target"),
            "red": ("was off target", "missed its target"),
        }
        text = (
            f"The {words.indicator} {said[judged[0]][words.public]}."
            if j
            else f"The {words.indicator} could not be {'checked' if words.public else 'judged'} against a target this period."
        )
    elif words.public:
        text = (
            (
                f"Of {definite(n, 'measure')}, {j} {checked} against a target: "
                f"{green} met it, {amber} came close and {red} missed it."
            )
            if j
            else f"None of {definite(n, 'measure')} could be checked against a target this period."
        )
    else:
        text = (
            (
                f"Of {definite(n, 'indicator')}, {j} {checked} against a target: "
                f"{green} on target, {amber} near target and {red} off target."
            )
            if j
            else f"None of {definite(n, 'indicator')} could be judged against a target this period."
        )
    rest = [(code, rags.count(code)) for code in UNJUDGED if rags.count(code)]
    if rest and j:
        text += (
            f" {'Not checked' if words.public else 'Not judged'}: "
            + _listed([f"{count} {UNJUDGED[code]}" for code, count in rest])
            + "."
        )
    return text


def _shortfall(r: Reading) -> float:
    target = float(r.row["target"])
    return abs(float(r.row["value"]) - target) / abs(target) if target else np.inf


def _fmt(r: Reading, value: float) -> str:
    return format_value(value, r.unit, r.decimals)


def _change_phrase(r: Reading) -> str:
    which = r.headline_dot
    return f"{r.title} ({_fmt(r, r.compared_value(which))} in {r.compared_label(which)} to {_fmt(r, r.row['value'])} in {r.row['period']})"


def _target_phrase(r: Reading) -> str:
    return f"{r.title} at {_fmt(r, r.row['value'])} against a target of {_fmt(r, r.row['target'])}"


def _listed(items: list[str], separator: str = ", ") -> str:
    """``A, B and C``; beyond three, ``A, B, C and 4 more``."""
    shown, more = items[:LISTED], len(items) - LISTED
    last = "; and " if separator == "; " and len(items) > 2 else " and "
    if more > 0:
        return separator.join(shown) + f"{last}{more} more"
    return shown[0] if len(shown) == 1 else separator.join(shown[:-1]) + last + shown[-1]


def _reason_only(message: str) -> str:
    """``Special cause of concern: 7 quarters below the mean since X.`` -> ``7 quarters below the mean since X``."""
    return message.split(": ", 1)[-1].rstrip(".")
