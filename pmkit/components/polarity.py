"""Words that judge a figure or a target by the measure's polarity, in one place.

"Above" and "below" say where a figure is; whether that is better or worse depends on the
measure: above target is worse for waiting times and better for collection rates. A target that
rises is tighter for a higher-is-better measure and easier ("eased") for a lower-is-better one.
Every sentence that judges a figure against its target, or a change of target, takes its words
from here.

>>> against_target(158, 120, "lower_is_better")
'above its target (worse)'
>>> against_target(96.0, 95.0, "higher_is_better", shown="95.0%")
'above its target of 95.0% (better)'
>>> target_change(193, 283, "lower_is_better", "days", 0)
'target eased from 193 to 283 days'
>>> target_change(90, 95, "higher_is_better", "percent", 0)
'target tightened from 90% to 95%'
"""

from __future__ import annotations

from pmkit.io.units import SUFFIXED, format_value
from pmkit.judge.tolerance import slack


def side(value: float, target: float) -> str:
    """Where a figure lies against a line: ``above``, ``below`` or ``on`` (equal within float noise)."""
    gap = float(value) - float(target)
    if abs(gap) <= float(slack(float(target))):
        return "on"
    return "above" if gap > 0 else "below"


def better_or_worse(value: float, reference: float, polarity: str) -> str | None:
    """``better`` or ``worse`` for ``value`` against ``reference`` by the polarity; None when neither
    (equal, or a measure with no preferred direction)."""
    where = side(value, reference)
    if where == "on" or polarity not in ("higher_is_better", "lower_is_better"):
        return None
    return "better" if (where == "above") == (polarity == "higher_is_better") else "worse"


def against_target(value: float, target: float, polarity: str, shown: str | None = None) -> str:
    """Where a figure stands against its target, judged: ``above its target (worse)`` for a
    lower-is-better measure, ``below its target of 95.0% (worse)`` when ``shown`` gives the target."""
    where = side(value, target)
    of = f" of {shown}" if shown else ""
    if where == "on":
        return f"on its target{of}"
    judged = better_or_worse(value, target, polarity)
    return f"{where} its target{of}" + (f" ({judged})" if judged else "")


def target_verb(old: float, new: float, polarity: str) -> str:
    """How a target changed: ``tightened`` or ``eased`` (harder or easier to meet), ``raised`` or
    ``lowered`` for a measure with no preferred direction, ``kept`` when unchanged."""
    judged = better_or_worse(new, old, polarity)
    if judged is not None:
        return "tightened" if judged == "better" else "eased"
    where = side(new, old)
    return {"above": "raised", "below": "lowered", "on": "kept"}[where]


def target_change(
    old: float,
    new: float,
    polarity: str,
    unit: str | None,
    decimals: float | None,
    periods: tuple[str, str] | None = None,
) -> str:
    """``target eased from 193 to 283 days``, ``target tightened from 90.0% to 95.0%``; with
    ``periods``, ``target eased from 92.0% in 2023/24 to 89.0% in 2024/25``."""
    verb = target_verb(old, new, polarity)
    before, after = format_value(old, unit, decimals), format_value(new, unit, decimals)
    if verb == "kept":
        return f"target kept at {after}" + (f" in {periods[1]}" if periods else "")
    if periods:
        return f"target {verb} from {before} in {periods[0]} to {after} in {periods[1]}"
    if unit in SUFFIXED:  # "from 193 to 283 days"
        before = before.removesuffix(f" {unit}")
    return f"target {verb} from {before} to {after}"
