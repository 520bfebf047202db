"""Targets in the open: how an indicator's target changed, and, for members and officers, a target
worth questioning (better than every similar council, or easier than the council's own figure).

A tile's drill-down and the annual report's year-end table say each change of target in the last
three financial years, eased or tightened by the indicator's polarity: a lower target is easier
when higher is better, a higher one when lower is better. A deep dive's targets part (`target_block`)
lists every target of the indicator and says each year whose target was eased.

>>> history = pd.DataFrame({"period": ["2023/24", "2024/25"], "target": [99.5, 97.7], "frequency": "annual"})
>>> target_changes(history, "2025/26 Q2", "higher_is_better")
[('eased', 99.5, 97.7, '2024/25')]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pmkit.components.questions import ask
from pmkit.components.templating import render
from pmkit.components.words import Words
from pmkit.io import measure, periods
from pmkit.io.units import format_value
from pmkit.judge import findings
from pmkit.judge.reading import Reading


def change_word(before: float, after: float, polarity: str) -> str:
    """``eased`` (easier to meet), ``tightened`` (harder) or, with no preferred direction, ``changed``.

    >>> change_word(193, 283, "lower_is_better"), change_word(90, 95, "higher_is_better"), change_word(1, 2, "neutral")
    ('eased', 'tightened', 'changed')
    """
    if polarity not in ("higher_is_better", "lower_is_better") or before == after:
        return "changed"
    easier = after < before if polarity == "higher_is_better" else after > before
    return "eased" if easier else "tightened"


def target_changes(
    history: pd.DataFrame, period: str, polarity: str, years: int = findings.RECENT_YEARS
) -> list[tuple[str, float, float, str]]:
    """(``eased``/``tightened``/``changed``, from, to, the period it took effect) for each change of
    target in the ``years`` financial years up to ``period``, oldest first. ``history`` is
    `pmkit.io.measure.target_history`'s: whole-year targets are compared year on year where there are
    any, else the targets of each period in turn."""
    if history is None or history.empty:
        return []
    rows = history[history["frequency"] == "annual"] if (history["frequency"] == "annual").any() else history
    judged = periods.parse(period)
    since = judged.year.shift(1 - years).start
    found = []
    for before, after in zip(rows.itertuples(), rows.iloc[1:].itertuples()):
        start = periods.parse(after.period).start
        if after.target != before.target and since <= start <= judged.start:
            found.append(
                (
                    change_word(before.target, after.target, polarity),
                    float(before.target),
                    float(after.target),
                    str(after.period),
                )
            )
    return found


def change_sentences(reading: Reading, years: int = findings.RECENT_YEARS) -> list[str]:
    """Each change of the reading's target in the ``years`` financial years up to its period, e.g.
    "Target eased from 99.5% to 97.7% in 2024/25."."""
    if reading.targets is None:
        return []
    fmt = lambda v: format_value(v, reading.unit, reading.decimals)  # noqa: E731
    changes = target_changes(reading.targets, reading.row["period"], str(reading.info["polarity"]), years)
    return [f"Target {word} from {fmt(before)} to {fmt(after)} in {when}." for word, before, after, when in changes]


def target_notes(reading: Reading, words: Words) -> str:
    """The tile drill-down's words on the target: its recent changes and, on internal pages, a target
    better than every similar council's figure or easier than the council's own."""
    said = change_sentences(reading)
    if reading.has_target and measure.flag(reading.info, "zero_tolerance"):
        said.append("Any figure worse than the target is off target, never near it: it is a limit, not an aim.")
    if not words.public:
        found = (findings.target_beyond_peers(reading), findings.target_below_own(reading))
        said += [ask(f, reading, words)[0] for f in found if f is not None]
    return " ".join(said)


MAX_STEPS_SAID = 5  # more changes of target than this are summarised in alt text


def target_line_words(labels: Sequence[str], steps: Sequence[float], unit: str, decimals: int | None) -> str:
    """How a chart's dashed target line reads, for its alt text: one target, or the target as it was.

    >>> target_line_words(["2023/24", "2024/25"], [99.5, 97.7], "percent", 1)
    '; dashed line shows the target as it was: 99.5% from 2023/24, 97.7% from 2024/25'
    """
    known = [(label, float(t)) for label, t in zip(labels, steps) if not np.isnan(t)]
    if not known:
        return ""
    fmt = lambda v: format_value(v, unit, decimals)  # noqa: E731
    changed = [known[0]] + [(label, t) for (_, before), (label, t) in zip(known, known[1:]) if t != before]
    if len(changed) == 1:
        return f"; dashed line shows the target of {fmt(known[-1][1])}"
    if len(changed) > MAX_STEPS_SAID:  # a year-to-date or monthly target: say where it starts and ends
        return (
            f"; dashed line shows the target as it was in each period, from {fmt(known[0][1])} in {known[0][0]} "
            f"to {fmt(known[-1][1])} in {known[-1][0]}"
        )
    return "; dashed line shows the target as it was: " + ", ".join(f"{fmt(t)} from {label}" for label, t in changed)


def target_block(reading: Reading, targets: pd.DataFrame, words: Words) -> str:
    """A deep dive's targets part: the indicator's targets period by period, and each year whose target was eased."""
    history = measure.target_history(targets, reading.indicator_id)
    eased = findings.target_eased(history, reading.indicator_id, str(reading.info["polarity"]))
    rows = [[p, format_value(t, reading.unit, reading.decimals)] for p, t in zip(history["period"], history["target"])]
    said = [ask(f, reading, words)[0] for f in eased]
    return render("target_history.html.j2", rows=rows, said=said, title=reading.title, words=words)
