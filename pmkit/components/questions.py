"""Questions the committee may wish to ask, and the data's limitations, for a deep dive.

Each question is generated from one finding (`pmkit.judge.findings`) and cites it: the finding is
stated with its figures, then the question follows. Nothing is asked that the data does not raise.

>>> questions_block(found, readings, words_for("internal"))   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pmkit.components.polarity import against_target, target_change
from pmkit.components.templating import plural, render
from pmkit.components.words import PERIOD_NOUN, Words
from pmkit.io.units import format_value
from pmkit.judge.findings import Finding
from pmkit.judge.reading import Reading

# The question each kind of finding raises, (internal, public) where the audiences' words differ.
QUESTIONS = {
    "below_target": (
        "What is the recovery plan, what does it cost, and when will the indicator be back on target?",
        "What is being done to bring it back to target, and by when?",
    ),
    "green_bottom_quartile": (
        "Is the target ambitious enough? What do the best-performing similar councils do differently?",
        "Is the target ambitious enough, given how similar councils do?",
    ),
    "special_cause": "What changed then, and what is being done about it?",  # a special cause of concern
}


def ask(finding: Finding, reading: Reading | None, words: Words) -> tuple[str, str]:
    """(what the data shows, the question it raises) for one finding."""
    f = finding.facts
    fmt = (lambda v: format_value(v, reading.unit, reading.decimals)) if reading is not None else str  # noqa: E731
    title = reading.title if reading is not None else ""
    noun = PERIOD_NOUN.get(reading.frequency, "period") if reading is not None else "period"
    plain = words.public
    polarity = str(reading.info["polarity"]) if reading is not None else "neutral"
    if finding.kind == "below_target":
        where = against_target(f["value"], f["target"], polarity)
        said = (
            f"{title} has been {where} for {plural(f['periods'], noun)} in a row, since {f['since']}: "
            f"{fmt(f['value'])} in {f['latest']} against a target of {fmt(f['target'])}."
        )
        asked = QUESTIONS["below_target"][plain]
    elif finding.kind == "green_bottom_quartile":
        said = (
            f"{title} met its target ({fmt(f['value'])} against {fmt(f['target'])} in {f['period']}) but ranks "
            f"{f['rank']} of {f['councils']} similar councils, whose middle figure is {fmt(f['median'])}."
        )
        asked = QUESTIONS["green_bottom_quartile"][plain]
    elif finding.kind == "special_cause":
        good = f["type"] == "improvement"
        what = (
            ("better" if good else "worse") + " than usual"
            if plain
            else f"a special cause of {f['type'].replace('_', ' ')}"
        )
        said = (
            f"{title} has been {what} since {f['since']} ({plural(f['values'], noun)} to "
            f"{f['latest']}; the latest {RULE_WORDS[words.audience][f['rule']]})."
        )
        asked = QUESTIONS["special_cause"] if not good else "What changed then, and will the improvement last?"
    elif finding.kind == "stale_limits":
        level = "higher" if f["side"] == "above" else "lower"
        said = (
            f"{title} has stayed {level} than its earlier average for {plural(f['values'], noun)}, since {f['since']}."
            if plain
            else f"{title} shows a sustained shift since {f['since']} ({plural(f['values'], noun)} {f['side']} the mean) that "
            "its chart does not yet allow for, so its process limits describe the old process."
        )
        asked = (
            "Did the service change then, and is the new level the one we should expect from now on?"
            if plain
            else f"Did the service or the way it is counted change in {f['since']}? If so, should the limits be "
            "recalculated from then?"
        )
    elif finding.kind == "target_eased":
        change = target_change(
            f["from"], f["to"], polarity, reading.unit, reading.decimals, (f["from_period"], f["to_period"])
        )
        said = f"{title}: {change}."
        asked = "Why was the target eased, and who agreed it?"
    elif finding.kind == "target_beyond_peers":
        said = (
            f"The target for {title} ({fmt(f['target'])}) is better than every similar council's figure for "
            f"{f['period']}: the best of the {f['councils']} is {f['best_name']} with {fmt(f['best'])}."
        )
        asked = "Is the target realistic, and what would it take to reach it that no similar council has done?"
    elif finding.kind == "target_below_own":
        said = (
            f"The target for {title} ({fmt(f['target'])}) is easier than the council's own figure "
            f"({fmt(f['value'])} in {f['period']}), so it is met without any improvement."
        )
        asked = "Why is the target easier than what the service already achieves, and who agreed it?"
    elif finding.kind == "provisional":
        listed = ", ".join(f["periods"])
        said = f"{title}: the figures for {listed} are provisional and may change."
        asked = "When will the final figures be known, and how much have provisional figures changed in the past?"
    elif finding.kind == "theme_rising":
        said = (
            f"Complaints about {f['theme'].lower()} rose from {f['previous']} in {f['previous_period']} to "
            f"{f['count']} in {f['period']} ({f['change_pct']:+.0%})."
        )
        asked = "What are residents telling the service, and what has changed as a result?"
    else:
        raise ValueError(f"unknown finding {finding.kind!r}")
    return said, asked


RULE_WORDS = {
    "internal": {
        "outside": "beyond the process limits",
        "trend": "part of a run of rising or falling values",
        "shift": "part of a run of values on one side of the mean",
        "two_in_three": "one of two in three values close to a process limit",
    },
    "public": {
        "outside": "outside its usual range",
        "trend": "part of a run of rising or falling figures",
        "shift": "part of a run of figures on one side of the average",
        "two_in_three": "one of two in three figures close to the edge of the usual range",
    },
}


def questions_block(findings: Iterable[Finding], readings: dict[str, Reading], words: Words) -> str:
    """The numbered questions, each with the finding it comes from."""
    items = [ask(f, readings.get(f.indicator_id) if f.indicator_id else None, words) for f in findings]
    return render("questions.html.j2", items=items, words=words)


def limitations(
    readings: Iterable[Reading], history: dict[str, pd.DataFrame], breakdowns: pd.DataFrame, words: Words
) -> list[str]:
    """What a reader should know before relying on the figures, indicator by indicator."""
    out = []
    for r in readings:
        view = r.spc
        if view is None or view.result.n == 0:
            out.append(f"{r.title}: no values yet.")
            continue
        if not view.result.enough_points:
            out.append(
                f"{r.title}: only {plural(view.result.n, 'value')}, too few to tell usual from unusual variation reliably."
            )
        mine = history.get(r.indicator_id, pd.DataFrame())
        gaps = mine[mine["value"].isna()]["period"].tolist() if len(mine) else []
        if gaps:
            out.append(f"{r.title}: no figure for {', '.join(gaps)}.")
        if r.peers is not None and r.peers.n_peers < 8:
            out.append(f"{r.title}: only {r.peers.n_peers} similar councils have figures for {r.peers.period}.")
        elif r.peers is None and str(r.info.get("benchmark_metric") or ""):
            out.append(
                f"{r.title}: no comparison with similar councils for {r.row['period']} yet (their figures come later)."
            )
        small = breakdowns[(breakdowns["indicator_id"] == r.indicator_id) & (breakdowns["denominator"] < 20)]
        if len(small):
            out.append(
                f"{r.title}: {len(small)} of its breakdown figures {'rests' if len(small) == 1 else 'rest'} on fewer "
                f"than 20 cases, so {'it varies' if len(small) == 1 else 'they vary'} a lot by chance."
            )
        source = str(r.info.get("data_source") or "")
        if source and not words.public:
            out.append(f"{r.title}: source: {source}.")
    return out


def limitations_block(items: list[str]) -> str:
    return render("limitations.html.j2", items=items)
